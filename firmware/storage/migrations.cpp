#include "storage/migrations.h"

#include <string>

namespace outpost::storage {
namespace {

Result<int> userVersion(Database& db) {
  Result<Query> q = db.query("PRAGMA user_version");
  if (!q) return q.status();
  Result<bool> row = q->step();
  if (!row) return row.status();
  if (!*row) return Status::internal("PRAGMA user_version returned no row");
  return static_cast<int>(q->columnInt(0));
}

// Fails if the open transaction left foreign keys dangling (they are not enforced
// while a migration runs, so table rebuilds work; see migrate()).
Status checkForeignKeys(Database& db, const Migration& m) {
  Result<Query> q = db.query("PRAGMA foreign_key_check");
  if (!q) return q.status();
  Result<bool> row = q->step();
  if (!row) return row.status();
  if (!*row) return Status::ok();
  return Status::internal("schema migration " + std::to_string(m.version) + " (" + std::string(m.name) +
                          ") leaves a row in " + q->columnText(0) + " whose foreign key to " +
                          q->columnText(2) + " points nowhere");
}

Status applyOne(Database& db, const Migration& m) {
  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    Result<int> current = userVersion(db);
    if (!current) return current.status();
    if (*current >= m.version) return Status::ok();  // applied meanwhile by another process
    OUTPOST_RETURN_IF_ERROR(db.exec(m.sql));
    OUTPOST_RETURN_IF_ERROR(checkForeignKeys(db, m));
    // An integer we format ourselves; PRAGMA values cannot be bound.
    return db.exec("PRAGMA user_version = " + std::to_string(m.version));
  };
  Status st = body();
  if (st) st = db.exec("COMMIT");
  if (!st) {
    if (sqlite3_get_autocommit(db.handle()) == 0) (void)db.exec("ROLLBACK");
    return Status(st.code(), "applying schema migration " + std::to_string(m.version) + " (" +
                                 std::string(m.name) + "): " + st.message());
  }
  return Status::ok();
}

}  // namespace

Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i + 1)) {
      return Status::internal("schema migrations must be numbered 1, 2, 3 … without gaps; entry " +
                              std::to_string(i + 1) + " has version " +
                              std::to_string(migrations[i].version));
    }
  }
  if (sqlite3_get_autocommit(db.handle()) == 0) {
    return Status::internal("migrate() called inside an open transaction");
  }
  const int newest = static_cast<int>(migrations.size());

  Result<int> from = userVersion(db);
  if (!from) return from.status();
  if (*from < 0) {
    return Status::dataLoss("database schema version " + std::to_string(*from) + " is invalid");
  }
  if (*from > newest) {
    return Status::failedPrecondition("database schema version " + std::to_string(*from) +
                                      " is newer than this outpostd understands (up to " +
                                      std::to_string(newest) + "); run a newer outpostd or restore a backup");
  }

  MigrationReport report{*from, *from};
  if (*from == newest) return report;

  // Foreign keys are not enforced during migrations, so a migration may rebuild a
  // table (create new, copy, drop old, rename) without cascading deletes; instead
  // PRAGMA foreign_key_check must come back clean before each COMMIT. The pragma is
  // a no-op inside a transaction, hence here.
  OUTPOST_RETURN_IF_ERROR(db.exec("PRAGMA foreign_keys=OFF"));
  Status st;
  for (const Migration& m : migrations) {
    if (m.version <= *from) continue;
    st = applyOne(db, m);
    if (!st) break;
  }
  Status restore = db.exec("PRAGMA foreign_keys=ON");
  if (!st) return st;
  if (!restore) return restore;

  Result<int> to = userVersion(db);
  if (!to) return to.status();
  report.to_version = *to;
  return report;
}

Status quickCheck(Database& db) {
  constexpr std::string_view kPrefix = "database integrity check failed: ";
  Result<Query> q = db.query("PRAGMA quick_check");
  if (!q) return q.status();
  Result<bool> row = q->step();
  if (!row) {
    if (row.status().code() == StatusCode::kDataLoss) {
      return Status::dataLoss(std::string(kPrefix) + row.status().message());
    }
    return row.status();
  }
  if (!*row) return Status::internal("PRAGMA quick_check returned no row");
  std::string first = q->columnText(0);
  if (first == "ok") return Status::ok();
  // Multi-database output starts with "*** in database main ***\n"; keep the complaint.
  if (first.starts_with("***")) {
    const size_t nl = first.find('\n');
    if (nl != std::string::npos) first.erase(0, nl + 1);
  }
  const size_t nl = first.find('\n');
  if (nl != std::string::npos) first.resize(nl);
  return Status::dataLoss(std::string(kPrefix) + first);
}

}  // namespace outpost::storage
