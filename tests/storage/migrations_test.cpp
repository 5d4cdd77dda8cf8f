#include "storage/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <vector>

#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;
using test_util::textScalar;
using ::testing::HasSubstr;

std::vector<std::string> tableNames(Database& db) {
  std::vector<std::string> names;
  auto q = db.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
  EXPECT_TRUE(q.isOk());
  while (true) {
    auto row = q->step();
    if (!row.isOk() || !*row) break;
    names.push_back(q->columnText(0));
  }
  return names;
}

constexpr Migration kThree[] = {
    {1, "one", "CREATE TABLE a (x INTEGER);"},
    {2, "two", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2);"},
    {3, "three", "ALTER TABLE b ADD COLUMN z TEXT;"},
};

TEST(MigrationsTest, OutpostSchemaAppliesFromZeroAndIsIdempotentOnReopen) {
  TempDir dir;
  const std::string path = dir.file("outpost.db");
  const int newest = static_cast<int>(outpostMigrations().size());
  {
    auto db = openOrDie(path);
    EXPECT_EQ(scalar(*db, "PRAGMA user_version"), 0);
    auto report = migrate(*db, outpostMigrations());
    ASSERT_TRUE(report.isOk()) << report.status().toString();
    EXPECT_EQ(report->from_version, 0);
    EXPECT_EQ(report->to_version, newest);
    EXPECT_EQ(scalar(*db, "PRAGMA user_version"), newest);
    EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);  // restored after migrating
    EXPECT_THAT(tableNames(*db),
                ::testing::IsSupersetOf({"site", "skills", "agents", "agent_skills", "queues", "queue_skills",
                                         "wrapup_codes", "not_ready_reasons", "users", "sessions", "presence",
                                         "audit"}));
  }
  auto db = openOrDie(path);
  const auto before = tableNames(*db);
  auto report = migrate(*db, outpostMigrations());
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(report->from_version, newest);
  EXPECT_EQ(report->to_version, newest);
  EXPECT_EQ(tableNames(*db), before);
  EXPECT_TRUE(quickCheck(*db).isOk());
}

TEST(MigrationsTest, AppliesOnlyTheMigrationsNotYetApplied) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  auto first = migrate(*db, std::span(kThree).first(2));
  ASSERT_TRUE(first.isOk()) << first.status().toString();
  EXPECT_EQ(first->to_version, 2);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM a"), 1);

  auto second = migrate(*db, kThree);
  ASSERT_TRUE(second.isOk()) << second.status().toString();
  EXPECT_EQ(second->from_version, 2);
  EXPECT_EQ(second->to_version, 3);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM a"), 1);  // migration 2 did not run again
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM pragma_table_info('b') WHERE name = 'z'"), 1);
}

TEST(MigrationsTest, NewerDatabaseIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.file("outpost.db");
  {
    auto db = openOrDie(path);
    ASSERT_TRUE(db->exec("CREATE TABLE future (x INTEGER); PRAGMA user_version = 9;").isOk());
  }
  auto db = openOrDie(path);
  auto report = migrate(*db, kThree);
  ASSERT_FALSE(report.isOk());
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(report.status().message(),
            "database schema version 9 is newer than this outpostd understands (up to 3); "
            "run a newer outpostd or restore a backup");
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), 9);
  EXPECT_EQ(tableNames(*db), std::vector<std::string>{"future"});
}

TEST(MigrationsTest, GapsInVersionsAreABug) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  constexpr Migration kGap[] = {{1, "one", "CREATE TABLE a (x);"}, {3, "three", "CREATE TABLE c (x);"}};
  auto report = migrate(*db, kGap);
  ASSERT_FALSE(report.isOk());
  EXPECT_EQ(report.status().code(), StatusCode::kInternal);
  EXPECT_TRUE(tableNames(*db).empty());
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), 0);
}

TEST(MigrationsTest, FailingMigrationLeavesThePreviousVersionIntact) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  constexpr Migration kBroken[] = {
      {1, "one", "CREATE TABLE a (x INTEGER);"},
      {2, "broken", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1); CREATE TABLEE oops (z);"},
  };
  auto report = migrate(*db, kBroken);
  ASSERT_FALSE(report.isOk());
  EXPECT_EQ(report.status().code(), StatusCode::kInternal);
  EXPECT_THAT(report.status().message(), HasSubstr("applying schema migration 2 (broken)"));
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), 1);
  EXPECT_EQ(tableNames(*db), std::vector<std::string>{"a"});
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM a"), 0);
  EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_NE(sqlite3_get_autocommit(db->handle()), 0);
}

TEST(MigrationsTest, MigrationThatBreaksForeignKeysIsRolledBack) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  constexpr Migration kDangling[] = {
      {1, "parents", "CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (p TEXT REFERENCES p(id));"},
      {2, "dangling child", "INSERT INTO c VALUES ('ghost');"},
  };
  auto report = migrate(*db, kDangling);
  ASSERT_FALSE(report.isOk());
  EXPECT_THAT(report.status().message(), HasSubstr("foreign key"));
  EXPECT_EQ(scalar(*db, "PRAGMA user_version"), 1);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM c"), 0);
}

TEST(MigrationsTest, TableRebuildKeepsChildRows) {
  // The documented SQLite way to change a column: build a new table, copy, drop the
  // old one, rename. With foreign keys enforced the DROP would cascade.
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  constexpr Migration kRebuild[] = {
      {1, "tables",
       "CREATE TABLE p (id TEXT PRIMARY KEY);"
       "CREATE TABLE c (p TEXT REFERENCES p(id) ON DELETE CASCADE);"
       "INSERT INTO p VALUES ('x'); INSERT INTO c VALUES ('x');"},
      {2, "rebuild p",
       "CREATE TABLE p_new (id TEXT PRIMARY KEY, label TEXT NOT NULL DEFAULT '');"
       "INSERT INTO p_new (id) SELECT id FROM p; DROP TABLE p; ALTER TABLE p_new RENAME TO p;"},
  };
  auto report = migrate(*db, kRebuild);
  ASSERT_TRUE(report.isOk()) << report.status().toString();
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM c"), 1);
}

TEST(MigrationsTest, SchemaEnforcesItsRelations) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  ASSERT_TRUE(db->exec("INSERT INTO skills VALUES ('billing', '账单', 'Billing', 1, 1);"
                       "INSERT INTO agents (id, name_zh, name_en, languages, tier, created_at, updated_at) "
                       "  VALUES ('a1', '王伟', 'Wang Wei', '[\"zh-CN\"]', 2, 1, 1);"
                       "INSERT INTO agent_skills VALUES ('a1', 'billing', 4);"
                       "INSERT INTO users (username, password_hash, role, agent_id, created_at, updated_at) "
                       "  VALUES ('wang', 'h', 'agent', 'a1', 1, 1);")
                  .isOk());
  // RESTRICT: a skill in use cannot go.
  Status st = db->exec("DELETE FROM skills WHERE code = 'billing'");
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.toString();
  // RESTRICT: an agent with a login cannot go; without one, its skills go with it (CASCADE).
  st = db->exec("DELETE FROM agents WHERE id = 'a1'");
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.toString();
  ASSERT_TRUE(db->exec("DELETE FROM users WHERE username = 'wang'; DELETE FROM agents WHERE id = 'a1'").isOk());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM agent_skills"), 0);
  // The site row is a singleton.
  st = db->exec("INSERT INTO site VALUES ('other', 'SH01', '上海', 'Shanghai', 'Asia/Shanghai', 'zh-CN', 1)");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST(QuickCheckTest, PassesOnAFreshDatabase) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  EXPECT_TRUE(quickCheck(*db).isOk());
}

TEST(QuickCheckTest, FailsWithDataLossOnCorruptPages) {
  TempDir dir;
  const std::string path = dir.file("outpost.db");
  int64_t page_size = 0;
  {
    auto db = openOrDie(path);
    ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
    ASSERT_TRUE(
        db->exec("INSERT INTO site VALUES ('site', 'SH01', '上海', 'Shanghai', 'Asia/Shanghai', 'zh-CN', 1)")
            .isOk());
    page_size = scalar(*db, "PRAGMA page_size");
    ASSERT_GE(scalar(*db, "PRAGMA page_count"), 3);
  }  // last connection closed: WAL checkpointed into the main file
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(file.is_open());
    file.seekp(page_size);  // page 2
    for (int64_t i = 0; i < page_size; ++i) file.put(static_cast<char>(0xA5 ^ (i & 0x3f)));
  }
  auto db = openOrDie(path);
  ASSERT_NE(db, nullptr);
  Status st = quickCheck(*db);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss) << st.toString();
  EXPECT_THAT(st.message(), HasSubstr("database integrity check failed: "));
  EXPECT_EQ(st.message().find('\n'), std::string::npos) << st.message();
}

}  // namespace
}  // namespace outpost::storage
