// Liveness, readiness, the audit trail, and the helpers all handlers share.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>

#include "api/context.h"
#include "codec/json.h"
#include "core/config.h"
#include "storage/directory_store.h"

namespace outpost::api {

using Poco::JSON::Array;
using Poco::JSON::Object;

Status checkQuery(const Request& req, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : req.query) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string names;
      for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      return Status::invalidArgument(
          "unknown query parameter \"" + key + "\"" + (names.empty() ? "; this route takes none" : "; allowed: " + names),
          "?" + key);
    }
  }
  return Status::ok();
}

Result<PageQuery> pageQuery(const Request& req, int max_page) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"limit", "after"}));
  PageQuery page;
  if (auto it = req.query.find("limit"); it != req.query.end()) {
    auto n = parseInt(it->second);
    if (!n || *n < 1 || *n > max_page) {
      return Status::invalidArgument("must be a whole number from 1 to " + std::to_string(max_page), "?limit");
    }
    page.limit = static_cast<int>(*n);
  }
  if (auto it = req.query.find("after"); it != req.query.end()) page.after = it->second;
  return page;
}

bool mayActFor(const Request& req, const std::string& agent_id) {
  const Principal& p = *req.principal;
  return site::atLeast(p.role, site::Role::kSupervisor) || (p.agent_id && *p.agent_id == agent_id);
}

void addSystemRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/healthz", Access::kPublic, [](Request&) -> Result<Reply> {
    Object::Ptr o = new Object;
    o->set("status", "ok");
    return Reply::json(200, o);
  });
  router.add("GET", "/readyz", Access::kPublic, [&ctx](Request& req) -> Result<Reply> {
    const Status ready = ctx.readiness ? ctx.readiness() : Status::unavailable("starting");
    if (!ready.isOk()) return problem(503, "Not ready", ready.message(), req.path);
    Object::Ptr o = new Object;
    o->set("status", "ready");
    if (ctx.alarms) {
      if (const auto alarms = ctx.alarms(); !alarms.empty()) {
        Array::Ptr a = new Array;
        for (const auto& text : alarms) a->add(text);
        o->set("alarms", a);
      }
    }
    return Reply::json(200, o);
  });
  router.add("GET", "/api/v1/audit", Access::kAdmin, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"limit", "before"}));
    int limit = 50;
    int64_t before = 0;
    if (auto it = req.query.find("limit"); it != req.query.end()) {
      auto n = parseInt(it->second);
      if (!n || *n < 1 || *n > ctx.options.max_page) {
        return Status::invalidArgument("must be a whole number from 1 to " + std::to_string(ctx.options.max_page),
                                       "?limit");
      }
      limit = static_cast<int>(*n);
    }
    if (auto it = req.query.find("before"); it != req.query.end()) {
      auto n = parseInt(it->second);
      if (!n || *n < 1) return Status::invalidArgument("must be an audit entry id (a positive number)", "?before");
      before = *n;
    }
    auto rows = withReader(ctx, [&](storage::Database& db) { return storage::listAudit(db, before, limit + 1); });
    if (!rows) return rows.status();
    const bool more = static_cast<int>(rows->size()) > limit;
    if (more) rows->pop_back();
    Array::Ptr items = new Array;
    for (const auto& e : *rows) {
      Object::Ptr o = new Object;
      o->set("id", e.id);
      o->set("at", formatRfc3339(e.at));
      o->set("actor", e.actor);
      o->set("action", e.action);
      o->set("entity", e.entity);
      o->set("entity_id", e.entity_id);
      o->set("before", e.before_json ? Poco::Dynamic::Var(*codec::JsonReader::parseObject(*e.before_json)) : Poco::Dynamic::Var());
      o->set("after", e.after_json ? Poco::Dynamic::Var(*codec::JsonReader::parseObject(*e.after_json)) : Poco::Dynamic::Var());
      o->set("address", e.address);
      items->add(o);
    }
    Object::Ptr out = new Object;
    out->set("items", items);
    if (more) out->set("next_before", rows->back().id);
    else out->set("next_before", Poco::Dynamic::Var());
    return Reply::json(200, out);
  });
}

}  // namespace outpost::api
