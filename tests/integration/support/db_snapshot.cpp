#include "integration/support/db_snapshot.h"

#include <sqlite3.h>

#include <algorithm>
#include <sstream>

namespace outpost::itest {
namespace {

// Opens read-only; nullptr and `error` on failure.
sqlite3* openReadOnly(const std::string& path, std::string& error) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    error = "open " + path + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

std::string columnText(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_BLOB: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(st, i));
      return "blob:" + std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(st, i)));
    }
    default: {
      const unsigned char* t = sqlite3_column_text(st, i);
      return t ? std::string(reinterpret_cast<const char*>(t),
                             static_cast<size_t>(sqlite3_column_bytes(st, i)))
               : std::string("NULL");
    }
  }
}

DbRows run(sqlite3* db, const std::string& sql) {
  DbRows out;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    out.error = "prepare \"" + sql + "\": " + sqlite3_errmsg(db);
    return out;
  }
  const int columns = sqlite3_column_count(st);
  for (int guard = 0; guard < 10'000'000; ++guard) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      out.error = "step \"" + sql + "\": " + sqlite3_errmsg(db);
      break;
    }
    std::vector<std::string> row;
    for (int i = 0; i < columns; ++i) row.push_back(columnText(st, i));
    out.rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  return out;
}

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

DbSnapshot snapshotDb(const std::string& path) {
  DbSnapshot snap;
  sqlite3* db = openReadOnly(path, snap.error);
  if (!db) return snap;
  // One read transaction, so all tables are seen at the same commit.
  DbRows begin = run(db, "BEGIN");
  DbRows names = run(
      db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  if (!names.error.empty()) snap.error = names.error;
  for (const auto& n : names.rows) {
    DbRows rows = run(db, "SELECT * FROM \"" + n[0] + "\"");
    if (!rows.error.empty()) {
      snap.error = rows.error;
      break;
    }
    std::vector<std::string> lines;
    for (const auto& r : rows.rows) {
      std::string line;
      for (const auto& c : r) line += c + '\x1f';
      lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    uint64_t h = 14695981039346656037ULL;
    for (const auto& l : lines) h = fnv1a(fnv1a(h, l), "\x1e");
    snap.tables[n[0]] = TableDigest{static_cast<int64_t>(lines.size()), h};
  }
  run(db, "COMMIT");
  sqlite3_close(db);
  if (!snap.error.empty()) snap.tables.clear();
  return snap;
}

std::string diffSnapshots(const DbSnapshot& before, const DbSnapshot& after) {
  std::ostringstream s;
  if (!before.error.empty()) s << "snapshot before: " << before.error << "\n";
  if (!after.error.empty()) s << "snapshot after: " << after.error << "\n";
  for (const auto& [name, d] : before.tables) {
    auto it = after.tables.find(name);
    if (it == after.tables.end()) {
      s << "table " << name << " disappeared\n";
    } else if (!(it->second == d)) {
      s << "table " << name << " changed: " << d.rows << " → " << it->second.rows << " rows"
        << (d.rows == it->second.rows ? " (same count, different content)" : "") << "\n";
    }
  }
  for (const auto& [name, d] : after.tables) {
    if (!before.tables.count(name)) s << "table " << name << " appeared with " << d.rows << " rows\n";
  }
  return s.str();
}

std::string quickCheck(const std::string& path) {
  std::string error;
  sqlite3* db = openReadOnly(path, error);
  if (!db) return error;
  DbRows r = run(db, "PRAGMA quick_check");
  sqlite3_close(db);
  if (!r.error.empty()) return r.error;
  std::string out;
  for (const auto& row : r.rows) out += (out.empty() ? "" : "; ") + (row.empty() ? "" : row[0]);
  return out;
}

DbRows queryDb(const std::string& path, const std::string& sql) {
  DbRows out;
  sqlite3* db = openReadOnly(path, out.error);
  if (!db) return out;
  out = run(db, sql);
  sqlite3_close(db);
  return out;
}

}  // namespace outpost::itest
