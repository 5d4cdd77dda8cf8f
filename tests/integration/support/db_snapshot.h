#pragma once

// Read-only looks into <data-dir>/outpost.db, to check that what a reply claimed is
// (or is not) on disk. The database is opened with SQLITE_OPEN_READONLY and a busy
// timeout, next to the running daemon (WAL allows that), and closed again at once.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace outpost::itest {

struct TableDigest {
  int64_t rows = 0;
  uint64_t hash = 0;  // FNV-1a over the sorted, serialised rows
  bool operator==(const TableDigest&) const = default;
};

// Every table (sqlite_* excluded) → its row count and content hash. `error` is set
// (and the map empty) when the database cannot be read.
struct DbSnapshot {
  std::map<std::string, TableDigest> tables;
  std::string error;
};

DbSnapshot snapshotDb(const std::string& path);
// "" when equal; otherwise which tables differ and how.
std::string diffSnapshots(const DbSnapshot& before, const DbSnapshot& after);

// PRAGMA quick_check: "ok", or the problems / the error opening the database.
std::string quickCheck(const std::string& path);

// Rows of a query, each column as text ("NULL" for NULL). `error` set on failure.
struct DbRows {
  std::vector<std::vector<std::string>> rows;
  std::string error;
};
DbRows queryDb(const std::string& path, const std::string& sql);

}  // namespace outpost::itest
