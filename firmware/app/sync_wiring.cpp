#include "app/sync_wiring.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>

#include "plugins/rules.h"
#include "plugins/rules_store.h"
#include "signing/digest.h"
#include "storage/content_cache.h"
#include "storage/outbox.h"
#include "storage/read_pool.h"
#include "storage/site_config.h"
#include "sync/wire.h"

namespace outpost::app {

using Poco::JSON::Array;
using Poco::JSON::Object;

Status configureSync(const Config& config, storage::Database& db, const std::string& site_code,
                     std::string& site_id_out) {
  const bool enabled = config.getBool("sync.enabled");
  std::string site_id = config.getString("sync.site_id");
  if (site_id.empty()) site_id = site_code;
  if (enabled && !sync::validSiteId(site_id)) {
    return Status::invalidArgument(
        site_id.empty() ? "sync is enabled but there is no site id: set sync.site_id or create the site first"
                        : "site id \"" + site_id + "\" is not usable in MQTT topics (1-64 of A-Z a-z 0-9 . _ -)",
        "sync.site_id");
  }
  site_id_out = site_id;
  std::vector<storage::ClassQuota> quotas = {
      {std::string(storage::kClassContact), config.getInt("sync.quota.contact"), storage::QuotaPolicy::kNeverDrop},
      {std::string(storage::kClassPresence), config.getInt("sync.quota.presence"), storage::QuotaPolicy::kNeverDrop},
      {std::string(storage::kClassAudit), config.getInt("sync.quota.audit"), storage::QuotaPolicy::kNeverDrop},
      {std::string(storage::kClassTelemetry), config.getInt("sync.quota.telemetry"), storage::QuotaPolicy::kThin},
  };
  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  Status st = storage::configureOutbox(db, site_id, enabled, quotas);
  if (st) st = db.exec("COMMIT");
  if (!st) (void)db.exec("ROLLBACK");
  return st;
}

std::unique_ptr<sync::Publisher> makePublisher(const Config& config, storage::Writer& writer,
                                               const std::string& db_path, const Clock& clock,
                                               const std::string& site_id) {
  if (!config.getBool("sync.enabled")) return nullptr;
  sync::PublisherOptions o;
  o.site_id = site_id;
  const auto broker = config.getHostPort("sync.broker");
  o.host = broker.host;
  o.port = broker.port;
  o.client_id = config.getString("sync.client_id");
  o.topic_prefix = config.getString("sync.topic_prefix");
  o.tls_ca = config.getString("sync.tls.ca");
  o.tls_cert = config.getString("sync.tls.cert");
  o.tls_key = config.getString("sync.tls.key");
  o.keepalive_s = static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(config.getDuration("sync.keepalive")).count());
  o.batch_records = static_cast<int>(config.getInt("sync.batch_records"));
  o.window = static_cast<int>(config.getInt("sync.window"));
  o.poll_interval = config.getDuration("sync.poll_interval");
  o.confirm_timeout = config.getDuration("sync.confirm_timeout");
  o.backoff_initial = config.getDuration("sync.backoff_initial");
  o.backoff_max = config.getDuration("sync.backoff_max");
  o.seed = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return std::make_unique<sync::Publisher>(writer, db_path, clock, std::move(o));
}

Result<std::unique_ptr<sync::Downlink>> startDownlink(const Config& config, storage::Writer& writer,
                                                      storage::ReadPool& reads, const Clock& clock,
                                                      const std::string& site_id, const std::string& data_dir,
                                                      sync::Publisher& publisher, plugins::RulesHost& rules,
                                                      storage::ContentCache& content, api::ApiContext& ctx) {
  if (!config.getBool("sync.enabled") || !config.getBool("sync.downlink.enabled")) return std::unique_ptr<sync::Downlink>();
  sync::DownlinkOptions o;
  o.site_id = site_id;
  o.topic_prefix = config.getString("sync.topic_prefix");
  o.dir = data_dir + "/downloads";
  o.chunk_bytes = config.getInt("sync.downlink.chunk_bytes");
  o.request_timeout = config.getDuration("sync.downlink.request_timeout");
  o.progress_bytes = config.getInt("sync.downlink.progress_bytes");
  sync::DownlinkHooks hooks;
  hooks.trust = [&rules] { return rules.trust(); };
  hooks.installed = [&rules, &reads, &content](const sync::ManifestEntry& e) -> bool {
    if (e.kind == "rules") {
      const auto s = rules.status();
      return s.active && s.active->manifest_sha256 == e.sha256;
    }
    if (e.kind == "content") {
      storage::Database* db = nullptr;
      auto lease = reads.acquire();
      if (!lease) return false;
      db = &lease->db();
      auto p = content.package(*db, e.id);
      return p && p->present && signing::sha256Hex(p->manifest) == e.sha256;
    }
    if (e.kind == "config") {
      // Only the same signed manifest: another one with an old version is fetched and
      // refused by the installer, with its reason upstream.
      auto lease = reads.acquire();
      if (!lease) return false;
      auto c = storage::loadInstalledSiteConfig(lease->db());
      return c && c->has_value() && (*c)->manifest_sha256 == e.sha256;
    }
    if (e.kind == "keyset") return rules.status().key_set_version >= e.version;
    return false;
  };
  hooks.install = [&rules, &writer, &content, &clock, &ctx, site_id](const std::string& kind,
                                                                   const std::string& dir) -> Result<std::string> {
    if (kind == "rules") {
      // The same path as POST /api/v1/rules/install: verify, compile, vectors, the
      // version above the active one, persisted with an audit row, then active.
      auto e = rules.installDir(dir, [&](const plugins::Bundle& active, const plugins::Bundle* previous) {
        return writer.run([&](storage::Database& db) {
          return plugins::saveActivation(db, active, previous, clock.wallNow(), "sync", "install", "hub");
        });
      });
      if (!e) return e.status();
      return "rule bundle " + e->id + " v" + std::to_string(e->version) + " active";
    }
    if (kind == "content") {
      std::string summary;
      Status st = writer.run([&](storage::Database& db) -> Status {
        auto r = content.importDir(db, dir, rules.trust());
        if (!r) return r.status();
        summary = "content " + r->id + " v" + std::to_string(r->version) + " imported (" + std::to_string(r->files) +
                  " files)";
        return Status::ok();
      });
      if (!st) return st;
      return summary;
    }
    if (kind == "config") return api::installSiteConfig(ctx, dir, rules.trust(), site_id, "sync", "hub");
    if (kind == "keyset") {
      // The same path as POST /api/v1/rules/keys: verified against the keys trusted
      // now, stored with an audit row, then only its keys sign bundles.
      auto manifest = signing::readSmallFile(dir + "/manifest.json", signing::PackageLimits{}.max_manifest_bytes);
      if (!manifest) return manifest.status();
      auto sig = signing::readSmallFile(dir + "/manifest.sig", 64 * 1024);
      if (!sig) return sig.status();
      auto set = rules.rotateKeys(*manifest, *sig, [&](const plugins::KeySet& k) {
        return writer.run([&](storage::Database& db) {
          return plugins::saveKeySet(db, k, clock.wallNow(), "sync", "hub");
        });
      });
      if (!set) return set.status();
      return "key set v" + std::to_string(set->version) + " trusted (" + std::to_string(set->keys.size()) + " keys)";
    }
    return Status::invalidArgument("kind \"" + kind + "\" is not installed over the downlink");
  };
  auto downlink = std::make_unique<sync::Downlink>(writer, clock, std::move(o), std::move(hooks));
  OUTPOST_RETURN_IF_ERROR(downlink->start(publisher));
  return downlink;
}

Poco::JSON::Object::Ptr syncLink(const sync::Publisher& publisher, const sync::Downlink* downlink) {
  const auto ps = publisher.stats();
  Object::Ptr link = new Object;
  link->set("connected", ps.connected);
  link->set("connects", ps.connects);
  link->set("disconnects", ps.disconnects);
  link->set("batches", ps.batches);
  link->set("records", ps.records);
  link->set("acked_batches", ps.acked_batches);
  link->set("resends", ps.resends);
  link->set("errors", ps.errors);
  if (downlink) {
    const auto ds = downlink->stats();
    Object::Ptr d = new Object;
    d->set("state", ds.state);
    d->set("manifest_serial", ds.manifest_serial);
    d->set("manifests", ds.manifests);
    d->set("rejected", ds.rejected);
    d->set("requests", ds.requests);
    d->set("retries", ds.retries);
    d->set("resumes", ds.resumes);
    d->set("chunks", ds.chunks);
    d->set("bytes", ds.bytes);
    d->set("stale", ds.stale);
    d->set("installed", ds.installed);
    d->set("refused", ds.refused);
    d->set("last_refusal", ds.last_refusal);
    d->set("refusals_kept", ds.refusals_kept);
    d->set("refusals_skipped", ds.refusals_skipped);
    link->set("downlink", d);
  }
  return link;
}

std::vector<std::string> syncAlarms(api::ApiContext& ctx) {
  auto classes = api::withReader(ctx, [](storage::Database& db) { return storage::outboxAlarms(db); });
  std::vector<std::string> out;
  if (!classes) return out;
  for (const auto& c : *classes) {
    out.push_back("sync outbox over its quota for " + c + " records (never dropped; check the link to the hub)");
  }
  return out;
}

}  // namespace outpost::app
