// The learning content cache (docs/learning.md): importing a large signed package
// (verified, fsync'ed, content-addressed), serving a media file (verified once, then
// read in range-sized chunks), and the cache at its quota (LRU eviction with pinned
// content kept).
//
//   build/dev/bench/content_bench --benchmark_filter=Import/200
//
// Figures go to docs/learning.md ("Figures").

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "learning/framework.h"
#include "signing/ed25519.h"
#include "signing/package.h"
#include "storage/content_cache.h"
#include "storage/migrations.h"

namespace {

using namespace outpost;
namespace fs = std::filesystem;

std::string tempDir(const char* what) {
  std::string pattern = std::string("/tmp/outpost-bench-") + what + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

struct Signer {
  signing::KeyPair key;
  signing::TrustStore trust;
  Signer() {
    key = signing::generateKeyPair().value();
    if (!trust.add("bench", key.public_b64).isOk()) std::abort();
  }
};

Signer& signer() {
  static Signer s;
  return s;
}

// A course whose one lesson carries `media_mb` MiB of video in files of at most 64 MiB.
std::string makePackage(const std::string& root, const std::string& id, int media_mb, uint32_t seed) {
  const std::string dir = root + "/" + id;
  fs::create_directories(dir + "/media");
  std::string media_json;
  std::vector<char> block(1 << 20);
  uint32_t x = seed * 2654435761u + 1;
  for (int part = 0, left = media_mb; left > 0; ++part) {
    const int mb = std::min(left, 64);
    left -= mb;
    const std::string path = "media/part" + std::to_string(part) + ".mp4";
    std::ofstream out(dir + "/" + path, std::ios::binary);
    for (int m = 0; m < mb; ++m) {
      for (char& c : block) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<char>(x >> 24);
      }
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
    media_json += std::string(media_json.empty() ? "" : ",") + R"({"path":")" + path + R"(","type":"video/mp4"})";
  }
  std::ofstream(dir + "/l1.zh.md") << "# 第一课\n先处理情绪,再处理事情。\n";
  std::ofstream(dir + "/l1.en.md") << "# Lesson one\nFeelings first, then facts.\n";
  std::ofstream(dir + "/manifest.json") << R"({"kind":"content","id":")" << id << R"(","version":1,
    "title":{"zh-CN":"基准","en":"Bench"},"items":["soothing"],"minutes":10,
    "lessons":[{"id":"l1","title":{"zh-CN":"第一课","en":"Lesson one"},"format":"markdown","minutes":5,
      "files":{"zh-CN":"l1.zh.md","en":"l1.en.md"},"media":[)" << media_json << R"(]}],"files":[]})";
  if (!signing::sealPackageDir(dir).isOk()) std::abort();
  if (!signing::signPackageDir(dir, signer().key.private_pem, "bench").isOk()) std::abort();
  return dir;
}

struct Cache {
  std::string root = tempDir("cache");
  std::unique_ptr<storage::Database> db;
  SystemClock clock;
  std::unique_ptr<storage::ContentCache> cache;
  explicit Cache(uint64_t quota) {
    db = storage::Database::open(root + "/outpost.db", {}).value();
    if (!storage::migrate(*db, storage::outpostMigrations()).isOk()) std::abort();
    cache = std::make_unique<storage::ContentCache>(storage::ContentCacheOptions{root + "/content", quota, {}},
                                                    learning::defaultFramework(), clock);
    if (!cache->open(*db).isOk()) std::abort();
  }
  ~Cache() {
    cache.reset();
    db.reset();
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// Import of one package of state.range(0) MiB into an empty cache: verify the
// signature, copy + fsync + hash every file, switch the metadata in one transaction.
void BM_Import(benchmark::State& state) {
  const int mb = static_cast<int>(state.range(0));
  const std::string src = tempDir("src");
  const std::string dir = makePackage(src, "big", mb, 1);
  for (auto _ : state) {
    state.PauseTiming();
    auto cache = std::make_unique<Cache>(uint64_t{64} << 30);
    state.ResumeTiming();
    auto report = cache->cache->importDir(*cache->db, dir, signer().trust);
    if (!report.isOk()) state.SkipWithError(report.status().toString().c_str());
    state.PauseTiming();
    cache.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(state.iterations() * int64_t{mb} * (1 << 20));
  fs::remove_all(src);
}
BENCHMARK(BM_Import)->Arg(16)->Arg(200)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// Serving a 64 MiB medium as the HTTP layer does: file() (verified on first use, then
// memoised) and reads of state.range(0) KiB, the size of a range request.
void BM_ServeMedia(benchmark::State& state) {
  const size_t chunk = static_cast<size_t>(state.range(0)) * 1024;
  const std::string src = tempDir("src");
  Cache cache(uint64_t{64} << 30);
  const std::string dir = makePackage(src, "media", 64, 2);
  if (!cache.cache->importDir(*cache.db, dir, signer().trust).isOk()) std::abort();
  std::vector<char> buf(chunk);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto f = cache.cache->file(*cache.db, "media", "media/part0.mp4");
    if (!f.isOk()) {
      state.SkipWithError(f.status().toString().c_str());
      break;
    }
    const int fd = ::open(f->disk_path.c_str(), O_RDONLY | O_CLOEXEC);
    for (uint64_t off = 0; off < f->size; off += chunk) {
      const ssize_t n = ::pread(fd, buf.data(), chunk, static_cast<off_t>(off));
      if (n <= 0) break;
      bytes += n;
    }
    ::close(fd);
  }
  state.SetBytesProcessed(bytes);
  fs::remove_all(src);
}
BENCHMARK(BM_ServeMedia)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

// The cache at its quota: 10 packages of 8 MiB into a 32 MiB cache with the first one
// pinned. Counters: evictions, the bytes held at the end (never above the quota) and
// whether the pinned package is still present.
void BM_ImportAtQuota(benchmark::State& state) {
  const std::string src = tempDir("src");
  std::vector<std::string> dirs;
  for (int i = 0; i < 10; ++i) dirs.push_back(makePackage(src, "p" + std::to_string(i), 8, 10 + i));
  int64_t evicted = 0;
  uint64_t used = 0;
  bool pinned_present = true;
  for (auto _ : state) {
    state.PauseTiming();
    auto cache = std::make_unique<Cache>(uint64_t{32} << 20);
    state.ResumeTiming();
    for (size_t i = 0; i < dirs.size(); ++i) {
      auto r = cache->cache->importDir(*cache->db, dirs[i], signer().trust);
      if (!r.isOk()) {
        state.SkipWithError(r.status().toString().c_str());
        break;
      }
      evicted += static_cast<int64_t>(r->evicted.size());
      if (i == 0 && !cache->cache->pin(*cache->db, "p0", "a01").isOk()) std::abort();
    }
    state.PauseTiming();
    auto held = cache->cache->usedBytes(*cache->db);
    used = held.isOk() ? *held : 0;
    auto p0 = cache->cache->package(*cache->db, "p0");
    pinned_present = p0.isOk() && p0->present;
    cache.reset();
    state.ResumeTiming();
  }
  state.counters["evicted_per_run"] = static_cast<double>(evicted) / static_cast<double>(state.iterations());
  state.counters["used_MiB"] = static_cast<double>(used) / (1 << 20);
  state.counters["pinned_present"] = pinned_present ? 1 : 0;
  fs::remove_all(src);
}
BENCHMARK(BM_ImportAtQuota)->Iterations(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
