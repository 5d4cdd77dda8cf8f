// Presence: read it, and change it — the agent themself, or a supervisor forcing it
// (audited). Changes go through the engine, which owns the live state.

#include <Poco/JSON/Array.h>

#include "codec/site_codec.h"
#include "api/context.h"
#include "storage/directory_store.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

// Every agent the caller may see, in agent id order, paginated like the other lists.
Result<Reply> listPresence(ApiContext& ctx, Request& req) {
  auto page = pageQuery(req, ctx.options.max_page);
  if (!page) return page.status();
  auto rows = withReader(ctx, [&](Database& db) { return storage::loadPresence(db); });
  if (!rows) return rows.status();
  Array::Ptr items = new Array;
  std::string last;
  bool more = false;
  for (const auto& [agent_id, presence] : *rows) {
    if (agent_id <= page->after || !mayActFor(req, agent_id)) continue;
    if (static_cast<int>(items->size()) == page->limit) {
      more = true;
      break;
    }
    items->add(codec::encodePresence(agent_id, presence));
    last = agent_id;
  }
  Object::Ptr out = new Object;
  out->set("items", items);
  if (more) out->set("next_after", last);
  else out->set("next_after", Poco::Dynamic::Var());
  return Reply::json(200, out);
}

Result<Reply> getPresence(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  if (!mayActFor(req, id)) return Status::permissionDenied("agents may only see their own presence");
  auto p = withReader(ctx, [&](Database& db) { return storage::findPresence(db, id); });
  if (!p) return p.status();
  if (!p->has_value()) return Status::notFound("no agent \"" + id + "\"");
  return Reply::json(200, codec::encodePresence(id, **p));
}

Result<Reply> putPresence(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  if (!mayActFor(req, id)) return Status::permissionDenied("agents may only change their own presence");
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  std::string state_text;
  std::optional<std::string> reason;
  codec::JsonReader r(*body);
  r.string("state", state_text, true).optionalString("reason", reason, false);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  auto state = site::parsePresence(state_text);
  if (!state) return state.status().under("/state");
  if (reason) {
    OUTPOST_RETURN_IF_ERROR(site::validateId(*reason, "reason"));
    auto known = withReader(ctx, [&](Database& db) { return storage::find<site::NotReadyReason>(db, *reason); });
    if (!known) return known.status();
    if (!known->has_value()) {
      return Status::invalidArgument("no not-ready reason \"" + *reason + "\" at this site", "/reason");
    }
  }
  const bool forced = !req.principal->agent_id || *req.principal->agent_id != id;
  auto result = ctx.engine.requestPresence(id, *state, reason, req.principal->username, forced).get();
  if (!result) return result.status();
  return Reply::json(200, codec::encodePresence(id, *result));
}

}  // namespace

void addPresenceRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/presence", Access::kAgent, [&ctx](Request& r) { return listPresence(ctx, r); });
  router.add("GET", "/api/v1/agents/{id}/presence", Access::kAgent, [&ctx](Request& r) { return getPresence(ctx, r); });
  router.add("PUT", "/api/v1/agents/{id}/presence", Access::kAgent, [&ctx](Request& r) { return putPresence(ctx, r); });
}

}  // namespace outpost::api
