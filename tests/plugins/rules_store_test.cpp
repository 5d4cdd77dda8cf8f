// Installed bundles in a real SQLite file: stored, re-read, verified again.
#include "plugins/rules_store.h"

#include <gtest/gtest.h>

#include "bundle_fixture.h"
#include "plugins/rules.h"
#include "storage/directory_store.h"
#include "storage/migrations.h"

namespace outpost::plugins {
namespace {

TEST(RulesStore, ActivationRoundTripsAndIsAudited) {
  testing::BundleDir d("store");
  const std::string db_path = d.path() + "-outpost.db";
  std::filesystem::remove(db_path);
  auto db = storage::Database::open(db_path);
  ASSERT_TRUE(db.isOk()) << db.status().toString();
  ASSERT_TRUE(storage::migrate(**db, storage::outpostMigrations()).isOk());
  SimulatedClock clock;
  const InstallTarget target{"sz-01", {}, clock.wallNow()};

  auto empty = loadStoredRules(**db);
  ASSERT_TRUE(empty.isOk());
  EXPECT_FALSE(empty->active.has_value());

  d.build(1);
  auto v1 = readBundleDir(d.path(), d.trust(), target);
  ASSERT_TRUE(v1.isOk()) << v1.status().toString();
  ASSERT_TRUE(saveActivation(**db, *v1, nullptr, clock.wallNow(), "admin", "install", "127.0.0.1"));
  d.build(2);
  auto v2 = readBundleDir(d.path(), d.trust(), target);
  ASSERT_TRUE(v2.isOk());
  ASSERT_TRUE(saveActivation(**db, *v2, &*v1, clock.wallNow(), "admin", "install", "127.0.0.1"));
  // Rollback: v1 active again, nothing stored twice.
  ASSERT_TRUE(saveActivation(**db, *v1, &*v2, clock.wallNow(), "admin", "rollback", "127.0.0.1"));

  auto stored = loadStoredRules(**db);
  ASSERT_TRUE(stored.isOk()) << stored.status().toString();
  ASSERT_TRUE(stored->active && stored->previous);
  auto again = verifyBundle(*stored->active, d.trust(), target);
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(verifyBundle(*stored->previous, d.trust(), target)->version, 2);

  auto audit = storage::listAudit(**db, 0, 10);
  ASSERT_TRUE(audit.isOk());
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ(audit->front().action, "rollback");
  EXPECT_EQ(audit->front().entity, "rule_bundle");
  db.value().reset();
  std::filesystem::remove(db_path);
}

}  // namespace
}  // namespace outpost::plugins
