// Lua rule bundles (docs/plugin-api.md): status and counters, install, rollback. Admin only.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "api/context.h"
#include "codec/json.h"
#include "plugins/rules.h"
#include "plugins/rules_store.h"
#include "storage/database.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr entryJson(const plugins::RulesStatus::Entry& e) {
  Object::Ptr o = new Object;
  o->set("id", e.id);
  o->set("version", e.version);
  o->set("key_id", e.key_id);
  o->set("manifest_sha256", e.manifest_sha256);
  o->set("expires", formatRfc3339(e.expires));
  Array::Ptr hooks = new Array;
  for (const auto& h : e.hooks) hooks->add(h);
  o->set("hooks", hooks);
  Object::Ptr c = new Object;
  c->set("calls", e.counters.calls);
  c->set("errors", e.counters.errors);
  c->set("limit_hits", e.counters.limit_hits);
  c->set("rebuilds", e.counters.rebuilds);
  c->set("fallbacks", e.counters.fallbacks);
  o->set("counters", c);
  o->set("memory_bytes", static_cast<uint64_t>(e.memory_bytes));
  return o;
}

Object::Ptr statusJson(const plugins::RulesStatus& s) {
  Object::Ptr o = new Object;
  o->set("api_version", plugins::kApiVersion);
  if (s.active) {
    o->set("active", entryJson(*s.active));
  } else {
    o->set("active", Poco::Dynamic::Var());
  }
  if (s.previous) {
    o->set("previous", entryJson(*s.previous));
  } else {
    o->set("previous", Poco::Dynamic::Var());
  }
  Object::Ptr keys = new Object;
  keys->set("version", s.key_set_version);
  Array::Ptr ids = new Array;
  for (const auto& id : s.key_ids) ids->add(id);
  keys->set("ids", ids);
  o->set("keys", keys);
  o->set("state", s.state);
  o->set("changed_at", s.changed_at ? Poco::Dynamic::Var(formatRfc3339(*s.changed_at)) : Poco::Dynamic::Var());
  if (s.trial_ends) o->set("trial_ends", formatRfc3339(*s.trial_ends));
  if (s.state == "reverted") {
    o->set("reason", s.reason);
    Object::Ptr r = new Object;
    r->set("id", s.reverted_id);
    r->set("version", s.reverted_version);
    o->set("reverted", r);
  }
  return o;
}

plugins::RulesHost::Persist persistFor(ApiContext& ctx, const Request& req, const std::string& action) {
  return [&ctx, &req, action](const plugins::Bundle& active, const plugins::Bundle* previous) -> Status {
    return ctx.writer.run([&](storage::Database& db) {
      return plugins::saveActivation(db, active, previous, ctx.clock.wallNow(), req.principal->username, action,
                                     req.address);
    });
  };
}

// When and by whom the active and previous bundles were installed (the admin view's
// "installed at"), from the stored bundle rows.
Status addInstalled(ApiContext& ctx, const Object::Ptr& status) {
  return withReader(ctx, [&](storage::Database& db) -> Status {
    for (const char* slot : {"active", "previous"}) {
      if (status->isNull(slot)) continue;
      Object::Ptr e = status->getObject(slot);
      auto q = db.query("SELECT installed_at, installed_by FROM rule_bundles WHERE id = ? AND version = ?");
      if (!q) return q.status();
      q->bind(1, e->getValue<std::string>("id")).bind(2, e->getValue<int64_t>("version"));
      auto row = q->step();
      if (!row) return row.status();
      e->set("installed_at", *row ? Poco::Dynamic::Var(formatRfc3339(fromEpochMillis(q->columnInt(0)))) : Poco::Dynamic::Var());
      e->set("installed_by", *row ? Poco::Dynamic::Var(q->columnText(1)) : Poco::Dynamic::Var());
    }
    return Status::ok();
  });
}

}  // namespace

void addRulesRoutes(Router& router, ApiContext& ctx, plugins::RulesHost& rules) {
  router.add("GET", "/api/v1/rules", Access::kAdmin, [&ctx, &rules](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    Object::Ptr out = statusJson(rules.status());
    OUTPOST_RETURN_IF_ERROR(addInstalled(ctx, out));
    return Reply::json(200, out);
  });
  // Body: {"files": {"manifest.json": "…", "manifest.sig": "…", "main.lua": "…", …}}
  // (the bundle directory's files as text; `outpostctl rules install DIR` sends it).
  router.add("POST", "/api/v1/rules/install", Access::kAdmin, [&ctx, &rules](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    codec::JsonReader r(*body);
    std::string files_json;
    r.freeObject("files", files_json, true, 16 * 1024 * 1024);
    OUTPOST_RETURN_IF_ERROR(r.finish());
    std::map<std::string, std::string> files;
    auto obj = body.value()->getObject("files");
    if (obj->size() > 66) return Status::invalidArgument("more than 66 files", "/files");
    for (const auto& [path, value] : *obj) {
      if (!value.isString()) return Status::invalidArgument("must be the file's text", "/files/" + path);
      files.emplace(path, value.convert<std::string>());
    }
    auto e = rules.installFiles(files, persistFor(ctx, req, "install"));
    if (!e) return e.status();
    return Reply::json(200, entryJson(e.value()));
  });
  // Body: {"manifest.json": "…", "manifest.sig": "…"}: a key set (plugins/keyset.h).
  router.add("POST", "/api/v1/rules/keys", Access::kAdmin, [&ctx, &rules](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body) return body.status();
    codec::JsonReader r(*body);
    std::string manifest, signature;
    r.string("manifest.json", manifest, true).string("manifest.sig", signature, true);
    OUTPOST_RETURN_IF_ERROR(r.finish());
    auto set = rules.rotateKeys(manifest, signature, [&](const plugins::KeySet& k) {
      return ctx.writer.run([&](storage::Database& db) {
        return plugins::saveKeySet(db, k, ctx.clock.wallNow(), req.principal->username, req.address);
      });
    });
    if (!set) return set.status();
    Object::Ptr o = new Object;
    o->set("version", set->version);
    o->set("signed_by", set->signed_by);
    Array::Ptr ids = new Array;
    for (const auto& [id, pub] : set->keys) ids->add(id);
    o->set("ids", ids);
    return Reply::json(200, o);
  });
  router.add("POST", "/api/v1/rules/rollback", Access::kAdmin, [&ctx, &rules](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto e = rules.rollback(persistFor(ctx, req, "rollback"));
    if (!e) return e.status();
    return Reply::json(200, entryJson(e.value()));
  });
}

}  // namespace outpost::api
