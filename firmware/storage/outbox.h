#pragma once

// The sync outbox: every record the cloud must see, written in the same SQLite
// transaction as the change it describes (docs/sync.md).
//
// Table access only; the publisher that drains it lives in firmware/sync.
//
// - outbox_state (one row): the site id, whether sync is on, the last sequence number
//   handed out (it only grows, across reboots, even after rows are deleted) and the
//   highest sequence the hub confirmed.
// - outbox: one row per record (site id, seq, UUID, event time, type, schema version,
//   payload JSON, class, state pending|sent, size in bytes).
// - outbox_classes: per class of record the quota, the policy when it is full and the
//   counters (appended, dropped, sent, confirmed, bytes held, over-quota alarm).
//
// While sync is disabled (no outbox_state row, or enabled = 0) appendOutbox() is a
// no-op, so an appliance without a cloud does not fill its disk.
//
// Sequence numbers have no gaps: a record that the quota policy drops ("thin") is
// never given a number, so the hub can compute a contiguous high-water mark.
//
// Thread-safety: free functions over a Database (see database.h).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

// Record classes and their default policy.
inline constexpr std::string_view kClassContact = "contact";      // lifecycle + routing decisions; never dropped
inline constexpr std::string_view kClassPresence = "presence";    // agent presence; never dropped
inline constexpr std::string_view kClassAudit = "audit";          // admin audit trail; never dropped
inline constexpr std::string_view kClassTelemetry = "telemetry";  // health and other samples; thinned when full

enum class QuotaPolicy { kNeverDrop, kThin };
std::string_view quotaPolicyName(QuotaPolicy p);

struct OutboxEntry {
  WallTime event_time;
  std::string type;        // e.g. "contact.offered", "presence.changed", "audit"
  int schema_version = 1;
  std::string payload;     // a JSON object (text)
  std::string_view record_class = kClassContact;
};

struct OutboxRecord {
  int64_t seq = 0;
  std::string site_id;
  std::string uuid;
  WallTime event_time;
  std::string type;
  int schema_version = 1;
  std::string payload;
  std::string record_class;
  std::string state;  // pending | sent
};

struct ClassQuota {
  std::string record_class;
  int64_t max_bytes = 0;  // 0 = unlimited
  QuotaPolicy policy = QuotaPolicy::kNeverDrop;
};

struct ClassCounters {
  std::string record_class;
  int64_t max_bytes = 0;
  std::string policy;
  int64_t bytes = 0;         // payload bytes held in the outbox now
  int64_t pending = 0;       // rows waiting to be published
  int64_t sent = 0;          // rows the broker acknowledged, not yet confirmed by the hub
  int64_t appended = 0;      // ever
  int64_t dropped = 0;       // ever (thinned by the quota policy)
  int64_t published = 0;     // ever (PUBACKs recorded)
  int64_t confirmed = 0;     // ever (confirmed by the hub and deleted)
  bool over_quota = false;   // a never-drop class is beyond its quota (alarm)
};

struct OutboxStatus {
  bool configured = false;
  bool enabled = false;
  std::string site_id;
  int64_t last_seq = 0;
  int64_t confirmed_seq = 0;
  std::vector<ClassCounters> classes;
  // The never-drop classes over their quota (for /readyz and the API).
  std::vector<std::string> alarms() const;
};

// Sets the site id, turns appending on or off and sets the quotas (start-up).
Status configureOutbox(Database& db, const std::string& site_id, bool enabled, const std::vector<ClassQuota>& quotas);

// Appends one record inside the caller's transaction. No-op while sync is disabled;
// thinned (counted, not stored) when a thin class is over quota; a never-drop class
// over quota is stored and raises the alarm.
Status appendOutbox(Database& db, const OutboxEntry& entry);

// Up to `limit` rows with seq > after_seq, in order.
Result<std::vector<OutboxRecord>> readOutbox(Database& db, int64_t after_seq, int limit);
// The broker acknowledged rows first..last.
Status markOutboxSent(Database& db, int64_t first_seq, int64_t last_seq);
// The hub committed everything up to `hwm`: those rows are deleted. Returns the
// confirmed sequence now in force (never beyond the last one handed out).
Result<int64_t> confirmOutbox(Database& db, int64_t hwm);

Result<OutboxStatus> outboxStatus(Database& db);
// Only the alarms (cheap; for /readyz): never-drop classes beyond their quota.
Result<std::vector<std::string>> outboxAlarms(Database& db);

// A random RFC 4122 version 4 UUID (used for outbox records).
std::string newUuid();

}  // namespace outpost::storage
