// Sync throughput (docs/sync.md, "Figures").
//
//   BM_OutboxAppend/N      records/s appended to the outbox, N per transaction
//                          (synchronous=FULL: one fsync per transaction)
//   BM_PublishDrain/records:N/tls:T
//                          records/s: a backlog of N outbox rows drained by the real
//                          Publisher to a local mosquitto until every batch has its
//                          PUBACK (TLS off/on; with TLS, client certificates from
//                          scripts/sync/make-test-certs.sh)
//   BM_SteadyCommitWhilePublishing/N
//                          records/s committed (synchronous=FULL, group commit, 8
//                          threads × N) while the Publisher drains them to mosquitto
//                          counters: mosquitto_pub_per_s — `mosquitto_pub -q 1 -l` on the
//                          same broker in the same run, N lines of one record's size
//                          (with the same client certificate when TLS is on) — and
//                          ratio_vs_mosquitto_pub = drain records/s ÷ that rate
//   BM_DownlinkFetch/chunk_kib:C
//                          downlink bytes/s: an 8 MiB signed package published in an
//                          in-process HubService, fetched by the real Downlink over the
//                          Publisher's connection in C KiB chunks, every file hashed and
//                          renamed (the installer hook only counts)
//   BM_RawQos1Publish/N    baseline: N messages of one record's size published by a
//                          bare libmosquitto client at QoS 1 (16 in flight), until every
//                          PUBACK came back — what `mosquitto_pub -q 1 -l` does
//
// mosquitto is started by the benchmark on a free loopback port; the databases live
// under $OUTPOST_BENCH_DIR, else $TMPDIR, else /tmp.

#include <arpa/inet.h>
#include <fcntl.h>
#include <benchmark/benchmark.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hub/hub_downlink.h"
#include "hub/hub_service.h"
#include "hub/hub_store.h"
#include "signing/ed25519.h"
#include "signing/package.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/outbox.h"
#include "storage/writer.h"
#include "sync/downlink.h"
#include "sync/publisher.h"

extern char** environ;

namespace outpost::sync {
namespace {

std::string benchDir() {
  std::string base = "/tmp";
  for (const char* var : {"OUTPOST_BENCH_DIR", "TMPDIR"}) {
    const char* v = std::getenv(var);
    if (v && *v) {
      base = v;
      break;
    }
  }
  std::string pattern = base + "/outpost-syncbench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return "";
  return pattern;
}

int freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

bool accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

struct BrokerProcess {
  pid_t pid = -1;
  int port = 0;
  std::string dir;
  bool tls = false;
  std::string certs() const { return dir + "/certs"; }
  bool start() {
    dir = benchDir();
    port = freePort();
    if (tls) {
      const std::string cmd = std::string("/bin/sh " OUTPOST_SOURCE_DIR "/scripts/sync/make-test-certs.sh ") + certs() +
                              " bench-site >/dev/null";
      if (std::system(cmd.c_str()) != 0) return false;
    }
    {
      std::ofstream conf(dir + "/m.conf");
      conf << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
           << "max_queued_messages 1000000\nmax_inflight_messages 0\nset_tcp_nodelay true\n";
      if (tls) {
        conf << "cafile " << certs() << "/ca.pem\ncertfile " << certs() << "/broker.pem\nkeyfile " << certs()
             << "/broker.key\nrequire_certificate true\n";
        if (getuid() == 0) conf << "user root\n";
      }
    }
    const std::string conf = dir + "/m.conf";
    char* argv[] = {const_cast<char*>("mosquitto"), const_cast<char*>("-c"), const_cast<char*>(conf.c_str()), nullptr};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    const int rc = posix_spawn(&pid, "/usr/sbin/mosquitto", &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return false;
    for (int i = 0; i < 200; ++i) {
      if (accepts(port)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  ~BrokerProcess() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

const std::string kPayload =
    R"({"contact_id":"c-000123","kind":"offered","agent_id":"a07","detail":{"agent_id":"a07","score":0.87,"reason":"longest idle in tier 3","queue":"retail-voice"}})";

std::unique_ptr<storage::Database> freshOutbox(const std::string& path) {
  auto db = storage::Database::open(path);
  if (!db) return nullptr;
  if (!storage::migrate(**db, storage::outpostMigrations())) return nullptr;
  if (!storage::configureOutbox(**db, "bench-site", true, {})) return nullptr;
  return std::move(*db);
}

void BM_OutboxAppend(benchmark::State& state) {
  const std::string dir = benchDir();
  auto db = freshOutbox(dir + "/o.db");
  if (!db) {
    state.SkipWithError("cannot create the outbox database");
    return;
  }
  const auto per_tx = state.range(0);
  for (auto _ : state) {
    (void)db->exec("BEGIN IMMEDIATE");
    for (int64_t i = 0; i < per_tx; ++i) {
      (void)storage::appendOutbox(*db, storage::OutboxEntry{fromEpochMillis(1), "contact.offered", 1, kPayload,
                                                            storage::kClassContact});
    }
    (void)db->exec("COMMIT");
  }
  state.SetItemsProcessed(state.iterations() * per_tx);
  db.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_OutboxAppend)->Arg(1)->Arg(100)->Unit(benchmark::kMicrosecond)->UseRealTime();

const std::string& recordLine() {
  static const std::string line =
      R"({"seq":1,"uuid":"0d9f1c2e-4a5b-4c6d-8e7f-001122334455","time":1,"type":"contact.offered","schema":1,"class":"contact","payload":)" +
      kPayload + "}";
  return line;
}

// Messages/s of `mosquitto_pub -q 1 -l` publishing `n` lines of one record's size
// (it exits once the last message is acknowledged); -1 if it is missing or failed.
double mosquittoPubRate(const BrokerProcess& broker, int64_t n) {
  const char* exe = "/usr/bin/mosquitto_pub";
  if (access(exe, X_OK) != 0) return -1;
  const std::string lines = broker.dir + "/lines.txt";
  {
    std::ofstream out(lines);
    for (int64_t i = 0; i < n; ++i) out << recordLine() << '\n';
  }
  const std::string port = std::to_string(broker.port);
  std::vector<std::string> args = {"mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-q", "1", "-t", "bench/pub", "-l"};
  if (broker.tls) {
    for (const std::string& a : {std::string("--cafile"), broker.certs() + "/ca.pem", std::string("--cert"),
                                 broker.certs() + "/bench-site.pem", std::string("--key"),
                                 broker.certs() + "/bench-site.key"}) {
      args.push_back(a);
    }
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, lines.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid, exe, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || secs <= 0) return -1;
  return static_cast<double>(n) / secs;
}

void BM_PublishDrain(benchmark::State& state) {
  BrokerProcess broker;
  broker.tls = state.range(1) != 0;
  if (!broker.start()) {
    state.SkipWithError("cannot start mosquitto");
    return;
  }
  const int64_t n = state.range(0);
  double drain_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = benchDir();
    auto db = freshOutbox(dir + "/o.db");
    (void)db->exec("BEGIN IMMEDIATE");
    for (int64_t i = 0; i < n; ++i) {
      (void)storage::appendOutbox(*db, storage::OutboxEntry{fromEpochMillis(1), "contact.offered", 1, kPayload,
                                                            storage::kClassContact});
    }
    (void)db->exec("COMMIT");
    auto writer = std::make_unique<storage::Writer>(std::move(db));
    writer->start();
    PublisherOptions o;
    o.site_id = "bench-site";
    o.port = broker.port;
    o.poll_interval = Millis(5);
    o.confirm_timeout = Millis(600000);
    if (broker.tls) {
      o.tls_ca = broker.certs() + "/ca.pem";
      o.tls_cert = broker.certs() + "/bench-site.pem";
      o.tls_key = broker.certs() + "/bench-site.key";
    }
    auto pub = std::make_unique<Publisher>(*writer, dir + "/o.db", SystemClock::instance(), o);
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    (void)pub->start();
    for (int i = 0; i < 60000; ++i) {
      const auto s = pub->stats();
      if (static_cast<int64_t>(s.records) >= n && s.acked_batches == s.batches) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    drain_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.PauseTiming();
    pub->stop();
    pub.reset();
    writer->stop();
    writer.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * n);
  // The target of issue 5: at least what mosquitto_pub reaches here, same run, same broker.
  const double drain_rate = drain_seconds > 0 ? static_cast<double>(state.iterations() * n) / drain_seconds : 0;
  const double pub_rate = mosquittoPubRate(broker, n);
  state.counters["drain_per_s"] = drain_rate;
  if (pub_rate > 0) {
    state.counters["mosquitto_pub_per_s"] = pub_rate;
    state.counters["ratio_vs_mosquitto_pub"] = drain_rate / pub_rate;
  } else {
    state.counters["mosquitto_pub_per_s"] = -1;  // not installed or failed
  }
}
BENCHMARK(BM_PublishDrain)->ArgNames({"records", "tls"})->Args({100000, 0})->Args({100000, 1})->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_DownlinkFetch(benchmark::State& state) {
  BrokerProcess broker;
  if (!broker.start()) {
    state.SkipWithError("cannot start mosquitto");
    return;
  }
  // An 8 MiB signed package, published for the site in the hub's database.
  constexpr size_t kBytes = 8u << 20;
  const std::string pkg = broker.dir + "/pkg";
  std::filesystem::create_directories(pkg);
  {
    std::string data(kBytes, '\0');
    for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 2654435761u) >> 13);
    std::ofstream(pkg + "/media.bin", std::ios::binary) << data;
    std::ofstream(pkg + "/manifest.json") << R"({"kind": "content", "id": "bench", "version": 1, "files": []})";
  }
  auto key = signing::generateKeyPair();
  signing::TrustStore trust;
  if (!key || !trust.add("bench", key->public_b64) || !signing::sealPackageDir(pkg) ||
      !signing::signPackageDir(pkg, key->private_pem, "bench")) {
    state.SkipWithError("cannot make the package");
    return;
  }
  auto manifest = signing::readSmallFile(pkg + "/manifest.json", 1 << 20);
  auto sig = signing::readSmallFile(pkg + "/manifest.sig", 4096);
  auto verified = signing::verifyManifest(*manifest, *sig, trust);
  const std::string hub_db = broker.dir + "/hub.db";
  {
    auto db = storage::Database::open(hub_db);
    if (!db || !storage::migrate(**db, hub::hubMigrations()) || !verified ||
        !hub::publishPackage(**db, "bench-site", *verified, pkg, *sig, fromEpochMillis(1))) {
      state.SkipWithError("cannot publish the package");
      return;
    }
  }
  hub::HubOptions ho;
  ho.port = broker.port;
  ho.db_path = hub_db;
  ho.manifest_poll = Millis(20);
  hub::HubService hub_service(ho, SystemClock::instance());
  if (!hub_service.start()) {
    state.SkipWithError("cannot start the hub");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = benchDir();
    auto writer = std::make_unique<storage::Writer>(freshOutbox(dir + "/o.db"));
    writer->start();
    PublisherOptions o;
    o.site_id = "bench-site";
    o.port = broker.port;
    auto pub = std::make_unique<Publisher>(*writer, dir + "/o.db", SystemClock::instance(), o);
    std::atomic<int> installed{0};
    DownlinkOptions dlo;
    dlo.site_id = "bench-site";
    dlo.dir = dir + "/downloads";
    dlo.chunk_bytes = state.range(0) * 1024;
    dlo.poll_interval = Millis(5);
    DownlinkHooks hooks;
    hooks.trust = [&trust] { return trust; };
    hooks.installed = [](const ManifestEntry&) { return false; };
    hooks.install = [&installed](const std::string&, const std::string&) -> Result<std::string> {
      ++installed;
      return std::string("counted");
    };
    auto dl = std::make_unique<Downlink>(*writer, SystemClock::instance(), dlo, hooks);
    (void)dl->start(*pub);
    state.ResumeTiming();
    (void)pub->start();
    for (int i = 0; i < 120000 && installed == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    state.PauseTiming();
    state.counters["chunks"] = static_cast<double>(dl->stats().chunks);
    dl->stop();
    pub->stop();
    dl.reset();
    pub.reset();
    writer->stop();
    writer.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    state.ResumeTiming();
    if (installed == 0) state.SkipWithError("the package did not arrive");
  }
  hub_service.stop();
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kBytes));
}
BENCHMARK(BM_DownlinkFetch)->ArgName("chunk_kib")->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void BM_RawQos1Publish(benchmark::State& state) {
  BrokerProcess broker;
  if (!broker.start()) {
    state.SkipWithError("cannot start mosquitto");
    return;
  }
  mosquitto_lib_init();
  const int64_t n = state.range(0);
  const std::string& line = recordLine();
  for (auto _ : state) {
    std::atomic<int64_t> acked{0};
    mosquitto* m = mosquitto_new(nullptr, true, &acked);
    mosquitto_max_inflight_messages_set(m, 16);
    mosquitto_publish_callback_set(m, [](mosquitto*, void* p, int) { ++*static_cast<std::atomic<int64_t>*>(p); });
    mosquitto_connect(m, "127.0.0.1", broker.port, 30);
    mosquitto_loop_start(m);
    for (int64_t i = 0; i < n; ++i) {
      mosquitto_publish(m, nullptr, "bench/raw", static_cast<int>(line.size()), line.data(), 1, false);
    }
    for (int i = 0; i < 60000 && acked < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    mosquitto_disconnect(m);
    mosquitto_loop_stop(m, false);
    mosquitto_destroy(m);
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_RawQos1Publish)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// Steady state: 8 threads each commit one outbox record at a time through the
// group-commit Writer (synchronous=FULL) while the Publisher drains to mosquitto.
void BM_SteadyCommitWhilePublishing(benchmark::State& state) {
  BrokerProcess broker;
  if (!broker.start()) {
    state.SkipWithError("cannot start mosquitto");
    return;
  }
  const int64_t per_thread = state.range(0);
  constexpr int kThreads = 8;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string dir = benchDir();
    auto writer = std::make_unique<storage::Writer>(freshOutbox(dir + "/o.db"));
    writer->start();
    PublisherOptions o;
    o.site_id = "bench-site";
    o.port = broker.port;
    o.poll_interval = Millis(5);
    auto pub = std::make_unique<Publisher>(*writer, dir + "/o.db", SystemClock::instance(), o);
    (void)pub->start();
    state.ResumeTiming();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int64_t i = 0; i < per_thread; ++i) {
          (void)writer->run([](storage::Database& db) {
            return storage::appendOutbox(db, storage::OutboxEntry{fromEpochMillis(1), "contact.offered", 1, kPayload,
                                                                  storage::kClassContact});
          });
        }
      });
    }
    for (auto& th : threads) th.join();
    state.PauseTiming();
    state.counters["published"] = static_cast<double>(pub->stats().records);
    pub->stop();
    pub.reset();
    writer->stop();
    writer.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * per_thread * kThreads);
}
BENCHMARK(BM_SteadyCommitWhilePublishing)->Arg(250)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace outpost::sync

BENCHMARK_MAIN();
