// Group commit through the storage Writer: committed writes per second when 1, 4
// and 16 threads each wait for their own small INSERT (synchronous=FULL, so every
// COMMIT is an fsync). More threads → bigger batches → more writes per fsync.
//
// The database lives in a fresh directory under $OUTPOST_BENCH_DIR, else $TMPDIR,
// else /tmp; put it on the disk you want to measure (tmpfs makes fsync free).

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "storage/database.h"
#include "storage/writer.h"

namespace outpost::storage {
namespace {

struct Fixture {
  std::string dir;
  std::unique_ptr<Writer> writer;
  std::atomic<int64_t> next_id{0};
};

Fixture* g_fixture = nullptr;
std::string g_setup_error;  // why setUp() left g_fixture empty

std::string benchBaseDir() {
  for (const char* var : {"OUTPOST_BENCH_DIR", "TMPDIR"}) {
    const char* value = std::getenv(var);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

void setUp(const benchmark::State&) {
  std::string pattern = benchBaseDir() + "/outpost-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    g_setup_error = "mkdtemp failed under " + benchBaseDir();
    return;
  }
  auto db = Database::open(pattern + "/bench.db");
  Status st =
      db ? (*db)->exec(
               "CREATE TABLE events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)")
         : db.status();
  if (!st) {
    g_setup_error = st.toString();
    std::filesystem::remove_all(pattern);
    return;
  }
  auto* f = new Fixture;
  f->dir = pattern;
  f->writer = std::make_unique<Writer>(std::move(db).value());
  f->writer->start();
  g_fixture = f;
}

void tearDown(const benchmark::State&) {
  if (g_fixture == nullptr) return;
  g_fixture->writer->stop();
  g_fixture->writer.reset();
  std::filesystem::remove_all(g_fixture->dir);
  delete g_fixture;
  g_fixture = nullptr;
}

void BM_WriterCommittedInserts(benchmark::State& state) {
  Fixture* f = g_fixture;
  if (f == nullptr) {
    state.SkipWithError(g_setup_error.c_str());
    return;
  }
  const WriterStats before = state.thread_index() == 0 ? f->writer->stats() : WriterStats{};
  for (auto _ : state) {
    const int64_t id = f->next_id.fetch_add(1);
    Status st = f->writer->run([id](Database& db) -> Status {
      auto q = db.query("INSERT INTO events (id, at, body) VALUES (?, ?, ?)");
      if (!q) return q.status();
      return q->bind(1, id).bind(2, id * 1000).bind(3, "agent a1 went ready").exec();
    });
    if (!st.isOk()) {
      state.SkipWithError(st.toString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    // Read by thread 0 only; other threads may still finish their last job, so
    // this is approximate at the edges.
    const WriterStats after = f->writer->stats();
    const double batches = static_cast<double>(after.batches - before.batches);
    const double jobs = static_cast<double>(after.jobs - before.jobs);
    state.counters["avg_batch"] = batches > 0 ? jobs / batches : 0.0;
    state.counters["largest_batch"] = static_cast<double>(after.largest_batch);
  }
}

BENCHMARK(BM_WriterCommittedInserts)
    ->Setup(setUp)
    ->Teardown(tearDown)
    ->Threads(1)
    ->Threads(4)
    ->Threads(16)
    ->UseRealTime()
    ->MinTime(2.0);

}  // namespace
}  // namespace outpost::storage

BENCHMARK_MAIN();
