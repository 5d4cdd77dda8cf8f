// The demo library (content/demo) signed with a test key and imported with
// `outpostctl content import`, as headquarters and a site admin would; and the
// precise refusals an admin sees.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ctl/ctl_run.h"

namespace {
namespace fs = std::filesystem;

using outpost::itest::ctl;
using outpost::itest::CtlRun;

const std::vector<std::string> kDemo = {"calm-angry-customer", "explaining-fees",   "fraud-warning-signs",
                                        "card-services-basics", "listen-and-confirm", "solve-it-first-time"};

class ContentCtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("outpost-content-ctl-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "data");
    const char* src = std::getenv("OUTPOST_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    fs::copy(fs::path(src) / "content" / "demo", root_ / "demo", fs::copy_options::recursive);
    CtlRun g = ctl("keys generate --id hq-content --out " + p("keys"));
    ASSERT_EQ(g.code, 0) << g.output;
    for (const std::string& id : kDemo) sealAndSign(id);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }
  void sealAndSign(const std::string& id) {
    CtlRun s = ctl("package seal " + p("demo/" + id));
    ASSERT_EQ(s.code, 0) << s.output;
    s = ctl("package sign --key " + p("keys/hq-content.key") + " --key-id hq-content " + p("demo/" + id));
    ASSERT_EQ(s.code, 0) << s.output;
  }
  CtlRun import(const std::string& id) {
    return ctl("content import --data-dir " + p("data") + " --trust " + p("keys/hq-content.pub") + " " +
               p("demo/" + id));
  }

  fs::path root_;
};

TEST_F(ContentCtlTest, DemoLibraryImportsSignedWithATestKey) {
  std::string all;
  for (const std::string& id : kDemo) all += " " + p("demo/" + id);
  CtlRun r = ctl("content import --data-dir " + p("data") + " --trust " + p("keys/hq-content.pub") + all);
  ASSERT_EQ(r.code, 0) << r.output;
  for (const std::string& id : kDemo) {
    EXPECT_NE(r.output.find("imported " + id + " version 1 (was 0)"), std::string::npos) << r.output;
  }
  CtlRun l = ctl("content list --data-dir " + p("data"));
  ASSERT_EQ(l.code, 0) << l.output;
  EXPECT_NE(l.output.find("6 packages"), std::string::npos) << l.output;
  EXPECT_NE(l.output.find("安抚愤怒的客户 / Calming an angry customer"), std::string::npos) << l.output;
  // The same version again: refused with the reason.
  CtlRun again = import("explaining-fees");
  EXPECT_EQ(again.code, 1);
  EXPECT_NE(again.output.find("version 1 of \"explaining-fees\" is not newer than the installed version 1"),
            std::string::npos)
      << again.output;
}

TEST_F(ContentCtlTest, RefusalsArePrecise) {
  // A lesson changed after signing.
  std::ofstream(root_ / "demo/explaining-fees/lessons/fees-1.en.md", std::ios::app) << "\nPS: free money!\n";
  CtlRun r = import("explaining-fees");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("(lessons/fees-1.en.md)"), std::string::npos) << r.output;
  // The manifest changed after signing: the signature no longer matches.
  {
    std::ifstream in(p("demo/card-services-basics/manifest.json"));
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text.replace(text.find("\"version\": 1"), 12, "\"version\": 9");
    std::ofstream(p("demo/card-services-basics/manifest.json")) << text;
  }
  r = import("card-services-basics");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("manifest.sig"), std::string::npos) << r.output;
  // Signed by a key the site does not trust.
  ASSERT_EQ(ctl("keys generate --id rogue --out " + p("rogue")).code, 0);
  ASSERT_EQ(ctl("package sign --key " + p("rogue/rogue.key") + " --key-id rogue " + p("demo/listen-and-confirm")).code,
            0);
  r = import("listen-and-confirm");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.output.find("rogue"), std::string::npos) << r.output;
  // Nothing was imported.
  CtlRun l = ctl("content list --data-dir " + p("data"));
  EXPECT_NE(l.output.find("0 packages"), std::string::npos) << l.output;
  // Usage errors name the option.
  CtlRun u = ctl("content import --trust " + p("keys/hq-content.pub") + " " + p("demo/explaining-fees"));
  EXPECT_NE(u.output.find("(--data-dir)"), std::string::npos) << u.output;
}

}  // namespace
