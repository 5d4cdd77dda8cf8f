#pragma once

// Database: one SQLite connection with its prepared statements kept for reuse.
//
// Opening applies the pragmas every Outpost connection needs: WAL journal,
// foreign_keys=ON, synchronous=FULL (so a commit that returned is on disk), a busy
// timeout. SQL is only ever prepared from constant text; user input is bound.
//
// Thread-safety: a Database belongs to one thread at a time (the storage writer, or
// a reader that leased it from ReadPool). Statements are owned by their Database.

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/status.h"

namespace outpost::storage {

struct OpenOptions {
  bool read_only = false;
  int busy_timeout_ms = 5000;
};

class Database;

// A prepared statement borrowed from the connection's cache. Bind parameters by
// 1-based index, step through rows, read columns by 0-based index. The statement is
// reset and its bindings cleared when the Query goes out of scope. A Query must not
// outlive its Database. If the same SQL is borrowed again while a Query for it is
// still alive (nested use), the second one gets a private statement that is
// finalized with it, so the two never share bindings or cursor position.
//
// Errors from step()/exec() say what was being done, derived from the statement
// ("inserting into skills: UNIQUE constraint failed: skills.code").
class Query {
 public:
  Query(Query&& other) noexcept;
  Query& operator=(Query&&) = delete;
  Query(const Query&) = delete;
  ~Query();

  Query& bind(int index, int64_t value);
  Query& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Query& bind(int index, double value);
  Query& bind(int index, std::string_view text);
  Query& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Query& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Query& bindBlob(int index, std::string_view bytes);
  Query& bindNull(int index);
  template <typename T>
  Query& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bindNull(index);
  }

  // Advances to the next row: true when a row is ready, false when done. A failed
  // bind or step comes back as an error Status (constraint violations included).
  Result<bool> step();
  // Runs a statement that returns no rows to completion.
  Status exec();
  // Steps through every row, calling `row()` while the query sits on it (read the
  // columns there); the first failed step ends it with its error.
  template <typename Fn>
  Status forEachRow(Fn&& row) {
    for (;;) {
      Result<bool> more = step();
      if (!more) return more.status();
      if (!*more) return Status::ok();
      row();
    }
  }

  int64_t columnInt(int col) const;
  double columnDouble(int col) const;
  std::string columnText(int col) const;  // "" for NULL
  std::string columnBlob(int col) const;
  bool columnIsNull(int col) const;
  std::optional<std::string> columnOptText(int col) const;
  std::optional<int64_t> columnOptInt(int col) const;

 private:
  friend class Database;
  Query(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Query& noteBind(int index, int rc);
  std::string context() const;
  Database* db_;
  sqlite3_stmt* stmt_;
  bool owned_ = false;       // a private (uncached) statement, finalized with the Query
  int bind_rc_ = SQLITE_OK;  // first bind error, reported by step()
  int bind_index_ = 0;       // the parameter index of that error
};

class Database {
 public:
  // Opens (creating if needed, unless read-only) the file at `path`.
  static Result<std::unique_ptr<Database>> open(const std::string& path, const OpenOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without parameters (DDL, pragmas, BEGIN/COMMIT).
  Status exec(std::string_view sql);
  // Borrows the cached prepared statement for `sql`, preparing it on first use.
  // A syntax error is a bug and comes back as kInternal.
  Result<Query> query(std::string_view sql);

  int64_t lastInsertRowid() const;
  int changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Turns an SQLite result code into a Status: constraint UNIQUE/PRIMARY KEY →
  // kAlreadyExists, FOREIGN KEY (including ON DELETE RESTRICT, which SQLite reports
  // as a trigger constraint) → kFailedPrecondition, CHECK → kInvalidArgument,
  // BUSY/LOCKED → kUnavailable, FULL → kResourceExhausted, CORRUPT/NOTADB →
  // kDataLoss, anything else → kInternal. `context` says what was being done.
  Status errorStatus(int rc, std::string_view context) const;

 private:
  friend class Query;
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;  // cached, finalized in ~Database
  std::unordered_set<sqlite3_stmt*> borrowed_;                 // cached statements a live Query holds
};

}  // namespace outpost::storage
