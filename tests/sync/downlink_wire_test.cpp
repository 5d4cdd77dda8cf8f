#include "sync/downlink_wire.h"

#include <gtest/gtest.h>

#include <vector>

#include "signing/digest.h"

namespace outpost::sync {
namespace {

ManifestEntry entry() {
  ManifestEntry e;
  e.kind = "rules";
  e.id = "demo-bank";
  e.version = 3;
  e.size = 1234;
  e.manifest = R"({"kind": "rules", "id": "demo-bank", "version": 3, "files": []})";
  e.sha256 = signing::sha256Hex(e.manifest);
  e.signature = R"({"alg": "ed25519", "key_id": "k", "signature": "AAAA"})";
  return e;
}

TEST(DownlinkWireTest, ManifestRoundTripsWithTheExactSignedText) {
  SiteManifest m{"s1", 7, {entry()}};
  auto d = decodeManifest("s1", encodeManifest(m));
  ASSERT_TRUE(d.isOk()) << d.status().toString();
  EXPECT_EQ(d->serial, 7);
  ASSERT_EQ(d->packages.size(), 1u);
  EXPECT_EQ(d->packages[0].manifest, m.packages[0].manifest);
  EXPECT_EQ(d->packages[0].signature, m.packages[0].signature);
  EXPECT_EQ(d->packages[0].version, 3);
  EXPECT_EQ(manifestTopic("outpost/v1", "s1"), "outpost/v1/sites/s1/manifest");
}

TEST(DownlinkWireTest, MalformedManifestsNameTheProblem) {
  ManifestEntry wrong_hash = entry();
  wrong_hash.sha256 = std::string(64, 'a');
  struct Case {
    std::string body;
    std::string where;
  };
  const Case cases[] = {
      {"[]", ""},
      {R"({"v":2,"site":"s1","serial":1,"packages":[]})", "/v"},
      {R"({"v":1,"site":"s2","serial":1,"packages":[]})", "/site"},
      {R"({"v":1,"site":"s1","serial":-1,"packages":[]})", "/serial"},
      {R"({"v":1,"site":"s1","serial":1,"packages":[{"kind":"rules"}]})", "/packages/0/"},
      {R"({"v":1,"site":"s1","serial":1,"packages":[],"x":1})", "/x"},
      {encodeManifest(SiteManifest{"s1", 1, {wrong_hash}}), "/packages/0/sha256"},
      {std::string(kMaxManifestBytes + 1, ' '), ""},
  };
  for (const auto& c : cases) {
    auto d = decodeManifest("s1", c.body);
    ASSERT_FALSE(d.isOk()) << c.body.substr(0, 80);
    EXPECT_NE(d.status().toString().find(c.where), std::string::npos) << d.status().toString();
  }
}

TEST(DownlinkWireTest, FetchAndChunkRoundTrip) {
  FetchRequest f{"r12", std::string(64, 'b'), 65536, 4096};
  auto df = decodeFetch(encodeFetch(f));
  ASSERT_TRUE(df.isOk()) << df.status().toString();
  EXPECT_EQ(df->offset, 65536);
  EXPECT_EQ(df->length, 4096);

  Chunk c;
  c.id = "r12";
  c.sha256 = f.sha256;
  c.offset = 10;
  c.total = 20;
  c.bytes = std::string("\0\n\xff\x01zz", 6);
  auto dc = decodeChunk(encodeChunk(c));
  ASSERT_TRUE(dc.isOk()) << dc.status().toString();
  EXPECT_EQ(dc->bytes, c.bytes);
  EXPECT_EQ(dc->total, 20);

  Chunk e;
  e.id = "r13";
  e.sha256 = f.sha256;
  e.error = "no such file in this site's manifest";
  auto de = decodeChunk(encodeChunk(e));
  ASSERT_TRUE(de.isOk()) << de.status().toString();
  EXPECT_EQ(de->error, e.error);
  EXPECT_TRUE(de->bytes.empty());
}

TEST(DownlinkWireTest, MalformedFetchesAndChunksAreRefused) {
  const std::string sha(64, 'c');
  for (const std::string& body : std::vector<std::string>{
           std::string("{}"),
           R"({"v":1,"id":"r1","sha256":"xyz","offset":0,"length":10})",
           R"({"v":1,"id":"r/1","sha256":")" + sha + R"(","offset":0,"length":10})",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","offset":0,"length":0})",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","offset":0,"length":2000000})",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","offset":-1,"length":10})",
       }) {
    EXPECT_FALSE(decodeFetch(body).isOk()) << body;
  }
  for (const std::string& body : std::vector<std::string>{
           std::string("no header"),
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","offset":0,"total":3,"length":3})" + "\nab",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","offset":2,"total":3,"length":2})" + "\nab",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","error":"x"})" + "\nbytes",
           R"({"v":1,"id":"r1","sha256":")" + sha + R"(","error":""})" + "\n",
       }) {
    EXPECT_FALSE(decodeChunk(body).isOk()) << body;
  }
}

}  // namespace
}  // namespace outpost::sync
