#include "storage/writer.h"

#include <pthread.h>

#include <exception>
#include <future>
#include <string>
#include <vector>

namespace outpost::storage {
namespace {

Status runJob(const Writer::Job& job, Database& db) {
  try {
    return job(db);
  } catch (const std::exception& e) {
    return Status::internal(std::string("storage job threw: ") + e.what());
  } catch (...) {
    return Status::internal("storage job threw an unknown exception");
  }
}

void complete(const Writer::Done& done, const Status& status) {
  if (!done) return;
  try {
    done(status);
  } catch (...) {
    // A completion must not take the writer thread down; there is no one to tell.
  }
}

bool inTransaction(Database& db) { return sqlite3_get_autocommit(db.handle()) == 0; }

}  // namespace

Writer::Writer(std::unique_ptr<Database> db, WriterOptions options) : db_(std::move(db)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
}

Writer::~Writer() { stop(); }

void Writer::start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread(&Writer::threadMain, this);
}

void Writer::stop() {
  bool drain_here = false;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    drain_here = !started_;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (drain_here) {
    // Never started: finish what was submitted on this thread so no completion is lost.
    std::unique_lock lock(mu_);
    while (!queue_.empty()) {
      std::deque<Pending> batch;
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      lock.unlock();
      runBatch(batch);
      lock.lock();
    }
  }
}

void Writer::submit(Job job, Done done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Pending{std::move(job), std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  complete(done, Status::unavailable("storage writer is stopped; the write was not made"));
}

Status Writer::run(Job job) {
  if (std::this_thread::get_id() == thread_id_.load()) {
    return Status::internal(
        "Writer::run() called on the writer thread (from a job or completion); it would deadlock");
  }
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> result = promise->get_future();
  submit(std::move(job), [promise](const Status& s) { promise->set_value(s); });
  return result.get();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Writer::threadMain() {
  thread_id_.store(std::this_thread::get_id());
  pthread_setname_np(pthread_self(), "outpost-writer");
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and drained
    std::deque<Pending> batch;
    while (!queue_.empty() && batch.size() < options_.max_batch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    lock.unlock();
    runBatch(batch);
    lock.lock();
  }
  thread_id_.store(std::thread::id());  // ids can be reused once this thread is gone
}

void Writer::runBatch(std::deque<Pending>& batch) {
  Database& db = *db_;
  std::vector<Status> results(batch.size());
  uint64_t job_errors = 0;
  Status batch_error;  // set when the transaction as a whole failed

  Status begin = db.exec("BEGIN IMMEDIATE");
  if (!begin) {
    batch_error = Status(begin.code(), "starting a write transaction: " + begin.message());
  } else {
    for (size_t i = 0; i < batch.size(); ++i) {
      Status sp = db.exec("SAVEPOINT j");
      if (!sp) {
        batch_error = sp;
        break;
      }
      Status st = runJob(batch[i].job, db);
      if (!inTransaction(db)) {
        // The job's failure made SQLite roll back the whole transaction (I/O error,
        // disk full, ...) or the job ended it itself: nothing in the batch survives.
        batch_error = st ? Status::internal("a storage job ended the write transaction itself") : st;
        break;
      }
      if (st) {
        st = db.exec("RELEASE j");
        if (st) {
          results[i] = Status::ok();
          continue;
        }
      }
      results[i] = st;
      ++job_errors;
      Status undo = db.exec("ROLLBACK TO j");
      if (undo) undo = db.exec("RELEASE j");
      if (!undo) {
        batch_error = Status(undo.code(), "undoing a failed write: " + undo.message());
        break;
      }
    }
    if (batch_error.isOk()) {
      Status commit = db.exec("COMMIT");
      if (!commit) batch_error = Status(commit.code(), "committing writes: " + commit.message());
    }
  }
  if (!batch_error.isOk() && inTransaction(db)) (void)db.exec("ROLLBACK");

  {
    std::lock_guard lock(mu_);
    stats_.jobs += batch.size();
    if (batch_error.isOk()) {
      ++stats_.batches;
      stats_.job_errors += job_errors;
      if (batch.size() > stats_.largest_batch) stats_.largest_batch = batch.size();
    } else {
      ++stats_.commit_errors;
    }
  }
  healthy_.store(batch_error.isOk());

  for (size_t i = 0; i < batch.size(); ++i) {
    // A job's own error stands; everything else shares the transaction's fate.
    const Status& status = !results[i].isOk() || batch_error.isOk() ? results[i] : batch_error;
    complete(batch[i].done, status);
  }
  batch.clear();
}

}  // namespace outpost::storage
