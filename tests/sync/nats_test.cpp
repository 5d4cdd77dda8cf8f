// The uplink against nats-server (Debian's 2.9) with MQTT and JetStream enabled: the
// scale-out broker of docs/mqtt.md. nats-server speaks MQTT 3.1.1 with QoS 0/1 only, so
// the hub runs with --mqtt 3.1.1 (no shared subscription). The configuration is
// written into a temporary folder; both ports are free loopback ports.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "integration/support/contacts.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/mosquitto.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourceDir;

using namespace std::chrono_literals;

constexpr const char* kSite = "demo-bank-bj01";

std::string natsPath() {
  for (const char* p : {"/usr/sbin/nats-server", "/usr/bin/nats-server"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

int64_t scalarOf(const std::string& db, const std::string& sql) {
  const DbRows r = queryDb(db, sql);
  if (!r.error.empty() || r.rows.empty() || r.rows[0].empty() || r.rows[0][0] == "NULL") return -1;
  return std::stoll(r.rows[0][0]);
}

// nats-server with JetStream (its store kept across restarts) and an MQTT listener.
class NatsServer {
 public:
  NatsServer() {
    std::string pattern = "/tmp/outpost-nats-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    dir_ = pattern;
  }
  ~NatsServer() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ::testing::AssertionResult start() {
    if (port_ == 0) {
      port_ = freeLoopbackPort();
      client_port_ = freeLoopbackPort();
    }
    {
      std::ofstream conf(dir_ + "/nats.conf");
      conf << "server_name: outpost_test\n"
           << "listen: 127.0.0.1:" << client_port_ << "\n"
           << "jetstream {\n  store_dir: \"" << dir_ << "/js\"\n  max_memory_store: 64MB\n  max_file_store: 512MB\n}\n"
           << "mqtt {\n  listen: 127.0.0.1:" << port_ << "\n  ack_wait: \"5s\"\n}\n";
    }
    std::string error;
    for (int attempt = 0; attempt < 50; ++attempt) {
      child_ = ChildProcess::spawn(natsPath(), {"-c", dir_ + "/nats.conf"}, error);
      if (!child_) return ::testing::AssertionFailure() << "cannot start nats-server: " << error;
      for (int i = 0; i < 250 && !child_->exited(); ++i) {
        if (portAccepts(port_)) return ::testing::AssertionSuccess();
        std::this_thread::sleep_for(20ms);
        (void)child_->waitExit(0ms);
      }
      (void)child_->waitExit(200ms);
      log_ = child_->outText() + child_->errText();
      child_.reset();
      std::this_thread::sleep_for(100ms);
    }
    return ::testing::AssertionFailure() << "nats-server did not listen on " << port_ << ": " << log_;
  }
  void stop() {
    if (!child_) return;
    child_->signal(SIGTERM);
    if (!child_->waitExit(10s)) child_->signal(SIGKILL);
    (void)child_->waitExit(5s);
    log_ = child_->outText() + child_->errText();
    child_.reset();
  }
  int port() const { return port_; }
  std::string log() const { return child_ ? child_->outText() + child_->errText() : log_; }

 private:
  std::string dir_;
  int port_ = 0;
  int client_port_ = 0;
  std::unique_ptr<ChildProcess> child_;
  std::string log_;
};

class NatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/outpost-natshub-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string dir_;
};

TEST_F(NatsTest, UplinkThroughNatsMqttWithJetStreamLosesNothingAcrossARestart) {
  OUTPOST_REQUIRE_DAEMON();
  if (natsPath().empty()) GTEST_SKIP() << "nats-server is not installed";
  if (hubPath().empty()) GTEST_SKIP() << "outpost-hub is not built in this tree";
  NatsServer nats;
  ASSERT_TRUE(nats.start());
  Hub hub(dir_ + "/hub.db");
  ASSERT_TRUE(hub.start(nats.port(), {"--mqtt", "3.1.1"})) << nats.log();
  Daemon daemon;
  DaemonOptions o;
  o.extra = {"--set", "sync.enabled=true",       "--set", "sync.broker=127.0.0.1:" + std::to_string(nats.port()),
             "--set", "sync.confirm_timeout=2s", "--set", "sync.backoff_initial=1s",
             "--set", "sync.backoff_max=2s",     "--set", "sync.poll_interval=50ms"};
  ASSERT_TRUE(daemon.start(o));
  HttpClient http(daemon);
  const std::string password = daemon.password("admin");
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread load([&] {
    for (int i = 0; i < 5000 && !stop; ++i) {
      if (http.loginResponse("admin", password).status == 200) ++acked;
    }
  });
  // The broker goes away mid-flow and comes back (JetStream keeps its store).
  std::this_thread::sleep_for(300ms);
  nats.stop();
  std::this_thread::sleep_for(500ms);
  const auto restarted = nats.start();
  std::this_thread::sleep_for(300ms);
  stop = true;
  load.join();
  ASSERT_TRUE(restarted);
  EXPECT_GT(acked.load(), 0);
  int64_t last = -1, hwm = -1, left = -1;
  const bool drained = eventually(
      [&] {
        last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
        left = scalarOf(daemon.dbPath(), "SELECT count(*) FROM outbox");
        hwm = scalarOf(hub.dbPath(), std::string("SELECT hwm FROM sites WHERE site_id = '") + kSite + "'");
        return last > 0 && hwm == last && left == 0;
      },
      90s);
  ASSERT_TRUE(drained) << "daemon last_seq " << last << ", outbox rows " << left << ", hub hwm " << hwm << "\nhub:\n"
                       << hub.output() << "\nnats:\n"
                       << nats.log() << "\ndaemon:\n"
                       << daemon.stderrTail();
  EXPECT_EQ(last, acked.load());
  std::printf("[ info ] nats-server: %d logins acknowledged across a broker restart, all %lld at the hub once\n",
              acked.load(), static_cast<long long>(last));
  EXPECT_EQ(scalarOf(hub.dbPath(), "SELECT count(*) FROM records"), last);
  EXPECT_EQ(scalarOf(hub.dbPath(), "SELECT count(DISTINCT uuid) FROM records"), last);
  EXPECT_EQ(scalarOf(hub.dbPath(), "SELECT count(*) FROM conflicts"), 0);
  // The retained status topic and the last will work through NATS too.
  EXPECT_TRUE(eventually([&] { return scalarOf(hub.dbPath(), "SELECT count(*) FROM sites WHERE status = 'online'") == 1; },
                         10s));
}

// The downlink needs retained messages and request/response on QoS 1 only: it works
// through NATS too.
TEST_F(NatsTest, DownlinkThroughNatsInstallsTheRuleBundle) {
  OUTPOST_REQUIRE_DAEMON();
  if (natsPath().empty()) GTEST_SKIP() << "nats-server is not installed";
  if (hubPath().empty()) GTEST_SKIP() << "outpost-hub is not built in this tree";
  const std::string trust = sourceDir() + "/plugins/lua/demo-trust.txt";
  const ProcessResult published = runProgram(hubPath(), {"publish", "--db", dir_ + "/hub.db", "--site", kSite, "--trust",
                                                          trust, "--package", sourceDir() + "/plugins/lua/demo-bank"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  NatsServer nats;
  ASSERT_TRUE(nats.start());
  Hub hub(dir_ + "/hub.db");
  ASSERT_TRUE(hub.start(nats.port(), {"--mqtt", "3.1.1"})) << nats.log();
  Daemon daemon;
  DaemonOptions o;
  o.extra = {"--set", "sync.enabled=true", "--set", "sync.broker=127.0.0.1:" + std::to_string(nats.port()),
             "--set", "sync.downlink.chunk_bytes=1024", "--set", "plugins.trust_file=" + trust,
             "--set", "plugins.site=demo", "--set", "ivr.training_data=" + sourceDir() + "/models/ivr/bank.train.tsv"};
  ASSERT_TRUE(daemon.start(o));
  EXPECT_TRUE(eventually(
      [&] {
        const DbRows r = queryDb(daemon.dbPath(), "SELECT id || ' ' || version FROM rule_active WHERE slot = 1");
        return r.error.empty() && !r.rows.empty() && r.rows[0][0].rfind("demo-bank ", 0) == 0;
      },
      60s))
      << hub.output() << "\n" << daemon.stderrTail();
  EXPECT_TRUE(eventually(
      [&] { return scalarOf(hub.dbPath(), "SELECT count(*) FROM records WHERE type = 'downlink.installed'") == 1; }, 30s));
}

}  // namespace
}  // namespace outpost::itest
