#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "api/context.h"
#include "storage/outbox.h"
#include "storage/site_config.h"

namespace outpost::api {

using Poco::JSON::Array;
using Poco::JSON::Object;

void addSyncRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/sync", Access::kSupervisor, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto st = withReader(ctx, [](storage::Database& db) { return storage::outboxStatus(db); });
    if (!st) return st.status();
    Object::Ptr o = new Object;
    o->set("enabled", st->enabled);
    o->set("site_id", st->site_id);
    o->set("last_seq", st->last_seq);
    o->set("confirmed_seq", st->confirmed_seq);
    int64_t pending = 0, sent = 0, confirmed = 0, dropped = 0;
    Array::Ptr classes = new Array;
    for (const auto& c : st->classes) {
      Object::Ptr co = new Object;
      co->set("class", c.record_class);
      co->set("policy", c.policy);
      co->set("max_bytes", c.max_bytes);
      co->set("bytes", c.bytes);
      co->set("pending", c.pending);
      co->set("sent", c.sent);
      co->set("appended", c.appended);
      co->set("published", c.published);
      co->set("confirmed", c.confirmed);
      co->set("dropped", c.dropped);
      co->set("over_quota", c.over_quota);
      classes->add(co);
      pending += c.pending;
      sent += c.sent;
      confirmed += c.confirmed;
      dropped += c.dropped;
    }
    Object::Ptr totals = new Object;
    totals->set("pending", pending);
    totals->set("sent", sent);
    totals->set("confirmed", confirmed);
    totals->set("dropped", dropped);
    o->set("counters", totals);
    o->set("classes", classes);
    Array::Ptr alarms = new Array;
    for (const auto& a : st->alarms()) alarms->add(a);
    o->set("alarms", alarms);
    Object::Ptr link = ctx.sync_link ? ctx.sync_link() : nullptr;
    if (!link) {
      link = new Object;
      link->set("connected", false);
    }
    o->set("link", link);
    // The site configuration installed over the downlink (storage/site_config.h).
    auto config = withReader(ctx, [](storage::Database& db) { return storage::loadInstalledSiteConfig(db); });
    if (!config) return config.status();
    if (config->has_value()) {
      Object::Ptr c = new Object;
      c->set("id", (*config)->id);
      c->set("version", (*config)->version);
      c->set("sha256", (*config)->manifest_sha256);
      c->set("installed_at", formatRfc3339((*config)->installed_at));
      c->set("installed_by", (*config)->installed_by);
      o->set("config", c);
    } else {
      o->set("config", Poco::Dynamic::Var());
    }
    return Reply::json(200, o);
  });
}

}  // namespace outpost::api
