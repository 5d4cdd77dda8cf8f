#include "storage/contact_store.h"

#include "codec/routing_codec.h"

namespace outpost::storage {
namespace {

constexpr const char* kColumns =
    "id, queue, channel, language, segment, value, priority, intent, intent_confidence, skills, ivr_path, "
    "attributes, state, agent_id, arrived_at, offered_at, answered_at, ended_at, offers, wrap_up, decision";

std::optional<int64_t> millis(const std::optional<WallTime>& t) {
  return t ? std::optional<int64_t>(toEpochMillis(*t)) : std::nullopt;
}

std::optional<WallTime> time(const Query& q, int col) {
  auto v = q.columnOptInt(col);
  return v ? std::optional<WallTime>(fromEpochMillis(*v)) : std::nullopt;
}

Result<routing::ContactState> parseState(const std::string& s) {
  for (auto st : {routing::ContactState::kQueued, routing::ContactState::kOffered, routing::ContactState::kConnected,
                  routing::ContactState::kWrapUp, routing::ContactState::kCompleted, routing::ContactState::kAbandoned,
                  routing::ContactState::kCancelled}) {
    if (routing::contactStateName(st) == s) return st;
  }
  return Status::dataLoss("unknown contact state \"" + s + "\" in the database");
}

Result<ContactRecord> readContact(const Query& q) {
  ContactRecord r;
  auto& c = r.contact;
  routing::ContactSpec s;
  s.id = q.columnText(0);
  s.queue = q.columnText(1);
  auto channel = site::parseChannel(q.columnText(2));
  if (!channel) return Status::dataLoss("contact " + s.id + ": bad channel");
  s.channel = *channel;
  s.language = q.columnText(3);
  s.segment = q.columnText(4);
  s.value = q.columnDouble(5);
  s.priority = static_cast<int>(q.columnInt(6));
  s.intent = q.columnText(7);
  s.intent_confidence = q.columnDouble(8);
  auto skills = codec::decodeSkillRequirements(q.columnText(9));
  if (!skills) return skills.status();
  s.skills = std::move(*skills);
  auto path = codec::decodeStrings(q.columnText(10));
  if (!path) return path.status();
  s.ivr_path = std::move(*path);
  s.attributes_json = q.columnText(11);
  auto state = parseState(q.columnText(12));
  if (!state) return state.status();
  c.state = *state;
  c.agent_id = q.columnOptText(13);
  s.arrived_at = fromEpochMillis(q.columnInt(14));
  c.offered_at = time(q, 15);
  c.answered_at = time(q, 16);
  c.ended_at = time(q, 17);
  c.offers = static_cast<int>(q.columnInt(18));
  if (auto w = q.columnOptText(19)) {
    auto wrap = codec::decodeWrapUp(*w);
    if (!wrap) return wrap.status();
    c.wrap_up = std::move(*wrap);
  }
  r.decision_json = q.columnOptText(20);
  c.spec = std::make_shared<const routing::ContactSpec>(std::move(s));
  return r;
}

std::optional<std::string> wrapUpJson(const routing::ContactView& c) {
  return c.wrap_up ? std::optional<std::string>(codec::toJson(codec::encode(*c.wrap_up))) : std::nullopt;
}

}  // namespace

Status insertContact(Database& db, const routing::ContactView& c, WallTime now) {
  const auto& s = *c.spec;
  auto q = db.query(
      "INSERT INTO contacts (id, queue, channel, language, segment, value, priority, intent, intent_confidence, "
      "skills, ivr_path, attributes, state, agent_id, arrived_at, offered_at, answered_at, ended_at, offers, "
      "wrap_up, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, "
      "?19, ?20, ?21)");
  if (!q) return q.status();
  return q->bind(1, s.id).bind(2, s.queue).bind(3, site::channelName(s.channel)).bind(4, s.language)
      .bind(5, s.segment).bind(6, s.value).bind(7, s.priority).bind(8, s.intent).bind(9, s.intent_confidence)
      .bind(10, codec::toJson(codec::encodeSkillRequirements(s.skills)))
      .bind(11, codec::toJson(codec::encodeStrings(s.ivr_path))).bind(12, s.attributes_json)
      .bind(13, routing::contactStateName(c.state)).bind(14, c.agent_id).bind(15, toEpochMillis(s.arrived_at))
      .bind(16, millis(c.offered_at)).bind(17, millis(c.answered_at)).bind(18, millis(c.ended_at))
      .bind(19, c.offers).bind(20, wrapUpJson(c)).bind(21, toEpochMillis(now))
      .exec();
}

Status updateContact(Database& db, const routing::ContactView& c, WallTime now) {
  auto q = db.query(
      "UPDATE contacts SET state = ?2, agent_id = ?3, offered_at = ?4, answered_at = ?5, ended_at = ?6, "
      "offers = ?7, wrap_up = ?8, updated_at = ?9 WHERE id = ?1");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, c.spec->id).bind(2, routing::contactStateName(c.state)).bind(3, c.agent_id)
                              .bind(4, millis(c.offered_at)).bind(5, millis(c.answered_at))
                              .bind(6, millis(c.ended_at)).bind(7, c.offers).bind(8, wrapUpJson(c))
                              .bind(9, toEpochMillis(now)).exec());
  return db.changes() == 0 ? Status::notFound("no contact \"" + c.spec->id + "\"") : Status::ok();
}

Status setContactDecision(Database& db, const std::string& contact_id, const std::string& decision_json) {
  auto q = db.query("UPDATE contacts SET decision = ?2 WHERE id = ?1");
  if (!q) return q.status();
  return q->bind(1, contact_id).bind(2, decision_json).exec();
}

Status appendContactEvent(Database& db, const std::string& contact_id, WallTime at, std::string_view kind,
                          const std::optional<std::string>& agent_id, const std::optional<std::string>& detail_json) {
  auto q = db.query("INSERT INTO contact_events (contact_id, at, kind, agent_id, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!q) return q.status();
  return q->bind(1, contact_id).bind(2, toEpochMillis(at)).bind(3, kind).bind(4, agent_id).bind(5, detail_json)
      .exec();
}

Result<std::optional<ContactRecord>> findContact(Database& db, const std::string& contact_id) {
  auto q = db.query(std::string("SELECT ") + kColumns + " FROM contacts WHERE id = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, contact_id).step();
  if (!row) return row.status();
  if (!*row) return std::optional<ContactRecord>{};
  auto rec = readContact(*q);
  if (!rec) return rec.status();
  return std::optional<ContactRecord>{std::move(*rec)};
}

Result<int64_t> countLiveContacts(Database& db, std::string_view column, const std::string& value) {
  // `column` is one of two constants, never input.
  const char* sql = column == "queue"
                        ? "SELECT count(*) FROM contacts WHERE queue = ?1 AND "
                          "state IN ('queued','offered','connected','wrap_up')"
                        : "SELECT count(*) FROM contacts WHERE agent_id = ?1 AND "
                          "state IN ('queued','offered','connected','wrap_up')";
  auto q = db.query(sql);
  if (!q) return q.status();
  auto row = q->bind(1, value).step();
  if (!row) return row.status();
  return q->columnInt(0);
}

Result<std::vector<routing::ContactView>> loadLiveContacts(Database& db) {
  auto q = db.query(std::string("SELECT ") + kColumns +
                    " FROM contacts WHERE state IN ('queued','offered','connected','wrap_up') ORDER BY arrived_at");
  if (!q) return q.status();
  std::vector<routing::ContactView> out;
  for (;;) {
    auto row = q->step();
    if (!row) return row.status();
    if (!*row) break;
    auto rec = readContact(*q);
    if (!rec) return rec.status();
    out.push_back(std::move(rec->contact));
  }
  return out;
}

Result<std::vector<ContactEventRecord>> contactHistory(Database& db, const std::string& contact_id) {
  auto q = db.query("SELECT id, at, kind, agent_id, detail FROM contact_events WHERE contact_id = ?1 ORDER BY id");
  if (!q) return q.status();
  q->bind(1, contact_id);
  std::vector<ContactEventRecord> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(ContactEventRecord{q->columnInt(0), fromEpochMillis(q->columnInt(1)), q->columnText(2),
                                     q->columnOptText(3), q->columnOptText(4)});
  }));
  return out;
}

}  // namespace outpost::storage
