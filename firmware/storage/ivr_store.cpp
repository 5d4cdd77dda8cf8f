#include "storage/ivr_store.h"

#include <functional>

namespace outpost::storage {

Status saveIvrSession(Database& db, const IvrSessionRow& r) {
  auto q = db.query(
      "INSERT INTO ivr_sessions (id, flow_id, flow_version, channel, caller_id, language, state, node, "
      "intent, intent_confidence, path, slots, csat, contact_id, started_at, updated_at, ended_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT(id) DO UPDATE SET state = excluded.state, node = excluded.node, intent = excluded.intent, "
      "intent_confidence = excluded.intent_confidence, path = excluded.path, slots = excluded.slots, "
      "csat = excluded.csat, contact_id = excluded.contact_id, updated_at = excluded.updated_at, "
      "ended_at = excluded.ended_at");
  if (!q) return q.status();
  std::optional<int64_t> ended;
  if (r.ended_at) ended = toEpochMillis(*r.ended_at);
  std::optional<int64_t> csat;
  if (r.csat) csat = *r.csat;
  q->bind(1, r.id).bind(2, r.flow_id).bind(3, r.flow_version).bind(4, r.channel).bind(5, r.caller_id);
  q->bind(6, r.language).bind(7, r.state).bind(8, r.node).bind(9, r.intent).bind(10, r.intent_confidence);
  q->bind(11, r.path_json).bind(12, r.slots_json).bind(13, csat).bind(14, r.contact_id);
  q->bind(15, toEpochMillis(r.started_at)).bind(16, toEpochMillis(r.updated_at)).bind(17, ended);
  return q->exec();
}

Status insertIvrStep(Database& db, const IvrStepRow& r) {
  auto q = db.query(
      "INSERT INTO ivr_steps (session_id, seq, at, node, event, input_kind, input, say, state) "
      "VALUES (?,?,?,?,?,?,?,?,?)");
  if (!q) return q.status();
  q->bind(1, r.session_id).bind(2, r.seq).bind(3, toEpochMillis(r.at)).bind(4, r.node).bind(5, r.event);
  q->bind(6, r.input_kind).bind(7, r.input).bind(8, r.say_json).bind(9, r.state);
  return q->exec();
}

Result<std::optional<IvrSessionRow>> findIvrSession(Database& db, const std::string& id) {
  auto q = db.query(
      "SELECT id, flow_id, flow_version, channel, caller_id, language, state, node, intent, intent_confidence, "
      "path, slots, csat, contact_id, started_at, updated_at, ended_at FROM ivr_sessions WHERE id = ?");
  if (!q) return q.status();
  q->bind(1, id);
  auto row = q->step();
  if (!row) return row.status();
  if (!*row) return std::optional<IvrSessionRow>();
  IvrSessionRow r;
  r.id = q->columnText(0);
  r.flow_id = q->columnText(1);
  r.flow_version = static_cast<int>(q->columnInt(2));
  r.channel = q->columnText(3);
  r.caller_id = q->columnText(4);
  r.language = q->columnText(5);
  r.state = q->columnText(6);
  r.node = q->columnText(7);
  r.intent = q->columnText(8);
  r.intent_confidence = q->columnDouble(9);
  r.path_json = q->columnText(10);
  r.slots_json = q->columnText(11);
  if (auto c = q->columnOptInt(12)) r.csat = static_cast<int>(*c);
  r.contact_id = q->columnOptText(13);
  r.started_at = fromEpochMillis(q->columnInt(14));
  r.updated_at = fromEpochMillis(q->columnInt(15));
  if (auto e = q->columnOptInt(16)) r.ended_at = fromEpochMillis(*e);
  return std::optional<IvrSessionRow>(std::move(r));
}

Result<std::vector<IvrStepRow>> ivrSteps(Database& db, const std::string& session_id) {
  auto q = db.query(
      "SELECT session_id, seq, at, node, event, input_kind, input, say, state FROM ivr_steps WHERE session_id = ? "
      "ORDER BY seq");
  if (!q) return q.status();
  q->bind(1, session_id);
  std::vector<IvrStepRow> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    IvrStepRow r;
    r.session_id = q->columnText(0);
    r.seq = static_cast<int>(q->columnInt(1));
    r.at = fromEpochMillis(q->columnInt(2));
    r.node = q->columnText(3);
    r.event = q->columnText(4);
    r.input_kind = q->columnText(5);
    r.input = q->columnText(6);
    r.say_json = q->columnText(7);
    r.state = q->columnText(8);
    out.push_back(std::move(r));
  }));
  return out;
}


Result<int> endLiveIvrSessions(Database& db, WallTime now) {
  auto count = db.query("SELECT COUNT(*) FROM ivr_sessions WHERE state = 'active'");
  if (!count) return count.status();
  auto row = count->step();
  if (!row) return row.status();
  const int n = *row ? static_cast<int>(count->columnInt(0)) : 0;
  if (n == 0) return 0;
  auto q = db.query("UPDATE ivr_sessions SET state = 'expired', ended_at = ?, updated_at = ? WHERE state = 'active'");
  if (!q) return q.status();
  q->bind(1, toEpochMillis(now)).bind(2, toEpochMillis(now));
  OUTPOST_RETURN_IF_ERROR(q->exec());
  return n;
}

namespace {

// Every figure; with a window, over sessions that ended in it and steps taken in it.
Result<IvrMetrics> metricsOver(Database& db, std::optional<std::pair<WallTime, WallTime>> window) {
  IvrMetrics m;
  const std::string ended = window ? " AND ended_at >= ?1 AND ended_at < ?2" : "";
  const std::string at = window ? " AND at >= ?1 AND at < ?2" : "";
  auto each = [&](const std::string& sql, const std::function<void(Query&)>& fn) -> Status {
    auto q = db.query(sql);
    if (!q) return q.status();
    if (window) q->bind(1, toEpochMillis(window->first)).bind(2, toEpochMillis(window->second));
    return q->forEachRow([&] { fn(*q); });
  };
  OUTPOST_RETURN_IF_ERROR(each("SELECT state, COUNT(*) FROM ivr_sessions WHERE 1" + ended + " GROUP BY state",
                               [&](Query& q) {
                                 m.by_state[q.columnText(0)] = q.columnInt(1);
                                 m.sessions += q.columnInt(1);
                               }));
  OUTPOST_RETURN_IF_ERROR(each(
      "SELECT intent, COUNT(*) FROM ivr_sessions WHERE state = 'transferred'" + ended + " GROUP BY intent",
      [&](Query& q) { m.transfers_by_intent[q.columnText(0)] = q.columnInt(1); }));
  OUTPOST_RETURN_IF_ERROR(each(
      "SELECT node, event, COUNT(*) FROM ivr_steps WHERE event IN ('no_input', 'no_match')" + at +
          " GROUP BY node, event",
      [&](Query& q) {
        auto& e = m.node_events[q.columnText(0)];
        (q.columnText(1) == "no_input" ? e.first : e.second) = q.columnInt(2);
      }));
  OUTPOST_RETURN_IF_ERROR(each(
      "SELECT MIN(CAST(intent_confidence * 10 AS INTEGER), 9), COUNT(*) FROM ivr_sessions WHERE intent != ''" +
          ended + " GROUP BY 1",
      [&](Query& q) {
        const auto b = q.columnInt(0);
        if (b >= 0 && b < 10) m.confidence_histogram[static_cast<size_t>(b)] = q.columnInt(1);
      }));
  return m;
}

}  // namespace

Result<IvrMetrics> ivrMetrics(Database& db) { return metricsOver(db, std::nullopt); }

Result<IvrMetrics> ivrMetrics(Database& db, WallTime from, WallTime to) {
  return metricsOver(db, std::make_pair(from, to));
}

}  // namespace outpost::storage
