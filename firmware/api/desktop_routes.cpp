// What the agent desktop needs beyond the directory, presence and contacts routes:
// an agent's day in figures ("my day": handled, average handling time, first-contact
// resolution) and a contact's earlier contacts at this site (same customer_id or
// caller number in the collected data), read from the committed contact rows.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <charconv>

#include "api/context.h"
#include "api/ivr_front_end.h"
#include "api/knowledge_search.h"
#include "codec/json.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

struct DayFigures {
  int64_t handled = 0;
  double average_handling_ms = 0;
  int64_t first_contact_resolved = 0;
  int64_t resolved = 0;
};

Result<DayFigures> dayFigures(Database& db, const std::string& agent_id, int64_t since_ms) {
  auto q = db.query(
      "SELECT COUNT(*), COALESCE(AVG(ended_at - answered_at), 0), "
      "COALESCE(SUM(json_extract(wrap_up, '$.first_contact_resolution')), 0), "
      "COALESCE(SUM(json_extract(wrap_up, '$.resolved')), 0) "
      "FROM contacts WHERE agent_id = ? AND state = 'completed' AND answered_at IS NOT NULL AND ended_at >= ?");
  if (!q) return q.status();
  q->bind(1, agent_id).bind(2, since_ms);
  auto row = q->step();
  if (!row) return row.status();
  DayFigures f;
  if (*row) {
    f.handled = q->columnInt(0);
    f.average_handling_ms = q->columnDouble(1);
    f.first_contact_resolved = q->columnInt(2);
    f.resolved = q->columnInt(3);
  }
  return f;
}

// GET /api/v1/agents/{id}/day?since_ms=…: figures for contacts completed since then
// (default: the last 24 hours). The desktop sends its local midnight.
Result<Reply> agentDay(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"since_ms"}));
  const std::string& id = req.params.at("id");
  if (!mayActFor(req, id)) return Status::permissionDenied("agents may only see their own day");
  const int64_t now_ms = toEpochMillis(ctx.clock.wallNow());
  int64_t since_ms = now_ms - 24LL * 3600 * 1000;
  if (auto it = req.query.find("since_ms"); it != req.query.end()) {
    const std::string& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), since_ms);
    if (ec != std::errc() || end != text.data() + text.size() || since_ms < 0 || since_ms > now_ms) {
      return Status::invalidArgument("must be epoch milliseconds between 0 and now, got \"" + text + "\"",
                                     "?since_ms");
    }
  }
  auto figures = withReader(ctx, [&](Database& db) -> Result<DayFigures> {
    auto agent = db.query("SELECT 1 FROM agents WHERE id = ?");
    if (!agent) return agent.status();
    agent->bind(1, id);
    auto found = agent->step();
    if (!found) return found.status();
    if (!*found) return Status::notFound("no agent \"" + id + "\"");
    return dayFigures(db, id, since_ms);
  });
  if (!figures) return figures.status();
  Object::Ptr out = new Object;
  out->set("agent_id", id);
  out->set("since", formatRfc3339(fromEpochMillis(since_ms)));
  out->set("handled", figures->handled);
  out->set("average_handling_s", figures->handled ? figures->average_handling_ms / 1000.0 : 0.0);
  out->set("first_contact_resolved", figures->first_contact_resolved);
  out->set("resolved", figures->resolved);
  out->set("fcr_rate", figures->handled ? static_cast<double>(figures->first_contact_resolved) /
                                              static_cast<double>(figures->handled)
                                        : 0.0);
  return Reply::json(200, out);
}

constexpr int kEarlierMax = 10;
// The collected-data fields that identify a customer, in order of preference.
constexpr const char* kCustomerKeys[] = {"customer_id", "ani"};

// GET /api/v1/contacts/{id}/earlier: up to 10 other contacts of the same customer
// (matched on attributes.customer_id, else attributes.ani), newest first. Visible to
// supervisors and to the agent the contact is offered to / handled by.
Result<Reply> earlierContacts(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  Object::Ptr out = new Object;
  Array::Ptr items = new Array;
  OUTPOST_RETURN_IF_ERROR(withReader(ctx, [&](Database& db) -> Status {
    auto rec = storage::findContact(db, id);
    if (!rec) return rec.status();
    const bool supervisor = site::atLeast(req.principal->role, site::Role::kSupervisor);
    const bool own = rec->has_value() && (*rec)->contact.agent_id && req.principal->agent_id &&
                     *(*rec)->contact.agent_id == *req.principal->agent_id;
    if (!rec->has_value() || (!supervisor && !own)) return Status::notFound("no contact \"" + id + "\"");
    std::string key, value;
    for (const char* k : kCustomerKeys) {
      auto q = db.query("SELECT json_extract(attributes, ?) FROM contacts WHERE id = ?");
      if (!q) return q.status();
      q->bind(1, std::string("$.") + k).bind(2, id);
      auto row = q->step();
      if (!row) return row.status();
      if (*row && !q->columnIsNull(0) && !q->columnText(0).empty()) {
        key = k;
        value = q->columnText(0);
        break;
      }
    }
    out->set("contact_id", id);
    out->set("matched_on", key.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(key));
    if (key.empty()) return Status::ok();
    auto q = db.query(
        "SELECT id, queue, channel, state, agent_id, arrived_at, ended_at, intent, wrap_up FROM contacts "
        "WHERE id != ? AND json_extract(attributes, ?) = ? ORDER BY arrived_at DESC, id LIMIT ?");
    if (!q) return q.status();
    q->bind(1, id).bind(2, "$." + key).bind(3, value).bind(4, kEarlierMax);
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      Object::Ptr o = new Object;
      o->set("id", q->columnText(0));
      o->set("queue", q->columnText(1));
      o->set("channel", q->columnText(2));
      o->set("state", q->columnText(3));
      const auto agent = q->columnOptText(4);
      o->set("agent_id", agent ? Poco::Dynamic::Var(*agent) : Poco::Dynamic::Var());
      o->set("arrived_at", formatRfc3339(fromEpochMillis(q->columnInt(5))));
      const auto ended = q->columnOptInt(6);
      o->set("ended_at", ended ? Poco::Dynamic::Var(formatRfc3339(fromEpochMillis(*ended))) : Poco::Dynamic::Var());
      o->set("intent", q->columnText(7));
      Poco::Dynamic::Var wrap;
      if (const auto w = q->columnOptText(8)) {
        auto parsed = codec::JsonReader::parseObject(*w);
        if (parsed) wrap = *parsed;
      }
      o->set("wrap_up", wrap);
      items->add(o);
    }));
    return Status::ok();
  }));
  out->set("items", items);
  return Reply::json(200, out);
}

// GET /api/v1/queue-stats/history: the last hour per queue, one point per minute in
// which the figures changed.
Result<Reply> statsHistory(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  Object::Ptr out = new Object;
  Array::Ptr items = new Array;
  int64_t bucket_s = 60;
  if (ctx.stats_history) {
    bucket_s = std::chrono::duration_cast<std::chrono::seconds>(ctx.stats_history->bucket()).count();
    for (const auto& [queue, points] : ctx.stats_history->snapshot()) {
      Object::Ptr q = new Object;
      q->set("queue", queue);
      Array::Ptr list = new Array;
      for (const auto& p : points) {
        Object::Ptr o = new Object;
        o->set("at", formatRfc3339(p.at));
        o->set("waiting_max", p.waiting_max);
        o->set("waiting", p.waiting);
        o->set("service_level", p.service_level);
        o->set("answered", p.answered);
        o->set("abandoned", p.abandoned);
        list->add(o);
      }
      q->set("points", list);
      items->add(q);
    }
  }
  out->set("bucket_s", bucket_s);
  out->set("items", items);
  return Reply::json(200, out);
}

// GET /api/v1/knowledge?q=…&lang=zh-CN|en: searches the site's local knowledge base
// (the IVR flow's articles); empty items when no flow is configured.
Result<Reply> knowledge(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"q", "lang"}));
  std::string lang = "zh-CN";
  if (auto it = req.query.find("lang"); it != req.query.end()) {
    if (it->second != "zh-CN" && it->second != "en") {
      return Status::invalidArgument("must be \"zh-CN\" or \"en\", got \"" + it->second + "\"", "?lang");
    }
    lang = it->second;
  }
  const auto q = req.query.find("q");
  if (q == req.query.end()) return Status::invalidArgument("is required", "?q");
  static const std::vector<ivr::Article> kNone;
  auto flow = ctx.ivr ? ctx.ivr->currentFlow() : nullptr;
  auto hits = searchKnowledge(flow ? flow->articles : kNone, q->second, lang);
  if (!hits) return hits.status();
  Object::Ptr out = new Object;
  out->set("query", q->second);
  out->set("lang", lang);
  Array::Ptr items = new Array;
  for (const auto& h : *hits) {
    Object::Ptr o = new Object;
    o->set("id", h.id);
    o->set("title", h.title);
    o->set("snippet", h.snippet);
    o->set("body", h.body);
    o->set("score", h.score);
    items->add(o);
  }
  out->set("items", items);
  return Reply::json(200, out);
}

}  // namespace

void addDesktopRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/agents/{id}/day", Access::kAgent, [&ctx](Request& r) { return agentDay(ctx, r); });
  router.add("GET", "/api/v1/queue-stats/history", Access::kAgent, [&ctx](Request& r) { return statsHistory(ctx, r); });
  router.add("GET", "/api/v1/contacts/{id}/earlier", Access::kAgent,
             [&ctx](Request& r) { return earlierContacts(ctx, r); });
  router.add("GET", "/api/v1/knowledge", Access::kAgent, [&ctx](Request& r) { return knowledge(ctx, r); });
}

}  // namespace outpost::api
