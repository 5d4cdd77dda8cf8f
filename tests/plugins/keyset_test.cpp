// Key rotation: a key set must be signed by a key trusted now and have a higher
// version; after it only its keys sign bundles. Stored sets round-trip with an audit row.
#include "plugins/keyset.h"

#include <gtest/gtest.h>

#include "bundle_fixture.h"
#include "plugins/rules.h"
#include "plugins/rules_store.h"
#include "storage/directory_store.h"
#include "storage/migrations.h"

namespace outpost::plugins {
namespace {

using testing::BundleDir;

struct Signed {
  std::string manifest;
  std::string signature;
};

Signed keySet(const BundleDir& d, int version, const std::string& signer_pem, const std::string& signer_id,
              const std::map<std::string, std::string>& keys, const std::string& extra = "") {
  const std::string dir = d.path() + "-keyset";
  std::filesystem::create_directories(dir);
  std::string m = R"({"kind": "keyset", "id": "rules", "version": )" + std::to_string(version) + R"(, "files": [],)" +
                  extra + R"( "keys": {)";
  bool first = true;
  for (const auto& [id, pub] : keys) {
    m += (first ? "" : ", ") + ("\"" + id + "\": \"" + pub + "\"");
    first = false;
  }
  m += "}}";
  std::ofstream(dir + "/manifest.json", std::ios::binary | std::ios::trunc) << m;
  EXPECT_TRUE(signing::signPackageDir(dir, signer_pem, signer_id).isOk());
  Signed s{m, signing::readSmallFile(dir + "/manifest.sig", 65536).value()};
  std::filesystem::remove_all(dir);
  return s;
}

TEST(KeyRotation, OnlyASetSignedByACurrentKeyIsTrusted) {
  BundleDir d("keys");
  SimulatedClock clock;
  RulesHost host(clock, d.trust(), RulesOptions{"sz-01", {}, {}, 7, TrialPolicy{Millis(0), 0.2, 20}});
  const auto next = signing::generateKeyPair().value();
  const auto rogue = signing::generateKeyPair().value();

  auto by_rogue = keySet(d, 1, rogue.private_pem, "rogue", {{"next", next.public_b64}});
  auto refused = host.rotateKeys(by_rogue.manifest, by_rogue.signature);
  ASSERT_FALSE(refused.isOk());
  EXPECT_NE(refused.status().toString().find("rogue"), std::string::npos) << refused.status().toString();

  // Malformed sets, signed properly: refused with the field.
  auto empty = keySet(d, 1, d.key().private_pem, "hq-rules", {});
  EXPECT_EQ(host.rotateKeys(empty.manifest, empty.signature).status().where(), "manifest.json /keys");
  auto bad_key = keySet(d, 1, d.key().private_pem, "hq-rules", {{"next", "bm90IGEga2V5"}});
  EXPECT_EQ(host.rotateKeys(bad_key.manifest, bad_key.signature).status().where(), "manifest.json /keys/next");
  auto extra = keySet(d, 1, d.key().private_pem, "hq-rules", {{"next", next.public_b64}}, R"( "owner": "x",)");
  EXPECT_FALSE(host.rotateKeys(extra.manifest, extra.signature).isOk());

  d.build(1);
  ASSERT_TRUE(host.installDir(d.path()).isOk());
  int persisted = 0;
  auto good = keySet(d, 1, d.key().private_pem, "hq-rules", {{"next", next.public_b64}});
  auto rotated = host.rotateKeys(good.manifest, good.signature, [&](const KeySet& k) {
    EXPECT_EQ(k.signed_by, "hq-rules");
    ++persisted;
    return Status::ok();
  });
  ASSERT_TRUE(rotated.isOk()) << rotated.status().toString();
  EXPECT_EQ(persisted, 1);
  EXPECT_EQ(host.keySetVersion(), 1);
  EXPECT_EQ(host.status().key_ids, std::vector<std::string>{"next"});
  ASSERT_EQ(host.trustHistory().size(), 2u);

  // The old key no longer signs bundles.
  d.build(2);
  auto old = host.installDir(d.path());
  ASSERT_FALSE(old.isOk());
  EXPECT_NE(old.status().toString().find("hq-rules"), std::string::npos) << old.status().toString();
  // Replaying the set, or a newer one signed by the retired key: refused.
  EXPECT_FALSE(host.rotateKeys(good.manifest, good.signature).isOk());
  auto by_old = keySet(d, 2, d.key().private_pem, "hq-rules", {{"hq-rules", d.key().public_b64}});
  EXPECT_FALSE(host.rotateKeys(by_old.manifest, by_old.signature).isOk());
  // The new key signs the next set.
  auto by_next = keySet(d, 2, next.private_pem, "next", {{"next", next.public_b64}, {"hq-rules", d.key().public_b64}});
  ASSERT_TRUE(host.rotateKeys(by_next.manifest, by_next.signature).isOk());
  EXPECT_EQ(host.status().key_ids, (std::vector<std::string>{"hq-rules", "next"}));
  EXPECT_EQ(host.rotateKeys(by_next.manifest, by_next.signature).status().code(), StatusCode::kConflict);
  // A failed store changes nothing.
  auto v3 = keySet(d, 3, next.private_pem, "next", {{"next", next.public_b64}});
  EXPECT_FALSE(host.rotateKeys(v3.manifest, v3.signature, [](const KeySet&) { return Status::unavailable("disk"); }).isOk());
  EXPECT_EQ(host.keySetVersion(), 2);
}

TEST(KeyRotation, StoredSetsRoundTripWithAnAuditRow) {
  BundleDir d("keys-db");
  const std::string db_path = d.path() + "-outpost.db";
  std::filesystem::remove(db_path);
  auto db = storage::Database::open(db_path);
  ASSERT_TRUE(db.isOk());
  ASSERT_TRUE(storage::migrate(**db, storage::outpostMigrations()).isOk());
  const auto next = signing::generateKeyPair().value();
  auto s = keySet(d, 1, d.key().private_pem, "hq-rules", {{"next", next.public_b64}});
  auto set = verifyKeySet(s.manifest, s.signature, d.trust(), 0);
  ASSERT_TRUE(set.isOk()) << set.status().toString();
  SimulatedClock clock;
  ASSERT_TRUE(saveKeySet(**db, *set, clock.wallNow(), "admin", "127.0.0.1").isOk());
  EXPECT_FALSE(saveKeySet(**db, *set, clock.wallNow(), "admin", "127.0.0.1").isOk());  // one per version
  auto loaded = loadKeySets(**db);
  ASSERT_TRUE(loaded.isOk());
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ(loaded->front().first, s.manifest);
  auto audit = storage::listAudit(**db, 0, 10);
  ASSERT_TRUE(audit.isOk());
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "rotate_keys");
  db.value().reset();
  std::filesystem::remove(db_path);
}

}  // namespace
}  // namespace outpost::plugins
