#pragma once

// ReadPool: read-only connections for the HTTP threads. WAL lets them read the last
// committed state while the writer writes. A lease returns its connection to the
// pool when it goes out of scope.
//
// Connections are opened read-only with query_only=ON; the database must already
// exist (the writer creates and migrates it). A connection returned while still
// inside a transaction is closed rather than reused. The pool must outlive its leases.
//
// Thread-safety: acquire() from any thread; a lease is used by one thread.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

class ReadPool {
 public:
  class Lease {
   public:
    Lease(ReadPool& pool, std::unique_ptr<Database> db) : pool_(&pool), db_(std::move(db)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Database& db() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    ReadPool* pool_;
    std::unique_ptr<Database> db_;
  };

  // `max_idle` connections are kept open between leases.
  ReadPool(std::string path, size_t max_idle = 8) : path_(std::move(path)), max_idle_(max_idle) {}

  // An idle connection, or a newly opened read-only one.
  Result<Lease> acquire();

 private:
  void release(std::unique_ptr<Database> db);
  std::string path_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;  // guarded by mu_
};

}  // namespace outpost::storage
