// Bundle attacks: each refused with its reason.
#include "plugins/bundle.h"

#include <gtest/gtest.h>

#include "bundle_fixture.h"
#include "plugins/rules.h"
#include "signing/ed25519.h"

namespace outpost::plugins {
namespace {

using testing::BundleDir;

InstallTarget target() { return {"sz-01", {"south"}, fromEpochMillis(1'767'225'600'000)}; }

TEST(BundleTest, SignedBundleVerifies) {
  BundleDir d("ok");
  d.build(3);
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  EXPECT_EQ(b->id, "demo");
  EXPECT_EQ(b->version, 3);
  EXPECT_EQ(b->api, 1);
  EXPECT_EQ(b->key_id, "hq-rules");
  ASSERT_EQ(b->vectors.size(), 3u);
  ASSERT_EQ(b->config.size(), 1u);
  EXPECT_EQ(b->config[0].default_value, Value(100000));
}

TEST(BundleTest, UnknownKeyIsRefused) {
  BundleDir d("key");
  d.build(1);
  signing::TrustStore other;
  ASSERT_TRUE(other.add("someone", signing::generateKeyPair()->public_b64));
  auto b = readBundleDir(d.path(), other, target());
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().describe().find("manifest.sig"), std::string::npos) << b.status().describe();
}

TEST(BundleTest, ManifestChangedAfterSigningIsRefused) {
  BundleDir d("manifest");
  d.build(1);
  d.write("manifest.json", d.manifest(9));
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().describe().find("manifest.sig"), std::string::npos) << b.status().describe();
}

TEST(BundleTest, FileChangedAfterSigningIsRefused) {
  BundleDir d("file");
  d.build(1);
  d.write("main.lua", std::string(d.main_lua).replace(0, 1, "-"));
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().where(), "main.lua");
  EXPECT_NE(b.status().message().find("SHA-256"), std::string::npos) << b.status().describe();
}

TEST(BundleTest, MissingFileIsRefused) {
  BundleDir d("missing");
  d.build(1);
  std::filesystem::remove(d.path() + "/vectors.json");
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().where(), "vectors.json");
}

TEST(BundleTest, AddedFileIsIgnoredNeverUsed) {
  BundleDir d("added");
  d.build(1);
  d.write("evil.lua", "while true do end");
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  EXPECT_EQ(b->files.count("evil.lua"), 0u);
}

TEST(BundleTest, WrongSiteIsRefused) {
  BundleDir d("site");
  d.site = "bj-02";
  d.build(1);
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(b.status().message().find("bj-02"), std::string::npos) << b.status().describe();
}

TEST(BundleTest, SiteGroupIsAccepted) {
  BundleDir d("group");
  d.site = "group:south";
  d.build(1);
  EXPECT_TRUE(readBundleDir(d.path(), d.trust(), target()).isOk());
}

TEST(BundleTest, UnknownApiIsRefused) {
  BundleDir d("api");
  d.api = 2;
  d.build(1);
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().message().find("plugin API 2"), std::string::npos) << b.status().describe();
  EXPECT_EQ(b.status().where(), "manifest.json /api");
}

TEST(BundleTest, ExpiredIsRefused) {
  BundleDir d("expired");
  d.expires = "2025-12-31T23:59:59Z";
  d.build(1);
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().message().find("expired"), std::string::npos) << b.status().describe();
}

TEST(BundleTest, OversizedFileIsRefused) {
  BundleDir d("big");
  d.main_lua = std::string(300 * 1024, '-');
  d.build(1);
  auto b = readBundleDir(d.path(), d.trust(), target());
  ASSERT_FALSE(b.isOk());
}

TEST(BundleTest, Rfc3339) {
  EXPECT_EQ(toEpochMillis(parseRfc3339("2026-01-01T00:00:00Z").value()), 1'767'225'600'000);
  EXPECT_EQ(toEpochMillis(parseRfc3339("2026-01-01T00:00:00.250Z").value()), 1'767'225'600'250);
  EXPECT_FALSE(parseRfc3339("2026-01-01 00:00:00").isOk());
  EXPECT_FALSE(parseRfc3339("2026-01-01T00:00:00+08:00").isOk());
}

// --- install: compile and vectors, then the swap -------------------------------

class InstallTest : public ::testing::Test {
 protected:
  RulesHost host(const BundleDir& d) {
    return RulesHost(clock_, d.trust(), RulesOptions{"sz-01", {"south"}, {}, 7});
  }
  SimulatedClock clock_;
};

TEST_F(InstallTest, InstallsAndRefusesOlderOrEqualVersions) {
  BundleDir d("install");
  d.build(2);
  auto h = host(d);
  auto e = h.installDir(d.path());
  ASSERT_TRUE(e.isOk()) << e.status().toString();
  EXPECT_EQ(e->version, 2);
  auto again = h.installDir(d.path());
  ASSERT_FALSE(again.isOk());
  EXPECT_EQ(again.status().code(), StatusCode::kConflict);
  d.build(1);
  EXPECT_EQ(h.installDir(d.path()).status().code(), StatusCode::kConflict);
  d.build(3);
  ASSERT_TRUE(h.installDir(d.path()).isOk());
  EXPECT_EQ(h.status().active->version, 3);
  EXPECT_EQ(h.status().previous->version, 2);
  auto rb = h.rollback();
  ASSERT_TRUE(rb.isOk());
  EXPECT_EQ(h.status().active->version, 2);
}

TEST_F(InstallTest, FailingVectorIsRefusedAndTheActiveBundleStays) {
  BundleDir d("vectors");
  d.build(1);
  auto h = host(d);
  ASSERT_TRUE(h.installDir(d.path()).isOk());
  d.main_lua = std::string(testing::kMainLua) + "\nfunction classify_contact() return {segment = 'standard'} end\n";
  d.build(2);
  auto e = h.installDir(d.path());
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.status().message().find("self-test failed: expected"), std::string::npos) << e.status().describe();
  EXPECT_NE(e.status().where().find("fraud text"), std::string::npos) << e.status().describe();
  EXPECT_EQ(h.status().active->version, 1);
}

TEST_F(InstallTest, SyntaxErrorIsRefused) {
  BundleDir d("syntax");
  d.main_lua = "function classify_contact(\n";
  d.build(1);
  auto h = host(d);
  auto e = h.installDir(d.path());
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.status().message().find("main.lua:"), std::string::npos) << e.status().describe();
  EXPECT_FALSE(h.status().active.has_value());
}

TEST_F(InstallTest, MissingDeclaredHookIsRefused) {
  BundleDir d("hook");
  d.main_lua = "function classify_contact() return nil end\n";
  d.vectors = R"({"vectors": []})";
  d.build(1);
  auto h = host(d);
  auto e = h.installDir(d.path());
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.status().message().find("rank_candidates"), std::string::npos) << e.status().describe();
}

TEST_F(InstallTest, RollbackWithoutPreviousIsRefused) {
  BundleDir d("rb");
  auto h = host(d);
  EXPECT_EQ(h.rollback().status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace outpost::plugins
