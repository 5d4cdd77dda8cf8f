#include "hub/hub_store.h"

namespace outpost::hub {
namespace {

constexpr std::string_view kV1Hub = R"sql(
CREATE TABLE sites (
  site_id TEXT PRIMARY KEY,
  hwm INTEGER NOT NULL DEFAULT 0,
  head INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER NOT NULL DEFAULT 0,
  records INTEGER NOT NULL DEFAULT 0,
  duplicates INTEGER NOT NULL DEFAULT 0,
  conflicts INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT '',
  status_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE records (
  site_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  event_time INTEGER NOT NULL,     -- when it happened at the site
  stored_at INTEGER NOT NULL,      -- when the hub committed it
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  class TEXT NOT NULL,
  payload TEXT NOT NULL,
  PRIMARY KEY (site_id, seq)) WITHOUT ROWID;
CREATE TABLE conflicts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  site_id TEXT NOT NULL, seq INTEGER NOT NULL, uuid TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  event_time INTEGER NOT NULL, type TEXT NOT NULL, schema_version INTEGER NOT NULL, class TEXT NOT NULL,
  payload TEXT NOT NULL,
  reason TEXT NOT NULL);
CREATE TABLE rejects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL, topic TEXT NOT NULL, site_id TEXT NOT NULL, reason TEXT NOT NULL);
)sql";

// The downlink (hub_downlink.h): payloads by SHA-256, what each site should run, and
// which files each package lists (a site may fetch only files of its own packages).
constexpr std::string_view kV2Downlink = R"sql(
CREATE TABLE blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  data BLOB NOT NULL);
CREATE TABLE site_packages (
  site_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  package_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,            -- of manifest
  manifest TEXT NOT NULL,          -- manifest.json, exact text
  signature TEXT NOT NULL,         -- manifest.sig, exact text
  published_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, kind, package_id));
CREATE TABLE package_files (
  manifest_sha256 TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  PRIMARY KEY (manifest_sha256, file_sha256)) WITHOUT ROWID;
CREATE TABLE site_manifests (
  site_id TEXT PRIMARY KEY,
  serial INTEGER NOT NULL);
)sql";

// outpost-hub sites: each site's latest downlink.* record of a type (hub_downlink.h).
constexpr std::string_view kV3RecordsByType = R"sql(
CREATE INDEX records_by_type ON records(site_id, type, seq);
)sql";

constexpr storage::Migration kMigrations[] = {{1, "hub records", kV1Hub}, {2, "hub downlink", kV2Downlink},
                                              {3, "records by type", kV3RecordsByType}};

Status ensureSite(storage::Database& db, const std::string& site) {
  auto q = db.query("INSERT OR IGNORE INTO sites (site_id) VALUES (?1)");
  if (!q) return q.status();
  return q->bind(1, site).exec();
}

Status addConflict(storage::Database& db, const std::string& site, const sync::WireRecord& r, WallTime now,
                   const std::string& reason) {
  auto q = db.query(
      "INSERT INTO conflicts (site_id, seq, uuid, received_at, event_time, type, schema_version, class, payload, reason) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!q) return q.status();
  return q->bind(1, site).bind(2, r.seq).bind(3, r.uuid).bind(4, toEpochMillis(now)).bind(5, r.event_time)
      .bind(6, r.type).bind(7, r.schema_version).bind(8, r.record_class).bind(9, r.payload).bind(10, reason).exec();
}

struct Existing {
  std::string site;
  int64_t seq = 0;
  std::string uuid;
  int64_t event_time = 0;
  std::string type;
  int schema = 0;
  std::string cls;
  std::string payload;
  bool same(const std::string& s, const sync::WireRecord& r) const {
    return site == s && seq == r.seq && uuid == r.uuid && event_time == r.event_time && type == r.type &&
           schema == r.schema_version && cls == r.record_class && payload == r.payload;
  }
};

Result<std::optional<Existing>> findRecord(storage::Database& db, std::string_view sql, const std::string& a,
                                           std::optional<int64_t> b) {
  auto q = db.query(sql);
  if (!q) return q.status();
  q->bind(1, a);
  if (b) q->bind(2, *b);
  auto row = q->step();
  if (!row) return row.status();
  if (!*row) return std::optional<Existing>{};
  return std::optional<Existing>{Existing{q->columnText(0), q->columnInt(1), q->columnText(2), q->columnInt(3),
                                          q->columnText(4), static_cast<int>(q->columnInt(5)), q->columnText(6),
                                          q->columnText(7)}};
}

constexpr std::string_view kBySeq =
    "SELECT site_id, seq, uuid, event_time, type, schema_version, class, payload FROM records "
    "WHERE site_id = ?1 AND seq = ?2";
constexpr std::string_view kByUuid =
    "SELECT site_id, seq, uuid, event_time, type, schema_version, class, payload FROM records WHERE uuid = ?1";

Result<CommitOutcome> commitInTransaction(storage::Database& db, const sync::WireBatch& batch, WallTime now) {
  CommitOutcome out;
  const std::string& site = batch.site;
  OUTPOST_RETURN_IF_ERROR(ensureSite(db, site));
  for (const auto& r : batch.records) {
    auto at_seq = findRecord(db, kBySeq, site, r.seq);
    if (!at_seq) return at_seq.status();
    if (at_seq->has_value()) {
      if ((*at_seq)->same(site, r)) {
        ++out.duplicates;
      } else {
        const std::string reason = "seq " + std::to_string(r.seq) + " of site " + site + " already holds record " +
                                   (*at_seq)->uuid + ((*at_seq)->uuid == r.uuid ? " with other content" : "");
        OUTPOST_RETURN_IF_ERROR(addConflict(db, site, r, now, reason));
        ++out.conflicts;
        out.conflict_reasons.push_back(reason);
      }
      continue;
    }
    auto by_uuid = findRecord(db, kByUuid, r.uuid, std::nullopt);
    if (!by_uuid) return by_uuid.status();
    if (by_uuid->has_value()) {
      const std::string reason = "record " + r.uuid + " is already stored as seq " + std::to_string((*by_uuid)->seq) +
                                 " of site " + (*by_uuid)->site;
      OUTPOST_RETURN_IF_ERROR(addConflict(db, site, r, now, reason));
      ++out.conflicts;
      out.conflict_reasons.push_back(reason);
      continue;
    }
    auto ins = db.query(
        "INSERT INTO records (site_id, seq, uuid, event_time, stored_at, type, schema_version, class, payload) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!ins) return ins.status();
    OUTPOST_RETURN_IF_ERROR(ins->bind(1, site).bind(2, r.seq).bind(3, r.uuid).bind(4, r.event_time)
                                .bind(5, toEpochMillis(now)).bind(6, r.type).bind(7, r.schema_version)
                                .bind(8, r.record_class).bind(9, r.payload).exec());
    ++out.stored;
  }
  // Advance the contiguous mark.
  int64_t hwm = 0;
  {
    auto q = db.query("SELECT hwm FROM sites WHERE site_id = ?1");
    if (!q) return q.status();
    auto row = q->bind(1, site).step();
    if (!row) return row.status();
    hwm = *row ? q->columnInt(0) : 0;
  }
  for (;;) {
    auto q = db.query("SELECT 1 FROM records WHERE site_id = ?1 AND seq = ?2");
    if (!q) return q.status();
    auto row = q->bind(1, site).bind(2, hwm + 1).step();
    if (!row) return row.status();
    if (!*row) break;
    ++hwm;
  }
  out.hwm = hwm;
  auto u = db.query(
      "UPDATE sites SET hwm = ?2, head = max(head, ?3), last_seen = ?4, records = records + ?5, "
      "duplicates = duplicates + ?6, conflicts = conflicts + ?7 WHERE site_id = ?1");
  if (!u) return u.status();
  OUTPOST_RETURN_IF_ERROR(u->bind(1, site).bind(2, hwm).bind(3, batch.head).bind(4, toEpochMillis(now))
                              .bind(5, out.stored).bind(6, out.duplicates).bind(7, out.conflicts).exec());
  return out;
}

}  // namespace

std::span<const storage::Migration> hubMigrations() { return kMigrations; }

Result<CommitOutcome> commitBatch(storage::Database& db, const sync::WireBatch& batch, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto out = commitInTransaction(db, batch, now);
  Status st = out ? db.exec("COMMIT") : out.status();
  if (!st) {
    if (sqlite3_get_autocommit(db.handle()) == 0) (void)db.exec("ROLLBACK");
    return st;
  }
  return out;
}

Status recordReject(storage::Database& db, const std::string& topic, const std::string& site, const std::string& reason,
                    WallTime now) {
  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    auto q = db.query("INSERT INTO rejects (at, topic, site_id, reason) VALUES (?1, ?2, ?3, ?4)");
    if (!q) return q.status();
    OUTPOST_RETURN_IF_ERROR(q->bind(1, toEpochMillis(now)).bind(2, topic).bind(3, site).bind(4, reason).exec());
    if (site.empty()) return Status::ok();
    OUTPOST_RETURN_IF_ERROR(ensureSite(db, site));
    auto u = db.query("UPDATE sites SET rejected = rejected + 1 WHERE site_id = ?1");
    if (!u) return u.status();
    return u->bind(1, site).exec();
  };
  Status st = body();
  if (st) st = db.exec("COMMIT");
  if (!st && sqlite3_get_autocommit(db.handle()) == 0) (void)db.exec("ROLLBACK");
  return st;
}

Status recordStatus(storage::Database& db, const std::string& site, const std::string& state, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(ensureSite(db, site));
  auto u = db.query("UPDATE sites SET status = ?2, status_at = ?3 WHERE site_id = ?1");
  if (!u) return u.status();
  return u->bind(1, site).bind(2, state).bind(3, toEpochMillis(now)).exec();
}

Result<std::vector<SiteRow>> listSites(storage::Database& db) {
  auto q = db.query(
      "SELECT site_id, hwm, head, last_seen, records, duplicates, conflicts, rejected, status FROM sites "
      "ORDER BY site_id");
  if (!q) return q.status();
  std::vector<SiteRow> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    SiteRow s{q->columnText(0), q->columnInt(1), q->columnInt(2), 0,
              q->columnInt(3), q->columnInt(4), q->columnInt(5), q->columnInt(6),
              q->columnInt(7), q->columnText(8)};
    s.backlog = std::max<int64_t>(0, s.head - s.hwm);
    out.push_back(std::move(s));
  }));
  return out;
}

}  // namespace outpost::hub
