#include "hub/hub_downlink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "hub/hub_store.h"
#include "signing/digest.h"

namespace outpost::hub {
namespace {

class HubDownlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/outpost-hubdl-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = storage::Database::open(dir_ + "/hub.db");
    ASSERT_TRUE(db.isOk());
    db_ = std::move(*db);
    ASSERT_TRUE(storage::migrate(*db_, hubMigrations()).isOk());
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // A package as readPackageDir would return it (the signature is not looked at here).
  static signing::VerifiedPackage package(int64_t version, const std::string& body) {
    signing::VerifiedPackage p;
    p.manifest.kind = "content";
    p.manifest.id = "calm";
    p.manifest.version = version;
    p.manifest.files = {{"media/a.bin", body.size(), signing::sha256Hex(body)}};
    p.manifest.raw = R"({"kind":"content","id":"calm","version":)" + std::to_string(version) + "}";
    p.files["media/a.bin"] = body;
    return p;
  }
  std::string dir_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(HubDownlinkTest, PublishedPackagesMakeTheSiteManifestAndServeChunks) {
  const std::string body(10000, 'x');
  auto serial = publishPackage(*db_, "s1", package(1, body), "sig-1", fromEpochMillis(1));
  ASSERT_TRUE(serial.isOk()) << serial.status().toString();
  EXPECT_EQ(*serial, 1);
  auto m = siteManifest(*db_, "s1");
  ASSERT_TRUE(m.isOk());
  ASSERT_EQ(m->packages.size(), 1u);
  EXPECT_EQ(m->packages[0].size, 10000);
  EXPECT_EQ(m->packages[0].signature, "sig-1");
  EXPECT_EQ(m->packages[0].sha256, signing::sha256Hex(m->packages[0].manifest));

  const std::string sha = signing::sha256Hex(body);
  sync::Chunk c = serveChunk(*db_, "s1", sync::FetchRequest{"r1", sha, 9000, 4096});
  EXPECT_TRUE(c.error.empty()) << c.error;
  EXPECT_EQ(c.total, 10000);
  EXPECT_EQ(c.bytes.size(), 1000u);
  // Another site cannot fetch it; unknown digests and offsets beyond the end are errors.
  EXPECT_FALSE(serveChunk(*db_, "s2", sync::FetchRequest{"r2", sha, 0, 10}).error.empty());
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r3", std::string(64, '0'), 0, 10}).error.empty());
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r4", sha, 10001, 10}).error.empty());

  // A new version replaces the old one in the manifest; the serial grows.
  const std::string body2(20, 'y');
  auto serial2 = publishPackage(*db_, "s1", package(2, body2), "sig-2", fromEpochMillis(2));
  ASSERT_TRUE(serial2.isOk());
  EXPECT_EQ(*serial2, 2);
  m = siteManifest(*db_, "s1");
  ASSERT_TRUE(m.isOk());
  ASSERT_EQ(m->packages.size(), 1u);
  EXPECT_EQ(m->packages[0].version, 2);
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r5", sha, 0, 10}).error.empty());
  auto serials = manifestSerials(*db_);
  ASSERT_TRUE(serials.isOk());
  ASSERT_EQ(serials->size(), 1u);
  EXPECT_EQ((*serials)[0].second, 2);
}

}  // namespace
}  // namespace outpost::hub
