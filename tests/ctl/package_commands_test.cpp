// outpostctl keys generate → package seal → sign → verify, and the refusals an admin
// sees when something is wrong.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "ctl/ctl_run.h"

namespace {
namespace fs = std::filesystem;

using outpost::itest::ctl;
using outpost::itest::CtlRun;

class CtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("outpost-ctl-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "pkg");
    std::ofstream(root_ / "pkg" / "manifest.json") << R"({"kind": "content", "id": "fees-101", "version": 2})";
    std::ofstream(root_ / "pkg" / "lesson.md") << "# 费用说明\n";
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }

  fs::path root_;
};

TEST_F(CtlTest, GenerateSealSignVerify) {
  CtlRun g = ctl("keys generate --id hq-content --out " + p("keys"));
  ASSERT_EQ(g.code, 0) << g.output;
  struct stat st {};
  ASSERT_EQ(::stat(p("keys/hq-content.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the private key is readable by others";
  EXPECT_EQ(ctl("keys generate --id hq-content --out " + p("keys")).code, 1) << "overwrote a key";

  ASSERT_EQ(ctl("package seal " + p("pkg")).code, 0);
  CtlRun s = ctl("package sign --key " + p("keys/hq-content.key") + " --key-id hq-content " + p("pkg"));
  ASSERT_EQ(s.code, 0) << s.output;
  CtlRun v = ctl("package verify --trust " + p("keys/hq-content.pub") + " " + p("pkg"));
  ASSERT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("content fees-101 version 2, 1 files, signed by hq-content"), std::string::npos) << v.output;

  // A changed file after signing: refused, naming the file.
  std::ofstream(root_ / "pkg" / "lesson.md") << "# changed\n";
  CtlRun bad = ctl("package verify --trust " + p("keys/hq-content.pub") + " " + p("pkg"));
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.output.find("(lesson.md)"), std::string::npos) << bad.output;
}

TEST_F(CtlTest, UsageErrorsSayWhatIsWrong) {
  CtlRun none = ctl("");
  EXPECT_EQ(none.code, 2);
  EXPECT_NE(none.output.find("usage: outpostctl"), std::string::npos);
  CtlRun unknown = ctl("keys frobnicate");
  EXPECT_EQ(unknown.code, 2);
  CtlRun missing = ctl("keys generate --out " + p("k"));
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.output.find("is required (--id)"), std::string::npos) << missing.output;
  CtlRun extra = ctl("package seal --force yes " + p("pkg"));
  EXPECT_NE(extra.output.find("unknown option (--force)"), std::string::npos) << extra.output;
  CtlRun dangling = ctl("package sign --key");
  EXPECT_EQ(dangling.code, 2);
  CtlRun unsigned_pkg = ctl("package verify --trust /nonexistent " + p("pkg"));
  EXPECT_EQ(unsigned_pkg.code, 1);
  EXPECT_NE(unsigned_pkg.output.find("cannot read the trust file"), std::string::npos) << unsigned_pkg.output;
}

}  // namespace
