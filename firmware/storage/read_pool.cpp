#include "storage/read_pool.h"

namespace outpost::storage {

ReadPool::Lease::~Lease() {
  if (pool_ != nullptr && db_ != nullptr) pool_->release(std::move(db_));
}

Result<ReadPool::Lease> ReadPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  OpenOptions options;
  options.read_only = true;
  Result<std::unique_ptr<Database>> db = Database::open(path_, options);
  if (!db) return db.status();
  return Lease(*this, std::move(db).value());
}

void ReadPool::release(std::unique_ptr<Database> db) {
  // A connection left inside a transaction (a forgotten BEGIN) would pin an old
  // snapshot for the next reader; drop it instead of reusing it.
  if (sqlite3_get_autocommit(db->handle()) == 0) return;
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(std::move(db));
      return;
    }
  }
  db.reset();  // more idle connections than wanted: close this one, outside the lock
}

}  // namespace outpost::storage
