#include "storage/read_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "storage/migrations.h"
#include "storage/storage_test_util.h"
#include "storage/writer.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;

class ReadPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("outpost.db");
    auto db = openOrDie(path_);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->exec("CREATE TABLE t (k INTEGER PRIMARY KEY)").isOk());
    writer_ = std::make_unique<Writer>(std::move(db));
    writer_->start();
  }

  Status insert(int64_t k) {
    return writer_->run([k](Database& db) -> Status {
      auto q = db.query("INSERT INTO t (k) VALUES (?)");
      if (!q) return q.status();
      return q->bind(1, k).exec();
    });
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Writer> writer_;
};

TEST_F(ReadPoolTest, SeesWhatTheWriterCommitted) {
  ReadPool pool(path_);
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.isOk()) << lease.status().toString();
    EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 0);
  }
  ASSERT_TRUE(insert(1).isOk());
  ASSERT_TRUE(insert(2).isOk());
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.isOk());
  EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 2);
}

TEST_F(ReadPoolTest, ReusesIdleConnections) {
  ReadPool pool(path_);
  sqlite3* first = nullptr;
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.isOk());
    first = lease->db().handle();
    // While leased, another acquire gets a different connection.
    auto second = pool.acquire();
    ASSERT_TRUE(second.isOk());
    EXPECT_NE(second->db().handle(), first);
  }
  auto again = pool.acquire();
  ASSERT_TRUE(again.isOk());
  EXPECT_EQ(scalar(again->db(), "PRAGMA query_only"), 1);
  auto other = pool.acquire();
  ASSERT_TRUE(other.isOk());
  // Both idle connections come back; nothing new was opened for them.
  std::vector<sqlite3*> handles = {again->db().handle(), other->db().handle()};
  EXPECT_THAT(handles, ::testing::Contains(first));
  EXPECT_NE(handles[0], handles[1]);
}

TEST_F(ReadPoolTest, LeasedConnectionsAreReadOnly) {
  ReadPool pool(path_);
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.isOk());
  Status st = lease->db().exec("INSERT INTO t VALUES (99)");
  EXPECT_FALSE(st.isOk());
  auto q = lease->db().query("INSERT INTO t VALUES (98)");
  ASSERT_TRUE(q.isOk());
  EXPECT_FALSE(q->exec().isOk());
  EXPECT_EQ(scalar(writer_->database(), "SELECT count(*) FROM t"), 0);
}

TEST_F(ReadPoolTest, ConnectionLeftInATransactionIsNotReused) {
  ReadPool pool(path_, 1);
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.isOk());
    ASSERT_TRUE(lease->db().exec("BEGIN").isOk());
    EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 0);  // snapshot taken
  }
  ASSERT_TRUE(insert(7).isOk());
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.isOk());
  EXPECT_NE(sqlite3_get_autocommit(lease->db().handle()), 0);
  EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 1);
}

TEST_F(ReadPoolTest, ReadersSeeTheLastCommitWhileAWriteIsOpen) {
  ReadPool pool(path_);
  std::promise<void> inside, release;
  std::future<void> inside_f = inside.get_future();
  std::shared_future<void> release_f = release.get_future().share();
  writer_->submit(
      [&](Database& db) -> Status {
        OUTPOST_RETURN_IF_ERROR(db.exec("INSERT INTO t VALUES (1)"));
        inside.set_value();
        release_f.wait();  // hold the transaction open
        return Status::ok();
      },
      nullptr);
  inside_f.wait();
  {
    auto lease = pool.acquire();
    ASSERT_TRUE(lease.isOk());
    EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 0);  // not committed yet, not blocked
  }
  release.set_value();
  writer_->stop();
  auto lease = pool.acquire();
  ASSERT_TRUE(lease.isOk());
  EXPECT_EQ(scalar(lease->db(), "SELECT count(*) FROM t"), 1);
}

TEST_F(ReadPoolTest, ManyThreadsReadWhileTheWriterWrites) {
  ReadPool pool(path_, 4);
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!done.load()) {
        auto lease = pool.acquire();
        if (!lease) {
          ++errors;
          return;
        }
        auto q = lease->db().query("SELECT count(*) FROM t");
        if (!q) {
          ++errors;
          return;
        }
        auto row = q->step();
        if (!row || !*row) {
          ++errors;
          return;
        }
        const int64_t n = q->columnInt(0);
        if (n < last) ++errors;  // committed rows never disappear
        last = n;
      }
    });
  }
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(insert(i).isOk());
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
}

TEST_F(ReadPoolTest, OpeningAMissingDatabaseFails) {
  ReadPool pool(dir_.file("nope.db"));
  auto lease = pool.acquire();
  ASSERT_FALSE(lease.isOk());
  EXPECT_EQ(lease.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace outpost::storage
