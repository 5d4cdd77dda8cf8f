// outpostctl ivr train / eval / classify as an admin runs them, and the refusals.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ctl/ctl_run.h"
#include "source_tree.h"

namespace {
namespace fs = std::filesystem;

using outpost::itest::ctl;
using outpost::itest::CtlRun;

class IvrCtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("outpost-ivrctl-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    data_ = outpost::source_tree::sourcePath("models/ivr/");
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }

  fs::path root_;
  std::string data_;
};

TEST_F(IvrCtlTest, TrainThenEvaluateTheShippedModel) {
  CtlRun t = ctl("ivr train --data " + data_ + "bank.train.tsv --out " + p("bank.model"));
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_NE(t.output.find("24 intents"), std::string::npos) << t.output;

  CtlRun e = ctl("ivr eval --model " + p("bank.model") + " --data " + data_ + "bank.test.tsv");
  ASSERT_EQ(e.code, 0) << e.output;
  for (const char* part : {"accuracy", "macro-F1", "fallback rate", "precision", "confusion matrix", "card_lost"}) {
    EXPECT_NE(e.output.find(part), std::string::npos) << part << "\n" << e.output;
  }
  CtlRun j = ctl("ivr eval --json --model " + p("bank.model") + " --data " + data_ + "bank.test.tsv");
  ASSERT_EQ(j.code, 0) << j.output;
  EXPECT_EQ(j.output.front(), '{');
  EXPECT_NE(j.output.find("\"accuracy\":0.9"), std::string::npos) << j.output;
  EXPECT_NE(j.output.find("\"macro_f1\":"), std::string::npos);

  CtlRun c = ctl("ivr classify --model " + p("bank.model") + " --text '我的银行卡丢了'");
  ASSERT_EQ(c.code, 0) << c.output;
  EXPECT_EQ(c.output.rfind("card_lost ", 0), 0u) << c.output;
}

TEST_F(IvrCtlTest, CrossValidation) {
  std::ofstream f(p("small.tsv"));
  for (int i = 0; i < 6; ++i) {
    f << "balance_inquiry\t查余额" << i << "\nbalance_inquiry\tcheck balance " << i << "\n";
    f << "card_lost\t卡丢了" << i << "\ncard_lost\tlost card " << i << "\n";
  }
  f.close();
  CtlRun r = ctl("ivr eval --data " + p("small.tsv") + " --folds 3 --json");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("\"folds\":3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"total\":24"), std::string::npos) << r.output;
  EXPECT_EQ(ctl("ivr eval --data " + p("small.tsv") + " --folds 1").code, 1);
}

TEST_F(IvrCtlTest, RefusalsNameTheProblem) {
  std::ofstream(p("bad.tsv")) << "goodbye\tbye\nno tab here\n";
  CtlRun bad = ctl("ivr train --data " + p("bad.tsv") + " --out " + p("m"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("bad.tsv:2"), std::string::npos) << bad.output;

  std::ofstream(p("not-a-model")) << "hello";
  CtlRun nm = ctl("ivr eval --model " + p("not-a-model") + " --data " + data_ + "bank.test.tsv");
  EXPECT_EQ(nm.code, 1);
  EXPECT_NE(nm.output.find("not an Outpost intent model"), std::string::npos) << nm.output;

  EXPECT_EQ(ctl("ivr train --data " + p("bad.tsv")).code, 1);  // --out missing
  CtlRun unknown = ctl("ivr train --data x --out y --speed 3");
  EXPECT_NE(unknown.output.find("--speed"), std::string::npos) << unknown.output;
  CtlRun threshold = ctl("ivr train --data x --out y --threshold 2");
  EXPECT_NE(threshold.output.find("--threshold"), std::string::npos) << threshold.output;
}

}  // namespace
