// The downlink end to end: outpost-hub publishes a site's manifest (a signed rule
// bundle and a signed content package), the real outpostd fetches the files by hash in
// chunks over a real mosquitto, verifies them and hands them to the rules installer
// and the content cache; interrupted at random offsets by kill -9 of outpostd, the
// broker or the hub it resumes; tampered payloads are refused with the reason sent upstream.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "ctl/ctl_run.h"
#include "integration/support/contacts.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/mosquitto.h"
#include "signing/digest.h"
#include "signing/ed25519.h"
#include "signing/package.h"
#include "signing/trust_store.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourceDir;
using outpost::source_tree::slurp;

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kSite = "demo-bank-bj01";

int64_t scalarOf(const std::string& db, const std::string& sql) {
  const DbRows r = queryDb(db, sql);
  if (!r.error.empty() || r.rows.empty() || r.rows[0].empty() || r.rows[0][0] == "NULL") return -1;
  return std::stoll(r.rows[0][0]);
}

std::string textOf(const std::string& db, const std::string& sql) {
  const DbRows r = queryDb(db, sql);
  if (!r.error.empty() || r.rows.empty() || r.rows[0].empty()) return "";
  return r.rows[0][0];
}

// Runs a statement on a database the test owns (the hub's: tampering).
bool execDb(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  sqlite3_busy_timeout(db, 5000);
  const bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

class DownlinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/outpost-downlink-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    work_ = pattern;
    // The site trusts the shipped demo rules key and a content key made here.
    auto key = signing::generateKeyPair();
    ASSERT_TRUE(key.isOk());
    key_ = *key;
    std::ofstream(work_ + "/trust.txt") << slurp(sourceDir() + "/plugins/lua/demo-trust.txt") << "\n"
                                         << signing::TrustStore::line("hq-content", key_.public_b64) << "\n";
    fs::copy(sourceDir() + "/plugins/lua/demo-bank", work_ + "/rules", fs::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(work_, ec);
  }

  // A signed content package with a pseudo-random "video" of `media_bytes`.
  std::string makeContent(size_t media_bytes) {
    const std::string dir = work_ + "/content";
    fs::remove_all(dir);
    fs::copy(sourceDir() + "/content/demo/calm-angry-customer", dir, fs::copy_options::recursive);
    fs::create_directories(dir + "/media");
    media_.assign(media_bytes, '\0');
    std::mt19937 rng(7);
    for (auto& c : media_) c = static_cast<char>(rng());
    std::ofstream(dir + "/media/intro.mp4", std::ios::binary) << media_;
    EXPECT_TRUE(signing::sealPackageDir(dir).isOk());
    EXPECT_TRUE(signing::signPackageDir(dir, key_.private_pem, "hq-content").isOk());
    return dir;
  }

  void publish(const std::string& dir) {
    const ProcessResult r = runProgram(
        hubPath(), {"publish", "--db", hubDb(), "--site", kSite, "--trust", work_ + "/trust.txt", "--package", dir});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  DaemonOptions options(int broker_port, int chunk_bytes = 16384) const {
    DaemonOptions o;
    o.extra = {"--set", "sync.enabled=true",
               "--set", "sync.broker=127.0.0.1:" + std::to_string(broker_port),
               "--set", "sync.confirm_timeout=1s",
               "--set", "sync.backoff_initial=1s",
               "--set", "sync.backoff_max=2s",
               "--set", "sync.poll_interval=50ms",
               "--set", "sync.downlink.chunk_bytes=" + std::to_string(chunk_bytes),
               "--set", "sync.downlink.request_timeout=1s",
               "--set", "plugins.trust_file=" + work_ + "/trust.txt",
               "--set", "plugins.site=demo",
               // demo-bank carries the bank IVR flow, whose intent nodes need a model
               "--set", "ivr.training_data=" + sourceDir() + "/models/ivr/bank.train.tsv"};
    return o;
  }

  std::string hubDb() const { return work_ + "/hub.db"; }

  // The hub's records of a type (what the site sent upstream).
  int64_t upstream(const std::string& type) const {
    return scalarOf(hubDb(), "SELECT count(*) FROM records WHERE site_id = '" + std::string(kSite) + "' AND type = '" +
                                 type + "'");
  }

  // After a restart the same manifest is read and its `refusals` refused packages are
  // passed over: nothing fetched, no second downlink.refused record.
  void restartAndExpectRefusalsRemembered(Daemon& daemon, int refusals) const {
    ASSERT_TRUE(daemon.restart());
    HttpClient http(daemon);
    const std::string sup = http.login("supervisor", daemon.password("supervisor"));
    auto stats = [&]() -> Poco::JSON::Object::Ptr {
      const Response r = http.get("/api/v1/sync", sup);
      return r.status == 200 ? objField(objField(r.json, "link"), "downlink") : nullptr;
    };
    ASSERT_TRUE(eventually([&] {
      const auto d = stats();
      return d && intField(d, "refusals_skipped") >= refusals;
    }, 30s)) << daemon.stderrTail();
    const auto d = stats();
    EXPECT_EQ(intField(d, "refusals_kept"), refusals);
    EXPECT_EQ(intField(d, "refused"), 0);
    EXPECT_EQ(intField(d, "requests"), 0);
    EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT count(*) FROM downlink_refusals"), refusals);
    EXPECT_EQ(upstream("downlink.refused"), refusals);
  }

  std::string work_;
  signing::KeyPair key_;
  std::string media_;
};

#define OUTPOST_REQUIRE_SYNC_PARTS()                                                 \
  do {                                                                               \
    OUTPOST_REQUIRE_DAEMON();                                                        \
    if (mosquittoPath().empty()) GTEST_SKIP() << "mosquitto is not installed";       \
    if (hubPath().empty()) GTEST_SKIP() << "outpost-hub is not built in this tree";  \
  } while (false)

bool contentActive(const Daemon& d) {
  return scalarOf(d.dbPath(), "SELECT count(*) FROM content_packages WHERE id = 'calm-angry-customer' AND present = 1") ==
         1;
}
// The version of the shipped demo-bank bundle; the test derives the next one from it.
int shippedVersion() {
  const std::string m = slurp(sourceDir() + "/plugins/lua/demo-bank/manifest.json");
  const auto at = m.find("\"version\":");
  return at == std::string::npos ? 0 : std::atoi(m.c_str() + at + 10);
}

std::string activeRules(const Daemon& d) {
  return textOf(d.dbPath(), "SELECT id || ' ' || version FROM rule_active WHERE slot = 1");
}

bool rulesActive(const Daemon& d) { return activeRules(d) == "demo-bank " + std::to_string(shippedVersion()); }

// A rule bundle: the shipped demo-bank at `version`, signed with `pem` as `key_id`.
std::string bundleAt(const std::string& work, int version, const std::string& pem, const std::string& key_id) {
  const std::string dir = work + "/rules-v" + std::to_string(version) + "-" + key_id;
  fs::copy(work + "/rules", dir, fs::copy_options::recursive);
  std::string m = slurp(dir + "/manifest.json");
  const std::string was = "\"version\": " + std::to_string(shippedVersion());
  const auto at = m.find(was);
  if (at == std::string::npos) return "";
  m.replace(at, was.size(), "\"version\": " + std::to_string(version));
  std::ofstream(dir + "/manifest.json", std::ios::trunc) << m;
  if (!signing::sealPackageDir(dir).isOk() || !signing::signPackageDir(dir, pem, key_id).isOk()) return "";
  return dir;
}

TEST_F(DownlinkTest, BundleBecomesActiveAndContentAppearsInTheCache) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  publish(work_ + "/rules");
  publish(makeContent(100000));
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(options(broker.port())));
  ASSERT_TRUE(eventually([&] { return rulesActive(daemon) && contentActive(daemon); }, 60s))
      << hub.output() << "\n" << daemon.stderrTail();
  // Installed through the rules installer (audit row by "sync") and the content import.
  EXPECT_EQ(textOf(daemon.dbPath(), "SELECT installed_by FROM rule_bundles WHERE id = 'demo-bank'"), "sync");
  HttpClient http(daemon);
  const Response rules = http.get("/api/v1/rules", http.login("admin", daemon.password("admin")));
  ASSERT_EQ(rules.status, 200) << rules;
  EXPECT_EQ(strField(objField(rules.json, "active"), "id"), "demo-bank");
  // The outcome went upstream, with the guarantee of the outbox.
  EXPECT_TRUE(eventually([&] { return upstream("downlink.installed") == 2; }, 30s)) << hub.output();
  EXPECT_GE(upstream("downlink.progress"), 2);
  EXPECT_EQ(upstream("downlink.refused"), 0);
  // Nothing left half-downloaded.
  EXPECT_TRUE(eventually([&] { return !fs::exists(daemon.dataDir() + "/downloads/staging") ||
                                      fs::is_empty(daemon.dataDir() + "/downloads/staging"); }, 5s));

  // The same manifest again after a restart: nothing fetched again.
  ASSERT_TRUE(daemon.restart());
  HttpClient http2(daemon);
  const std::string sup = http2.login("supervisor", daemon.password("supervisor"));
  ASSERT_TRUE(eventually([&] {
    const Response r = http2.get("/api/v1/sync", sup);
    return r.status == 200 && intField(objField(objField(r.json, "link"), "downlink"), "manifests") >= 1;
  }, 20s));
  const Response after = http2.get("/api/v1/sync", sup);
  EXPECT_EQ(intField(objField(objField(after.json, "link"), "downlink"), "requests"), 0) << after;

  // The next version (re-signed with another trusted key) replaces it; then the hub offers
  // the shipped version again: the installer's "refuse older version" rule applies, with
  // its reason upstream, and the next version stays active.
  const std::string next = std::to_string(shippedVersion() + 1);
  const std::string v2 = bundleAt(work_, shippedVersion() + 1, key_.private_pem, "hq-content");
  ASSERT_FALSE(v2.empty());
  publish(v2);
  ASSERT_TRUE(eventually([&] { return activeRules(daemon) == "demo-bank " + next; }, 30s)) << daemon.stderrTail();
  publish(work_ + "/rules");
  ASSERT_TRUE(eventually([&] { return upstream("downlink.refused") == 1; }, 30s)) << hub.output();
  const std::string reason = textOf(hubDb(), "SELECT payload FROM records WHERE type = 'downlink.refused'");
  EXPECT_NE(reason.find("is not above the active version " + next), std::string::npos) << reason;
  EXPECT_EQ(activeRules(daemon), "demo-bank " + next);
}

TEST_F(DownlinkTest, InterruptedAtRandomOffsetsResumesAndOnlyVerifiedPayloadsActivate) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  publish(makeContent(3000000));  // ~2900 chunks of 1 KiB, each fsync'ed: long enough to cut 9 times
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  DaemonOptions o = options(broker.port(), 1024);
  o.extra.insert(o.extra.end(), {"--set", "sync.downlink.progress_bytes=65536"});
  ASSERT_TRUE(daemon.start(o));
  std::mt19937 rng(2026);
  const std::string media_sha = signing::sha256Hex(media_);
  const std::string part = daemon.dataDir() + "/downloads/" + media_sha + ".part";
  int broker_kills = 0, daemon_kills = 0, hub_kills = 0;
  uint64_t part_at_kill = 0;
  int resumed = 0;
  int progress_seen = 0;  // hub kills that found a transfer in progress in its view
  for (int round = 0; round < 9 && !contentActive(daemon); ++round) {
    // Wait until the transfer has moved, then cut it at a random moment.
    std::error_code ec;
    const uint64_t before = fs::exists(part) ? fs::file_size(part, ec) : 0;
    eventually([&] { return fs::exists(part) && fs::file_size(part, ec) > before; }, 20s);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng)));
    if (contentActive(daemon)) break;
    if (round % 3 == 0) {
      daemon.kill9();
      ++daemon_kills;
      part_at_kill = fs::exists(part) ? fs::file_size(part, ec) : 0;
      // Killed mid-transfer: nothing of the package is active.
      EXPECT_FALSE(contentActive(daemon));
      ASSERT_TRUE(daemon.restart());
      if (part_at_kill > 0) {
        // It continues from the partial file's size, not from byte 0.
        HttpClient http(daemon);
        const std::string sup = http.login("supervisor", daemon.password("supervisor"));
        EXPECT_TRUE(eventually([&] {
          const Response r = http.get("/api/v1/sync", sup);
          return r.status == 200 && (intField(objField(objField(r.json, "link"), "downlink"), "resumes") >= 1 ||
                                     contentActive(daemon));
        }, 20s)) << "no resume after outpostd was killed with " << part_at_kill << " bytes on disk";
        ++resumed;
      }
    } else if (round % 3 == 1) {
      broker.kill9();
      ++broker_kills;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(100, 800)(rng)));
      ASSERT_TRUE(broker.start());
    } else {
      // The hub dies with a request in hand; its persistent session keeps the next ones.
      hub.kill9();
      ++hub_kills;
      // With the hub down its database holds still: `outpost-hub sites` shows the
      // transfer in progress, with the bytes of the last downlink.progress record.
      const std::string last = textOf(
          hubDb(), "SELECT type FROM records WHERE type LIKE 'downlink.%' ORDER BY seq DESC LIMIT 1");
      if (last == "downlink.progress") {
        const ProcessResult sites = runProgram(hubPath(), {"sites", "--db", hubDb()});
        EXPECT_NE(sites.out.find("fetching    content calm-angry-customer v"), std::string::npos) << sites.out;
        const int64_t done = scalarOf(hubDb(),
                                      "SELECT json_extract(payload, '$.bytes_done') FROM records WHERE type = "
                                      "'downlink.progress' ORDER BY seq DESC LIMIT 1");
        EXPECT_GT(done, 0);
        EXPECT_NE(sites.out.find(": " + std::to_string(done) + " of "), std::string::npos) << sites.out;
        ++progress_seen;
      }
      ASSERT_TRUE(hub.start(broker.port()));
    }
  }
  ASSERT_TRUE(eventually([&] { return contentActive(daemon); }, 90s)) << hub.output() << "\n" << daemon.stderrTail();
  // Nine cuts on this machine; a much faster disk may finish the transfer sooner.
  EXPECT_GE(daemon_kills + broker_kills + hub_kills, 3) << "the transfer ended before three cuts";
  EXPECT_GE(resumed, 1) << "a kill should have landed mid-transfer";
  // The cache holds exactly the published bytes.
  const std::string object = daemon.dataDir() + "/content/objects/" + media_sha.substr(0, 2) + "/" + media_sha;
  EXPECT_EQ(slurp(object), media_) << object;
  EXPECT_FALSE(fs::exists(part));
  EXPECT_TRUE(eventually([&] { return upstream("downlink.installed") >= 1; }, 30s)) << hub.output();
  EXPECT_EQ(upstream("downlink.refused"), 0);
  const ProcessResult sites = runProgram(hubPath(), {"sites", "--db", hubDb()});
  EXPECT_NE(sites.out.find("installed   content calm-angry-customer"), std::string::npos) << sites.out;
  EXPECT_EQ(sites.out.find("fetching "), std::string::npos) << sites.out;
  std::printf(
      "[ info ] downlink interrupted %d× (outpostd kill -9 %d, broker kill -9 %d, hub kill -9 %d, %d with the transfer "
      "in the hub's view); resumed and verified\n",
      daemon_kills + broker_kills + hub_kills, daemon_kills, broker_kills, hub_kills, progress_seen);
}

TEST_F(DownlinkTest, TamperedPayloadsAreRefusedWithTheReasonUpstream) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  publish(work_ + "/rules");
  publish(makeContent(50000));
  // The hub's copy of the video is altered (same size), and the rule bundle's manifest
  // text is changed (re-hashed, so only the signature can tell).
  ASSERT_TRUE(execDb(hubDb(), "UPDATE blobs SET data = zeroblob(size) WHERE size = 50000"));
  const std::string manifest = textOf(hubDb(), "SELECT manifest FROM site_packages WHERE kind = 'rules'");
  std::string forged = manifest;
  const auto at = forged.find("\"vip_value\"");
  ASSERT_NE(at, std::string::npos);
  forged.insert(at, "\"vip_valuf\": {\"type\": \"number\", \"default\": 1}, ");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(hubDb().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE site_packages SET manifest = ?1, sha256 = ?2 WHERE kind = 'rules'", -1, &st,
                               nullptr),
            SQLITE_OK);
  const std::string forged_sha = signing::sha256Hex(forged);
  sqlite3_bind_text(st, 1, forged.c_str(), static_cast<int>(forged.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 2, forged_sha.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(st), SQLITE_DONE);
  sqlite3_finalize(st);
  sqlite3_close(db);

  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(options(broker.port())));
  ASSERT_TRUE(eventually([&] { return upstream("downlink.refused") == 2; }, 60s)) << hub.output() << "\n"
                                                                                   << daemon.stderrTail();
  const std::string reasons =
      textOf(hubDb(), "SELECT group_concat(payload, ' | ') FROM records WHERE type = 'downlink.refused'");
  EXPECT_NE(reasons.find("SHA-256 mismatch"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("media/intro.mp4"), std::string::npos) << reasons;
  EXPECT_NE(reasons.find("signature"), std::string::npos) << reasons;
  // Neither is active; nothing half-stored.
  EXPECT_FALSE(contentActive(daemon));
  EXPECT_FALSE(rulesActive(daemon));
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT count(*) FROM content_packages"), 0);
  EXPECT_EQ(upstream("downlink.installed"), 0);
  // The refused package's files (verified or not) are not kept.
  const auto leftovers = [&] {
    int n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(daemon.dataDir() + "/downloads", ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) ++n;
    }
    return n;
  };
  EXPECT_TRUE(eventually([&] { return leftovers() == 0; }, 5s)) << leftovers() << " files left in downloads/";

  // Refusals are remembered across a restart.
  restartAndExpectRefusalsRemembered(daemon, 2);

  // A malformed manifest on the site's topic: refused, counted.
  EXPECT_EQ(publishRaw(broker.port(), std::string("outpost/v1/sites/") + kSite + "/manifest", "{\"v\":1,\"site\":"), "");
  EXPECT_EQ(publishRaw(broker.port(), std::string("outpost/v1/sites/") + kSite + "/chunk", "no header line"), "");
  HttpClient http(daemon);
  const std::string sup = http.login("supervisor", daemon.password("supervisor"));
  EXPECT_TRUE(eventually([&] {
    const Response r = http.get("/api/v1/sync", sup);
    return r.status == 200 && intField(objField(objField(r.json, "link"), "downlink"), "rejected") >= 2;
  }, 10s));
}


// A site configuration as an operator makes one: outpostctl config build, package sign.
std::string configPackage(const std::string& work, int version, int retail_sl_target) {
  const std::string doc = work + "/site-config-" + std::to_string(version) + "-" + std::to_string(retail_sl_target) +
                          ".json";
  std::ofstream(doc) << R"({"site_id": ")" << kSite << R"(",
    "skills": [{"code": "mortgage", "name": {"zh": "房贷业务", "en": "Mortgages"}}],
    "queues": [
      {"code": "retail-voice", "name": {"zh": "个人业务热线", "en": "Retail banking line"}, "channel": "voice",
       "sl_target_pct": )" << retail_sl_target << R"(, "sl_threshold_s": 25, "skills": [{"skill": "account", "min_level": 2}],
       "strategy": "least_occupied"},
      {"code": "mortgage-voice", "name": {"zh": "房贷热线", "en": "Mortgage line"}, "channel": "voice",
       "skills": [{"skill": "mortgage", "min_level": 1}]}],
    "wrapup_codes": [{"code": "mortgage-info", "name": {"zh": "房贷咨询", "en": "Mortgage information"}}]})";
  const std::string dir = doc + ".pkg";
  const CtlRun built = ctl("config build --site " + std::string(kSite) + " --version " + std::to_string(version) +
                           " --from " + doc + " --out " + dir);
  if (built.code != 0) {
    ADD_FAILURE() << built.output;
    return "";
  }
  const CtlRun signed_ = ctl("package sign --key " + work + "/hq-content.key --key-id hq-content " + dir);
  if (signed_.code != 0) {
    ADD_FAILURE() << signed_.output;
    return "";
  }
  return dir;
}

TEST_F(DownlinkTest, ConfigurationPackageChangesQueuesOnTheRunningAppliance) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  std::ofstream(work_ + "/hq-content.key") << key_.private_pem;
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(options(broker.port())));
  HttpClient http(daemon);
  const std::string admin = http.login("admin", daemon.password("admin"));
  const Response before = http.get("/api/v1/queues/retail-voice", admin);
  ASSERT_EQ(before.status, 200) << before;
  EXPECT_EQ(intField(before.json, "sl_target_pct"), 80);
  EXPECT_TRUE(http.get("/api/v1/sync", admin).json->isNull("config"));

  // Published while the appliance runs: the queue changes, a new one appears (in the
  // database and in the live router), the version is shown.
  const std::string v1 = configPackage(work_, 1, 95);
  ASSERT_FALSE(v1.empty());
  publish(v1);
  ASSERT_TRUE(eventually([&] {
    const Response r = http.get("/api/v1/queues/retail-voice", admin);
    return r.status == 200 && intField(r.json, "sl_target_pct") == 95;
  }, 60s)) << hub.output() << "\n" << daemon.stderrTail();
  const Response retail = http.get("/api/v1/queues/retail-voice", admin);
  EXPECT_EQ(strField(retail.json, "strategy"), "least_occupied");
  EXPECT_EQ(intField(retail.json, "sl_threshold_s"), 25);
  EXPECT_EQ(http.get("/api/v1/queues/mortgage-voice", admin).status, 200);
  EXPECT_EQ(http.get("/api/v1/wrapup-codes/mortgage-info", admin).status, 200);
  EXPECT_EQ(http.get("/api/v1/queues/cards-voice", admin).status, 200);  // not named: kept
  EXPECT_TRUE(eventually([&] {
    const Response r = http.get("/api/v1/queue-stats", admin);
    return r.status == 200 && r.body.find("\"mortgage-voice\"") != std::string::npos;
  }, 10s)) << "the router was not told of the new queue";
  const Response sync = http.get("/api/v1/sync", admin);
  EXPECT_EQ(intField(objField(sync.json, "config"), "version"), 1) << sync;
  EXPECT_EQ(strField(objField(sync.json, "config"), "installed_by"), "sync");
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT count(*) FROM audit WHERE actor = 'sync' AND entity = 'queue'"), 2);
  EXPECT_TRUE(eventually([&] { return upstream("downlink.installed") == 1; }, 30s)) << hub.output();

  // The hub does not take a document the site would refuse.
  {
    std::ofstream(work_ + "/bad-config.json") << R"({"site_id": ")" << kSite << R"(", "skills": [{"code": "x"}]})";
    const std::string bad = work_ + "/bad-config";
    fs::copy(v1, bad, fs::copy_options::recursive);
    fs::copy_file(work_ + "/bad-config.json", bad + "/site-config.json", fs::copy_options::overwrite_existing);
    ASSERT_TRUE(signing::sealPackageDir(bad).isOk());
    ASSERT_TRUE(signing::signPackageDir(bad, key_.private_pem, "hq-content").isOk());
    const ProcessResult r = runProgram(
        hubPath(), {"publish", "--db", hubDb(), "--site", kSite, "--trust", work_ + "/trust.txt", "--package", bad});
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_NE(r.err.find("site-config.json /skills/0/name"), std::string::npos) << r.describe();
  }

  // Another package with the same version: refused with the reason upstream, nothing changes.
  publish(configPackage(work_, 1, 50));
  ASSERT_TRUE(eventually([&] { return upstream("downlink.refused") == 1; }, 30s)) << hub.output();
  const std::string reason = textOf(hubDb(), "SELECT payload FROM records WHERE type = 'downlink.refused'");
  EXPECT_NE(reason.find("is not above the installed configuration version 1"), std::string::npos) << reason;
  EXPECT_EQ(intField(http.get("/api/v1/queues/retail-voice", admin).json, "sl_target_pct"), 95);
  // The hub's view of the site's downlink, learnt from those records.
  {
    const ProcessResult sites = runProgram(hubPath(), {"sites", "--db", hubDb()});
    ASSERT_EQ(sites.exit_code, 0) << sites.describe();
    EXPECT_NE(sites.out.find("installed   config site v1"), std::string::npos) << sites.out;
    EXPECT_NE(sites.out.find("refused     config site v1"), std::string::npos) << sites.out;
    EXPECT_NE(sites.out.find("is not above the installed configuration version 1"), std::string::npos) << sites.out;
    const ProcessResult json = runProgram(hubPath(), {"sites", "--db", hubDb(), "--json"});
    ASSERT_EQ(json.exit_code, 0) << json.describe();
    EXPECT_NE(json.out.find(R"("kind":"config")"), std::string::npos) << json.out;
    EXPECT_NE(json.out.find(R"("in_progress":null)"), std::string::npos) << json.out;
  }

  // A restart remembers the refusal.
  restartAndExpectRefusalsRemembered(daemon, 1);
  HttpClient http2(daemon);
  const std::string sup = http2.login("supervisor", daemon.password("supervisor"));

  // The next version applies.
  publish(configPackage(work_, 2, 70));
  EXPECT_TRUE(eventually([&] {
    const Response r = http2.get("/api/v1/queues/retail-voice", sup);
    return r.status == 200 && intField(r.json, "sl_target_pct") == 70;
  }, 30s)) << daemon.stderrTail();
  EXPECT_EQ(upstream("downlink.refused"), 1);
}

TEST_F(DownlinkTest, KeySetOverTheDownlinkRetiresTheOldKey) {
  OUTPOST_REQUIRE_SYNC_PARTS();
  // HQ's new key; the key set (v1, signed by hq-content, which the site trusts now)
  // trusts only it from then on.
  const std::string keys = work_ + "/keys";
  std::ofstream(work_ + "/hq-content.key") << key_.private_pem;
  ASSERT_EQ(ctl("keys generate --id hq-2027 --out " + keys).code, 0);
  const CtlRun rotated = ctl("keys rotate --key " + work_ + "/hq-content.key --version 1 --out " + work_ +
                             "/keyset " + keys + "/hq-2027.pub");
  ASSERT_EQ(rotated.code, 0) << rotated.output;
  std::ofstream(work_ + "/trust-2027.txt") << slurp(keys + "/hq-2027.pub");
  const std::string next_pem = slurp(keys + "/hq-2027.key");
  const int next = shippedVersion() + 1;
  const std::string bundle = bundleAt(work_, next, next_pem, "hq-2027");
  ASSERT_FALSE(bundle.empty());
  // Both in the manifest before the site sees it: the key set must go first.
  publish(work_ + "/keyset");
  {
    const ProcessResult r = runProgram(hubPath(), {"publish", "--db", hubDb(), "--site", kSite, "--trust",
                                                   work_ + "/trust-2027.txt", "--package", bundle});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  Broker broker;
  ASSERT_TRUE(broker.start());
  Hub hub(hubDb());
  ASSERT_TRUE(hub.start(broker.port()));
  Daemon daemon;
  ASSERT_TRUE(daemon.start(options(broker.port())));
  ASSERT_TRUE(eventually([&] { return activeRules(daemon) == "demo-bank " + std::to_string(next); }, 60s))
      << hub.output() << "\n" << daemon.stderrTail();
  EXPECT_EQ(scalarOf(daemon.dbPath(), "SELECT max(version) FROM rule_keysets"), 1);
  EXPECT_EQ(textOf(daemon.dbPath(), "SELECT installed_by FROM rule_keysets WHERE version = 1"), "sync");
  EXPECT_TRUE(eventually([&] { return upstream("downlink.installed") == 2; }, 30s)) << hub.output();
  EXPECT_EQ(upstream("downlink.refused"), 0);

  // A later bundle signed by the retired key: refused for its signature.
  const std::string old_key_bundle = bundleAt(work_, next + 1, key_.private_pem, "hq-content");
  ASSERT_FALSE(old_key_bundle.empty());
  publish(old_key_bundle);
  ASSERT_TRUE(eventually([&] { return upstream("downlink.refused") == 1; }, 30s)) << hub.output();
  const std::string reason = textOf(hubDb(), "SELECT payload FROM records WHERE type = 'downlink.refused'");
  EXPECT_NE(reason.find("signature"), std::string::npos) << reason;
  EXPECT_NE(reason.find("hq-content"), std::string::npos) << reason;
  EXPECT_EQ(activeRules(daemon), "demo-bank " + std::to_string(next));
}

}  // namespace
}  // namespace outpost::itest
