#pragma once

// The document of a site configuration package, site-config.json (storage/site_config.h,
// docs/sync.md "Site configuration"): decoded and validated with the directory codecs,
// every entry a complete definition read like a create body. Errors name the JSON path
// ("/queues/2/sl_target_pct"). Nothing here touches storage.
//
// Thread-safety: stateless functions.

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "site/directory.h"

namespace outpost::codec {

inline constexpr size_t kMaxSiteConfigEntries = 2000;  // per section
inline constexpr uint64_t kMaxSiteConfigBytes = 4 * 1024 * 1024;

struct SiteConfig {
  std::string site_id;
  Poco::JSON::Object::Ptr site;  // the "site" patch, or null
  std::vector<site::Skill> skills;
  std::vector<site::Queue> queues;
  std::vector<site::WrapUpCode> wrapup_codes;
  std::vector<site::NotReadyReason> not_ready_reasons;
};

// Decodes and validates site-config.json; errors name the JSON path.
Result<SiteConfig> decodeSiteConfig(std::string_view json);

}  // namespace outpost::codec
