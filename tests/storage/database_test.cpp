#include "storage/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/migrations.h"
#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;
using test_util::textScalar;
using ::testing::HasSubstr;

TEST(DatabaseTest, OpenCreatesWalDatabaseWithPragmasSet) {
  TempDir dir;
  const std::string path = dir.file("outpost.db");
  auto db = openOrDie(path);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->path(), path);
  EXPECT_EQ(textScalar(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(scalar(*db, "PRAGMA synchronous"), 2);  // FULL
  EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(scalar(*db, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(scalar(*db, "PRAGMA query_only"), 0);
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER)").isOk());
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

TEST(DatabaseTest, ReadOnlyConnectionHasPragmasAndRefusesWrites) {
  TempDir dir;
  const std::string path = dir.file("outpost.db");
  auto writer = openOrDie(path);
  ASSERT_TRUE(writer->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);").isOk());

  OpenOptions options;
  options.read_only = true;
  options.busy_timeout_ms = 1234;
  auto reader = Database::open(path, options);
  ASSERT_TRUE(reader.isOk()) << reader.status().toString();
  Database& db = **reader;
  EXPECT_EQ(scalar(db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(scalar(db, "PRAGMA query_only"), 1);
  EXPECT_EQ(scalar(db, "PRAGMA busy_timeout"), 1234);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM t"), 1);

  Status st = db.exec("INSERT INTO t VALUES (2)");
  EXPECT_FALSE(st.isOk());
  EXPECT_THAT(st.message(), HasSubstr("readonly"));
  auto q = db.query("DELETE FROM t");
  ASSERT_TRUE(q.isOk());
  Status del = q->exec();
  EXPECT_FALSE(del.isOk());
  EXPECT_THAT(del.message(), HasSubstr("deleting from t"));
  EXPECT_EQ(scalar(*writer, "SELECT count(*) FROM t"), 1);
}

TEST(DatabaseTest, ReadOnlyOpenOfMissingFileFails) {
  TempDir dir;
  auto db = Database::open(dir.file("missing.db"), OpenOptions{.read_only = true});
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(db.status().message(), HasSubstr("missing.db"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
}

TEST(DatabaseTest, OpeningAFileThatIsNotADatabaseIsDataLoss) {
  TempDir dir;
  const std::string path = dir.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(i * 7 + 3));
  }
  auto db = Database::open(path);
  ASSERT_FALSE(db.isOk());
  EXPECT_EQ(db.status().code(), StatusCode::kDataLoss) << db.status().toString();
  EXPECT_THAT(db.status().message(), HasSubstr("not a database"));
}

TEST(DatabaseTest, BindStepAndReadColumnsOfEveryType) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(db->exec("CREATE TABLE v (i INTEGER, d REAL, t TEXT, b BLOB, n TEXT, o INTEGER)").isOk());

  const std::string blob("\x00\x01\xff\x00zz", 6);
  const std::string chinese = "客服中心 — 普通话技能组";
  {
    auto q = db->query("INSERT INTO v (i, d, t, b, n, o) VALUES (?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(q.isOk()) << q.status().toString();
    std::optional<int64_t> none;
    q->bind(1, int64_t{1} << 40).bind(2, 2.5).bind(3, chinese).bindBlob(4, blob).bindNull(5).bind(6, none);
    ASSERT_TRUE(q->exec().isOk());
  }
  EXPECT_EQ(db->changes(), 1);
  EXPECT_EQ(db->lastInsertRowid(), 1);
  {
    auto q = db->query("INSERT INTO v (i, d, t, b, n, o) VALUES (?, ?, ?, ?, ?, ?)");
    ASSERT_TRUE(q.isOk());
    std::optional<std::string> text = "optional";
    std::optional<int64_t> num = 7;
    q->bind(1, 3).bind(2, -1.0).bind(3, std::string_view()).bindBlob(4, "").bind(5, text).bind(6, num);
    ASSERT_TRUE(q->exec().isOk());
  }
  EXPECT_EQ(db->lastInsertRowid(), 2);

  auto q = db->query("SELECT i, d, t, b, n, o, typeof(t), typeof(b) FROM v ORDER BY rowid");
  ASSERT_TRUE(q.isOk());
  auto row = q->step();
  ASSERT_TRUE(row.isOk() && *row);
  EXPECT_EQ(q->columnInt(0), int64_t{1} << 40);
  EXPECT_DOUBLE_EQ(q->columnDouble(1), 2.5);
  EXPECT_EQ(q->columnText(2), chinese);
  EXPECT_EQ(q->columnBlob(3), blob);
  EXPECT_TRUE(q->columnIsNull(4));
  EXPECT_EQ(q->columnText(4), "");
  EXPECT_EQ(q->columnOptText(4), std::nullopt);
  EXPECT_EQ(q->columnOptInt(5), std::nullopt);
  EXPECT_FALSE(q->columnIsNull(2));

  row = q->step();
  ASSERT_TRUE(row.isOk() && *row);
  EXPECT_EQ(q->columnInt(0), 3);
  EXPECT_EQ(q->columnText(2), "");  // empty text is text, not NULL
  EXPECT_FALSE(q->columnIsNull(2));
  EXPECT_EQ(q->columnText(6), "text");
  EXPECT_EQ(q->columnText(7), "blob");
  EXPECT_EQ(q->columnBlob(3), "");
  EXPECT_EQ(q->columnOptText(4), "optional");
  EXPECT_EQ(q->columnOptInt(5), 7);

  row = q->step();
  ASSERT_TRUE(row.isOk());
  EXPECT_FALSE(*row);
}

TEST(DatabaseTest, UnicodeTextRoundTripsThroughParametersAndComparisons) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(db->exec("CREATE TABLE names (zh TEXT)").isOk());
  for (const char* name : {"王小明", "李华", "张伟"}) {
    auto q = db->query("INSERT INTO names VALUES (?)");
    ASSERT_TRUE(q.isOk());
    ASSERT_TRUE(q->bind(1, name).exec().isOk());
  }
  auto q = db->query("SELECT zh, length(zh) FROM names WHERE zh = ?");
  ASSERT_TRUE(q.isOk());
  q->bind(1, std::string("李华"));
  auto row = q->step();
  ASSERT_TRUE(row.isOk() && *row);
  EXPECT_EQ(q->columnText(0), "李华");
  EXPECT_EQ(q->columnInt(1), 2);  // characters, not bytes
}

TEST(DatabaseTest, CachedStatementIsResetAndUnboundWhenQueryEnds) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);").isOk());
  constexpr std::string_view kSql = "SELECT x, ? FROM t ORDER BY x";
  {
    auto q = db->query(kSql);
    ASSERT_TRUE(q.isOk());
    q->bind(1, "bound");
    auto row = q->step();
    ASSERT_TRUE(row.isOk() && *row);
    EXPECT_EQ(q->columnInt(0), 1);
    row = q->step();
    EXPECT_EQ(q->columnInt(0), 2);
    EXPECT_EQ(q->columnText(1), "bound");
  }  // abandoned mid-way
  auto q = db->query(kSql);
  ASSERT_TRUE(q.isOk());
  auto row = q->step();
  ASSERT_TRUE(row.isOk() && *row);
  EXPECT_EQ(q->columnInt(0), 1);    // from the start again
  EXPECT_TRUE(q->columnIsNull(1));  // binding cleared
}

TEST(DatabaseTest, NestedUseOfTheSameSqlGetsSeparateStatements) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);").isOk());
  constexpr std::string_view kSql = "SELECT x FROM t WHERE x >= ? ORDER BY x";
  auto outer = db->query(kSql);
  ASSERT_TRUE(outer.isOk());
  outer->bind(1, 1);
  std::vector<std::pair<int64_t, int64_t>> pairs;
  for (;;) {
    auto row = outer->step();
    ASSERT_TRUE(row.isOk());
    if (!*row) break;
    auto inner = db->query(kSql);
    ASSERT_TRUE(inner.isOk());
    inner->bind(1, outer->columnInt(0));
    while (true) {
      auto r = inner->step();
      ASSERT_TRUE(r.isOk());
      if (!*r) break;
      pairs.emplace_back(outer->columnInt(0), inner->columnInt(0));
    }
  }
  EXPECT_EQ(pairs, (std::vector<std::pair<int64_t, int64_t>>{{1, 1}, {1, 2}, {2, 2}}));
}

TEST(DatabaseTest, MovedQueryKeepsItsStatement) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  auto q = db->query("SELECT 40 + ?");
  ASSERT_TRUE(q.isOk());
  Query moved(std::move(q).value());
  moved.bind(1, 2);
  auto row = moved.step();
  ASSERT_TRUE(row.isOk() && *row);
  EXPECT_EQ(moved.columnInt(0), 42);
}

TEST(DatabaseTest, UniqueViolationIsAlreadyExistsNamingTheConstraint) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  constexpr std::string_view kInsert =
      "INSERT INTO skills (code, name_zh, name_en, created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
  for (int i = 0; i < 2; ++i) {
    auto q = db->query(kInsert);
    ASSERT_TRUE(q.isOk());
    Status st = q->bind(1, "billing").bind(2, "账单").bind(3, "Billing").bind(4, 1).bind(5, 1).exec();
    if (i == 0) {
      ASSERT_TRUE(st.isOk()) << st.toString();
    } else {
      EXPECT_EQ(st.code(), StatusCode::kAlreadyExists);
      EXPECT_EQ(st.message(), "inserting into skills: UNIQUE constraint failed: skills.code");
    }
  }
}

TEST(DatabaseTest, ForeignKeyViolationIsFailedPrecondition) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  auto q = db->query("INSERT INTO agent_skills (agent_id, skill_code, level) VALUES (?, ?, ?)");
  ASSERT_TRUE(q.isOk());
  Status st = q->bind(1, "a1").bind(2, "nope").bind(3, 3).exec();
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st.toString();
  EXPECT_THAT(st.message(), HasSubstr("inserting into agent_skills"));
  EXPECT_THAT(st.message(), HasSubstr("FOREIGN KEY constraint failed"));
}

TEST(DatabaseTest, CheckViolationIsInvalidArgument) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  auto q = db->query(
      "INSERT INTO agents (id, name_zh, name_en, languages, tier, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  ASSERT_TRUE(q.isOk());
  Status st = q->bind(1, "a1")
                  .bind(2, "王")
                  .bind(3, "Wang")
                  .bind(4, "[\"zh-CN\"]")
                  .bind(5, 9)
                  .bind(6, 1)
                  .bind(7, 1)
                  .exec();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.toString();
  EXPECT_THAT(st.message(), HasSubstr("CHECK constraint failed"));
}

TEST(DatabaseTest, BadSqlIsInternal) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  auto q = db->query("SELEKT 1");
  ASSERT_FALSE(q.isOk());
  EXPECT_EQ(q.status().code(), StatusCode::kInternal);
  EXPECT_THAT(q.status().message(), HasSubstr("SELEKT 1"));
  EXPECT_THAT(q.status().message(), HasSubstr("syntax error"));

  auto two = db->query("SELECT 1; SELECT 2");
  ASSERT_FALSE(two.isOk());
  EXPECT_EQ(two.status().code(), StatusCode::kInternal);

  EXPECT_TRUE(db->query("SELECT 1;  ").isOk());

  Status st = db->exec("CREATE TABEL x (y)");
  EXPECT_EQ(st.code(), StatusCode::kInternal);
}

TEST(DatabaseTest, BindErrorIsReportedByStep) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  auto q = db->query("SELECT ?");
  ASSERT_TRUE(q.isOk());
  q->bind(5, 1).bind(1, 1);  // out of range, then fine: the first error sticks
  auto row = q->step();
  ASSERT_FALSE(row.isOk());
  EXPECT_EQ(row.status().code(), StatusCode::kInternal);
  EXPECT_THAT(row.status().message(), HasSubstr("parameter 5"));
}

TEST(DatabaseTest, ErrorStatusMapsCodes) {
  TempDir dir;
  auto db = openOrDie(dir.file("outpost.db"));
  EXPECT_EQ(db->errorStatus(SQLITE_BUSY, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(db->errorStatus(SQLITE_LOCKED, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(db->errorStatus(SQLITE_FULL, "x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(db->errorStatus(SQLITE_CORRUPT, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(db->errorStatus(SQLITE_NOTADB, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(db->errorStatus(SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(db->errorStatus(SQLITE_CONSTRAINT_NOTNULL, "x").code(), StatusCode::kInternal);
  EXPECT_EQ(db->errorStatus(SQLITE_IOERR, "x").code(), StatusCode::kInternal);
  Status full = db->errorStatus(SQLITE_FULL, "saving agent");
  EXPECT_EQ(full.message(), "saving agent: database or disk is full");
}

}  // namespace
}  // namespace outpost::storage
