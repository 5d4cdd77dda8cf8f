#include "storage/site_config.h"

#include <filesystem>

#include "codec/json.h"
#include "codec/site_codec.h"
#include "signing/digest.h"
#include "storage/directory_store.h"

namespace outpost::storage {
namespace {

using codec::JsonReader;
using Poco::JSON::Object;

const std::string kFileWhere = std::string(kSiteConfigFile) + " ";

// The "site" patch over the current settings (decodeSiteConfig checked it already).
Status decodeSitePatch(const Object::Ptr& patch, site::Site& site) {
  JsonReader r(patch, "/site");
  codec::decode(r, site, /*creating=*/false);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return site::validate(site).under("/site");
}

std::string auditJson(const Object::Ptr& o) { return codec::toJson(o); }

template <typename T>
Status upsert(Database& db, const T& v, const char* entity, size_t index, const char* section_key, WallTime now,
              const std::string& actor, const std::string& address, AppliedSiteConfig& applied) {
  const std::string where = std::string("/") + section_key + "/" + std::to_string(index);
  auto current = find<T>(db, v.code);
  if (!current) return current.status().under(where);
  const std::string after = auditJson(codec::encode(v));
  std::optional<std::string> before;
  if (current->has_value()) {
    before = auditJson(codec::encode(**current));
    if (*before == after) {
      ++applied.unchanged;
      return Status::ok();
    }
    OUTPOST_RETURN_IF_ERROR(update<T>(db, v, now).under(where));
    ++applied.updated;
  } else {
    OUTPOST_RETURN_IF_ERROR(insert<T>(db, v, now).under(where));
    ++applied.created;
  }
  return appendAudit(db, AuditEntry{0, now, actor, before ? "update" : "create", entity, v.code, before, after, address});
}

}  // namespace

Result<SiteConfigPackage> readSiteConfigDir(const std::string& dir, const signing::TrustStore& trust,
                                            const std::string& site_id) {
  const std::filesystem::path doc = std::filesystem::path(dir) / std::string(kSiteConfigFile);
  std::error_code ec;
  const auto size = std::filesystem::file_size(doc, ec);
  if (!ec && size > kMaxSiteConfigBytes) {
    return Status::invalidArgument("is " + std::to_string(size) + " bytes, more than the " +
                                       std::to_string(kMaxSiteConfigBytes) + " a configuration may have",
                                   std::string(kSiteConfigFile));
  }
  signing::PackageLimits limits;
  limits.max_files = 1;
  limits.max_file_bytes = kMaxSiteConfigBytes;
  limits.max_total_bytes = kMaxSiteConfigBytes;
  auto pkg = signing::readPackageDir(dir, trust, limits);
  if (!pkg) return pkg.status();
  const auto& m = pkg->manifest;
  if (m.kind != kSiteConfigKind) {
    return Status::invalidArgument("a configuration package must have kind \"config\", not \"" + m.kind + "\"",
                                   "manifest.json /kind");
  }
  {
    // No fields beyond the common ones.
    JsonReader r(m.json);
    signing::VerifiedManifest common;
    signing::readCommonFields(r, common, limits);
    if (Status st = r.finish(); !st) return st.under("manifest.json ");
  }
  auto it = pkg->files.find(std::string(kSiteConfigFile));
  if (it == pkg->files.end() || pkg->files.size() != 1) {
    return Status::invalidArgument("a configuration package holds exactly one file, site-config.json",
                                   "manifest.json /files");
  }
  auto config = codec::decodeSiteConfig(it->second);
  if (!config) return config.status().under(kFileWhere);
  if (config->site_id != site_id) {
    return Status::failedPrecondition(
        "is for site \"" + config->site_id + "\", this appliance is site \"" + site_id + "\"", kFileWhere + "/site_id");
  }
  return SiteConfigPackage{std::move(pkg->manifest), signing::sha256Hex(m.raw), std::move(*config)};
}

Result<std::optional<InstalledSiteConfig>> loadInstalledSiteConfig(Database& db) {
  auto q = db.query(
      "SELECT package_id, version, manifest_sha256, installed_at, installed_by FROM site_config_state WHERE id = 1");
  if (!q) return q.status();
  auto row = q->step();
  if (!row) return row.status();
  if (!*row) return std::optional<InstalledSiteConfig>{};
  return std::optional<InstalledSiteConfig>{InstalledSiteConfig{q->columnText(0), q->columnInt(1), q->columnText(2),
                                                                fromEpochMillis(q->columnInt(3)), q->columnText(4)}};
}

std::string AppliedSiteConfig::summary() const {
  return "configuration v" + std::to_string(version) + " applied (" + std::to_string(created) + " created, " +
         std::to_string(updated) + " updated, " + std::to_string(unchanged) + " unchanged)";
}

Result<AppliedSiteConfig> applySiteConfig(Database& db, const SiteConfigPackage& pkg, WallTime now,
                                          const std::string& actor, const std::string& address) {
  const codec::SiteConfig& c = pkg.config;
  auto installed = loadInstalledSiteConfig(db);
  if (!installed) return installed.status();
  if (installed->has_value() && pkg.manifest.version <= (*installed)->version) {
    return Status::failedPrecondition("version " + std::to_string(pkg.manifest.version) +
                                          " is not above the installed configuration version " +
                                          std::to_string((*installed)->version),
                                      "manifest.json /version");
  }
  AppliedSiteConfig applied;
  applied.version = pkg.manifest.version;
  if (c.site) {
    auto current = loadSite(db);
    if (!current) return current.status();
    if (!current->has_value()) return Status::failedPrecondition("the site is not set up yet", kFileWhere + "/site");
    site::Site after = **current;
    OUTPOST_RETURN_IF_ERROR(decodeSitePatch(c.site, after).under(kFileWhere));
    const std::string before_json = auditJson(codec::encode(**current));
    const std::string after_json = auditJson(codec::encode(after));
    if (before_json == after_json) {
      ++applied.unchanged;
    } else {
      OUTPOST_RETURN_IF_ERROR(saveSite(db, after, now));
      OUTPOST_RETURN_IF_ERROR(
          appendAudit(db, AuditEntry{0, now, actor, "update", "site", "site", before_json, after_json, address}));
      ++applied.updated;
    }
  }
  for (size_t i = 0; i < c.skills.size(); ++i) {
    OUTPOST_RETURN_IF_ERROR(
        upsert(db, c.skills[i], "skill", i, "skills", now, actor, address, applied).under(kFileWhere));
  }
  for (size_t i = 0; i < c.queues.size(); ++i) {
    const site::Queue& q = c.queues[i];
    for (size_t j = 0; j < q.skills.size(); ++j) {
      auto skill = find<site::Skill>(db, q.skills[j].skill_code);
      if (!skill) return skill.status();
      if (!skill->has_value()) {
        return Status::failedPrecondition(
            "no skill \"" + q.skills[j].skill_code + "\" in the skill catalogue or the package",
            kFileWhere + "/queues/" + std::to_string(i) + "/skills/" + std::to_string(j) + "/skill");
      }
    }
    const int changed_before = applied.created + applied.updated;
    OUTPOST_RETURN_IF_ERROR(upsert(db, q, "queue", i, "queues", now, actor, address, applied).under(kFileWhere));
    if (applied.created + applied.updated != changed_before) applied.queues.push_back(q);
  }
  for (size_t i = 0; i < c.wrapup_codes.size(); ++i) {
    OUTPOST_RETURN_IF_ERROR(
        upsert(db, c.wrapup_codes[i], "wrapup_code", i, "wrapup_codes", now, actor, address, applied).under(kFileWhere));
  }
  for (size_t i = 0; i < c.not_ready_reasons.size(); ++i) {
    OUTPOST_RETURN_IF_ERROR(upsert(db, c.not_ready_reasons[i], "not_ready_reason", i, "not_ready_reasons", now, actor,
                                   address, applied)
                                .under(kFileWhere));
  }
  auto q = db.query(
      "INSERT INTO site_config_state (id, package_id, version, manifest_sha256, installed_at, installed_by) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET package_id = excluded.package_id, "
      "version = excluded.version, manifest_sha256 = excluded.manifest_sha256, installed_at = excluded.installed_at, "
      "installed_by = excluded.installed_by");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, pkg.manifest.id).bind(2, pkg.manifest.version).bind(3, pkg.manifest_sha256)
                              .bind(4, toEpochMillis(now)).bind(5, actor).exec());
  Object::Ptr after = new Object;
  after->set("id", pkg.manifest.id);
  after->set("version", pkg.manifest.version);
  after->set("sha256", pkg.manifest_sha256);
  after->set("summary", applied.summary());
  OUTPOST_RETURN_IF_ERROR(appendAudit(db, AuditEntry{0, now, actor, "install", "site_config", pkg.manifest.id,
                                                     std::nullopt, auditJson(after), address}));
  return applied;
}

}  // namespace outpost::storage
