#include "app/daemon.h"

#include <Poco/Logger.h>
#include <Poco/Net/SSLManager.h>

#include <cstdlib>
#include <optional>
#include <filesystem>
#include <limits>
#include <fstream>

#include "api/context.h"
#include "api/learning_routes.h"
#include "api/ivr_front_end.h"
#include "api/server.h"
#include "api/ws_hub.h"
#include "app/ivr_wiring.h"
#include "app/sync_wiring.h"
#include "auth/login_limiter.h"
#include "auth/password.h"
#include "codec/ivr_flow_codec.h"
#include "core/event_loop.h"
#include "engine/directory_mapping.h"
#include "engine/engine.h"
#include "ivr/classifier.h"
#include "ivr/dataset.h"
#include "plugins/rules.h"
#include "plugins/rules_store.h"
#include "signing/trust_store.h"
#include "site/directory.h"
#include "storage/contact_store.h"
#include "storage/content_cache.h"
#include "storage/directory_store.h"
#include "storage/ivr_store.h"
#include "storage/journal.h"
#include "storage/learning_store.h"
#include "storage/migrations.h"
#include "storage/outbox.h"
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

// Where the built agent desktop is: http.static_dir, or (empty) the installed copy next
// to the binary, or the source tree's agent-client/dist; "" when none is there.
Result<std::string> agentClientDir(const Config& config) {
  namespace fs = std::filesystem;
  const std::string configured = config.getString("http.static_dir");
  std::error_code ec;
  if (!configured.empty()) {
    if (!fs::is_regular_file(fs::path(configured) / "index.html", ec)) {
      return Status::invalidArgument("\"" + configured + "\" has no index.html (build agent-client: npm ci && npm run build)",
                                     "http.static_dir");
    }
    return configured;
  }
  std::vector<fs::path> candidates;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/outpost/agent-client");
#ifdef OUTPOST_AGENT_CLIENT_DIST
  candidates.emplace_back(OUTPOST_AGENT_CLIENT_DIST);
#endif
  for (const auto& dir : candidates) {
    if (fs::is_regular_file(dir / "index.html", ec)) return dir.string();
  }
  log().warning("no built agent desktop found (http.static_dir is empty); serving the API only");
  return std::string();
}

constexpr auto kSessionPurgeEvery = std::chrono::hours(1);

// The IVR front end from ivr.flow (none: no IVR until a rule bundle brings a flow),
// with the intent model from ivr.model or trained at start from ivr.training_data.
Result<std::unique_ptr<api::IvrFrontEnd>> loadIvr(const Config& config, const Clock& clock) {
  const std::string flow_path = config.getString("ivr.flow");
  std::optional<ivr::Flow> flow;
  if (!flow_path.empty()) {
    auto json = ivr::readFile(flow_path, 4 << 20);
    if (!json) return Status(json.status().code(), json.status().message(), "ivr.flow");
    auto decoded = codec::decodeFlow(*json);
    if (!decoded) return decoded.status().under(flow_path + ":");
    flow = std::move(*decoded);
  }
  std::shared_ptr<const ivr::IntentModel> model;
  const std::string model_path = config.getString("ivr.model");
  const std::string data_path = config.getString("ivr.training_data");
  ivr::FallbackPolicy policy{static_cast<double>(config.getInt("ivr.confidence_threshold_pct")) / 100.0,
                             static_cast<double>(config.getInt("ivr.confidence_margin_pct")) / 100.0};
  if (!model_path.empty()) {
    auto m = ivr::IntentModel::load(model_path);
    if (!m) return m.status().under("ivr.model");
    OUTPOST_RETURN_IF_ERROR(m->setPolicy(policy));
    model = std::make_shared<const ivr::IntentModel>(std::move(*m));
  } else if (!data_path.empty()) {
    auto examples = ivr::loadExamples(data_path);
    if (!examples) return examples.status();
    ivr::TrainOptions options;
    options.policy = policy;
    auto m = ivr::IntentModel::train(*examples, options);
    if (!m) return m.status().under("ivr.training_data");
    log().information("IVR intent model trained on %z utterances (%z intents)", examples->size(), m->intents().size());
    model = std::make_shared<const ivr::IntentModel>(std::move(*m));
  } else if (flow && flow->usesIntents()) {
    return Status::invalidArgument("the flow has intent nodes; set ivr.model or ivr.training_data", "ivr.flow");
  }
  if (flow) log().information("IVR flow %s version %d loaded (%z nodes)", flow->id, flow->version, flow->nodes.size());
  auto front_end = std::make_unique<api::IvrFrontEnd>(
      flow ? std::make_shared<const ivr::Flow>(std::move(*flow)) : nullptr, std::move(model), clock,
      static_cast<size_t>(config.getInt("ivr.max_sessions")));
  front_end->setPolicy(policy);  // for models trained from rule bundles' data too
  return front_end;
}

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
  std::unique_ptr<api::IvrFrontEnd> ivr;
  std::unique_ptr<api::StatsHistory> stats_history;
  std::unique_ptr<api::ApiContext> context;
  std::unique_ptr<api::Router> router;
  std::unique_ptr<storage::ContentCache> content;
  std::unique_ptr<api::LearningServices> learning;
  std::unique_ptr<api::HttpServer> server;
  std::unique_ptr<sync::Publisher> publisher;  // null while sync.enabled is false
  std::unique_ptr<sync::Downlink> downlink;    // null while sync or sync.downlink is off
  std::atomic<bool> migrated{false};
  Millis health_interval{60000};

  // A health sample into the outbox (telemetry: thinned when its quota is full).
  void scheduleHealth() {
    loop->runAfter(health_interval, [this] {
      const storage::WriterStats ws = writer->stats();
      const bool engine_ok = engine->healthy();
      const bool writer_ok = writer->healthy();
      const WallTime at = clock.wallNow();
      writer->submit(
          [=](storage::Database& db) {
            const std::string payload = "{\"writer_batches\":" + std::to_string(ws.batches) +
                                        ",\"writer_job_errors\":" + std::to_string(ws.job_errors) +
                                        ",\"writer_commit_errors\":" + std::to_string(ws.commit_errors) +
                                        ",\"storage_healthy\":" + (writer_ok ? "true" : "false") +
                                        ",\"engine_healthy\":" + (engine_ok ? "true" : "false") + "}";
            return storage::appendOutbox(
                db, storage::OutboxEntry{at, "health.sample", 1, payload, storage::kClassTelemetry});
          },
          [](const Status& s) {
            if (!s.isOk()) log().warning("writing a health sample failed: %s", s.toString());
          });
      scheduleHealth();
    });
  }

  // The IVR figures of each interval into the outbox (telemetry; docs/ivr.md "Metrics").
  Millis ivr_metrics_interval{300000};
  WallTime ivr_metrics_from{};
  void scheduleIvrMetrics() {
    loop->runAfter(ivr_metrics_interval, [this] {
      const WallTime from = ivr_metrics_from;
      const WallTime to = clock.wallNow();
      ivr_metrics_from = to;
      writer->submit([from, to](storage::Database& db) { return api::appendIvrMetrics(db, from, to); },
                     [](const Status& s) {
                       if (!s.isOk()) log().warning("writing IVR metrics failed: %s", s.toString());
                     });
      scheduleIvrMetrics();
    });
  }

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
  std::string sync_site;
  {
    auto site = storage::loadSite(**db);
    if (!site) return site.status();
    OUTPOST_RETURN_IF_ERROR(configureSync(config_, **db, site->has_value() ? (*site)->site_code : "", sync_site));
  }
  // The learning content cache (docs/learning.md).
  p.content = std::make_unique<storage::ContentCache>(
      storage::ContentCacheOptions{data_dir + "/content",
                                   static_cast<uint64_t>(config_.getInt("learning.content_quota_mb")) * 1024 * 1024,
                                   {}},
      learning::defaultFramework(), p.clock);
  OUTPOST_RETURN_IF_ERROR(p.content->open(**db));
  // IVR sessions live in memory: the ones a previous run left active are over.
  auto ended_ivr = storage::endLiveIvrSessions(**db, p.clock.wallNow());
  if (!ended_ivr) return ended_ivr.status();
  if (*ended_ivr > 0) log().information("%d IVR sessions of the previous run marked expired", *ended_ivr);

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
  rules_options.trial.window = Millis(config_.getInt("plugins.trial_seconds") * 1000);
  rules_options.trial.max_error_rate = static_cast<double>(config_.getInt("plugins.trial_max_error_pct")) / 100.0;
  rules_options.trial.min_calls = static_cast<uint64_t>(config_.getInt("plugins.trial_min_calls"));
  rules_options.workload.window = config_.getDuration("plugins.recent_window");
  rules_options.workload.utc_offset = Millis(config_.getInt("plugins.utc_offset_minutes") * 60000);
  p.rules = std::make_unique<plugins::RulesHost>(p.clock, std::move(rule_trust), rules_options,
                                                 [](const std::string& line) { log().information("%s", line); });
  // Key rotations stored earlier, each verified against the keys before it.
  if (auto sets = plugins::loadKeySets(**db); !sets) {
    return sets.status();
  } else {
    for (const auto& [manifest, signature] : *sets) {
      if (auto k = p.rules->rotateKeys(manifest, signature); !k) {
        log().warning("stored rule key set not applied: %s", k.status().toString());
        break;
      }
    }
  }
  if (auto stored = plugins::loadStoredRules(**db); !stored) {
    return stored.status();
  } else {
    // Verified again (signature, site, API, expiry, digests); a bundle that no longer
    // passes is not run and the built-in behaviour applies.
    for (auto* files : {stored->previous ? &*stored->previous : nullptr, stored->active ? &*stored->active : nullptr}) {
      if (!files) continue;
      // Against the keys trusted now, else a key set trusted earlier (rotated since).
      Result<plugins::Bundle> b = Status::internal("no keys");
      for (const auto& trust : p.rules->trustHistory()) {
        b = plugins::verifyBundle(*files, trust, p.rules->target());
        if (b) break;
      }
      auto e = b ? p.rules->activate(std::move(*b), false) : Result<plugins::RulesStatus::Entry>(b.status());
      if (!e) log().warning("stored rule bundle not activated: %s", e.status().toString());
    }
  }

  p.writer = std::make_unique<storage::Writer>(
      std::move(*db), storage::WriterOptions{static_cast<size_t>(config_.getInt("storage.max_batch"))});
  p.writer->start();
  p.reads = std::make_unique<storage::ReadPool>(db_path);
  p.journal = std::make_unique<storage::EventJournal>(*p.writer, p.clock);
  p.publisher = makePublisher(config_, *p.writer, db_path, p.clock, sync_site);

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
  // on_event: lifecycle events (delivered after commit, maybe on the writer thread) go
  // to the rules on the engine loop; their points and alerts to the outbox and the log.
  // The agents' workload for the candidate fields comes from the same events.
  p.engine->addListener([&p](const engine::DomainEvent& e) {
    p.loop->post([&p, e] { p.rules->observe(e, p.clock.wallNow()); });
  });
  p.rules->setActionSink([&p](const plugins::Bundle& bundle, const std::string& event_type,
                              const std::vector<plugins::EventAction>& actions) {
    const WallTime at = p.clock.wallNow();
    for (const auto& a : actions) {
      if (a.kind == "alert") {
        log().warning("rules %s v%d alert (%s) on %s: %s", bundle.id, static_cast<int>(bundle.version), a.severity,
                      event_type, a.message);
      }
    }
    const std::string payload = plugins::toJsonText(plugins::Value(plugins::Value::Object{
        {"bundle", plugins::Value(bundle.id)},
        {"version", plugins::Value(static_cast<double>(bundle.version))},
        {"event", plugins::Value(event_type)},
        {"actions", plugins::actionsValue(actions)}}));
    // Points count with the agent's learning points (learning/gamification.h), stored in
    // the same transaction as the record for the cloud.
    const std::string source = bundle.id + " v" + std::to_string(bundle.version);
    p.writer->submit(
        [at, payload, actions, source, event_type](storage::Database& wdb) -> Status {
          for (const auto& a : actions) {
            if (a.kind != "points") continue;
            auto stored = storage::addRulePoints(wdb, a.agent, toEpochMillis(at), a.points, a.reason, source, event_type);
            if (!stored) return stored.status();
            if (!*stored) log().warning("rules %s: points for unknown agent %s ignored", source, a.agent);
          }
          return storage::appendOutbox(wdb, storage::OutboxEntry{at, "rules.actions", 1, payload, storage::kClassContact});
        },
        [](const Status& st) {
          if (!st.isOk()) log().warning("storing rule actions failed: %s", st.toString());
        });
  });
  // A bundle failing its trial: reverted on the engine loop, stored before it takes effect.
  p.rules->setTrialWatcher([&p] {
    p.loop->post([&p] {
      auto r = p.rules->checkTrial([&p](const plugins::Bundle* active, const plugins::Bundle& reverted,
                                        const std::string& reason) {
        return p.writer->run([&](storage::Database& wdb) {
          return plugins::saveTrialRevert(wdb, active, reverted, p.clock.wallNow(), reason);
        });
      });
      if (!r) log().error("reverting a rule bundle on trial failed: %s", r.status().toString());
    });
  });
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
  {
    auto front_end = loadIvr(config_, p.clock);
    if (!front_end) return front_end.status();
    p.ivr = std::move(*front_end);
    p.ivr->setHttapi({config_.getString("ivr.httapi_secret"), config_.getString("ivr.httapi_transfer")});
    ctx.ivr = p.ivr.get();
    auto configured = p.ivr->currentFlow();
    p.rules->setListener({[fe = p.ivr.get()](const plugins::Bundle& b) { return checkBundleFlow(*fe, b); },
                          [fe = p.ivr.get(), configured, &clock = p.clock, rules_options](
                              const std::shared_ptr<plugins::RuleSet>& rs) {
                            followRules(*fe, configured, rs, clock, rules_options);
                          }});
    if (auto active = p.rules->active()) {
      if (Status s = checkBundleFlow(*p.ivr, active->bundle()); !s) {
        log().warning("the active rule bundle's IVR flow is not used: %s", s.toString());
      }
      followRules(*p.ivr, configured, active, p.clock, rules_options);
    }
  }
  p.hub = std::make_unique<api::WsHub>(
      [&ctx](const std::string& token) { return api::authenticate(ctx, token); },
      [&ctx]() { return api::withReader(ctx, [](storage::Database& rdb) { return storage::loadPresence(rdb); }); },
      p.clock,
      api::WsOptions{static_cast<size_t>(config_.getInt("ws.max_connections")), config_.getDuration("ws.auth_timeout"),
                     config_.getDuration("ws.send_timeout")});
  ctx.on_session_revoked = [hub = p.hub.get()](const std::string& digest) { hub->closeSession(digest); };
  ctx.on_user_sessions_ended = [hub = p.hub.get()](const std::string& username) { hub->closeUser(username); };
  p.engine->addListener([hub = p.hub.get()](const engine::DomainEvent& e) { hub->publish(e); });
  ctx.push = [hub = p.hub.get()](const std::string& agent, const std::string& type, Poco::JSON::Object::Ptr fields) {
    hub->publishTo(agent, type, std::move(fields));
  };
  // History first: a client told by the push can read it from the history already.
  p.stats_history = std::make_unique<api::StatsHistory>(p.clock);
  ctx.stats_history = p.stats_history.get();
  p.engine->addStatsListener([h = p.stats_history.get()](const std::vector<routing::QueueStats>& s) { h->record(s); });
  p.engine->addStatsListener([hub = p.hub.get()](const std::vector<routing::QueueStats>& s) { hub->publishStats(s); });
  if (p.publisher) {
    p.engine->addListener([pub = p.publisher.get()](const engine::DomainEvent&) { pub->wake(); });
    ctx.alarms = [&ctx]() { return syncAlarms(ctx); };
    p.health_interval = config_.getDuration("sync.health_interval");
    auto downlink = startDownlink(config_, *p.writer, *p.reads, p.clock, sync_site, data_dir, *p.publisher, *p.rules,
                                  *p.content, ctx);
    if (!downlink) return downlink.status();
    p.downlink = std::move(*downlink);
    ctx.sync_link = [pub = p.publisher.get(), dl = p.downlink.get()]() { return syncLink(*pub, dl); };
    OUTPOST_RETURN_IF_ERROR(p.publisher->start());
  }
  p.loop->start("outpost-engine");
  p.engine->resume();
  p.schedulePurge();
  p.ivr_metrics_interval = config_.getDuration("ivr.metrics_interval");
  p.ivr_metrics_from = p.clock.wallNow();
  p.scheduleIvrMetrics();
  if (p.publisher) p.scheduleHealth();
  p.hub->start();

  p.router = std::make_unique<api::Router>();
  p.router->setAuthenticator([&ctx](const std::string& token) { return api::authenticate(ctx, token); });
  api::addSystemRoutes(*p.router, ctx);
  api::addAuthRoutes(*p.router, ctx);
  api::addDirectoryRoutes(*p.router, ctx);
  api::addPresenceRoutes(*p.router, ctx);
  api::addContactRoutes(*p.router, ctx);
  api::addDesktopRoutes(*p.router, ctx);
  api::addChatRoutes(*p.router, ctx);
  api::addSyncRoutes(*p.router, ctx);
  {
    learning::MapOptions map_options;
    const std::string threshold = config_.getString("learning.map_threshold");
    char* end = nullptr;
    map_options.threshold = std::strtod(threshold.c_str(), &end);
    if (end == threshold.c_str() || *end != '\0' || map_options.threshold < 1 || map_options.threshold > 5) {
      return Status::invalidArgument("must be a number from 1 to 5", "learning.map_threshold");
    }
    auto tiers = storage::parseTierRequirements(config_.getString("learning.tier_requirements"));
    if (!tiers.isOk()) return Status::invalidArgument(tiers.status().message(), "learning.tier_requirements");
    auto points = learning::parsePointRules(config_.getString("learning.point_rules"));
    if (!points.isOk()) {
      return Status::invalidArgument(points.status().where() + ": " + points.status().message(), "learning.point_rules");
    }
    const std::string on_pass = config_.getString("learning.on_pass");
    if (on_pass != "off" && on_pass != "practice" && on_pass != "level") {
      return Status::invalidArgument("must be off, practice or level", "learning.on_pass");
    }
    p.learning = std::make_unique<api::LearningServices>(
        api::LearningServices{*p.content, learning::defaultFramework(), {}, map_options, std::move(*tiers),
                              on_pass == "off"        ? api::OnPass::kOff
                              : on_pass == "practice" ? api::OnPass::kPractice
                                                      : api::OnPass::kLevel,
                              static_cast<int>(config_.getInt("learning.on_pass_level")), *points});
    api::addLearningRoutes(*p.router, ctx, *p.learning);
    api::addXapiRoutes(*p.router, ctx);
  }
  api::addIvrRoutes(*p.router, ctx);
  api::addRulesRoutes(*p.router, ctx, *p.rules);

  api::ServerOptions server_options;
  server_options.listen = listen;
  server_options.threads = static_cast<int>(config_.getInt("http.threads"));
  server_options.max_queued = static_cast<int>(config_.getInt("http.max_queued"));
  server_options.max_body_bytes = static_cast<size_t>(config_.getInt("http.max_body_bytes"));
  server_options.idle_timeout = config_.getDuration("http.idle_timeout");
  server_options.tls_cert = cert;
  server_options.tls_key = key;
  auto static_dir = agentClientDir(config_);
  if (!static_dir) return static_dir.status();
  server_options.static_dir = *static_dir;
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
  if (p.downlink) p.downlink->stop();    // before the publisher: it publishes through it
  if (p.publisher) p.publisher->stop();  // before the writer: its completions call the publisher
  if (p.writer) p.writer->stop();  // everything submitted is committed
  parts_.reset();                  // closes the database
  if (started_) log().information("stopped cleanly");
  started_ = false;
}

std::string Daemon::baseUrl() const { return parts_ && parts_->server ? parts_->server->baseUrl() : ""; }

}  // namespace outpost::app
