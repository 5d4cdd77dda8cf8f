// outpostctl bundle …: every shipped bundle under plugins/lua/ passes `bundle test`;
// a failing vector prints expected and actual and exits non-zero; keygen → build →
// sign → verify with a throw-away key, and verify refuses a file changed after signing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "ctl/ctl_run.h"
#include "source_tree.h"

namespace {

using outpost::source_tree::sourceDir;
namespace fs = std::filesystem;

using outpost::itest::ctl;
using outpost::itest::CtlRun;

class BundleCtlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("outpost-bundle-ctl-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string p(const std::string& rel) const { return (root_ / rel).string(); }
  fs::path root_;
};

class ShippedBundle : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedBundle, PassesBundleTest) {
  CtlRun r = ctl("bundle test " + sourceDir() + "/plugins/lua/" + GetParam());
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find(" 0 failed"), std::string::npos) << r.output;
}

INSTANTIATE_TEST_SUITE_P(PluginsLua, ShippedBundle,
                         ::testing::Values("default", "stress-aware", "practice", "demo-bank"));

TEST_F(BundleCtlTest, FailingVectorShowsExpectedAndActual) {
  fs::copy(sourceDir() + "/plugins/lua/default", p("b"), fs::copy_options::recursive);
  // Change the rule so the VIP priority is wrong.
  std::ifstream in(p("b/main.lua"));
  std::string lua((std::istreambuf_iterator<char>(in)), {});
  const auto at = lua.find("ctx.config.vip_priority");
  ASSERT_NE(at, std::string::npos);
  lua.replace(at, std::string("ctx.config.vip_priority").size(), "ctx.config.vip_priority - 1");
  std::ofstream(p("b/main.lua"), std::ios::trunc) << lua;
  CtlRun r = ctl("bundle test " + p("b"));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("FAIL  vectors.json /vectors/6 (VIP by value)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("expected: {\"priority\":75,\"segment\":\"vip\"}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("actual:   {\"priority\":74,\"segment\":\"vip\"}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("2 test vector(s) failed"), std::string::npos) << r.output;
}

TEST_F(BundleCtlTest, KeygenBuildSignVerifyAndTamper) {
  fs::copy(sourceDir() + "/plugins/lua/practice", p("b"), fs::copy_options::recursive);
  CtlRun g = ctl("keygen --id hq-rules --out " + p("keys"));
  ASSERT_EQ(g.code, 0) << g.output;
  CtlRun b = ctl("bundle build " + p("b"));
  ASSERT_EQ(b.code, 0) << b.output;
  CtlRun s = ctl("bundle sign --key " + p("keys/hq-rules.key") + " " + p("b"));
  ASSERT_EQ(s.code, 0) << s.output;
  EXPECT_NE(s.output.find("with key hq-rules"), std::string::npos) << s.output;
  CtlRun v = ctl("bundle verify --trust " + p("keys/hq-rules.pub") + " " + p("b"));
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("ok: practice version 1"), std::string::npos) << v.output;
  CtlRun other = ctl("bundle verify --trust " + p("keys/hq-rules.pub") + " --site elsewhere " + p("b"));
  EXPECT_EQ(other.code, 1) << other.output;
  EXPECT_NE(other.output.find("this is site \"elsewhere\""), std::string::npos) << other.output;
  std::ofstream(p("b/main.lua"), std::ios::app) << "-- changed after signing\n";
  CtlRun t = ctl("bundle verify --trust " + p("keys/hq-rules.pub") + " " + p("b"));
  EXPECT_EQ(t.code, 1) << t.output;
  EXPECT_NE(t.output.find("main.lua"), std::string::npos) << t.output;
}

}  // namespace
