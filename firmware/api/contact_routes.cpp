// Contacts: a channel adapter or the IVR creates them; agents answer, reject,
// complete and wrap them up; supervisors watch, withdraw and ask why a contact went
// where it went. Every change goes through the engine's router and is answered after
// its commit.

#include <Poco/JSON/Array.h>

#include "api/context.h"
#include "auth/token.h"
#include "codec/routing_codec.h"
#include "storage/contact_store.h"
#include "storage/directory_store.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

// The agent the caller works as; supervisors without an agent record cannot answer.
Result<std::string> callerAgent(const Request& req) {
  if (!req.principal->agent_id) {
    return Status::permissionDenied("only a login that works as an agent can answer contacts");
  }
  return *req.principal->agent_id;
}

// A contact as stored; visible to supervisors and to the agent it was offered to.
Result<storage::ContactRecord> readVisibleContact(ApiContext& ctx, const Request& req) {
  const std::string& id = req.params.at("id");
  auto rec = withReader(ctx, [&](Database& db) { return storage::findContact(db, id); });
  if (!rec) return rec.status();
  const bool supervisor = site::atLeast(req.principal->role, site::Role::kSupervisor);
  const bool own = rec->has_value() && (*rec)->contact.agent_id && req.principal->agent_id &&
                   *(*rec)->contact.agent_id == *req.principal->agent_id;
  if (!rec->has_value() || (!supervisor && !own)) return Status::notFound("no contact \"" + id + "\"");
  return std::move(**rec);
}

Status checkSpec(Database& db, routing::ContactSpec& spec) {
  // The router only knows live contacts; an ended one with the same id is on disk.
  auto existing = storage::findContact(db, spec.id);
  if (!existing) return existing.status();
  if (existing->has_value()) return Status::alreadyExists("contact \"" + spec.id + "\" already exists", "/id");
  auto queue = storage::find<site::Queue>(db, spec.queue);
  if (!queue) return queue.status();
  if (!queue->has_value()) return Status::failedPrecondition("no queue \"" + spec.queue + "\" at this site", "/queue");
  if (spec.channel != (*queue)->channel) {
    return Status::invalidArgument("queue \"" + spec.queue + "\" takes " +
                                       std::string(site::channelName((*queue)->channel)) + " contacts",
                                   "/channel");
  }
  if (spec.skills.empty()) spec.skills = (*queue)->skills;  // what the queue serves
  for (size_t i = 0; i < spec.skills.size(); ++i) {
    const std::string at = "/skills/" + std::to_string(i) + "/skill";
    auto skill = storage::find<site::Skill>(db, spec.skills[i].skill_code);
    if (!skill) return skill.status();
    if (!skill->has_value()) {
      return Status::failedPrecondition("no skill \"" + spec.skills[i].skill_code + "\" in the skill catalogue", at);
    }
  }
  return Status::ok();
}

Status validateSpec(const routing::ContactSpec& spec) {
  if (!site::isLanguage(spec.language)) return Status::invalidArgument("must be one of zh-CN, en", "/language");
  OUTPOST_RETURN_IF_ERROR(site::validateId(spec.segment, "segment"));
  OUTPOST_RETURN_IF_ERROR(site::validateText(spec.intent, "intent/code", /*allow_empty=*/true));
  for (size_t i = 0; i < spec.ivr_path.size(); ++i) {
    OUTPOST_RETURN_IF_ERROR(site::validateText(spec.ivr_path[i], "ivr_path/" + std::to_string(i)));
  }
  return Status::ok();
}

Result<Reply> createContact(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  routing::ContactSpec spec;
  codec::JsonReader r(*body);
  std::optional<std::string> id;
  r.optionalString("id", id, false);
  codec::decode(r, spec);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (id) {
    OUTPOST_RETURN_IF_ERROR(site::validateId(*id, "id"));
    spec.id = *id;  // the channel's own id makes a retried POST detectable (409)
  } else {
    spec.id = "c-" + auth::newToken().substr(0, 22);
  }
  auto queued = submitContact(ctx, spec);
  if (!queued) return queued.status();
  Object::Ptr out = codec::encode(queued->contact);
  out->set("position", queued->position);
  out->set("estimated_wait_s", static_cast<int64_t>(queued->estimated_wait.count() / 1000));
  Reply reply = Reply::json(201, out);
  reply.headers.emplace_back("Location", "/api/v1/contacts/" + spec.id);
  return reply;
}

Result<Reply> getContact(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto rec = readVisibleContact(ctx, req);
  if (!rec) return rec.status();
  return Reply::json(200, codec::encode(rec->contact));
}

Result<Reply> getDecision(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto rec = readVisibleContact(ctx, req);
  if (!rec) return rec.status();
  if (!rec->decision_json) {
    return Status::notFound("contact \"" + rec->contact.spec->id + "\" has not been offered to anyone yet");
  }
  auto history = withReader(ctx, [&](Database& db) { return storage::contactHistory(db, rec->contact.spec->id); });
  if (!history) return history.status();
  Object::Ptr out = new Object;
  out->set("contact_id", rec->contact.spec->id);
  out->set("decision", *codec::JsonReader::parseObject(*rec->decision_json));
  Array::Ptr events = new Array;
  for (const auto& e : *history) {
    Object::Ptr o = new Object;
    o->set("at", formatRfc3339(e.at));
    o->set("kind", e.kind);
    o->set("agent_id", e.agent_id ? Poco::Dynamic::Var(*e.agent_id) : Poco::Dynamic::Var());
    if (e.detail_json) {
      auto detail = codec::JsonReader::parseObject(*e.detail_json);
      if (detail) o->set("decision", *detail);
    }
    events->add(o);
  }
  out->set("history", events);
  return Reply::json(200, out);
}

Result<Reply> abandonContact(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  bool cancelled = false;
  if (!req.body.empty()) {
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    codec::JsonReader r(*body);
    r.boolean("cancelled", cancelled, false);
    OUTPOST_RETURN_IF_ERROR(r.finish());
  }
  OUTPOST_RETURN_IF_ERROR(ctx.engine.abandonContact(req.params.at("id"), cancelled).get());
  return Reply::noContent();
}

// accept / reject / end-wrap-up: the agent's answer, no body.
template <typename F>
Result<Reply> agentAction(Request& req, F action) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  if (!req.body.empty()) {
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    OUTPOST_RETURN_IF_ERROR(codec::JsonReader(*body).finish());
  }
  auto agent = callerAgent(req);
  if (!agent) return agent.status();
  OUTPOST_RETURN_IF_ERROR(action(req.params.at("id"), *agent).get());
  return Reply::noContent();
}

Result<Reply> completeContact(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto agent = callerAgent(req);
  if (!agent) return agent.status();
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  routing::WrapUp wrap_up;
  codec::JsonReader r(*body);
  codec::decode(r, wrap_up);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  OUTPOST_RETURN_IF_ERROR(site::validateText(wrap_up.notes, "notes", /*allow_empty=*/true));
  auto code = withReader(ctx, [&](Database& db) { return storage::find<site::WrapUpCode>(db, wrap_up.code); });
  if (!code) return code.status();
  if (!code->has_value() || !(*code)->active) {
    return Status::failedPrecondition("no active wrap-up code \"" + wrap_up.code + "\" at this site", "/code");
  }
  OUTPOST_RETURN_IF_ERROR(ctx.engine.complete(req.params.at("id"), *agent, wrap_up).get());
  return Reply::noContent();
}

Result<Reply> queueStats(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  Array::Ptr items = new Array;
  for (const auto& s : ctx.engine.queueStats().get()) items->add(codec::encode(s));
  Object::Ptr out = new Object;
  out->set("items", items);
  return Reply::json(200, out);
}

}  // namespace

Result<routing::ContactQueued> submitContact(ApiContext& ctx, routing::ContactSpec spec) {
  OUTPOST_RETURN_IF_ERROR(validateSpec(spec));
  OUTPOST_RETURN_IF_ERROR(withReader(ctx, [&](Database& db) { return checkSpec(db, spec); }));
  spec.arrived_at = ctx.clock.wallNow();
  return ctx.engine.addContact(spec).get();
}

void addContactRoutes(Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/contacts", Access::kSupervisor, [&ctx](Request& r) { return createContact(ctx, r); });
  router.add("GET", "/api/v1/contacts/{id}", Access::kAgent, [&ctx](Request& r) { return getContact(ctx, r); });
  router.add("GET", "/api/v1/contacts/{id}/decision", Access::kAgent,
             [&ctx](Request& r) { return getDecision(ctx, r); });
  router.add("POST", "/api/v1/contacts/{id}/abandon", Access::kSupervisor,
             [&ctx](Request& r) { return abandonContact(ctx, r); });
  router.add("POST", "/api/v1/contacts/{id}/accept", Access::kAgent, [&ctx](Request& r) {
    return agentAction(r, [&ctx](std::string c, std::string a) { return ctx.engine.accept(c, a); });
  });
  router.add("POST", "/api/v1/contacts/{id}/reject", Access::kAgent, [&ctx](Request& r) {
    return agentAction(r, [&ctx](std::string c, std::string a) { return ctx.engine.reject(c, a); });
  });
  router.add("POST", "/api/v1/contacts/{id}/complete", Access::kAgent,
             [&ctx](Request& r) { return completeContact(ctx, r); });
  router.add("POST", "/api/v1/contacts/{id}/end-wrap-up", Access::kAgent, [&ctx](Request& r) {
    return agentAction(r, [&ctx](std::string c, std::string a) { return ctx.engine.endWrapUp(c, a); });
  });
  router.add("GET", "/api/v1/queue-stats", Access::kAgent, [&ctx](Request& r) { return queueStats(ctx, r); });
}

}  // namespace outpost::api
