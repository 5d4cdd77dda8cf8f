#pragma once

// The hub's SQLite store: every site's records, exactly once.
//
// - records: unique (site, seq) and unique uuid. A record seen again with the same
//   uuid, seq and content is a duplicate (counted, no change). Anything else that
//   collides — another uuid at a taken seq, the same uuid with other content or at
//   another seq — is a conflict: logged, kept in `conflicts`, never overwriting.
// - sites: per site the high-water mark (every seq 1..hwm is committed), the head
//   the site last reported, last-seen time and counters.
// - rejects: messages refused before anything was stored (reason, topic, time).
//
// A batch is committed in one transaction (synchronous=FULL) before its mark is
// published.
//
// Thread-safety: free functions over a Database (one thread at a time).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"
#include "storage/migrations.h"
#include "sync/wire.h"

namespace outpost::hub {

std::span<const storage::Migration> hubMigrations();

struct CommitOutcome {
  int stored = 0;
  int duplicates = 0;
  int conflicts = 0;
  int64_t hwm = 0;
  std::vector<std::string> conflict_reasons;
};

Result<CommitOutcome> commitBatch(storage::Database& db, const sync::WireBatch& batch, WallTime now);
Status recordReject(storage::Database& db, const std::string& topic, const std::string& site, const std::string& reason,
                    WallTime now);
Status recordStatus(storage::Database& db, const std::string& site, const std::string& state, WallTime now);

struct SiteRow {
  std::string site;
  int64_t hwm = 0;
  int64_t head = 0;
  int64_t backlog = 0;  // head - hwm: records the site holds that the hub has not confirmed
  int64_t last_seen = 0;
  int64_t records = 0;
  int64_t duplicates = 0;
  int64_t conflicts = 0;
  int64_t rejected = 0;
  std::string status;
};
Result<std::vector<SiteRow>> listSites(storage::Database& db);

}  // namespace outpost::hub
