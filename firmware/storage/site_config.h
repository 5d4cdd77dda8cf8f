#pragma once

// Site configuration packages (kind "config", docs/sync.md "Configuration over the
// downlink"): the HQ-owned part of a branch site's directory, as a signed package
// (signing/package.h) with one file, site-config.json:
//
//   manifest.json     {"kind": "config", "id": "site", "version": 7, "files": [{"path": "site-config.json", …}]}
//   site-config.json  {"site_id": "bj-chaoyang-01",
//                      "site": {"name": {…}, "time_zone": "Asia/Shanghai", "default_language": "zh-CN"},
//                      "skills": [{"code": "billing", "name": {…}}, …],
//                      "queues": [{"code": "billing-voice", …the POST /api/v1/queues body…}, …],
//                      "wrapup_codes": [{"code": "resolved", "name": {…}, "active": true}, …],
//                      "not_ready_reasons": [{"code": "lunch", "name": {…}}, …]}
//
// What HQ owns: the site settings (except site_code, the site's identity), the skill
// catalogue, queues, wrap-up codes and not-ready reasons. Never agents, users or
// passwords: those are the site's own. Every section is optional.
//
// Semantics: upsert. Each entry is a complete definition, read like a create body
// (POST): required fields as there, the others left out take their defaults, so the package, not a local edit,
// decides every field of what it names. Entries the package does not name are kept.
// "site" is read like a PATCH /api/v1/site body over the current settings.
//
// Installing (installSiteConfig): size cap → signature → kind, site id → version above
// the installed one → the whole document decoded and validated with the directory
// codecs (errors name the JSON path: "site-config.json /queues/2/sl_target_pct") →
// applied in the caller's transaction with an audit row per entity and the installed
// version recorded. All or nothing.
//
// Thread-safety: stateless functions.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "signing/package.h"
#include "codec/site_config_codec.h"
#include "site/directory.h"
#include "storage/database.h"

namespace outpost::storage {

inline constexpr std::string_view kSiteConfigKind = "config";
inline constexpr std::string_view kSiteConfigFile = "site-config.json";
inline constexpr uint64_t kMaxSiteConfigBytes = codec::kMaxSiteConfigBytes;

struct SiteConfigPackage {
  signing::VerifiedManifest manifest;
  std::string manifest_sha256;
  codec::SiteConfig config;
};

// Verifies a package directory (signature, kind "config", exactly site-config.json,
// its size and digest) and decodes the document. `site_id` must match its site_id.
Result<SiteConfigPackage> readSiteConfigDir(const std::string& dir, const signing::TrustStore& trust,
                                            const std::string& site_id);

// The configuration installed last (none before the first).
struct InstalledSiteConfig {
  std::string id;
  int64_t version = 0;
  std::string manifest_sha256;
  WallTime installed_at{};
  std::string installed_by;
};
Result<std::optional<InstalledSiteConfig>> loadInstalledSiteConfig(Database& db);

// What changed, for the live parts (the engine's queue policies).
struct AppliedSiteConfig {
  int64_t version = 0;
  std::vector<site::Queue> queues;  // every queue written (created or updated)
  int created = 0;
  int updated = 0;
  int unchanged = 0;
  std::string summary() const;
};

// Applies a verified package inside the caller's transaction (a writer job): refuses a
// version not above the installed one, writes every entity with an audit row
// (actor/address), records the installed version. An error leaves nothing written
// when the caller rolls back (the writer does).
Result<AppliedSiteConfig> applySiteConfig(Database& db, const SiteConfigPackage& pkg, WallTime now,
                                          const std::string& actor, const std::string& address);

}  // namespace outpost::storage
