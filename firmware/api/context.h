#pragma once

// What the HTTP handlers work with: the storage writer and readers, the engine, the
// clock, the login limiter and the options that shape the API. Built by the app at
// start-up; outlives the HTTP server.

#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <vector>

#include "api/router.h"
#include "api/stats_history.h"
#include "auth/login_limiter.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "signing/trust_store.h"
#include "storage/read_pool.h"
#include "storage/writer.h"

namespace outpost::plugins {
class RulesHost;
}

namespace outpost::api {

class IvrFrontEnd;  // api/ivr_front_end.h

struct ApiOptions {
  Millis session_ttl = std::chrono::hours(8);
  int pbkdf2_iterations = 600000;
  bool secure_cookies = false;  // set when serving HTTPS
  int max_page = 200;
};

struct ApiContext {
  storage::Writer& writer;
  storage::ReadPool& reads;
  engine::Engine& engine;
  const Clock& clock;
  auth::LoginLimiter& limiter;
  ApiOptions options;
  // OK when the appliance can serve (storage open, migrations applied, writer healthy).
  std::function<Status()> readiness;
  // Called after a session was revoked (logout), so live WebSockets of it close.
  std::function<void(const std::string& token_digest)> on_session_revoked;
  // Called after all of a user's sessions ended (new password, role, disabled, deleted).
  std::function<void(const std::string& username)> on_user_sessions_ended;
  // Alarms the appliance raises without being unready (e.g. "sync outbox quota
  // exceeded for contact records"); listed by /readyz. May be empty.
  std::function<std::vector<std::string>()> alarms;
  // The sync link's state for GET /api/v1/sync (null while sync is off).
  std::function<Poco::JSON::Object::Ptr()> sync_link;
  // The IVR's flow, model and live sessions; null when no flow is configured.
  IvrFrontEnd* ivr = nullptr;
  // The wallboard's last hour of queue statistics (null: none kept).
  StatsHistory* stats_history = nullptr;
  // Pushes a committed message of `type` over the WebSocket to `agent_id` and to
  // supervisors ("" = supervisors only). May be empty.
  std::function<void(const std::string& agent_id, const std::string& type, Poco::JSON::Object::Ptr fields)> push;
};

// Route groups, each in its own file.
void addSystemRoutes(Router& router, ApiContext& ctx);     // healthz, readyz, audit
void addAuthRoutes(Router& router, ApiContext& ctx);       // login, logout, me
void addDirectoryRoutes(Router& router, ApiContext& ctx);  // site, agents, skills, queues, …
// Installs a site configuration package (storage/site_config.h) from `dir`: verified
// against `trust` and `site_id`, applied in one writer job with audit rows as `actor`
// from `address`, then the engine told exactly as after PATCH /api/v1/queues/{id}.
// Returns the summary, or why it was refused (nothing applied).
Result<std::string> installSiteConfig(ApiContext& ctx, const std::string& dir, const signing::TrustStore& trust,
                                      const std::string& site_id, const std::string& actor,
                                      const std::string& address);
void addPresenceRoutes(Router& router, ApiContext& ctx);   // presence
void addContactRoutes(Router& router, ApiContext& ctx);    // contacts, offers, wrap-up, queue statistics
void addDesktopRoutes(Router& router, ApiContext& ctx);    // what the agent desktop adds: my day
void addSyncRoutes(Router& router, ApiContext& ctx);       // sync outbox counters and link (docs/sync.md)
void addIvrRoutes(Router& router, ApiContext& ctx);        // IVR sessions (channel API)
void addChatRoutes(Router& router, ApiContext& ctx);       // chat transcripts (contacts/{id}/messages)
// The IVR figures of [from, to) as one ivr.metrics outbox record (telemetry; none for a
// quiet window), in the caller's transaction (docs/ivr.md "Metrics").
Status appendIvrMetrics(storage::Database& db, WallTime from, WallTime to);

// Creates a contact as POST /api/v1/contacts does: validates the spec, checks its
// queue and skills against the directory, hands it to the router and returns once
// it is committed.
Result<routing::ContactQueued> submitContact(ApiContext& ctx, routing::ContactSpec spec);
void addRulesRoutes(Router& router, ApiContext& ctx, plugins::RulesHost& rules);  // Lua rule bundles

// Resolves a session token to its principal (valid, not expired, not revoked, user
// enabled); kUnauthenticated with a reason otherwise.
Result<Principal> authenticate(ApiContext& ctx, const std::string& token);

// Shared helpers for handlers.
// Rejects query parameters other than `allowed`.
Status checkQuery(const Request& req, std::initializer_list<std::string_view> allowed);
struct PageQuery {
  std::string after;
  int limit = 50;
};
Result<PageQuery> pageQuery(const Request& req, int max_page);
// Runs `fn(db)` on a leased read connection.
template <typename F>
auto withReader(ApiContext& ctx, F&& fn) -> decltype(fn(std::declval<storage::Database&>())) {
  auto lease = ctx.reads.acquire();
  if (!lease) return lease.status();
  return fn(lease->db());
}
// True when the caller is a supervisor/admin or works as `agent_id`.
bool mayActFor(const Request& req, const std::string& agent_id);

}  // namespace outpost::api
