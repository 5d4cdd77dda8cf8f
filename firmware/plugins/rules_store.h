#pragma once

// Installed rule bundles in SQLite (migration 7, "rule bundles"): every version kept
// with its signed files, and which one is active and which is the previous. At
// start-up the stored bundles are verified again (signature, site, API, expiry,
// digests) before they run.
//
// Thread-safety: functions on the caller's Database (the writer's for saves).

#include <map>
#include <optional>
#include <string>

#include "core/status.h"
#include "plugins/bundle.h"
#include "plugins/keyset.h"
#include "storage/database.h"

namespace outpost::plugins {

// Stores the bundle (if not stored yet) and makes (active, previous) the active pair,
// with an audit row; one transaction when run as a writer job.
Status saveActivation(storage::Database& db, const Bundle& active, const Bundle* previous, WallTime at,
                      const std::string& actor, const std::string& action, const std::string& address);

// A failed trial: `active` (null: none, the built-in behaviour) becomes the active
// bundle and `reverted` the previous, with an audit row "trial_revert" by outpostd and
// an outbox record "rules.reverted" carrying the reason.
Status saveTrialRevert(storage::Database& db, const Bundle* active, const Bundle& reverted, WallTime at,
                       const std::string& reason);

// Stores a verified key set with an audit row "rotate_keys".
Status saveKeySet(storage::Database& db, const KeySet& set, WallTime at, const std::string& actor,
                  const std::string& address);
// The stored key sets (manifest, signature), in version order.
Result<std::vector<std::pair<std::string, std::string>>> loadKeySets(storage::Database& db);

struct StoredRules {
  std::optional<std::map<std::string, std::string>> active;    // path → bytes
  std::optional<std::map<std::string, std::string>> previous;
};
Result<StoredRules> loadStoredRules(storage::Database& db);

}  // namespace outpost::plugins
