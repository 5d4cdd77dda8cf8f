#include "app/daemon.h"

#include <Poco/Logger.h>
#include <Poco/Net/SSLManager.h>

#include <filesystem>
#include <limits>
#include <fstream>

#include "api/context.h"
#include "api/server.h"
#include "api/ws_hub.h"
#include "auth/login_limiter.h"
#include "auth/password.h"
#include "core/event_loop.h"
#include "engine/directory_mapping.h"
#include "engine/engine.h"
#include "plugins/rules.h"
#include "plugins/rules_store.h"
#include "signing/trust_store.h"
#include "site/directory.h"
#include "storage/contact_store.h"
#include "storage/directory_store.h"
#include "storage/journal.h"
#include "storage/migrations.h"
#include "storage/read_pool.h"
#include "storage/writer.h"

namespace outpost::app {
namespace {

Poco::Logger& log() { return Poco::Logger::get("outpost.app"); }

bool isLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Status makeDataDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::unavailable("cannot create data folder \"" + dir + "\": " + ec.message());
  if (!std::filesystem::is_directory(dir)) return Status::unavailable("data folder \"" + dir + "\" is not a folder");
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
  return Status::ok();
}

Status checkReadable(const std::string& path, const char* key) {
  std::ifstream in(path);
  if (!in) return Status::invalidArgument("cannot read \"" + path + "\"", key);
  return Status::ok();
}

constexpr auto kSessionPurgeEvery = std::chrono::hours(1);

}  // namespace

struct Daemon::Parts {
  const Clock& clock = SystemClock::instance();
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<storage::ReadPool> reads;
  std::unique_ptr<storage::EventJournal> journal;
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<plugins::RulesHost> rules;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::LoginLimiter> limiter;
  std::unique_ptr<api::WsHub> hub;
  std::unique_ptr<api::ApiContext> context;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<api::HttpServer> server;
  std::atomic<bool> migrated{false};

  void schedulePurge() {
    loop->runAfter(kSessionPurgeEvery, [this] {
      writer->submit(
          [this](storage::Database& db) { return storage::purgeSessions(db, clock.wallNow() - std::chrono::hours(24)); },
          [](const Status& s) {
            if (!s.isOk()) log().warning("purging old sessions failed: %s", s.toString());
          });
      schedulePurge();
    });
  }
};

Result<std::unique_ptr<storage::Database>> openStorage(const Config& config) {
  const std::string data_dir = config.getString("storage.data_dir");
  OUTPOST_RETURN_IF_ERROR(makeDataDir(data_dir));
  const int busy_ms = static_cast<int>(config.getDuration("storage.busy_timeout").count());
  auto db = storage::Database::open(data_dir + "/outpost.db", storage::OpenOptions{false, busy_ms});
  if (!db) return db.status();
  OUTPOST_RETURN_IF_ERROR(storage::quickCheck(**db));
  auto migrated = storage::migrate(**db, storage::outpostMigrations());
  if (!migrated) return migrated.status();
  if (migrated->from_version != migrated->to_version) {
    log().information("database schema migrated from version %d to %d", migrated->from_version, migrated->to_version);
  }
  return db;
}

Status createAdmin(const Config& config, const std::string& username, const std::string& password) {
  site::User user{username, site::Role::kAdmin, std::nullopt, username, false};
  OUTPOST_RETURN_IF_ERROR(site::validate(user).under("--create-admin"));
  OUTPOST_RETURN_IF_ERROR(auth::checkPasswordPolicy(password));
  auto db = openStorage(config);
  if (!db) return db.status();
  const std::string hash = auth::hashPassword(password, static_cast<int>(config.getInt("auth.pbkdf2_iterations")));
  const WallTime now = SystemClock::instance().wallNow();
  storage::Writer writer(std::move(*db));
  writer.start();
  return writer.run([&](storage::Database& wdb) {
    OUTPOST_RETURN_IF_ERROR(storage::insert(wdb, user, now));
    OUTPOST_RETURN_IF_ERROR(storage::setPasswordHash(wdb, username, hash, now));
    return storage::appendAudit(wdb, storage::AuditEntry{0, now, "outpostd --create-admin", "create", "user",
                                                         username, std::nullopt, std::nullopt, ""});
  });
}

Daemon::Daemon(const Config& config, DaemonOptions options) : config_(config), options_(options) {}

Daemon::~Daemon() { stop(); }

Status Daemon::start() {
  parts_ = std::make_unique<Parts>();
  Parts& p = *parts_;
  const std::string data_dir = config_.getString("storage.data_dir");
  const auto listen = config_.getHostPort("http.listen");
  const std::string cert = config_.getString("http.tls.cert");
  const std::string key = config_.getString("http.tls.key");
  if (cert.empty() != key.empty()) {
    return Status::invalidArgument("set both http.tls.cert and http.tls.key, or neither", "http.tls");
  }
  if (!cert.empty()) {
    OUTPOST_RETURN_IF_ERROR(checkReadable(cert, "http.tls.cert"));
    OUTPOST_RETURN_IF_ERROR(checkReadable(key, "http.tls.key"));
  }
  if (cert.empty() && !isLoopback(listen.host) && !config_.getBool("http.allow_plain_lan")) {
    return Status::invalidArgument(
        "refusing plain HTTP on " + listen.host +
            ": logins would cross the LAN unencrypted. Configure http.tls.cert and http.tls.key (see "
            "docs/install.md), or set http.allow_plain_lan = true",
        "http.listen");
  }

  // Storage: open, check, migrate, seed.
  auto db = openStorage(config_);
  if (!db) return db.status();
  const std::string db_path = data_dir + "/outpost.db";
  p.migrated = true;
  const int iterations = static_cast<int>(config_.getInt("auth.pbkdf2_iterations"));
  if (options_.demo) {
    auto site = storage::loadSite(**db);
    if (!site) return site.status();
    const std::string logins_path = data_dir + "/demo-logins.txt";
    if (!site->has_value()) {
      auto logins = seedDemo(**db, p.clock.wallNow(), iterations);
      if (!logins) return logins.status();
      demo_logins_ = std::move(*logins);
      OUTPOST_RETURN_IF_ERROR(writeDemoLogins(logins_path, demo_logins_));
      log().information("seeded the demo site");
    } else {
      auto logins = readDemoLogins(logins_path);
      if (logins) demo_logins_ = std::move(*logins);
    }
  }
  // What the engine rebuilds its state from.
  auto agents = storage::list<site::Agent>(**db, storage::Page{"", std::numeric_limits<int>::max()});
  if (!agents) return agents.status();
  auto queues = storage::list<site::Queue>(**db, storage::Page{"", std::numeric_limits<int>::max()});
  if (!queues) return queues.status();
  auto presence = storage::loadPresence(**db);
  if (!presence) return presence.status();
  auto contacts = storage::loadLiveContacts(**db);
  if (!contacts) return contacts.status();

  // Lua rule bundles: the trusted keys, then the stored active/previous bundles.
  signing::TrustStore rule_trust;
  if (const std::string trust_file = config_.getString("plugins.trust_file"); !trust_file.empty()) {
    auto t = signing::TrustStore::load(trust_file);
    if (!t) return Status(t.status().code(), t.status().message(), "plugins.trust_file: " + t.status().where());
    rule_trust = std::move(*t);
  }
  plugins::RulesOptions rules_options;
  rules_options.site = config_.getString("plugins.site");
  for (std::string groups = config_.getString("plugins.site_groups"); !groups.empty();) {
    const auto comma = groups.find(',');
    std::string g = groups.substr(0, comma);
    if (!g.empty()) rules_options.site_groups.push_back(g);
    groups = comma == std::string::npos ? "" : groups.substr(comma + 1);
  }
  rules_options.limits.instructions = static_cast<uint64_t>(config_.getInt("plugins.instructions"));
  rules_options.limits.deadline = config_.getDuration("plugins.deadline");
  rules_options.limits.memory_bytes = static_cast<size_t>(config_.getInt("plugins.memory_bytes"));
  rules_options.seed = static_cast<uint64_t>(toEpochMillis(p.clock.wallNow()));
  p.rules = std::make_unique<plugins::RulesHost>(p.clock, std::move(rule_trust), rules_options,
                                                 [](const std::string& line) { log().information("%s", line); });
  if (auto stored = plugins::loadStoredRules(**db); !stored) {
    return stored.status();
  } else {
    // Verified again (signature, site, API, expiry, digests); a bundle that no longer
    // passes is not run and the built-in behaviour applies.
    for (auto* files : {stored->previous ? &*stored->previous : nullptr, stored->active ? &*stored->active : nullptr}) {
      if (!files) continue;
      auto b = plugins::verifyBundle(*files, p.rules->trust(), p.rules->target());
      auto e = b ? p.rules->activate(std::move(*b), false) : Result<plugins::RulesStatus::Entry>(b.status());
      if (!e) log().warning("stored rule bundle not activated: %s", e.status().toString());
    }
  }

  p.writer = std::make_unique<storage::Writer>(
      std::move(*db), storage::WriterOptions{static_cast<size_t>(config_.getInt("storage.max_batch"))});
  p.writer->start();
  p.reads = std::make_unique<storage::ReadPool>(db_path);
  p.journal = std::make_unique<storage::EventJournal>(*p.writer, p.clock);

  // The engine, with the state storage has.
  p.loop = std::make_unique<EventLoop>(p.clock);
  routing::RouterOptions routing_options;
  routing_options.reject_delay = config_.getDuration("routing.reject_delay");
  routing_options.no_answer_delay = config_.getDuration("routing.no_answer_delay");
  routing_options.max_missed_offers = static_cast<int>(config_.getInt("routing.max_missed_offers"));
  routing_options.voice_blocks_chat = config_.getBool("routing.voice_blocks_chat");
  p.engine = std::make_unique<engine::Engine>(*p.loop, *p.journal, routing_options);
  for (const auto& q : *queues) p.engine->configureQueue(engine::queuePolicy(q));
  for (const auto& a : *agents) p.engine->configureAgent(engine::agentProfile(a));
  for (auto& [agent_id, state] : *presence) p.engine->restorePresence(agent_id, state);
  for (auto& c : *contacts) p.engine->restoreContact(std::move(c));
  p.engine->setContactClassifier(p.rules.get());
  p.engine->setCandidateRanker(p.rules.get());
  if (!contacts->empty()) log().information("%z live contacts restored", contacts->size());

  p.limiter = std::make_unique<auth::LoginLimiter>(
      p.clock, auth::LoginLimiter::Options{static_cast<int>(config_.getInt("auth.login_max_failures_user")),
                                           static_cast<int>(config_.getInt("auth.login_max_failures_address")),
                                           config_.getDuration("auth.login_window")});
  api::ApiOptions api_options;
  api_options.session_ttl = config_.getDuration("auth.session_ttl");
  api_options.pbkdf2_iterations = iterations;
  api_options.secure_cookies = !cert.empty();
  p.context = std::make_unique<api::ApiContext>(api::ApiContext{
      *p.writer, *p.reads, *p.engine, p.clock, *p.limiter, api_options,
      [&p]() -> Status {
        if (!p.migrated) return Status::unavailable("storage is not open yet");
        if (!p.writer->healthy()) return Status::unavailable("the last database commit failed (disk full or I/O error?)");
        if (!p.engine->healthy()) {
          return Status::unavailable("a routing change could not be saved; restart outpostd to reload from disk");
        }
        return Status::ok();
      },
      nullptr});
  api::ApiContext& ctx = *p.context;
  p.hub = std::make_unique<api::WsHub>(
      [&ctx](const std::string& token) { return api::authenticate(ctx, token); },
      [&ctx]() { return api::withReader(ctx, [](storage::Database& rdb) { return storage::loadPresence(rdb); }); },
      p.clock,
      api::WsOptions{static_cast<size_t>(config_.getInt("ws.max_connections")), config_.getDuration("ws.auth_timeout"),
                     config_.getDuration("ws.send_timeout")});
  ctx.on_session_revoked = [hub = p.hub.get()](const std::string& digest) { hub->closeSession(digest); };
  ctx.on_user_sessions_ended = [hub = p.hub.get()](const std::string& username) { hub->closeUser(username); };
  p.engine->addListener([hub = p.hub.get()](const engine::DomainEvent& e) { hub->publish(e); });
  p.engine->addStatsListener([hub = p.hub.get()](const std::vector<routing::QueueStats>& s) { hub->publishStats(s); });
  p.loop->start("outpost-engine");
  p.engine->resume();
  p.schedulePurge();
  p.hub->start();

  p.router = std::make_unique<api::Router>();
  p.router->setAuthenticator([&ctx](const std::string& token) { return api::authenticate(ctx, token); });
  api::addSystemRoutes(*p.router, ctx);
  api::addAuthRoutes(*p.router, ctx);
  api::addDirectoryRoutes(*p.router, ctx);
  api::addPresenceRoutes(*p.router, ctx);
  api::addContactRoutes(*p.router, ctx);
  api::addRulesRoutes(*p.router, ctx, *p.rules);

  api::ServerOptions server_options;
  server_options.listen = listen;
  server_options.threads = static_cast<int>(config_.getInt("http.threads"));
  server_options.max_queued = static_cast<int>(config_.getInt("http.max_queued"));
  server_options.max_body_bytes = static_cast<size_t>(config_.getInt("http.max_body_bytes"));
  server_options.idle_timeout = config_.getDuration("http.idle_timeout");
  server_options.tls_cert = cert;
  server_options.tls_key = key;
  p.server = std::make_unique<api::HttpServer>(*p.router, *p.hub, server_options);
  OUTPOST_RETURN_IF_ERROR(p.server->start());
  started_ = true;
  log().information("listening on %s", p.server->baseUrl());
  return Status::ok();
}

void Daemon::stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  if (p.server) p.server->stop();  // requests in flight finish and get their answers
  if (p.hub) p.hub->stop();
  if (p.loop) p.loop->stop();      // tasks already posted still run
  if (p.writer) p.writer->stop();  // everything submitted is committed
  parts_.reset();                  // closes the database
  if (started_) log().information("stopped cleanly");
  started_ = false;
}

std::string Daemon::baseUrl() const { return parts_ && parts_->server ? parts_->server->baseUrl() : ""; }

}  // namespace outpost::app
