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
#include "sync/publisher.h"

namespace outpost::app {

// Writes sync.site_id/enabled and the quotas into the outbox settings (before the
// writer starts). `site_code` is the directory's, used when sync.site_id is empty.
Status configureSync(const Config& config, storage::Database& db, const std::string& site_code,
                     std::string& site_id_out);

// The publisher (nullptr when sync.enabled is false). Not started.
std::unique_ptr<sync::Publisher> makePublisher(const Config& config, storage::Writer& writer,
                                               const std::string& db_path, const Clock& clock,
                                               const std::string& site_id);

// The publisher's link state for GET /api/v1/sync (ApiContext::sync_link).
Poco::JSON::Object::Ptr syncLink(const sync::Publisher& publisher);

// The outbox alarms, for ApiContext::alarms.
std::vector<std::string> syncAlarms(api::ApiContext& ctx);

}  // namespace outpost::app
