#pragma once

// Writer: the one thread that writes to SQLite, with group commit.
//
// Callers submit jobs (functions that write through the given Database). The writer
// takes every job queued at that moment (up to max_batch), opens one transaction,
// runs each job inside its own SAVEPOINT — a job that returns an error is rolled
// back alone and the rest of the batch still commits — then COMMITs once
// (synchronous=FULL, so one fsync covers the whole batch). Only after the COMMIT
// returned does it call each job's completion, so an answer that waits on the
// completion never acknowledges data that is not on disk.
//
// If COMMIT itself fails (disk full, I/O error), every job in the batch is completed
// with that error and the writer reports itself unhealthy until a later commit
// succeeds.
//
// A job that throws is treated as failing with kInternal. If a job's failure makes
// SQLite abandon the whole transaction (I/O error, disk full), the batch fails like
// a failed COMMIT. BEGIN failing is treated the same way.
//
// Thread-safety: submit()/run() from any thread. Completions run on the writer
// thread and must not block on the writer; run() from the writer thread returns
// kInternal instead of deadlocking. run() before start() waits until start().

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

struct WriterOptions {
  size_t max_batch = 512;  // jobs per transaction at most
};

struct WriterStats {
  uint64_t jobs = 0;          // completed jobs, committed or failed
  uint64_t batches = 0;       // committed transactions
  uint64_t job_errors = 0;    // jobs that returned an error (rolled back alone)
  uint64_t commit_errors = 0; // failed COMMITs
  uint64_t largest_batch = 0;
};

class Writer {
 public:
  using Job = std::function<Status(Database&)>;
  using Done = std::function<void(const Status&)>;

  explicit Writer(std::unique_ptr<Database> db, WriterOptions options = {});
  ~Writer();  // stop()s
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void start();
  // Finishes every job already submitted, then joins the thread. Jobs submitted
  // afterwards complete at once with kUnavailable. If start() was never called, the
  // queued jobs run on the calling thread. A stopped writer cannot be restarted.
  void stop();

  // Queues `job`; `done` gets OK after the commit that contains the job, or the
  // job's own error, or the commit's error.
  void submit(Job job, Done done);
  // Submits and blocks until the job's completion; returns its status.
  Status run(Job job);

  WriterStats stats() const;
  // False after a failed COMMIT until the next successful one.
  bool healthy() const { return healthy_.load(); }
  // The connection, for start-up work done before start() (migrations, seeding).
  Database& database() { return *db_; }

 private:
  struct Pending {
    Job job;
    Done done;
  };
  void threadMain();
  void runBatch(std::deque<Pending>& batch);

  std::unique_ptr<Database> db_;
  WriterOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  bool started_ = false;
  WriterStats stats_;          // guarded by mu_
  std::atomic<bool> healthy_{true};
  std::atomic<std::thread::id> thread_id_{};  // the writer thread, for run()'s self-call check
  std::thread thread_;
};

}  // namespace outpost::storage
