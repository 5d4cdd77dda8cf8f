#include "hub/hub_downlink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hub/hub_store.h"
#include "signing/digest.h"
#include "hub_db_fixture.h"

namespace outpost::hub {
namespace {

class HubDownlinkTest : public HubDbTest {
 protected:
  // A manifest as verifyManifest would return it (the signature is not looked at
  // here), its one file written under tmp_/pkg.
  signing::VerifiedManifest package(int64_t version, const std::string& body) {
    signing::VerifiedManifest m;
    m.kind = "content";
    m.id = "calm";
    m.version = version;
    m.files = {{"media/a.bin", body.size(), signing::sha256Hex(body)}};
    m.raw = R"({"kind":"content","id":"calm","version":)" + std::to_string(version) + "}";
    std::filesystem::create_directories(pkg() + "/media");
    std::ofstream(pkg() + "/media/a.bin", std::ios::binary | std::ios::trunc) << body;
    return m;
  }
  std::string pkg() const { return tmp_.file("pkg"); }
};

TEST_F(HubDownlinkTest, PublishedPackagesMakeTheSiteManifestAndServeChunks) {
  const std::string body(10000, 'x');
  auto serial = publishPackage(*db_, "s1", package(1, body), pkg(), "sig-1", fromEpochMillis(1));
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
  EXPECT_EQ(c.bytes, std::string(1000, 'x'));
  // Another site cannot fetch it; unknown digests and offsets beyond the end are errors.
  EXPECT_FALSE(serveChunk(*db_, "s2", sync::FetchRequest{"r2", sha, 0, 10}).error.empty());
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r3", std::string(64, '0'), 0, 10}).error.empty());
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r4", sha, 10001, 10}).error.empty());

  // A new version replaces the old one in the manifest; the serial grows.
  const std::string body2(20, 'y');
  auto serial2 = publishPackage(*db_, "s1", package(2, body2), pkg(), "sig-2", fromEpochMillis(2));
  ASSERT_TRUE(serial2.isOk());
  EXPECT_EQ(*serial2, 2);
  m = siteManifest(*db_, "s1");
  ASSERT_TRUE(m.isOk());
  ASSERT_EQ(m->packages.size(), 1u);
  EXPECT_EQ(m->packages[0].version, 2);
  EXPECT_FALSE(serveChunk(*db_, "s1", sync::FetchRequest{"r5", sha, 0, 10}).error.empty());
  // A file changed after it was verified: nothing is stored.
  auto m3 = package(3, std::string(30, 'z'));
  std::ofstream(pkg() + "/media/a.bin", std::ios::binary | std::ios::trunc) << std::string(30, 'w');
  auto refused = publishPackage(*db_, "s1", m3, pkg(), "sig-3", fromEpochMillis(3));
  ASSERT_FALSE(refused.isOk());
  EXPECT_NE(refused.status().toString().find("changed since it was verified"), std::string::npos)
      << refused.status().toString();
  auto serials = manifestSerials(*db_);
  ASSERT_TRUE(serials.isOk());
  ASSERT_EQ(serials->size(), 1u);
  EXPECT_EQ((*serials)[0].second, 2);
}

}  // namespace
}  // namespace outpost::hub
