#include "storage/writer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;
using ::testing::HasSubstr;

constexpr std::string_view kInsert = "INSERT INTO t (k, v) VALUES (?, ?)";

Writer::Job insertJob(std::string key, int64_t value = 0) {
  return [key = std::move(key), value](Database& db) -> Status {
    auto q = db.query(kInsert);
    if (!q) return q.status();
    return q->bind(1, key).bind(2, value).exec();
  };
}

class WriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("outpost.db");
    auto db = openOrDie(path_);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)").isOk());
    writer_db_ = std::move(db);
  }

  std::unique_ptr<Writer> makeWriter(WriterOptions options = {}) {
    return std::make_unique<Writer>(std::move(writer_db_), options);
  }

  int64_t countRows() {
    auto reader = openOrDie(path_, /*read_only=*/true);
    return reader != nullptr ? scalar(*reader, "SELECT count(*) FROM t") : -1;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Database> writer_db_;
};

// Collects completions; wait() until `n` arrived.
class Completions {
 public:
  Writer::Done add() {
    return [this](const Status& s) {
      std::lock_guard lock(mu_);
      statuses_.push_back(s);
      cv_.notify_all();
    };
  }
  std::vector<Status> wait(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return statuses_.size() >= n; });
    return statuses_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Status> statuses_;
};

TEST_F(WriterTest, ThousandJobsFromEightThreadsAllCommit) {
  auto writer = makeWriter();
  writer->start();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 125;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status st = writer->run(insertJob("k" + std::to_string(t) + "-" + std::to_string(i), i));
        if (!st.isOk()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(countRows(), kThreads * kPerThread);
  WriterStats stats = writer->stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_GE(stats.batches, 1u);
  EXPECT_LE(stats.batches, stats.jobs);
  EXPECT_EQ(stats.job_errors, 0u);
  EXPECT_EQ(stats.commit_errors, 0u);
  EXPECT_TRUE(writer->healthy());
}

TEST_F(WriterTest, JobsQueuedTogetherShareOneTransaction) {
  auto writer = makeWriter();
  Completions done;
  constexpr int kJobs = 300;
  for (int i = 0; i < kJobs; ++i) writer->submit(insertJob("k" + std::to_string(i)), done.add());
  writer->start();
  auto statuses = done.wait(kJobs);
  ASSERT_EQ(statuses.size(), static_cast<size_t>(kJobs));
  for (const Status& s : statuses) EXPECT_TRUE(s.isOk()) << s.toString();
  WriterStats stats = writer->stats();
  EXPECT_EQ(stats.jobs, static_cast<uint64_t>(kJobs));
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.largest_batch, static_cast<uint64_t>(kJobs));
  EXPECT_EQ(countRows(), kJobs);
}

TEST_F(WriterTest, BatchesAreCappedAtMaxBatch) {
  auto writer = makeWriter(WriterOptions{.max_batch = 10});
  Completions done;
  for (int i = 0; i < 95; ++i) writer->submit(insertJob("k" + std::to_string(i)), done.add());
  writer->start();
  done.wait(95);
  WriterStats stats = writer->stats();
  EXPECT_EQ(stats.batches, 10u);
  EXPECT_EQ(stats.largest_batch, 10u);
  EXPECT_EQ(countRows(), 95);
}

TEST_F(WriterTest, FailingJobIsRolledBackAloneWhileTheBatchCommits) {
  auto writer = makeWriter();
  Status a, b, c, d;
  writer->submit(insertJob("a"), [&](const Status& s) { a = s; });
  writer->submit(
      [](Database& db) -> Status {
        OUTPOST_RETURN_IF_ERROR(insertJob("b1")(db));  // undone with the rest of this job
        OUTPOST_RETURN_IF_ERROR(insertJob("b2")(db));
        return Status::invalidArgument("b changed its mind");
      },
      [&](const Status& s) { b = s; });
  writer->submit(insertJob("a"), [&](const Status& s) { c = s; });  // duplicate key
  writer->submit(insertJob("d"), [&](const Status& s) { d = s; });
  writer->start();
  writer->stop();

  EXPECT_TRUE(a.isOk()) << a.toString();
  EXPECT_EQ(b.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(b.message(), "b changed its mind");
  EXPECT_EQ(c.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(c.message(), "inserting into t: UNIQUE constraint failed: t.k");
  EXPECT_TRUE(d.isOk()) << d.toString();

  WriterStats stats = writer->stats();
  EXPECT_EQ(stats.batches, 1u);
  EXPECT_EQ(stats.jobs, 4u);
  EXPECT_EQ(stats.job_errors, 2u);
  auto reader = openOrDie(path_, true);
  EXPECT_EQ(countRows(), 2);
  EXPECT_EQ(scalar(*reader, "SELECT count(*) FROM t WHERE k IN ('a', 'd')"), 2);
}

TEST_F(WriterTest, ThrowingJobFailsWithInternalAndOthersCommit) {
  auto writer = makeWriter();
  Status thrown, ok;
  writer->submit(
      [](Database& db) -> Status {
        (void)insertJob("half")(db);
        throw std::runtime_error("boom");
      },
      [&](const Status& s) { thrown = s; });
  writer->submit(insertJob("fine"), [&](const Status& s) { ok = s; });
  writer->start();
  writer->stop();
  EXPECT_EQ(thrown.code(), StatusCode::kInternal);
  EXPECT_THAT(thrown.message(), HasSubstr("boom"));
  EXPECT_TRUE(ok.isOk());
  EXPECT_EQ(countRows(), 1);
}

TEST_F(WriterTest, CompletionRunsOnlyAfterCommit) {
  auto writer = makeWriter();
  writer->start();
  std::promise<std::pair<Status, int64_t>> seen;
  writer->submit(insertJob("visible"), [&](const Status& s) {
    // A separate connection sees only committed data.
    auto reader = openOrDie(path_, true);
    seen.set_value({s, reader ? scalar(*reader, "SELECT count(*) FROM t WHERE k = 'visible'") : -1});
  });
  auto [status, rows] = seen.get_future().get();
  EXPECT_TRUE(status.isOk()) << status.toString();
  EXPECT_EQ(rows, 1);
}

TEST_F(WriterTest, WriterThreadIsNamed) {
  auto writer = makeWriter();
  writer->start();
  std::string name;
  Status st = writer->run([&](Database&) {
    char buf[32] = {};
    pthread_getname_np(pthread_self(), buf, sizeof buf);
    name = buf;
    return Status::ok();
  });
  EXPECT_TRUE(st.isOk());
  EXPECT_EQ(name, "outpost-writer");
}

TEST_F(WriterTest, StopDrainsEverythingSubmitted) {
  auto writer = makeWriter();
  writer->start();
  Completions done;
  constexpr int kJobs = 200;
  for (int i = 0; i < kJobs; ++i) writer->submit(insertJob("k" + std::to_string(i)), done.add());
  writer->stop();
  auto statuses = done.wait(0);  // all must already be there
  ASSERT_EQ(statuses.size(), static_cast<size_t>(kJobs));
  for (const Status& s : statuses) EXPECT_TRUE(s.isOk());
  EXPECT_EQ(countRows(), kJobs);
}

TEST_F(WriterTest, StopWithoutStartRunsQueuedJobs) {
  auto writer = makeWriter();
  Status st = Status::internal("not called");
  writer->submit(insertJob("x"), [&](const Status& s) { st = s; });
  writer->stop();
  EXPECT_TRUE(st.isOk()) << st.toString();
  EXPECT_EQ(countRows(), 1);
}

TEST_F(WriterTest, SubmitAfterStopIsUnavailable) {
  auto writer = makeWriter();
  writer->start();
  writer->stop();
  Status st;
  writer->submit(insertJob("late"), [&](const Status& s) { st = s; });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ(writer->run(insertJob("later")).code(), StatusCode::kUnavailable);
  EXPECT_EQ(countRows(), 0);
}

TEST_F(WriterTest, RunFromTheWriterThreadIsRefusedInsteadOfDeadlocking) {
  auto writer = makeWriter();
  writer->start();
  Status inner;
  Status outer = writer->run([&](Database&) {
    inner = writer->run(insertJob("nested"));
    return Status::ok();
  });
  EXPECT_TRUE(outer.isOk());
  EXPECT_EQ(inner.code(), StatusCode::kInternal);
}

TEST_F(WriterTest, FailedCommitFailsTheBatchAndMarksUnhealthyUntilTheNextCommit) {
  ASSERT_TRUE(writer_db_
                  ->exec("CREATE TABLE parent (id TEXT PRIMARY KEY);"
                         "CREATE TABLE child (p TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);")
                  .isOk());
  auto writer = makeWriter();
  Status good, dangling;
  std::promise<void> first_batch_done;
  writer->submit(insertJob("good"), [&](const Status& s) { good = s; });
  // A deferred foreign key is only checked at COMMIT, so the whole batch fails there.
  writer->submit([](Database& db) { return db.exec("INSERT INTO child VALUES ('ghost')"); },
                 [&](const Status& s) {
                   dangling = s;
                   first_batch_done.set_value();
                 });
  writer->start();
  first_batch_done.get_future().wait();
  EXPECT_FALSE(writer->healthy());
  EXPECT_TRUE(writer->run([](Database&) { return Status::ok(); }).isOk());  // a later batch
  EXPECT_EQ(good.code(), StatusCode::kFailedPrecondition) << good.toString();
  EXPECT_THAT(good.message(), HasSubstr("committing writes"));
  EXPECT_THAT(good.message(), HasSubstr("FOREIGN KEY constraint failed"));
  EXPECT_EQ(dangling.code(), StatusCode::kFailedPrecondition);

  WriterStats stats = writer->stats();
  EXPECT_EQ(stats.commit_errors, 1u);
  EXPECT_EQ(countRows(), 0);

  EXPECT_TRUE(writer->healthy());  // that later batch committed
  // The unhealthy window, seen from a second failing batch's completion.
  std::promise<bool> health_in_completion;
  writer->submit([](Database& db) { return db.exec("INSERT INTO child VALUES ('ghost2')"); },
                 [&](const Status&) { health_in_completion.set_value(writer->healthy()); });
  EXPECT_FALSE(health_in_completion.get_future().get());
  EXPECT_FALSE(writer->healthy());
  EXPECT_TRUE(writer->run(insertJob("after")).isOk());
  EXPECT_TRUE(writer->healthy());
  EXPECT_EQ(countRows(), 1);
}

TEST_F(WriterTest, BusyDatabaseFailsTheBatchAsUnavailable) {
  writer_db_.reset();
  OpenOptions quick;
  quick.busy_timeout_ms = 50;
  auto db = Database::open(path_, quick);
  ASSERT_TRUE(db.isOk());
  Writer writer(std::move(db).value());
  writer.start();

  auto other = openOrDie(path_);
  ASSERT_TRUE(other->exec("BEGIN IMMEDIATE").isOk());  // holds the write lock
  Status st = writer.run(insertJob("blocked"));
  EXPECT_EQ(st.code(), StatusCode::kUnavailable) << st.toString();
  EXPECT_THAT(st.message(), HasSubstr("starting a write transaction"));
  EXPECT_FALSE(writer.healthy());
  ASSERT_TRUE(other->exec("ROLLBACK").isOk());

  EXPECT_TRUE(writer.run(insertJob("free")).isOk());
  EXPECT_TRUE(writer.healthy());
  EXPECT_EQ(countRows(), 1);
}

TEST_F(WriterTest, JobThatEndsTheTransactionFailsTheWholeBatch) {
  auto writer = makeWriter();
  Status first, culprit, last;
  writer->submit(insertJob("first"), [&](const Status& s) { first = s; });
  writer->submit([](Database& db) { return db.exec("ROLLBACK"); }, [&](const Status& s) { culprit = s; });
  writer->submit(insertJob("last"), [&](const Status& s) { last = s; });
  writer->start();
  writer->stop();
  EXPECT_EQ(first.code(), StatusCode::kInternal);
  EXPECT_FALSE(culprit.isOk());
  EXPECT_EQ(last.code(), StatusCode::kInternal);
  EXPECT_EQ(countRows(), 0);
  EXPECT_EQ(writer->stats().commit_errors, 1u);
}

}  // namespace
}  // namespace outpost::storage
