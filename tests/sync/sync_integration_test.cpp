// Edge–cloud sync end to end: the real outpostd, a real mosquitto on a free loopback
// port and the real outpost-hub, all as child processes; both databases checked
// read-only. Records are made by logins (each one an "audit.login" outbox record in
// the same transaction as its audit row).

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "integration/support/contacts.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/mosquitto.h"

namespace outpost::itest {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSite = "demo-bank-bj01";

#define OUTPOST_REQUIRE_SYNC_PARTS()                                                              \
  do {                                                                                            \
    OUTPOST_REQUIRE_DAEMON();                                                                     \
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto is not installed";                    \
    if (hubPath().empty()) GTEST_SKIP() << "outpost-hub is not built in this tree";               \
  } while (false)

int64_t scalarOf(const std::string& db, const std::string& sql) {
  const DbRows r = queryDb(db, sql);
  if (!r.error.empty() || r.rows.empty() || r.rows[0].empty() || r.rows[0][0] == "NULL") return -1;
  return std::stoll(r.rows[0][0]);
}

std::vector<std::string> column(const std::string& db, const std::string& sql) {
  std::vector<std::string> out;
  for (const auto& row : queryDb(db, sql).rows) out.push_back(row.empty() ? "" : row[0]);
  return out;
}

DaemonOptions syncOptions(int broker_port, std::vector<std::string> more = {}) {
  DaemonOptions o;
  o.extra = {"--set", "sync.enabled=true",         "--set", "sync.broker=127.0.0.1:" + std::to_string(broker_port),
             "--set", "sync.confirm_timeout=1s",   "--set", "sync.backoff_initial=1s",
             "--set", "sync.backoff_max=2s",       "--set", "sync.poll_interval=50ms"};
  o.extra.insert(o.extra.end(), more.begin(), more.end());
  return o;
}

// Waits (bounded) until the hub confirmed everything the daemon handed out and the
// daemon deleted it; the failure message tells where it stood.
::testing::AssertionResult drained(const Daemon& daemon, const Hub& hub, std::chrono::milliseconds timeout = 30s) {
  int64_t last = -1, hwm = -1, left = -1;
  const bool ok = eventually(
      [&] {
        last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
        left = scalarOf(daemon.dbPath(), "SELECT count(*) FROM outbox");
        hwm = scalarOf(hub.dbPath(), std::string("SELECT hwm FROM sites WHERE site_id = '") + kSite + "'");
        return last > 0 && hwm == last && left == 0;
      },
      timeout);
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "not drained: daemon last_seq " << last << ", outbox rows " << left
                                       << ", hub hwm " << hwm << "\nhub:\n"
                                       << hub.output() << "\ndaemon:\n"
                                       << daemon.stderrTail();
}

int logins(const HttpClient& http, const Daemon& daemon, int n) {
  int ok = 0;
  for (int i = 0; i < n; ++i) {
    if (http.loginResponse("admin", daemon.password("admin")).status == 200) ++ok;
  }
  return ok;
}

// Every record 1..hwm at the hub exactly once, no conflicts.
void expectExactlyOnce(const std::string& hub_db, int64_t hwm) {
  EXPECT_EQ(scalarOf(hub_db, "SELECT count(*) FROM records"), hwm);
  EXPECT_EQ(scalarOf(hub_db, "SELECT count(DISTINCT uuid) FROM records"), hwm);
  EXPECT_EQ(scalarOf(hub_db, "SELECT max(seq) FROM records"), hwm);
  EXPECT_EQ(scalarOf(hub_db, "SELECT count(*) FROM conflicts"), 0);
}

class SyncTest : public ::testing::Test {
 protected:
  std::string hubDb() const { return broker_dir_ + "/hub.db"; }
  void SetUp() override {
    std::string pattern = "/tmp/outpost-hubdb-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    broker_dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(broker_dir_, ec);
  }
  std::string broker_dir_;
};

TEST_F(SyncTest, RecordsFlowToTheHubAndAreConfirmedAndDeleted) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(broker.port())));
  HttpClient http(daemon);
  ASSERT_EQ(logins(http, daemon, 30), 30);
  ASSERT_TRUE(drained(daemon, hub));
  const int64_t last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
  EXPECT_EQ(last, 30);
  expectExactlyOnce(hubDb(), last);
  EXPECT_EQ(scalarOf(hubDb(), "SELECT count(*) FROM records WHERE type = 'audit.login' AND class = 'audit'"), 30);
  // The event time is the audit's, kept apart from the hub's stored_at.
  EXPECT_EQ(scalarOf(hubDb(), "SELECT count(*) FROM records WHERE event_time <= stored_at"), 30);
  EXPECT_TRUE(eventually([&] { return column(hubDb(), "SELECT status FROM sites") == std::vector<std::string>{"online"}; },
                         5s));

  const std::string token = http.login("supervisor", daemon.password("supervisor"));
  ASSERT_TRUE(drained(daemon, hub));
  const Response r = http.get("/api/v1/sync", token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(intField(objField(r.json, "counters"), "confirmed"), 31);  // + the supervisor's login
  EXPECT_EQ(intField(objField(r.json, "counters"), "pending") + intField(objField(r.json, "counters"), "sent"), 0)
      << r;
  EXPECT_EQ(http.get("/api/v1/sync", http.login("agent01", daemon.password("agent01"))).status, 403);

  // A clean stop publishes "offline" (the retained status topic).
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_TRUE(eventually([&] { return column(hubDb(), "SELECT status FROM sites") == std::vector<std::string>{"offline"}; },
                         5s));
}

TEST_F(SyncTest, BrokerKilledAndRestartedMidStreamLosesNothing) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(broker.port())));
  HttpClient http(daemon);
  const std::string password = daemon.password("admin");
  // A steady flow of changes while the broker dies and comes back.
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread load([&] {
    for (int i = 0; i < 300 && !stop; ++i) {
      if (http.loginResponse("admin", password).status == 200) ++acked;
    }
  });
  std::this_thread::sleep_for(150ms);
  broker.kill9();
  std::this_thread::sleep_for(500ms);
  const auto restarted = broker.start();
  load.join();
  ASSERT_TRUE(restarted);
  EXPECT_GT(acked.load(), 0);
  ASSERT_TRUE(drained(daemon, hub, 60s));
  const int64_t last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
  EXPECT_EQ(last, acked.load());
  expectExactlyOnce(hubDb(), last);
}

// Rounds of the kill -9 test: OUTPOST_SYNC_CRASH_ROUNDS, 50 by default (about a
// minute here; docs/sync.md "Tests").
int crashRounds() {
  const char* v = std::getenv("OUTPOST_SYNC_CRASH_ROUNDS");
  const int n = v ? std::atoi(v) : 50;
  return n > 0 ? std::min(n, 1000) : 50;
}

TEST_F(SyncTest, Kill9OfOutpostdMidStreamDeliversEveryAcknowledgedChangeOnce) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  const int rounds = crashRounds();
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(broker.port())));
  std::mt19937 rng(20261123);
  int acked = 0;
  int killed_mid_flow = 0;
  for (int round = 0; round < rounds; ++round) {
    if (round > 0) {
      ASSERT_TRUE(daemon.restart());
    }
    HttpClient http(daemon);
    const std::string password = daemon.password("admin");
    std::atomic<bool> stop{false};
    std::atomic<int> ok{0};
    std::thread load([&] {
      for (int i = 0; i < 400 && !stop; ++i) {
        if (http.loginResponse("admin", password).status == 200) ++ok;
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 300));
    if (ok > 0 && !stop) ++killed_mid_flow;
    daemon.kill9();
    stop = true;
    load.join();
    acked += ok;
  }
  ASSERT_TRUE(daemon.restart());
  ASSERT_TRUE(drained(daemon, hub, 60s));
  const int64_t last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
  expectExactlyOnce(hubDb(), last);
  // Every login the daemon committed (its audit rows) is at the hub once, by audit id.
  const auto local = column(daemon.dbPath(), "SELECT id FROM audit WHERE action = 'login' ORDER BY id");
  const auto remote = column(hubDb(),
                             "SELECT json_extract(payload, '$.audit_id') FROM records WHERE type = 'audit.login' "
                             "ORDER BY 1");
  // 0 acknowledged records lost: every login answered 200 is committed locally, and
  // every committed one is at the hub exactly once.
  EXPECT_GE(static_cast<int>(local.size()), acked);
  EXPECT_GE(static_cast<int>(remote.size()), acked);
  EXPECT_EQ(remote, local);
  EXPECT_GT(acked, 0);
  std::printf("[ info ] %d kill -9 rounds (%d during the login flow): %d logins acknowledged, %zu committed, %zu at the hub\n",
              rounds, killed_mid_flow, acked, local.size(), remote.size());
}

TEST_F(SyncTest, HubKilledMidStreamStoresEveryRecordOnce) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  Broker broker;
  ASSERT_TRUE(broker.start());
  auto hub = std::make_unique<Hub>(hubDb());
  ASSERT_TRUE(hub->start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(broker.port())));
  HttpClient http(daemon);
  const std::string password = daemon.password("admin");
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::thread load([&] {
    for (int i = 0; i < 300 && !stop; ++i) {
      if (http.loginResponse("admin", password).status == 200) ++acked;
    }
  });
  std::this_thread::sleep_for(150ms);
  hub->kill9();
  std::this_thread::sleep_for(300ms);
  const auto restarted = hub->start(broker.port());
  load.join();
  ASSERT_TRUE(restarted);
  ASSERT_TRUE(drained(daemon, *hub, 60s));
  const int64_t last = scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state");
  EXPECT_EQ(last, acked.load());
  expectExactlyOnce(hubDb(), last);
}

TEST_F(SyncTest, MalformedUplinksAreRefusedWithAReasonAndNotStored) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  const std::string topic = "outpost/v1/sites/s9/uplink";
  const std::string good_record =
      R"({"seq":1,"uuid":"0d9f1c2e-4a5b-4c6d-8e7f-001122334455","time":1,"type":"t","schema":1,"class":"audit","payload":{}})";
  ASSERT_EQ(publishRaw(broker.port(), topic, "not json"), "");
  ASSERT_EQ(publishRaw(broker.port(), topic, R"({"v":1,"site":"s8","head":1,"records":[)" + good_record + "]}"), "");
  ASSERT_EQ(publishRaw(broker.port(), topic, R"({"v":2,"site":"s9","head":1,"records":[]})"), "");
  ASSERT_EQ(publishRaw(broker.port(), topic,
                       R"({"v":1,"site":"s9","head":1,"records":[{"seq":1,"uuid":"nope","time":1,"type":"t","schema":1,"class":"audit","payload":{}}]})"),
            "");
  ASSERT_TRUE(eventually([&] { return scalarOf(hubDb(), "SELECT count(*) FROM rejects") == 4; }, 10s)) << hub.output();
  const std::string out = hub.output();
  EXPECT_NE(out.find("/site"), std::string::npos) << out;
  EXPECT_NE(out.find("/records/0/uuid"), std::string::npos) << out;
  EXPECT_NE(out.find("/v"), std::string::npos) << out;
  EXPECT_EQ(scalarOf(hubDb(), "SELECT count(*) FROM records"), 0);
  EXPECT_EQ(scalarOf(hubDb(), "SELECT rejected FROM sites WHERE site_id = 's9'"), 4);
  // The hub is still there: a good batch is stored.
  ASSERT_EQ(publishRaw(broker.port(), topic, R"({"v":1,"site":"s9","head":1,"records":[)" + good_record + "]}"), "");
  EXPECT_TRUE(eventually([&] { return scalarOf(hubDb(), "SELECT count(*) FROM records") == 1; }, 10s)) << hub.output();
}

TEST_F(SyncTest, QuotaReachedRaisesTheAlarmAndNeverDropsAudits) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  // No broker at this port: everything stays in the outbox.
  const int port = freeLoopbackPort();
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(port, {"--set", "sync.quota.audit=600", "--set", "sync.quota.telemetry=1",
                                              "--set", "sync.health_interval=1s"})));
  HttpClient http(daemon);
  ASSERT_EQ(logins(http, daemon, 10), 10);
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT count(*) FROM outbox WHERE class = 'audit'"), 10);
  const Response ready = http.get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready;
  ASSERT_TRUE(ready.json && ready.json->has("alarms")) << ready;
  const std::string token = http.login("supervisor", daemon.password("supervisor"));
  const Response r = http.get("/api/v1/sync", token);
  ASSERT_EQ(r.status, 200) << r;
  ASSERT_TRUE(r.json->getArray("alarms") && r.json->getArray("alarms")->size() == 1) << r;
  EXPECT_EQ(r.json->getArray("alarms")->getElement<std::string>(0), "audit");
  EXPECT_FALSE(r.json->getObject("link")->getValue<bool>("connected"));
  // Telemetry (health samples) is thinned instead: dropped and counted, never stored.
  Response last;
  EXPECT_TRUE(eventually(
      [&] {
        last = http.get("/api/v1/sync", token);
        return intField(objField(last.json, "counters"), "dropped") >= 1;
      },
      10s))
      << last;
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT count(*) FROM outbox WHERE class = 'telemetry'"), 0);
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT max(seq) - min(seq) + 1 - count(*) FROM outbox"), 0);  // no gaps
}


TEST_F(SyncTest, TlsWithClientCertificatesAndTheAclKeepSitesApart) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  const char* src = std::getenv("OUTPOST_SOURCE_DIR");
  ASSERT_NE(src, nullptr) << "OUTPOST_SOURCE_DIR is not set (run through ctest)";
  const std::string scripts = std::string(src) + "/scripts/sync";
  const std::string certs = broker_dir_ + "/certs";
  const ProcessResult made =
      runProgram("/bin/sh", {scripts + "/make-test-certs.sh", certs, kSite, "site-b", "outpost-hub"}, 60s);
  ASSERT_EQ(made.exit_code, 0) << made.describe();
  // The downlink under the same ACL: the shipped demo rule bundle for site A.
  const std::string trust = std::string(src) + "/plugins/lua/demo-trust.txt";
  const ProcessResult published = runProgram(hubPath(), {"publish", "--db", hubDb(), "--site", kSite, "--trust", trust,
                                                          "--package", std::string(src) + "/plugins/lua/demo-bank"});
  ASSERT_EQ(published.exit_code, 0) << published.describe();
  Broker broker;
  broker.useTls(certs, scripts + "/mosquitto-outpost.acl");
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port(), {"--tls-ca", certs + "/ca.pem", "--tls-cert", certs + "/outpost-hub.pem",
                                        "--tls-key", certs + "/outpost-hub.key"}));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(syncOptions(broker.port(), {"--set", "sync.tls.ca=" + certs + "/ca.pem", "--set",
                                                       "sync.tls.cert=" + certs + "/" + kSite + ".pem", "--set",
                                                       "sync.tls.key=" + certs + "/" + kSite + ".key", "--set",
                                                       "plugins.trust_file=" + trust, "--set", "plugins.site=demo", "--set",
                                                       "ivr.training_data=" + std::string(src) + "/models/ivr/bank.train.tsv"})));
  ASSERT_TRUE(eventually([&] { return column(daemon.dbPath(), "SELECT id FROM rule_active") ==
                                      std::vector<std::string>{"demo-bank"}; }, 30s))
      << hub.output() << broker.log();
  HttpClient http(daemon);
  ASSERT_EQ(logins(http, daemon, 10), 10);
  ASSERT_TRUE(drained(daemon, hub)) << broker.log();
  // The 10 logins and the downlink's records (queued, progress per file, installed).
  const int64_t logins_seen = scalarOf(hubDb(), "SELECT count(*) FROM records WHERE type = 'audit.login'");
  EXPECT_EQ(logins_seen, 10);
  expectExactlyOnce(hubDb(), scalarOf(daemon.dbPath(), "SELECT last_seq FROM outbox_state"));

  // Site B can neither read site A's topics nor write them.
  MqttProbe b(broker.port(), certs + "/ca.pem", certs + "/site-b.pem", certs + "/site-b.key");
  ASSERT_TRUE(b.connected(10s)) << broker.log();
  ASSERT_TRUE(b.subscribe(std::string("outpost/v1/sites/") + kSite + "/#"));
  const std::string forged =
      R"({"v":1,"site":")" + std::string(kSite) +
      R"(","head":11,"records":[{"seq":11,"uuid":"0d9f1c2e-4a5b-4c6d-8e7f-001122334455","time":1,"type":"t","schema":1,"class":"audit","payload":{}}]})";
  ASSERT_TRUE(b.publish(std::string("outpost/v1/sites/") + kSite + "/uplink", forged));
  // Its own uplink works (so the refusals above are the ACL, not a broken client).
  const std::string own =
      R"({"v":1,"site":"site-b","head":1,"records":[{"seq":1,"uuid":"1d9f1c2e-4a5b-4c6d-8e7f-001122334455","time":1,"type":"t","schema":1,"class":"audit","payload":{}}]})";
  ASSERT_TRUE(b.publish("outpost/v1/sites/site-b/uplink", own));
  ASSERT_TRUE(eventually([&] { return scalarOf(hubDb(), "SELECT count(*) FROM records WHERE site_id = 'site-b'") == 1; },
                         10s))
      << hub.output();
  EXPECT_TRUE(b.messages().empty()) << b.messages().front().first;  // not even the retained hwm/status/manifest
  EXPECT_EQ(scalarOf(hubDb(), std::string("SELECT count(*) FROM records WHERE site_id = '") + kSite +
                                  "' AND type = 'audit.login'"),
            10);
  // Site B asking the hub on its own topic for a file of site A's package: refused.
  MqttProbe b2(broker.port(), certs + "/ca.pem", certs + "/site-b.pem", certs + "/site-b.key");
  ASSERT_TRUE(b2.connected(10s));
  ASSERT_TRUE(b2.subscribe("outpost/v1/sites/site-b/chunk"));
  const std::string a_file = column(hubDb(), "SELECT file_sha256 FROM package_files LIMIT 1").at(0);
  ASSERT_TRUE(b2.publish("outpost/v1/sites/site-b/fetch",
                         R"({"v":1,"id":"x1","sha256":")" + a_file + R"(","offset":0,"length":100})"));
  EXPECT_TRUE(eventually([&] {
    const auto m = b2.messages();
    return !m.empty() && m.front().second.find("no such file in this site's manifest") != std::string::npos;
  }, 10s));

  // No client certificate: refused.
  MqttProbe anonymous(broker.port(), certs + "/ca.pem");
  EXPECT_FALSE(anonymous.connected(2s));
}

}  // namespace
}  // namespace outpost::itest
