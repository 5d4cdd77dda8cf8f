// Site directory routes: one CRUD mechanism for every entity (list with keyset
// pagination, get, create, patch, delete), each write audited with before/after in
// the same transaction, plus the site settings, users' passwords and an agent's
// skills as a sub-resource.

#include <Poco/JSON/Array.h>

#include "codec/site_codec.h"
#include "api/context.h"
#include "auth/password.h"
#include "engine/directory_mapping.h"
#include "storage/contact_store.h"
#include "storage/directory_store.h"
#include "storage/site_config.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

// What differs between entities: where they live, who reads them, and what
// happens around a write.
template <typename T>
struct Resource;

template <>
struct Resource<site::Skill> {
  static constexpr const char* kPath = "/api/v1/skills";
  static constexpr const char* kEntity = "skill";
  static constexpr Access kRead = Access::kAgent;
};
template <>
struct Resource<site::Agent> {
  static constexpr const char* kPath = "/api/v1/agents";
  static constexpr const char* kEntity = "agent";
  static constexpr Access kRead = Access::kSupervisor;  // an agent may read their own (see get)
};
template <>
struct Resource<site::Queue> {
  static constexpr const char* kPath = "/api/v1/queues";
  static constexpr const char* kEntity = "queue";
  static constexpr Access kRead = Access::kAgent;
};
template <>
struct Resource<site::WrapUpCode> {
  static constexpr const char* kPath = "/api/v1/wrapup-codes";
  static constexpr const char* kEntity = "wrapup_code";
  static constexpr Access kRead = Access::kAgent;
};
template <>
struct Resource<site::NotReadyReason> {
  static constexpr const char* kPath = "/api/v1/not-ready-reasons";
  static constexpr const char* kEntity = "not_ready_reason";
  static constexpr Access kRead = Access::kAgent;
};
template <>
struct Resource<site::User> {
  static constexpr const char* kPath = "/api/v1/users";
  static constexpr const char* kEntity = "user";
  static constexpr Access kRead = Access::kAdmin;
};

const std::string& keyOf(const site::Skill& v) { return v.code; }
const std::string& keyOf(const site::Agent& v) { return v.id; }
const std::string& keyOf(const site::Queue& v) { return v.code; }
const std::string& keyOf(const site::WrapUpCode& v) { return v.code; }
const std::string& keyOf(const site::NotReadyReason& v) { return v.code; }
const std::string& keyOf(const site::User& v) { return v.username; }

std::string auditJson(const Object::Ptr& o) { return codec::toJson(o); }

storage::AuditEntry auditEntry(ApiContext& ctx, const Request& req, std::string action, const char* entity,
                               std::string id, std::optional<std::string> before, std::optional<std::string> after) {
  return storage::AuditEntry{0,           ctx.clock.wallNow(), req.principal->username, std::move(action), entity,
                             std::move(id), std::move(before),  std::move(after),       req.address};
}

// A password in a user body is hashed on the HTTP thread, before the writer job:
// hashing takes hundreds of milliseconds and must not hold up the group commit.
struct PasswordField {
  std::optional<std::string> hash;
};

Result<PasswordField> takePassword(ApiContext& ctx, const Object::Ptr& body, bool required) {
  PasswordField out;
  if (!body->has("password")) {
    if (required) return Status::invalidArgument("is required", "/password");
    return out;
  }
  const auto& v = body->get("password");
  if (!v.isString()) return Status::invalidArgument("must be a string", "/password");
  const std::string pw = v.extract<std::string>();
  OUTPOST_RETURN_IF_ERROR(auth::checkPasswordPolicy(pw).under("/password"));
  out.hash = auth::hashPassword(pw, ctx.options.pbkdf2_iterations);
  return out;
}

// Reads a create/patch body into `value`, with the entity's extra write-only fields.
template <typename T>
Status decodeBody(const Object::Ptr& body, T& value, bool creating) {
  codec::JsonReader r(body);
  codec::decode(r, value, creating);
  if constexpr (std::is_same_v<T, site::User>) {
    std::string ignored;
    r.string("password", ignored, false);  // taken apart by takePassword()
  }
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return site::validate(value);
}

// References that the database would only report as a bare constraint failure,
// checked first so the answer names the field.
template <typename T>
Status checkReferences(Database& db, const T& value) {
  if constexpr (std::is_same_v<T, site::User>) {
    if (!value.agent_id) return Status::ok();
    auto agent = storage::find<site::Agent>(db, *value.agent_id);
    if (!agent) return agent.status();
    if (!agent->has_value()) {
      return Status::failedPrecondition("no agent \"" + *value.agent_id + "\" at this site", "/agent_id");
    }
    auto login = storage::userForAgent(db, *value.agent_id);
    if (!login) return login.status();
    if (login->has_value() && (*login)->username != value.username) {
      return Status::conflict("agent \"" + *value.agent_id + "\" already works under the login \"" +
                                  (*login)->username + "\"",
                              "/agent_id");
    }
  }
  (void)db, (void)value;
  return Status::ok();
}

// What must not be deleted while something else still needs it.
template <typename T>
Status checkDelete(Database& db, const Request& req, const std::string& key) {
  if constexpr (std::is_same_v<T, site::Agent> || std::is_same_v<T, site::Queue>) {
    constexpr bool kAgent = std::is_same_v<T, site::Agent>;
    auto live = storage::countLiveContacts(db, kAgent ? "agent_id" : "queue", key);
    if (!live) return live.status();
    if (*live > 0) {
      return Status::conflict(std::string(kAgent ? "agent" : "queue") + " \"" + key + "\" has " +
                              std::to_string(*live) + " live contact(s); wait until they are finished");
    }
  }
  if constexpr (std::is_same_v<T, site::Agent>) {
    auto login = storage::userForAgent(db, key);
    if (!login) return login.status();
    if (login->has_value()) {
      return Status::conflict("agent \"" + key + "\" works under the login \"" + (*login)->username +
                              "\"; delete that login or give it another agent first");
    }
  }
  if constexpr (std::is_same_v<T, site::User>) {
    if (key == req.principal->username) return Status::conflict("you cannot delete your own login");
  }
  if constexpr (std::is_same_v<T, site::NotReadyReason>) {
    if (key == "missed-offers") {
      return Status::conflict("\"missed-offers\" is built in: the router uses it for agents who miss offers");
    }
  }
  (void)db, (void)req, (void)key;
  return Status::ok();
}

// Password and session consequences of a user write. Returns whether the user's
// sessions were ended (so their WebSockets close too).
template <typename T>
Result<bool> afterWrite(Database& db, ApiContext& ctx, const Request& req, const T* before, const T* after,
                        const PasswordField& pw) {
  if constexpr (std::is_same_v<T, site::User>) {
    const std::string& name = after ? after->username : before->username;
    const WallTime now = ctx.clock.wallNow();
    if (pw.hash) OUTPOST_RETURN_IF_ERROR(storage::setPasswordHash(db, name, *pw.hash, now));
    if (before && after && name == req.principal->username && (after->disabled || after->role != before->role)) {
      return Status::conflict("you cannot disable your own login or change your own role");
    }
    // A new password, a new role or a disabled login ends the user's sessions.
    const bool end_sessions = before && after &&
                              (pw.hash || before->role != after->role || (!before->disabled && after->disabled));
    if (end_sessions) OUTPOST_RETURN_IF_ERROR(storage::revokeUserSessions(db, name, now));
    return end_sessions || (before && !after);
  }
  (void)db, (void)ctx, (void)req, (void)before, (void)after, (void)pw;
  return false;
}

template <typename T>
void afterCommit(ApiContext& ctx, const T* before, const T* after, bool sessions_ended) {
  if constexpr (std::is_same_v<T, site::Agent>) {
    if (after) ctx.engine.agentUpserted(engine::agentProfile(*after));
    else ctx.engine.agentRemoved(before->id);
  }
  if constexpr (std::is_same_v<T, site::Queue>) {
    if (after) ctx.engine.queueUpserted(engine::queuePolicy(*after));
  }
  if constexpr (std::is_same_v<T, site::User>) {
    if (sessions_ended && ctx.on_user_sessions_ended) ctx.on_user_sessions_ended(before ? before->username : "");
  }
  (void)ctx, (void)before, (void)after, (void)sessions_ended;
}

template <typename T>
Result<Reply> listHandler(ApiContext& ctx, Request& req) {
  auto page = pageQuery(req, ctx.options.max_page);
  if (!page) return page.status();
  auto rows = withReader(ctx, [&](Database& db) {
    return storage::list<T>(db, storage::Page{page->after, page->limit + 1});
  });
  if (!rows) return rows.status();
  Object::Ptr out = new Object;
  Array::Ptr items = new Array;
  const bool more = static_cast<int>(rows->size()) > page->limit;
  if (more) rows->pop_back();
  for (const auto& v : *rows) items->add(codec::encode(v));
  out->set("items", items);
  if (more) out->set("next_after", keyOf(rows->back()));
  else out->set("next_after", Poco::Dynamic::Var());
  return Reply::json(200, out);
}

template <typename T>
Result<Reply> getHandler(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  if constexpr (std::is_same_v<T, site::Agent>) {
    if (!mayActFor(req, id)) return Status::permissionDenied("agents may only read their own agent record");
  }
  auto v = withReader(ctx, [&](Database& db) { return storage::find<T>(db, id); });
  if (!v) return v.status();
  if (!v->has_value()) return Status::notFound("no " + std::string(Resource<T>::kEntity) + " \"" + id + "\"");
  return Reply::json(200, codec::encode(**v));
}

template <typename T>
Result<Reply> createHandler(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  T value{};
  OUTPOST_RETURN_IF_ERROR(decodeBody(*body, value, /*creating=*/true));
  PasswordField pw;
  if constexpr (std::is_same_v<T, site::User>) {
    auto taken = takePassword(ctx, *body, /*required=*/true);
    if (!taken) return taken.status();
    pw = std::move(*taken);
  }
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) {
    OUTPOST_RETURN_IF_ERROR(checkReferences(db, value));
    OUTPOST_RETURN_IF_ERROR(storage::insert<T>(db, value, ctx.clock.wallNow()));
    OUTPOST_RETURN_IF_ERROR(afterWrite<T>(db, ctx, req, nullptr, &value, pw).status());
    return storage::appendAudit(db, auditEntry(ctx, req, "create", Resource<T>::kEntity, keyOf(value), std::nullopt,
                                               auditJson(codec::encode(value))));
  }));
  afterCommit<T>(ctx, nullptr, &value, false);
  Reply reply = Reply::json(201, codec::encode(value));
  reply.headers.emplace_back("Location", std::string(Resource<T>::kPath) + "/" + keyOf(value));
  return reply;
}

template <typename T>
Result<Reply> patchHandler(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  PasswordField pw;
  if constexpr (std::is_same_v<T, site::User>) {
    auto taken = takePassword(ctx, *body, /*required=*/false);
    if (!taken) return taken.status();
    pw = std::move(*taken);
  }
  const std::string& id = req.params.at("id");
  T before{};
  T after{};
  bool sessions_ended = false;
  // Read, merge and write in one writer job, so concurrent patches cannot interleave.
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    auto current = storage::find<T>(db, id);
    if (!current) return current.status();
    if (!current->has_value()) return Status::notFound("no " + std::string(Resource<T>::kEntity) + " \"" + id + "\"");
    before = **current;
    after = before;
    OUTPOST_RETURN_IF_ERROR(decodeBody(*body, after, /*creating=*/false));
    OUTPOST_RETURN_IF_ERROR(checkReferences(db, after));
    OUTPOST_RETURN_IF_ERROR(storage::update<T>(db, after, ctx.clock.wallNow()));
    auto ended = afterWrite<T>(db, ctx, req, &before, &after, pw);
    if (!ended) return ended.status();
    sessions_ended = *ended;
    return storage::appendAudit(db, auditEntry(ctx, req, "update", Resource<T>::kEntity, id, auditJson(codec::encode(before)),
                                               auditJson(codec::encode(after))));
  }));
  afterCommit<T>(ctx, &before, &after, sessions_ended);
  return Reply::json(200, codec::encode(after));
}

template <typename T>
Result<Reply> deleteHandler(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  T before{};
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    auto current = storage::find<T>(db, id);
    if (!current) return current.status();
    if (!current->has_value()) return Status::notFound("no " + std::string(Resource<T>::kEntity) + " \"" + id + "\"");
    before = **current;
    OUTPOST_RETURN_IF_ERROR(checkDelete<T>(db, req, id));
    OUTPOST_RETURN_IF_ERROR(storage::remove<T>(db, id));
    return storage::appendAudit(
        db, auditEntry(ctx, req, "delete", Resource<T>::kEntity, id, auditJson(codec::encode(before)), std::nullopt));
  }));
  afterCommit<T>(ctx, &before, nullptr, true);
  return Reply::noContent();
}

template <typename T>
void addCrud(Router& router, ApiContext& ctx) {
  const std::string base = Resource<T>::kPath;
  const Access get_access = std::is_same_v<T, site::Agent> ? Access::kAgent : Resource<T>::kRead;
  router.add("GET", base, Resource<T>::kRead, [&ctx](Request& r) { return listHandler<T>(ctx, r); });
  router.add("POST", base, Access::kAdmin, [&ctx](Request& r) { return createHandler<T>(ctx, r); });
  router.add("GET", base + "/{id}", get_access, [&ctx](Request& r) { return getHandler<T>(ctx, r); });
  router.add("PATCH", base + "/{id}", Access::kAdmin, [&ctx](Request& r) { return patchHandler<T>(ctx, r); });
  router.add("DELETE", base + "/{id}", Access::kAdmin, [&ctx](Request& r) { return deleteHandler<T>(ctx, r); });
}

// --- an agent's skills as a sub-resource -------------------------------------------

// Changes one agent's skill list inside a writer job, audited as an agent update.
Result<site::Agent> editAgentSkills(ApiContext& ctx, const Request& req,
                                    const std::function<Status(std::vector<site::SkillLevel>&)>& edit) {
  const std::string& id = req.params.at("id");
  site::Agent after;
  Status s = ctx.writer.run([&](Database& db) -> Status {
    auto current = storage::find<site::Agent>(db, id);
    if (!current) return current.status();
    if (!current->has_value()) return Status::notFound("no agent \"" + id + "\"");
    const site::Agent before = **current;
    after = before;
    OUTPOST_RETURN_IF_ERROR(edit(after.skills));
    OUTPOST_RETURN_IF_ERROR(site::validate(after));
    OUTPOST_RETURN_IF_ERROR(storage::update<site::Agent>(db, after, ctx.clock.wallNow()));
    return storage::appendAudit(
        db, auditEntry(ctx, req, "update", "agent", id, auditJson(codec::encode(before)), auditJson(codec::encode(after))));
  });
  if (!s.isOk()) return s;
  ctx.engine.agentUpserted(engine::agentProfile(after));
  return after;
}

Result<Reply> agentSkillsReply(const site::Agent& agent) {
  Object::Ptr out = new Object;
  out->set("agent_id", agent.id);
  out->set("skills", codec::encode(agent)->getArray("skills"));
  return Reply::json(200, out);
}

void addAgentSkillRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/agents/{id}/skills", Access::kAgent, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    const std::string& id = req.params.at("id");
    if (!mayActFor(req, id)) return Status::permissionDenied("agents may only read their own skills");
    auto v = withReader(ctx, [&](Database& db) { return storage::find<site::Agent>(db, id); });
    if (!v) return v.status();
    if (!v->has_value()) return Status::notFound("no agent \"" + id + "\"");
    return agentSkillsReply(**v);
  });
  router.add("PUT", "/api/v1/agents/{id}/skills/{skill}", Access::kAdmin, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    int level = 0;
    codec::JsonReader r(*body);
    r.integer("level", level, true, site::kMinSkillLevel, site::kMaxSkillLevel);
    OUTPOST_RETURN_IF_ERROR(r.finish());
    const std::string& skill = req.params.at("skill");
    OUTPOST_RETURN_IF_ERROR(site::validateId(skill, "skill"));
    auto agent = editAgentSkills(ctx, req, [&](std::vector<site::SkillLevel>& skills) {
      for (auto& s : skills) {
        if (s.skill_code == skill) {
          s.level = level;
          return Status::ok();
        }
      }
      skills.push_back(site::SkillLevel{skill, level});
      return Status::ok();
    });
    if (!agent) {
      if (agent.status().code() == StatusCode::kFailedPrecondition) {
        return Status::failedPrecondition("no skill \"" + skill + "\" in the skill catalogue");
      }
      return agent.status();
    }
    return agentSkillsReply(*agent);
  });
  router.add("DELETE", "/api/v1/agents/{id}/skills/{skill}", Access::kAdmin, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    const std::string& skill = req.params.at("skill");
    auto agent = editAgentSkills(ctx, req, [&](std::vector<site::SkillLevel>& skills) {
      const auto n = std::erase_if(skills, [&](const site::SkillLevel& s) { return s.skill_code == skill; });
      return n == 0 ? Status::notFound("agent \"" + req.params.at("id") + "\" has no skill \"" + skill + "\"")
                    : Status::ok();
    });
    if (!agent) return agent.status();
    return Reply::noContent();
  });
}

// --- the site settings ----------------------------------------------------------------

void addSiteRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/site", Access::kAgent, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto v = withReader(ctx, [&](Database& db) { return storage::loadSite(db); });
    if (!v) return v.status();
    if (!v->has_value()) return Status::notFound("the site is not set up yet");
    return Reply::json(200, codec::encode(**v));
  });
  router.add("PATCH", "/api/v1/site", Access::kAdmin, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    site::Site after;
    OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
      auto current = storage::loadSite(db);
      if (!current) return current.status();
      const bool creating = !current->has_value();
      const site::Site before = creating ? site::Site{} : **current;
      after = before;
      codec::JsonReader r(*body);
      codec::decode(r, after, creating);
      OUTPOST_RETURN_IF_ERROR(r.finish());
      OUTPOST_RETURN_IF_ERROR(site::validate(after));
      OUTPOST_RETURN_IF_ERROR(storage::saveSite(db, after, ctx.clock.wallNow()));
      return storage::appendAudit(
          db, auditEntry(ctx, req, "update", "site", "site",
                         creating ? std::nullopt : std::optional<std::string>(auditJson(codec::encode(before))),
                         auditJson(codec::encode(after))));
    }));
    return Reply::json(200, codec::encode(after));
  });
}

}  // namespace

Result<std::string> installSiteConfig(ApiContext& ctx, const std::string& dir, const signing::TrustStore& trust,
                                      const std::string& site_id, const std::string& actor,
                                      const std::string& address) {
  auto pkg = storage::readSiteConfigDir(dir, trust, site_id);
  if (!pkg) return pkg.status();
  storage::AppliedSiteConfig applied;
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    auto a = storage::applySiteConfig(db, *pkg, ctx.clock.wallNow(), actor, address);
    if (!a) return a.status();
    applied = std::move(*a);
    return Status::ok();
  }));
  // The same step as after a committed create/patch of a queue.
  for (const auto& q : applied.queues) afterCommit<site::Queue>(ctx, nullptr, &q, false);
  return applied.summary();
}

void addDirectoryRoutes(Router& router, ApiContext& ctx) {
  addSiteRoutes(router, ctx);
  addCrud<site::Agent>(router, ctx);
  addAgentSkillRoutes(router, ctx);
  addCrud<site::Skill>(router, ctx);
  addCrud<site::Queue>(router, ctx);
  addCrud<site::WrapUpCode>(router, ctx);
  addCrud<site::NotReadyReason>(router, ctx);
  addCrud<site::User>(router, ctx);
}

}  // namespace outpost::api
