#pragma once

// outpostd's sync wiring (docs/sync.md): the outbox settings written at start-up,
// the publisher, GET /api/v1/sync and the outbox alarms for /readyz.

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>
#include <vector>

#include "api/context.h"
#include "api/router.h"
#include "core/config.h"
#include "storage/database.h"
#include "storage/writer.h"
#include "sync/downlink.h"
#include "sync/publisher.h"

namespace outpost::plugins {
class RulesHost;
}
namespace outpost::storage {
class ContentCache;
}

namespace outpost::app {

// Writes sync.site_id/enabled and the quotas into the outbox settings (before the
// writer starts). `site_code` is the directory's, used when sync.site_id is empty.
Status configureSync(const Config& config, storage::Database& db, const std::string& site_code,
                     std::string& site_id_out);

// The publisher (nullptr when sync.enabled is false). Not started.
std::unique_ptr<sync::Publisher> makePublisher(const Config& config, storage::Writer& writer,
                                               const std::string& db_path, const Clock& clock,
                                               const std::string& site_id);

// The downlink (nullptr when sync or sync.downlink is off), registered with the
// publisher and started; hands rule bundles to `rules` (the install path of POST
// /api/v1/rules/install) and content packages to `content` (its import), both
// checked against the rules trust file (plugins.trust_file); site configuration to
// api::installSiteConfig (the directory routes' path) and key sets to the rules host's
// key rotation (the path of POST /api/v1/rules/keys).
Result<std::unique_ptr<sync::Downlink>> startDownlink(const Config& config, storage::Writer& writer,
                                                      storage::ReadPool& reads, const Clock& clock,
                                                      const std::string& site_id, const std::string& data_dir,
                                                      sync::Publisher& publisher, plugins::RulesHost& rules,
                                                      storage::ContentCache& content, api::ApiContext& ctx);

// The publisher's link state for GET /api/v1/sync (ApiContext::sync_link).
Poco::JSON::Object::Ptr syncLink(const sync::Publisher& publisher, const sync::Downlink* downlink = nullptr);

// The outbox alarms, for ApiContext::alarms.
std::vector<std::string> syncAlarms(api::ApiContext& ctx);

}  // namespace outpost::app
