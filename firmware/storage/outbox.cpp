#include "storage/outbox.h"

#include <mutex>
#include <random>

namespace outpost::storage {
namespace {

struct ClassRow {
  int64_t max_bytes = 0;
  std::string policy = "never_drop";
  int64_t bytes = 0;
};

Result<ClassRow> classRow(Database& db, std::string_view cls) {
  {
    auto ins = db.query("INSERT OR IGNORE INTO outbox_classes (class) VALUES (?1)");
    if (!ins) return ins.status();
    OUTPOST_RETURN_IF_ERROR(ins->bind(1, cls).exec());
  }
  auto q = db.query("SELECT max_bytes, policy, bytes FROM outbox_classes WHERE class = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, cls).step();
  if (!row) return row.status();
  if (!*row) return Status::internal("outbox class row vanished");
  return ClassRow{q->columnInt(0), q->columnText(1), q->columnInt(2)};
}

}  // namespace

std::string_view quotaPolicyName(QuotaPolicy p) { return p == QuotaPolicy::kThin ? "thin" : "never_drop"; }

std::vector<std::string> OutboxStatus::alarms() const {
  std::vector<std::string> out;
  for (const auto& c : classes) {
    if (c.over_quota) out.push_back(c.record_class);
  }
  return out;
}

std::string newUuid() {
  static std::mutex mu;
  static std::mt19937_64 rng{[] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }()};
  uint64_t hi = 0;
  uint64_t lo = 0;
  {
    std::lock_guard lock(mu);
    hi = rng();
    lo = rng();
  }
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    const uint64_t word = i < 8 ? hi : lo;
    const int shift = (7 - (i % 8)) * 8;
    const auto byte = static_cast<unsigned>((word >> shift) & 0xFF);
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += kHex[byte >> 4];
    s += kHex[byte & 0xF];
  }
  return s;
}

Status configureOutbox(Database& db, const std::string& site_id, bool enabled, const std::vector<ClassQuota>& quotas) {
  auto q = db.query(
      "INSERT INTO outbox_state (id, site_id, enabled) VALUES (1, ?1, ?2) "
      "ON CONFLICT(id) DO UPDATE SET site_id = excluded.site_id, enabled = excluded.enabled");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, site_id).bind(2, enabled ? 1 : 0).exec());
  for (const auto& c : quotas) {
    auto u = db.query(
        "INSERT INTO outbox_classes (class, max_bytes, policy) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(class) DO UPDATE SET max_bytes = excluded.max_bytes, policy = excluded.policy, "
        "over_quota = (excluded.max_bytes > 0 AND bytes > excluded.max_bytes AND excluded.policy = 'never_drop')");
    if (!u) return u.status();
    OUTPOST_RETURN_IF_ERROR(u->bind(1, c.record_class).bind(2, c.max_bytes).bind(3, quotaPolicyName(c.policy)).exec());
  }
  return Status::ok();
}

Status appendOutbox(Database& db, const OutboxEntry& e) {
  std::string site_id;
  int64_t seq = 0;
  {
    auto q = db.query("SELECT site_id, enabled, last_seq FROM outbox_state WHERE id = 1");
    if (!q) return q.status();
    auto row = q->step();
    if (!row) return row.status();
    if (!*row || q->columnInt(1) == 0) return Status::ok();  // sync disabled
    site_id = q->columnText(0);
    seq = q->columnInt(2) + 1;
  }
  const auto size = static_cast<int64_t>(e.payload.size() + e.type.size());
  auto cls = classRow(db, e.record_class);
  if (!cls) return cls.status();
  const bool full = cls->max_bytes > 0 && cls->bytes + size > cls->max_bytes;
  if (full && cls->policy == "thin") {
    auto d = db.query("UPDATE outbox_classes SET dropped = dropped + 1 WHERE class = ?1");
    if (!d) return d.status();
    return d->bind(1, e.record_class).exec();
  }
  {
    auto u = db.query("UPDATE outbox_state SET last_seq = ?1 WHERE id = 1");
    if (!u) return u.status();
    OUTPOST_RETURN_IF_ERROR(u->bind(1, seq).exec());
  }
  {
    auto ins = db.query(
        "INSERT INTO outbox (seq, site_id, uuid, event_time, type, schema_version, payload, class, bytes) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!ins) return ins.status();
    OUTPOST_RETURN_IF_ERROR(ins->bind(1, seq).bind(2, site_id).bind(3, newUuid()).bind(4, toEpochMillis(e.event_time))
                                .bind(5, e.type).bind(6, e.schema_version).bind(7, e.payload)
                                .bind(8, e.record_class).bind(9, size).exec());
  }
  auto c = db.query(
      "UPDATE outbox_classes SET bytes = bytes + ?2, appended = appended + 1, "
      "over_quota = over_quota OR ?3 WHERE class = ?1");
  if (!c) return c.status();
  return c->bind(1, e.record_class).bind(2, size).bind(3, full ? 1 : 0).exec();
}

Result<std::vector<OutboxRecord>> readOutbox(Database& db, int64_t after_seq, int limit) {
  auto q = db.query(
      "SELECT seq, site_id, uuid, event_time, type, schema_version, payload, class, state FROM outbox "
      "WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!q) return q.status();
  q->bind(1, after_seq).bind(2, limit);
  std::vector<OutboxRecord> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(OutboxRecord{q->columnInt(0), q->columnText(1), q->columnText(2), fromEpochMillis(q->columnInt(3)),
                               q->columnText(4), static_cast<int>(q->columnInt(5)), q->columnText(6),
                               q->columnText(7), q->columnText(8)});
  }));
  return out;
}

Status markOutboxSent(Database& db, int64_t first_seq, int64_t last_seq) {
  auto c = db.query(
      "UPDATE outbox_classes SET published = published + "
      "(SELECT count(*) FROM outbox o WHERE o.class = outbox_classes.class AND o.seq BETWEEN ?1 AND ?2 "
      " AND o.state = 'pending')");
  if (!c) return c.status();
  OUTPOST_RETURN_IF_ERROR(c->bind(1, first_seq).bind(2, last_seq).exec());
  auto q = db.query("UPDATE outbox SET state = 'sent' WHERE seq BETWEEN ?1 AND ?2 AND state = 'pending'");
  if (!q) return q.status();
  return q->bind(1, first_seq).bind(2, last_seq).exec();
}

Result<int64_t> confirmOutbox(Database& db, int64_t hwm) {
  int64_t last = 0;
  int64_t confirmed = 0;
  {
    auto q = db.query("SELECT last_seq, confirmed_seq FROM outbox_state WHERE id = 1");
    if (!q) return q.status();
    auto row = q->step();
    if (!row) return row.status();
    if (!*row) return static_cast<int64_t>(0);
    last = q->columnInt(0);
    confirmed = q->columnInt(1);
  }
  const int64_t upto = std::min(hwm, last);
  if (upto <= confirmed) return confirmed;
  {
    auto c = db.query(
        "UPDATE outbox_classes SET "
        "confirmed = confirmed + (SELECT count(*) FROM outbox o WHERE o.class = outbox_classes.class AND o.seq <= ?1), "
        "published = published + (SELECT count(*) FROM outbox o WHERE o.class = outbox_classes.class AND o.seq <= ?1 "
        "  AND o.state = 'pending'), "
        "bytes = bytes - (SELECT coalesce(sum(bytes), 0) FROM outbox o WHERE o.class = outbox_classes.class "
        "  AND o.seq <= ?1)");
    if (!c) return c.status();
    OUTPOST_RETURN_IF_ERROR(c->bind(1, upto).exec());
  }
  OUTPOST_RETURN_IF_ERROR(db.exec(
      "UPDATE outbox_classes SET over_quota = 0 WHERE over_quota = 1 AND (max_bytes = 0 OR bytes <= max_bytes)"));
  {
    auto d = db.query("DELETE FROM outbox WHERE seq <= ?1");
    if (!d) return d.status();
    OUTPOST_RETURN_IF_ERROR(d->bind(1, upto).exec());
  }
  auto u = db.query("UPDATE outbox_state SET confirmed_seq = ?1 WHERE id = 1");
  if (!u) return u.status();
  OUTPOST_RETURN_IF_ERROR(u->bind(1, upto).exec());
  return upto;
}

Result<std::vector<std::string>> outboxAlarms(Database& db) {
  auto q = db.query("SELECT class FROM outbox_classes WHERE over_quota = 1 ORDER BY class");
  if (!q) return q.status();
  std::vector<std::string> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(q->columnText(0));
  }));
  return out;
}

Result<OutboxStatus> outboxStatus(Database& db) {
  OutboxStatus st;
  {
    auto q = db.query("SELECT site_id, enabled, last_seq, confirmed_seq FROM outbox_state WHERE id = 1");
    if (!q) return q.status();
    auto row = q->step();
    if (!row) return row.status();
    if (*row) {
      st.configured = true;
      st.site_id = q->columnText(0);
      st.enabled = q->columnInt(1) != 0;
      st.last_seq = q->columnInt(2);
      st.confirmed_seq = q->columnInt(3);
    }
  }
  auto q = db.query(
      "SELECT c.class, c.max_bytes, c.policy, c.bytes, c.appended, c.dropped, c.published, c.confirmed, c.over_quota, "
      "(SELECT count(*) FROM outbox o WHERE o.class = c.class AND o.state = 'pending'), "
      "(SELECT count(*) FROM outbox o WHERE o.class = c.class AND o.state = 'sent') "
      "FROM outbox_classes c ORDER BY c.class");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    ClassCounters c;
    c.record_class = q->columnText(0);
    c.max_bytes = q->columnInt(1);
    c.policy = q->columnText(2);
    c.bytes = q->columnInt(3);
    c.appended = q->columnInt(4);
    c.dropped = q->columnInt(5);
    c.published = q->columnInt(6);
    c.confirmed = q->columnInt(7);
    c.over_quota = q->columnInt(8) != 0;
    c.pending = q->columnInt(9);
    c.sent = q->columnInt(10);
    st.classes.push_back(std::move(c));
  }));
  return st;
}

}  // namespace outpost::storage
