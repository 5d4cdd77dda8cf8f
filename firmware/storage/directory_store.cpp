#include "storage/directory_store.h"

#include <Poco/JSON/Object.h>

#include "codec/json.h"
#include "storage/outbox.h"

#include <array>

namespace outpost::storage {
namespace {

using site::Agent;
using site::NotReadyReason;
using site::Queue;
using site::Skill;
using site::SkillLevel;
using site::User;
using site::WrapUpCode;

// Languages are validated tags ("zh-CN", "en"); stored as a JSON array.
std::string encodeTags(const std::vector<std::string>& tags) {
  std::string out = "[";
  for (size_t i = 0; i < tags.size(); ++i) out += (i ? ",\"" : "\"") + tags[i] + "\"";
  return out + "]";
}

std::vector<std::string> decodeTags(std::string_view text) {
  std::vector<std::string> tags;
  size_t pos = 0;
  while ((pos = text.find('"', pos)) != std::string_view::npos) {
    const size_t end = text.find('"', pos + 1);
    if (end == std::string_view::npos) break;
    tags.emplace_back(text.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return tags;
}

// Child rows "(owner, skill_code, level)" shared by agent_skills and queue_skills.
Status writeSkillLevels(Database& db, std::string_view del_sql, std::string_view ins_sql, const std::string& owner,
                        const std::vector<SkillLevel>& skills) {
  auto del = db.query(del_sql);
  if (!del) return del.status();
  OUTPOST_RETURN_IF_ERROR(del->bind(1, owner).exec());
  for (size_t i = 0; i < skills.size(); ++i) {
    auto ins = db.query(ins_sql);
    if (!ins) return ins.status();
    Status s = ins->bind(1, owner).bind(2, skills[i].skill_code).bind(3, skills[i].level).exec();
    if (s.code() == StatusCode::kFailedPrecondition) {
      return Status::failedPrecondition("no skill \"" + skills[i].skill_code + "\" in the skill catalogue",
                                        "/skills/" + std::to_string(i) + "/skill");
    }
    OUTPOST_RETURN_IF_ERROR(s);
  }
  return Status::ok();
}

Result<std::vector<SkillLevel>> readSkillLevels(Database& db, std::string_view sql, const std::string& owner) {
  auto q = db.query(sql);
  if (!q) return q.status();
  q->bind(1, owner);
  std::vector<SkillLevel> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(SkillLevel{q->columnText(0), static_cast<int>(q->columnInt(1))});
  }));
  return out;
}

// Child rows "(owner, code)" (an agent's practice skills).
Status writeCodes(Database& db, std::string_view del_sql, std::string_view ins_sql, const std::string& owner,
                  const std::vector<std::string>& codes, const std::string& where) {
  auto del = db.query(del_sql);
  if (!del) return del.status();
  OUTPOST_RETURN_IF_ERROR(del->bind(1, owner).exec());
  for (size_t i = 0; i < codes.size(); ++i) {
    auto ins = db.query(ins_sql);
    if (!ins) return ins.status();
    Status s = ins->bind(1, owner).bind(2, codes[i]).exec();
    if (s.code() == StatusCode::kFailedPrecondition) {
      return Status::failedPrecondition("no skill \"" + codes[i] + "\" in the skill catalogue", where + std::to_string(i));
    }
    OUTPOST_RETURN_IF_ERROR(s);
  }
  return Status::ok();
}

Result<std::vector<std::string>> readCodes(Database& db, std::string_view sql, const std::string& owner) {
  auto q = db.query(sql);
  if (!q) return q.status();
  q->bind(1, owner);
  std::vector<std::string> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(q->columnText(0));
  }));
  return out;
}

// Column mapping per entity. kColumns are the non-key columns, in bind order.
template <typename T>
struct Table;

template <>
struct Table<Skill> {
  static constexpr std::string_view kName = "skills", kKey = "code", kEntity = "skill";
  static constexpr std::array<std::string_view, 2> kColumns = {"name_zh", "name_en"};
  static const std::string& key(const Skill& v) { return v.code; }
  static void bind(Query& q, const Skill& v) { q.bind(2, v.name.zh).bind(3, v.name.en); }
  static Skill read(const Query& q) { return Skill{q.columnText(0), {q.columnText(1), q.columnText(2)}}; }
  static Status writeChildren(Database&, const Skill&) { return Status::ok(); }
  static Status readChildren(Database&, Skill&) { return Status::ok(); }
};

template <>
struct Table<Agent> {
  static constexpr std::string_view kName = "agents", kKey = "id", kEntity = "agent";
  static constexpr std::array<std::string_view, 8> kColumns = {"name_zh",        "name_en",       "languages",
                                                               "team",           "tier",          "voice_capacity",
                                                               "chat_capacity",  "reward_score"};
  static const std::string& key(const Agent& v) { return v.id; }
  static void bind(Query& q, const Agent& v) {
    q.bind(2, v.name.zh).bind(3, v.name.en).bind(4, encodeTags(v.languages)).bind(5, v.team);
    q.bind(6, v.tier).bind(7, v.voice_capacity).bind(8, v.chat_capacity).bind(9, v.reward_score);
  }
  static Agent read(const Query& q) {
    Agent a;
    a.id = q.columnText(0);
    a.name = {q.columnText(1), q.columnText(2)};
    a.languages = decodeTags(q.columnText(3));
    a.team = q.columnText(4);
    a.tier = static_cast<int>(q.columnInt(5));
    a.voice_capacity = static_cast<int>(q.columnInt(6));
    a.chat_capacity = static_cast<int>(q.columnInt(7));
    a.reward_score = q.columnDouble(8);
    return a;
  }
  static Status writeChildren(Database& db, const Agent& v) {
    OUTPOST_RETURN_IF_ERROR(writeSkillLevels(db, "DELETE FROM agent_skills WHERE agent_id = ?1",
                                             "INSERT INTO agent_skills (agent_id, skill_code, level) VALUES (?1, ?2, ?3)",
                                             v.id, v.skills));
    return writeCodes(db, "DELETE FROM agent_practice WHERE agent_id = ?1",
                      "INSERT INTO agent_practice (agent_id, skill_code) VALUES (?1, ?2)", v.id, v.practice_skills,
                      "/practice_skills/");
  }
  static Status readChildren(Database& db, Agent& v) {
    auto s = readSkillLevels(db, "SELECT skill_code, level FROM agent_skills WHERE agent_id = ?1 ORDER BY skill_code",
                             v.id);
    if (!s) return s.status();
    v.skills = std::move(*s);
    auto p = readCodes(db, "SELECT skill_code FROM agent_practice WHERE agent_id = ?1 ORDER BY skill_code", v.id);
    if (!p) return p.status();
    v.practice_skills = std::move(*p);
    return Status::ok();
  }
};

template <>
struct Table<Queue> {
  static constexpr std::string_view kName = "queues", kKey = "code", kEntity = "queue";
  static constexpr std::array<std::string_view, 11> kColumns = {
      "name_zh",  "name_en", "channel",     "sl_target_pct", "sl_threshold_s", "offer_timeout_s",
      "strategy", "weight",  "aging_per_s", "wrap_up_s",     "practice"};
  static const std::string& key(const Queue& v) { return v.code; }
  static void bind(Query& q, const Queue& v) {
    q.bind(2, v.name.zh).bind(3, v.name.en).bind(4, site::channelName(v.channel));
    q.bind(5, v.sl_target_pct).bind(6, v.sl_threshold_s).bind(7, v.offer_timeout_s);
    q.bind(8, v.strategy).bind(9, v.weight).bind(10, v.aging_per_s).bind(11, v.wrap_up_s).bind(12, v.practice ? 1 : 0);
  }
  static Queue read(const Query& q) {
    Queue v;
    v.code = q.columnText(0);
    v.name = {q.columnText(1), q.columnText(2)};
    v.channel = site::parseChannel(q.columnText(3)).isOk() ? *site::parseChannel(q.columnText(3)) : site::Channel::kVoice;
    v.sl_target_pct = static_cast<int>(q.columnInt(4));
    v.sl_threshold_s = static_cast<int>(q.columnInt(5));
    v.offer_timeout_s = static_cast<int>(q.columnInt(6));
    v.strategy = q.columnText(7);
    v.weight = q.columnDouble(8);
    v.aging_per_s = q.columnDouble(9);
    v.wrap_up_s = static_cast<int>(q.columnInt(10));
    v.practice = q.columnInt(11) != 0;
    return v;
  }
  static Status writeChildren(Database& db, const Queue& v) {
    OUTPOST_RETURN_IF_ERROR(
        writeSkillLevels(db, "DELETE FROM queue_skills WHERE queue_code = ?1",
                         "INSERT INTO queue_skills (queue_code, skill_code, min_level) VALUES (?1, ?2, ?3)", v.code,
                         v.skills));
    auto del = db.query("DELETE FROM queue_rings WHERE queue_code = ?1");
    if (!del) return del.status();
    OUTPOST_RETURN_IF_ERROR(del->bind(1, v.code).exec());
    for (const auto& r : v.rings) {
      auto ins = db.query(
          "INSERT INTO queue_rings (queue_code, segment, after_s, min_tier, max_tier) VALUES (?1, ?2, ?3, ?4, ?5)");
      if (!ins) return ins.status();
      OUTPOST_RETURN_IF_ERROR(
          ins->bind(1, v.code).bind(2, r.segment).bind(3, r.after_s).bind(4, r.min_tier).bind(5, r.max_tier).exec());
    }
    return Status::ok();
  }
  static Status readChildren(Database& db, Queue& v) {
    auto s = readSkillLevels(
        db, "SELECT skill_code, min_level FROM queue_skills WHERE queue_code = ?1 ORDER BY skill_code", v.code);
    if (!s) return s.status();
    v.skills = std::move(*s);
    auto q = db.query(
        "SELECT segment, after_s, min_tier, max_tier FROM queue_rings WHERE queue_code = ?1 ORDER BY segment, after_s");
    if (!q) return q.status();
    q->bind(1, v.code);
    v.rings.clear();
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      v.rings.push_back(site::RingRule{q->columnText(0), static_cast<int>(q->columnInt(1)),
                                       static_cast<int>(q->columnInt(2)), static_cast<int>(q->columnInt(3))});
    }));
    return Status::ok();
  }
};

template <>
struct Table<WrapUpCode> {
  static constexpr std::string_view kName = "wrapup_codes", kKey = "code", kEntity = "wrap-up code";
  static constexpr std::array<std::string_view, 3> kColumns = {"name_zh", "name_en", "active"};
  static const std::string& key(const WrapUpCode& v) { return v.code; }
  static void bind(Query& q, const WrapUpCode& v) { q.bind(2, v.name.zh).bind(3, v.name.en).bind(4, v.active ? 1 : 0); }
  static WrapUpCode read(const Query& q) {
    return WrapUpCode{q.columnText(0), {q.columnText(1), q.columnText(2)}, q.columnInt(3) != 0};
  }
  static Status writeChildren(Database&, const WrapUpCode&) { return Status::ok(); }
  static Status readChildren(Database&, WrapUpCode&) { return Status::ok(); }
};

template <>
struct Table<NotReadyReason> {
  static constexpr std::string_view kName = "not_ready_reasons", kKey = "code", kEntity = "not-ready reason";
  static constexpr std::array<std::string_view, 2> kColumns = {"name_zh", "name_en"};
  static const std::string& key(const NotReadyReason& v) { return v.code; }
  static void bind(Query& q, const NotReadyReason& v) { q.bind(2, v.name.zh).bind(3, v.name.en); }
  static NotReadyReason read(const Query& q) {
    return NotReadyReason{q.columnText(0), {q.columnText(1), q.columnText(2)}};
  }
  static Status writeChildren(Database&, const NotReadyReason&) { return Status::ok(); }
  static Status readChildren(Database&, NotReadyReason&) { return Status::ok(); }
};

template <>
struct Table<User> {
  static constexpr std::string_view kName = "users", kKey = "username", kEntity = "user";
  static constexpr std::array<std::string_view, 4> kColumns = {"role", "agent_id", "display_name", "disabled"};
  static const std::string& key(const User& v) { return v.username; }
  static void bind(Query& q, const User& v) {
    q.bind(2, site::roleName(v.role)).bind(3, v.agent_id).bind(4, v.display_name).bind(5, v.disabled ? 1 : 0);
  }
  static User read(const Query& q) {
    User u;
    u.username = q.columnText(0);
    auto role = site::parseRole(q.columnText(1));
    u.role = role.isOk() ? *role : site::Role::kAgent;
    u.agent_id = q.columnOptText(2);
    u.display_name = q.columnText(3);
    u.disabled = q.columnInt(4) != 0;
    return u;
  }
  static Status writeChildren(Database&, const User&) { return Status::ok(); }
  static Status readChildren(Database&, User&) { return Status::ok(); }
};

// SQL text per entity, built once from the constant column lists above.
template <typename T>
struct Sql {
  static std::string columns() {
    std::string s(Table<T>::kKey);
    for (auto c : Table<T>::kColumns) s += ", " + std::string(c);
    return s;
  }
  static const std::string& select() {
    static const std::string q = "SELECT " + columns() + " FROM " + std::string(Table<T>::kName) + " WHERE " +
                                 std::string(Table<T>::kKey) + " = ?1";
    return q;
  }
  static const std::string& page() {
    static const std::string q = "SELECT " + columns() + " FROM " + std::string(Table<T>::kName) + " WHERE " +
                                 std::string(Table<T>::kKey) + " > ?1 ORDER BY " + std::string(Table<T>::kKey) +
                                 " LIMIT ?2";
    return q;
  }
  static const std::string& insert() {
    static const std::string q = [] {
      std::string params = "?1";
      for (size_t i = 0; i < Table<T>::kColumns.size(); ++i) params += ", ?" + std::to_string(i + 2);
      const std::string n = std::to_string(Table<T>::kColumns.size() + 2);
      return "INSERT INTO " + std::string(Table<T>::kName) + " (" + columns() + ", created_at, updated_at) VALUES (" +
             params + ", ?" + n + ", ?" + n + ")";
    }();
    return q;
  }
  static const std::string& update() {
    static const std::string q = [] {
      std::string set;
      for (size_t i = 0; i < Table<T>::kColumns.size(); ++i) {
        set += std::string(Table<T>::kColumns[i]) + " = ?" + std::to_string(i + 2) + ", ";
      }
      return "UPDATE " + std::string(Table<T>::kName) + " SET " + set + "updated_at = ?" +
             std::to_string(Table<T>::kColumns.size() + 2) + " WHERE " + std::string(Table<T>::kKey) + " = ?1";
    }();
    return q;
  }
  static const std::string& remove() {
    static const std::string q =
        "DELETE FROM " + std::string(Table<T>::kName) + " WHERE " + std::string(Table<T>::kKey) + " = ?1";
    return q;
  }
  static const std::string& count() {
    static const std::string q = "SELECT count(*) FROM " + std::string(Table<T>::kName);
    return q;
  }
};

template <typename T>
Status notFound(std::string_view key) {
  return Status::notFound("no " + std::string(Table<T>::kEntity) + " \"" + std::string(key) + "\"");
}

template <typename T>
Status writeRow(Database& db, const std::string& sql, const T& value, WallTime now, bool must_exist) {
  auto q = db.query(sql);
  if (!q) return q.status();
  q->bind(1, Table<T>::key(value));
  Table<T>::bind(*q, value);
  q->bind(static_cast<int>(Table<T>::kColumns.size()) + 2, toEpochMillis(now));
  Status s = q->exec();
  const std::string key_column = std::string(Table<T>::kName) + "." + std::string(Table<T>::kKey);
  if (s.code() == StatusCode::kAlreadyExists && s.message().find(key_column) == std::string::npos) {
    return Status::conflict("clashes with an existing " + std::string(Table<T>::kEntity) + ": " + s.message());
  }
  if (s.code() == StatusCode::kAlreadyExists) {
    return Status::alreadyExists(std::string(Table<T>::kEntity) + " \"" + Table<T>::key(value) + "\" already exists",
                                 "/" + std::string(Table<T>::kKey));
  }
  OUTPOST_RETURN_IF_ERROR(s);
  if (must_exist && db.changes() == 0) return notFound<T>(Table<T>::key(value));
  return Table<T>::writeChildren(db, value);
}

}  // namespace

template <typename T>
Result<std::vector<T>> list(Database& db, const Page& page) {
  std::vector<T> out;
  {
    auto q = db.query(Sql<T>::page());
    if (!q) return q.status();
    q->bind(1, page.after).bind(2, page.limit);
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      out.push_back(Table<T>::read(*q));
    }));
  }
  for (auto& v : out) OUTPOST_RETURN_IF_ERROR(Table<T>::readChildren(db, v));
  return out;
}

template <typename T>
Result<std::optional<T>> find(Database& db, std::string_view key) {
  std::optional<T> out;
  {
    auto q = db.query(Sql<T>::select());
    if (!q) return q.status();
    q->bind(1, key);
    auto row = q->step();
    if (!row) return row.status();
    if (!*row) return std::optional<T>{};
    out = Table<T>::read(*q);
  }
  OUTPOST_RETURN_IF_ERROR(Table<T>::readChildren(db, *out));
  return out;
}

template <typename T>
Status insert(Database& db, const T& value, WallTime now) {
  return writeRow(db, Sql<T>::insert(), value, now, /*must_exist=*/false);
}

template <typename T>
Status update(Database& db, const T& value, WallTime now) {
  return writeRow(db, Sql<T>::update(), value, now, /*must_exist=*/true);
}

template <typename T>
Status remove(Database& db, std::string_view key) {
  auto q = db.query(Sql<T>::remove());
  if (!q) return q.status();
  Status s = q->bind(1, key).exec();
  if (s.code() == StatusCode::kFailedPrecondition) {
    return Status::conflict(std::string(Table<T>::kEntity) + " \"" + std::string(key) +
                            "\" is still in use (" + s.message() + "); remove those references first");
  }
  OUTPOST_RETURN_IF_ERROR(s);
  return db.changes() == 0 ? notFound<T>(key) : Status::ok();
}

template <typename T>
Result<int64_t> count(Database& db) {
  auto q = db.query(Sql<T>::count());
  if (!q) return q.status();
  auto row = q->step();
  if (!row) return row.status();
  return q->columnInt(0);
}

#define OUTPOST_DIRECTORY_ENTITY(T)                                             \
  template Result<std::vector<T>> list<T>(Database&, const Page&);              \
  template Result<std::optional<T>> find<T>(Database&, std::string_view);       \
  template Status insert<T>(Database&, const T&, WallTime);                     \
  template Status update<T>(Database&, const T&, WallTime);                     \
  template Status remove<T>(Database&, std::string_view);                       \
  template Result<int64_t> count<T>(Database&);
OUTPOST_DIRECTORY_ENTITY(Skill)
OUTPOST_DIRECTORY_ENTITY(Agent)
OUTPOST_DIRECTORY_ENTITY(Queue)
OUTPOST_DIRECTORY_ENTITY(WrapUpCode)
OUTPOST_DIRECTORY_ENTITY(NotReadyReason)
OUTPOST_DIRECTORY_ENTITY(User)
#undef OUTPOST_DIRECTORY_ENTITY

Result<std::optional<site::Site>> loadSite(Database& db) {
  auto q = db.query("SELECT site_code, name_zh, name_en, time_zone, default_language FROM site WHERE id = 'site'");
  if (!q) return q.status();
  auto row = q->step();
  if (!row) return row.status();
  if (!*row) return std::optional<site::Site>{};
  return std::optional<site::Site>{
      site::Site{q->columnText(0), {q->columnText(1), q->columnText(2)}, q->columnText(3), q->columnText(4)}};
}

Status saveSite(Database& db, const site::Site& v, WallTime now) {
  auto q = db.query(
      "INSERT INTO site (id, site_code, name_zh, name_en, time_zone, default_language, updated_at) "
      "VALUES ('site', ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET site_code = excluded.site_code, "
      "name_zh = excluded.name_zh, name_en = excluded.name_en, time_zone = excluded.time_zone, "
      "default_language = excluded.default_language, updated_at = excluded.updated_at");
  if (!q) return q.status();
  return q->bind(1, v.site_code).bind(2, v.name.zh).bind(3, v.name.en).bind(4, v.time_zone)
      .bind(5, v.default_language).bind(6, toEpochMillis(now)).exec();
}

Status setPasswordHash(Database& db, std::string_view username, std::string_view hash, WallTime now) {
  auto q = db.query("UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE username = ?1");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, username).bind(2, hash).bind(3, toEpochMillis(now)).exec());
  return db.changes() == 0 ? notFound<User>(username) : Status::ok();
}

Result<std::optional<std::string>> passwordHash(Database& db, std::string_view username) {
  auto q = db.query("SELECT password_hash FROM users WHERE username = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, username).step();
  if (!row) return row.status();
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{q->columnText(0)};
}

Result<std::optional<User>> userForAgent(Database& db, std::string_view agent_id) {
  auto q = db.query("SELECT username FROM users WHERE agent_id = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, agent_id).step();
  if (!row) return row.status();
  if (!*row) return std::optional<User>{};
  const std::string username = q->columnText(0);
  return find<User>(db, username);
}

Status insertSession(Database& db, std::string_view token_digest, std::string_view username, WallTime created,
                     WallTime expires, std::string_view address) {
  auto q = db.query(
      "INSERT INTO sessions (token_hash, username, created_at, expires_at, address) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!q) return q.status();
  return q->bind(1, token_digest).bind(2, username).bind(3, toEpochMillis(created)).bind(4, toEpochMillis(expires))
      .bind(5, address).exec();
}

Result<std::optional<SessionRow>> findSession(Database& db, std::string_view token_digest) {
  auto q = db.query("SELECT username, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, token_digest).step();
  if (!row) return row.status();
  if (!*row) return std::optional<SessionRow>{};
  SessionRow s{q->columnText(0), fromEpochMillis(q->columnInt(1)), fromEpochMillis(q->columnInt(2)), std::nullopt};
  if (auto r = q->columnOptInt(3)) s.revoked_at = fromEpochMillis(*r);
  return std::optional<SessionRow>{std::move(s)};
}

Status revokeSession(Database& db, std::string_view token_digest, WallTime now) {
  auto q = db.query("UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, token_digest).bind(2, toEpochMillis(now)).exec());
  return db.changes() == 0 ? Status::notFound("no live session") : Status::ok();
}

Status revokeUserSessions(Database& db, std::string_view username, WallTime now) {
  auto q = db.query("UPDATE sessions SET revoked_at = ?2 WHERE username = ?1 AND revoked_at IS NULL");
  if (!q) return q.status();
  return q->bind(1, username).bind(2, toEpochMillis(now)).exec();
}

Status purgeSessions(Database& db, WallTime cutoff) {
  auto q = db.query("DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1");
  if (!q) return q.status();
  return q->bind(1, toEpochMillis(cutoff)).exec();
}

Status upsertPresence(Database& db, const std::string& agent_id, const site::Presence& p) {
  auto q = db.query(
      "INSERT INTO presence (agent_id, state, reason_code, since, changed_by) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (agent_id) DO UPDATE SET state = excluded.state, reason_code = excluded.reason_code, "
      "since = excluded.since, changed_by = excluded.changed_by");
  if (!q) return q.status();
  Status s = q->bind(1, agent_id).bind(2, site::presenceName(p.state)).bind(3, p.reason)
                 .bind(4, toEpochMillis(p.since)).bind(5, p.changed_by).exec();
  if (s.code() == StatusCode::kFailedPrecondition) {
    return Status::invalidArgument("no not-ready reason \"" + p.reason.value_or("") + "\" at this site", "/reason");
  }
  return s;
}

namespace {
site::Presence readPresence(const Query& q, int first) {
  site::Presence p;
  auto st = site::parsePresence(q.columnText(first));
  p.state = st.isOk() ? *st : site::PresenceState::kOffline;
  p.reason = q.columnOptText(first + 1);
  p.since = fromEpochMillis(q.columnInt(first + 2));
  p.changed_by = q.columnText(first + 3);
  return p;
}
}  // namespace

Result<std::vector<std::pair<std::string, site::Presence>>> loadPresence(Database& db) {
  // Every agent, offline when no presence row was ever written.
  auto q = db.query(
      "SELECT a.id, coalesce(p.state, 'offline'), p.reason_code, coalesce(p.since, a.created_at), "
      "coalesce(p.changed_by, '') FROM agents a LEFT JOIN presence p ON p.agent_id = a.id ORDER BY a.id");
  if (!q) return q.status();
  std::vector<std::pair<std::string, site::Presence>> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.emplace_back(q->columnText(0), readPresence(*q, 1));
  }));
  return out;
}

Result<std::optional<site::Presence>> findPresence(Database& db, std::string_view agent_id) {
  auto q = db.query(
      "SELECT coalesce(p.state, 'offline'), p.reason_code, coalesce(p.since, a.created_at), "
      "coalesce(p.changed_by, '') FROM agents a LEFT JOIN presence p ON p.agent_id = a.id WHERE a.id = ?1");
  if (!q) return q.status();
  auto row = q->bind(1, agent_id).step();
  if (!row) return row.status();
  if (!*row) return std::optional<site::Presence>{};
  return std::optional<site::Presence>{readPresence(*q, 0)};
}

Status appendAudit(Database& db, const AuditEntry& e) {
  auto q = db.query(
      "INSERT INTO audit (at, actor, action, entity, entity_id, before_json, after_json, address) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!q) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, toEpochMillis(e.at)).bind(2, e.actor).bind(3, e.action).bind(4, e.entity)
                              .bind(5, e.entity_id).bind(6, e.before_json).bind(7, e.after_json).bind(8, e.address)
                              .exec());
  // The same change goes to the sync outbox (a no-op while sync is off). before/after
  // are JSON texts written by us; they are embedded as text, not re-parsed.
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("audit_id", db.lastInsertRowid());
  o->set("actor", e.actor);
  o->set("action", e.action);
  o->set("entity", e.entity);
  o->set("entity_id", e.entity_id);
  if (e.before_json) o->set("before", *e.before_json);
  if (e.after_json) o->set("after", *e.after_json);
  o->set("address", e.address);
  return appendOutbox(db, OutboxEntry{e.at, "audit." + e.action, 1, codec::toJson(o), kClassAudit});
}

Result<std::vector<AuditEntry>> listAudit(Database& db, int64_t before_id, int limit) {
  auto q = db.query(
      "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, address FROM audit "
      "WHERE ?1 = 0 OR id < ?1 ORDER BY id DESC LIMIT ?2");
  if (!q) return q.status();
  q->bind(1, before_id).bind(2, limit);
  std::vector<AuditEntry> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(AuditEntry{q->columnInt(0), fromEpochMillis(q->columnInt(1)), q->columnText(2), q->columnText(3),
                             q->columnText(4), q->columnText(5), q->columnOptText(6), q->columnOptText(7),
                             q->columnText(8)});
  }));
  return out;
}

}  // namespace outpost::storage
