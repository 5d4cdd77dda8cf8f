#pragma once

// Helpers for storage tests: a temporary directory removed at the end of the test,
// and shortcuts for opening connections and counting rows.

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/database.h"

namespace outpost::storage::test_util {

class TempDir {
 public:
  TempDir() {
    std::string pattern = "/tmp/outpost-storage-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<Database> openOrDie(const std::string& path, bool read_only = false) {
  OpenOptions options;
  options.read_only = read_only;
  Result<std::unique_ptr<Database>> db = Database::open(path, options);
  EXPECT_TRUE(db.isOk()) << db.status().toString();
  return db.isOk() ? std::move(db).value() : nullptr;
}

// The single integer a query like "SELECT count(*) FROM t" returns; -1 on error.
inline int64_t scalar(Database& db, std::string_view sql) {
  Result<Query> q = db.query(sql);
  if (!q) {
    ADD_FAILURE() << q.status().toString();
    return -1;
  }
  Result<bool> row = q->step();
  if (!row || !*row) {
    ADD_FAILURE() << "no row from " << sql << ": " << row.status().toString();
    return -1;
  }
  return q->columnInt(0);
}

inline std::string textScalar(Database& db, std::string_view sql) {
  Result<Query> q = db.query(sql);
  if (!q) {
    ADD_FAILURE() << q.status().toString();
    return {};
  }
  Result<bool> row = q->step();
  if (!row || !*row) {
    ADD_FAILURE() << "no row from " << sql << ": " << row.status().toString();
    return {};
  }
  return q->columnText(0);
}

}  // namespace outpost::storage::test_util
