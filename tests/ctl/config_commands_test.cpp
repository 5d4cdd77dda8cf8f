// outpostctl config build → package sign → package verify, and what an operator sees
// when site-config.json is wrong (the JSON path, as the appliance would say it).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ctl/ctl_run.h"

namespace {
namespace fs = std::filesystem;

using outpost::itest::ctl;
using outpost::itest::CtlRun;

class ConfigCtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("outpost-ctl-config-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(root_ / rel) << text; }

  fs::path root_;
};

TEST_F(ConfigCtlTest, BuildSignVerify) {
  write("site-config.json", R"({"site_id": "bj-01",
    "skills": [{"code": "mortgage", "name": {"zh": "房贷业务", "en": "Mortgages"}}],
    "queues": [{"code": "mortgage-voice", "name": {"zh": "房贷热线", "en": "Mortgage line"}, "channel": "voice",
                "skills": [{"skill": "mortgage", "min_level": 1}]}]})");
  CtlRun b = ctl("config build --site bj-01 --version 4 --from " + p("site-config.json") + " --out " + p("cfg"));
  ASSERT_EQ(b.code, 0) << b.output;
  EXPECT_NE(b.output.find("configuration site v4 for site bj-01"), std::string::npos) << b.output;
  EXPECT_NE(b.output.find("1 skills, 1 queues"), std::string::npos) << b.output;
  ASSERT_EQ(ctl("keys generate --id hq --out " + p("keys")).code, 0);
  CtlRun s = ctl("package sign --key " + p("keys/hq.key") + " --key-id hq " + p("cfg"));
  ASSERT_EQ(s.code, 0) << s.output;
  CtlRun v = ctl("package verify --trust " + p("keys/hq.pub") + " " + p("cfg"));
  ASSERT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("config site version 4, 1 files"), std::string::npos) << v.output;
  // Not over a package already there.
  EXPECT_EQ(ctl("config build --site bj-01 --version 5 --from " + p("site-config.json") + " --out " + p("cfg")).code, 1);
}

TEST_F(ConfigCtlTest, ABadDocumentIsRefusedWithItsPath) {
  write("bad.json", R"({"site_id": "bj-01", "queues": [{"code": "q", "name": {"zh": "q", "en": "q"}, "channel": "chat", "weight": 500}]})");
  CtlRun r = ctl("config build --site bj-01 --version 1 --from " + p("bad.json") + " --out " + p("cfg"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("/queues/0/weight"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(p("cfg")));
  write("other.json", R"({"site_id": "sh-02"})");
  r = ctl("config build --site bj-01 --version 1 --from " + p("other.json") + " --out " + p("cfg"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("/site_id"), std::string::npos) << r.output;
  r = ctl("config build --site bj-01 --version zero --from " + p("other.json") + " --out " + p("cfg"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("--version"), std::string::npos) << r.output;
}

}  // namespace
