#pragma once

// Versioned schema migrations, applied in order at start-up.
//
// The schema version lives in `PRAGMA user_version`. Each migration runs in its own
// transaction together with the version bump, so a crash mid-way leaves the previous
// version intact. A database whose version is newer than the newest migration this
// binary knows is refused (kFailedPrecondition) rather than touched.

#include <span>
#include <string_view>

#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

struct Migration {
  int version;             // 1, 2, 3 … without gaps
  std::string_view name;   // short description, logged when applied
  std::string_view sql;    // one or more statements
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
};

// Applies every migration newer than the database's version.
Result<MigrationReport> migrate(Database& db, std::span<const Migration> migrations);

// Runs `PRAGMA quick_check`; kDataLoss with SQLite's first complaint if it fails.
Status quickCheck(Database& db);

// Outpost's own schema, newest last (storage/schema.cpp).
std::span<const Migration> outpostMigrations();

}  // namespace outpost::storage
