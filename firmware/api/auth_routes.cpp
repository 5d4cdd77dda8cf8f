// Login, logout and "who am I", plus the session check every other route uses.

#include <Poco/JSON/Object.h>

#include "codec/site_codec.h"
#include "api/context.h"
#include "auth/password.h"
#include "auth/token.h"
#include "storage/directory_store.h"

namespace outpost::api {
namespace {

using Poco::JSON::Object;
using storage::Database;

constexpr const char* kCookie = "outpost_session";

Object::Ptr encodeMe(const site::User& user) {
  Object::Ptr o = codec::encode(user);
  o->remove("disabled");
  return o;
}

Result<Reply> login(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  std::string username, password;
  codec::JsonReader r(*body);
  r.string("username", username, true).string("password", password, true);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (username.size() > 64 || password.size() > 256) {
    return Status::invalidArgument("username or password is too long");
  }
  if (Status limited = ctx.limiter.check(username, req.address); !limited.isOk()) {
    Reply reply = problem(limited, req.path);
    const auto wait = std::chrono::ceil<std::chrono::seconds>(ctx.limiter.retryAfter(username, req.address));
    reply.headers.emplace_back("Retry-After", std::to_string(std::max<int64_t>(1, wait.count())));
    return reply;
  }

  struct Found {
    std::optional<site::User> user;
    std::optional<std::string> hash;
  };
  auto found = withReader(ctx, [&](Database& db) -> Result<Found> {
    auto user = storage::find<site::User>(db, username);
    if (!user) return user.status();
    auto hash = storage::passwordHash(db, username);
    if (!hash) return hash.status();
    return Found{std::move(*user), std::move(*hash)};
  });
  if (!found) return found.status();
  // Verify even for unknown users, so timing does not tell which usernames exist.
  static const std::string kDummy = auth::hashPassword("outpost-timing-equaliser", ctx.options.pbkdf2_iterations);
  auto verified = auth::verifyPassword(password, found->hash ? *found->hash : kDummy);
  const bool ok = verified.isOk() && *verified && found->user && !found->user->disabled;
  if (!ok) {
    ctx.limiter.recordFailure(username, req.address);
    return Status::unauthenticated("wrong username or password, or the login is disabled");
  }
  ctx.limiter.recordSuccess(username);

  const std::string token = auth::newToken();
  const WallTime now = ctx.clock.wallNow();
  const WallTime expires = now + ctx.options.session_ttl;
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) {
    OUTPOST_RETURN_IF_ERROR(storage::insertSession(db, auth::tokenDigest(token), username, now, expires, req.address));
    return storage::appendAudit(db, storage::AuditEntry{0, now, username, "login", "session", username, std::nullopt,
                                                        std::nullopt, req.address});
  }));
  Object::Ptr out = new Object;
  out->set("token", token);
  out->set("expires_at", formatRfc3339(expires));
  out->set("user", encodeMe(*found->user));
  Reply reply = Reply::json(200, out);
  std::string cookie = std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ctx.options.session_ttl).count());
  if (ctx.options.secure_cookies) cookie += "; Secure";
  reply.headers.emplace_back("Set-Cookie", cookie);
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Result<Reply> logout(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string digest = req.principal->token_digest;
  const WallTime now = ctx.clock.wallNow();
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) {
    OUTPOST_RETURN_IF_ERROR(storage::revokeSession(db, digest, now));
    return storage::appendAudit(db, storage::AuditEntry{0, now, req.principal->username, "logout", "session",
                                                        req.principal->username, std::nullopt, std::nullopt,
                                                        req.address});
  }));
  if (ctx.on_session_revoked) ctx.on_session_revoked(digest);
  Reply reply = Reply::noContent();
  reply.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  return reply;
}

Result<Reply> me(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const Principal& p = *req.principal;
  Object::Ptr out = new Object;
  out->set("username", p.username);
  out->set("role", std::string(site::roleName(p.role)));
  out->set("display_name", p.display_name);
  if (p.agent_id) {
    out->set("agent_id", *p.agent_id);
    auto details = withReader(ctx, [&](Database& db) -> Result<std::pair<site::Agent, site::Presence>> {
      auto agent = storage::find<site::Agent>(db, *p.agent_id);
      if (!agent) return agent.status();
      if (!agent->has_value()) return Status::notFound("your agent record \"" + *p.agent_id + "\" is gone");
      auto presence = storage::findPresence(db, *p.agent_id);
      if (!presence) return presence.status();
      return std::make_pair(**agent, presence->value_or(site::Presence{}));
    });
    if (!details) return details.status();
    out->set("agent", codec::encode(details->first));
    out->set("presence", codec::encodePresence(*p.agent_id, details->second));
  } else {
    out->set("agent_id", Poco::Dynamic::Var());
  }
  return Reply::json(200, out);
}

}  // namespace

Result<Principal> authenticate(ApiContext& ctx, const std::string& token) {
  if (!auth::looksLikeToken(token)) return Status::unauthenticated("the session token is malformed; log in again");
  const std::string digest = auth::tokenDigest(token);
  return withReader(ctx, [&](Database& db) -> Result<Principal> {
    auto session = storage::findSession(db, digest);
    if (!session) return session.status();
    if (!session->has_value()) return Status::unauthenticated("unknown session; log in again");
    const auto& s = **session;
    if (s.revoked_at) return Status::unauthenticated("the session was logged out; log in again");
    if (ctx.clock.wallNow() >= s.expires_at) return Status::unauthenticated("the session has expired; log in again");
    auto user = storage::find<site::User>(db, s.username);
    if (!user) return user.status();
    if (!user->has_value() || (*user)->disabled) {
      return Status::unauthenticated("the login was removed or disabled");
    }
    const site::User& u = **user;
    return Principal{u.username, u.role, u.agent_id, u.display_name, digest};
  });
}

void addAuthRoutes(Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/auth/login", Access::kPublic, [&ctx](Request& r) { return login(ctx, r); });
  router.add("POST", "/api/v1/auth/logout", Access::kAgent, [&ctx](Request& r) { return logout(ctx, r); });
  router.add("GET", "/api/v1/auth/me", Access::kAgent, [&ctx](Request& r) { return me(ctx, r); });
}

}  // namespace outpost::api
