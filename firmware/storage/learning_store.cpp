#include "storage/learning_store.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

#include "codec/json.h"
#include "storage/directory_store.h"

namespace outpost::storage {

Status insertObservations(Database& db, const std::vector<learning::Observation>& obs) {
  for (const auto& o : obs) {
    auto q = db.query(
        "INSERT INTO learning_observations (agent_id, item, source, score, at, ref, assessor) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!q.isOk()) return q.status();
    OUTPOST_RETURN_IF_ERROR(q->bind(1, o.agent_id)
                                .bind(2, o.item)
                                .bind(3, learning::sourceName(o.source))
                                .bind(4, o.score)
                                .bind(5, o.at_ms)
                                .bind(6, o.ref)
                                .bind(7, o.assessor)
                                .exec());
  }
  return Status::ok();
}

Result<std::vector<learning::Observation>> loadObservations(Database& db, const std::vector<std::string>& agent_ids) {
  std::vector<learning::Observation> out;
  auto readAll = [&](Query& q) -> Status {
    OUTPOST_RETURN_IF_ERROR(q.forEachRow([&] {
      learning::Observation o;
      o.agent_id = q.columnText(0);
      o.item = q.columnText(1);
      o.source = learning::parseSource(q.columnText(2)).value_or(learning::Source::kSelf);
      o.score = q.columnDouble(3);
      o.at_ms = q.columnInt(4);
      o.ref = q.columnText(5);
      o.assessor = q.columnText(6);
      out.push_back(std::move(o));
    }));
    return Status::ok();
  };
  constexpr std::string_view kAll =
      "SELECT agent_id, item, source, score, at, ref, assessor FROM learning_observations ORDER BY at, id";
  constexpr std::string_view kOne =
      "SELECT agent_id, item, source, score, at, ref, assessor FROM learning_observations WHERE agent_id = ? "
      "ORDER BY at, id";
  if (agent_ids.empty()) {
    auto q = db.query(kAll);
    if (!q.isOk()) return q.status();
    OUTPOST_RETURN_IF_ERROR(readAll(*q));
    return out;
  }
  for (const std::string& a : agent_ids) {
    auto q = db.query(kOne);
    if (!q.isOk()) return q.status();
    q->bind(1, a);
    OUTPOST_RETURN_IF_ERROR(readAll(*q));
  }
  return out;
}

Result<int64_t> insertAssessment(Database& db, const std::string& agent_id, learning::Source source,
                                 const std::string& assessor, const std::string& framework,
                                 const std::string& answers_json, int64_t at_ms) {
  auto q = db.query(
      "INSERT INTO learning_assessments (agent_id, source, assessor, framework, answers, at) VALUES (?, ?, ?, ?, ?, ?)");
  if (!q.isOk()) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, agent_id)
                              .bind(2, learning::sourceName(source))
                              .bind(3, assessor)
                              .bind(4, framework)
                              .bind(5, answers_json)
                              .bind(6, at_ms)
                              .exec());
  return db.lastInsertRowid();
}

Result<int64_t> insertQuizAttempt(Database& db, const QuizAttemptRow& row) {
  auto q = db.query(
      "INSERT INTO quiz_attempts (agent_id, package_id, package_version, quiz_id, answers, points, max_points, passed, "
      "at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!q.isOk()) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, row.agent_id)
                              .bind(2, row.package_id)
                              .bind(3, row.package_version)
                              .bind(4, row.quiz_id)
                              .bind(5, row.answers_json)
                              .bind(6, row.result.points)
                              .bind(7, row.result.max_points)
                              .bind(8, row.result.passed ? 1 : 0)
                              .bind(9, row.at_ms)
                              .exec());
  return db.lastInsertRowid();
}

Status markStepDone(Database& db, const std::string& agent_id, const std::string& step_key, std::string_view kind,
                    int64_t at_ms) {
  auto q = db.query("INSERT OR IGNORE INTO learning_progress (agent_id, step_key, kind, at) VALUES (?, ?, ?, ?)");
  if (!q.isOk()) return q.status();
  return q->bind(1, agent_id).bind(2, step_key).bind(3, kind).bind(4, at_ms).exec();
}

Result<std::set<std::string>> doneSteps(Database& db, const std::string& agent_id) {
  auto q = db.query("SELECT step_key FROM learning_progress WHERE agent_id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  std::set<std::string> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.insert(q->columnText(0));
  }));
  return out;
}

Result<std::vector<std::string>> teamMembers(Database& db, const std::string& team) {
  auto q = db.query("SELECT id FROM agents WHERE team = ? ORDER BY id");
  if (!q.isOk()) return q.status();
  q->bind(1, team);
  std::vector<std::string> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(q->columnText(0));
  }));
  return out;
}

Result<TeamMembers> teamOfAgent(Database& db, const std::string& agent_id) {
  auto q = db.query("SELECT team FROM agents WHERE id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  if (!*row) return Status::notFound("no agent \"" + agent_id + "\"");
  TeamMembers t;
  t.team = q->columnText(0);
  if (t.team.empty()) {
    t.agents = {agent_id};
    return t;
  }
  auto members = teamMembers(db, t.team);
  if (!members.isOk()) return members.status();
  t.agents = std::move(*members);
  return t;
}

Result<std::vector<StatementRow>> statementsOf(Database& db, const std::string& agent_id, int limit) {
  auto q = db.query(
      "SELECT id, agent_id, verb, object_id, statement, stored FROM xapi_statements WHERE agent_id = ? AND voided = 0 "
      "ORDER BY stored DESC, id LIMIT ?");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id).bind(2, limit);
  std::vector<StatementRow> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back({q->columnText(0), q->columnText(1), q->columnText(2), q->columnText(3), q->columnText(4),
                   q->columnInt(5)});
  }));
  return out;
}

Result<std::vector<learning::LearningEvent>> learningEvents(Database& db, const std::string& agent_id) {
  std::vector<learning::LearningEvent> out;
  {
    auto q = db.query("SELECT at, kind FROM learning_progress WHERE agent_id = ? AND kind IN ('lesson', 'drill')");
    if (!q.isOk()) return q.status();
    q->bind(1, agent_id);
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      const bool drill = q->columnText(1) == "drill";
      out.push_back({drill ? learning::EventKind::kDrillCompleted : learning::EventKind::kLessonCompleted,
                     q->columnInt(0), drill ? 1.0 : 0});
    }));
  }
  {
    auto q = db.query("SELECT passed, points, max_points, at FROM quiz_attempts WHERE agent_id = ? ORDER BY at, id");
    if (!q.isOk()) return q.status();
    q->bind(1, agent_id);
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      const int64_t max = q->columnInt(2);
      const double fraction = max > 0 ? static_cast<double>(q->columnInt(1)) / static_cast<double>(max) : 0.0;
      out.push_back({q->columnInt(0) != 0 ? learning::EventKind::kQuizPassed : learning::EventKind::kQuizFailed,
                     q->columnInt(3), fraction});
    }));
  }
  auto q = db.query("SELECT at, points FROM rule_points WHERE agent_id = ? ORDER BY at, id");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back({learning::EventKind::kRulePoints, q->columnInt(0), 0, static_cast<int>(q->columnInt(1))});
  }));
  return out;
}

Result<bool> addRulePoints(Database& db, const std::string& agent_id, int64_t at_ms, int points,
                           const std::string& reason, const std::string& bundle, const std::string& event) {
  auto q = db.query(
      "INSERT INTO rule_points (agent_id, at, points, reason, bundle, event) "
      "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE EXISTS (SELECT 1 FROM agents WHERE id = ?1)");
  if (!q.isOk()) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->bind(1, agent_id).bind(2, at_ms).bind(3, points).bind(4, reason).bind(5, bundle).bind(6, event).exec());
  return db.changes() > 0;
}

Status setLeaderboardHidden(Database& db, const std::string& agent_id, bool hidden, int64_t at_ms) {
  auto q = db.query(
      "INSERT INTO learning_prefs (agent_id, leaderboard_hidden, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT(agent_id) DO UPDATE SET leaderboard_hidden = excluded.leaderboard_hidden, "
      "updated_at = excluded.updated_at");
  if (!q.isOk()) return q.status();
  return q->bind(1, agent_id).bind(2, hidden ? 1 : 0).bind(3, at_ms).exec();
}

Result<bool> leaderboardHidden(Database& db, const std::string& agent_id) {
  auto q = db.query("SELECT leaderboard_hidden FROM learning_prefs WHERE agent_id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  return *row && q->columnInt(0) != 0;
}

Result<std::vector<learning::AttemptOutcome>> attemptOutcomes(Database& db, const std::string& agent_id) {
  auto q = db.query(
      "SELECT statement, stored FROM xapi_statements WHERE agent_id = ? AND voided = 0 "
      "AND instr(statement, 'urn:outpost:xapi:missed') > 0 ORDER BY seq");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  std::vector<learning::AttemptOutcome> out;
  constexpr std::string_view kPrefix = "urn:outpost:content:";
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    auto s = codec::JsonReader::parseObject(q->columnText(0));
    if (!s.isOk()) return;
    auto object = (*s)->getObject("object");
    auto result = (*s)->getObject("result");
    if (!object || !result || !result->getObject("extensions")) return;
    auto ext = result->getObject("extensions");
    const std::string id = object->optValue<std::string>("id", "");
    const auto slash = id.rfind('/');
    if (id.rfind(kPrefix, 0) != 0 || slash == std::string::npos || slash < kPrefix.size()) return;
    learning::AttemptOutcome a;
    a.course_id = id.substr(kPrefix.size(), slash - kPrefix.size());
    a.ref = id.substr(slash + 1);
    a.kind = ext->optValue<std::string>("urn:outpost:xapi:kind", "quiz") == "drill" ? learning::StepKind::kDrill
                                                                                   : learning::StepKind::kQuiz;
    a.at_ms = q->columnInt(1);
    auto missed = ext->getArray("urn:outpost:xapi:missed");
    if (!missed) return;
    for (size_t i = 0; i < missed->size(); ++i) {
      auto m = missed->getObject(static_cast<unsigned>(i));
      if (!m) continue;
      a.missed.push_back({m->optValue<std::string>("id", ""),
                          {m->optValue<std::string>("zh-CN", ""), m->optValue<std::string>("en", "")}});
    }
    out.push_back(std::move(a));
  }));
  return out;
}

Result<std::vector<TierRequirement>> parseTierRequirements(std::string_view text) {
  std::vector<TierRequirement> out;
  auto trim = [](std::string_view v) {
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
    return v;
  };
  constexpr std::string_view kShape = " (like \"T2: complaints=4, cards=3; T1: complaints=5\")";
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view group = trim(text.substr(start, end - start));
    start = end + 1;
    if (group.empty()) {
      if (end == text.size()) break;
      continue;
    }
    const size_t colon = group.find(':');
    const std::string_view tier = colon == std::string_view::npos ? group : trim(group.substr(0, colon));
    if (colon == std::string_view::npos || tier.size() != 2 || (tier[0] != 'T' && tier[0] != 't') || tier[1] < '1' ||
        tier[1] > '4') {
      return Status::invalidArgument("\"" + std::string(group) + "\" does not start with a tier T1–T4" +
                                     std::string(kShape));
    }
    std::string_view rest = group.substr(colon + 1);
    size_t p = 0;
    while (p <= rest.size()) {
      size_t comma = rest.find(',', p);
      if (comma == std::string_view::npos) comma = rest.size();
      const std::string_view pair = trim(rest.substr(p, comma - p));
      p = comma + 1;
      const size_t eq = pair.find('=');
      const std::string_view skill = eq == std::string_view::npos ? pair : trim(pair.substr(0, eq));
      const std::string_view level = eq == std::string_view::npos ? "" : trim(pair.substr(eq + 1));
      if (skill.empty() || level.size() != 1 || level[0] < '1' || level[0] > '5') {
        return Status::invalidArgument("\"" + std::string(pair) + "\" is not skill=level (level 1–5)" +
                                       std::string(kShape));
      }
      out.push_back({tier[1] - '0', std::string(skill), level[0] - '0'});
      if (comma == rest.size()) break;
    }
    if (end == text.size()) break;
  }
  return out;
}

std::vector<learning::TierGap> nextTierGaps(const site::Agent& agent, const std::vector<site::Queue>& queues,
                                            const std::vector<site::Skill>& skills,
                                            const std::vector<TierRequirement>& requirements) {
  std::vector<learning::TierGap> out;
  if (agent.tier <= site::kMinTier) return out;
  const int next = agent.tier - 1;
  auto nameOf = [&](const std::string& code) {
    for (const auto& s : skills) {
      if (s.code == code) return learning::Text{s.name.zh, s.name.en};
    }
    return learning::Text{code, code};
  };
  auto levelOf = [&](const std::string& code) {
    for (const auto& s : agent.skills) {
      if (s.skill_code == code) return s.level;
    }
    return 0;
  };
  auto need = [&](const std::string& skill, int level, learning::Text why) {
    const int have = levelOf(skill);
    if (have >= level) return;
    for (auto& g : out) {
      if (g.skill == skill) {
        if (level > g.required) {
          g.required = level;
          g.why = std::move(why);
        }
        return;
      }
    }
    out.push_back({skill, nameOf(skill), next, level, have, std::move(why)});
  };
  constexpr int kNever = std::numeric_limits<int>::max();
  for (const auto& q : queues) {
    // Per segment: how soon each tier is reached.
    std::map<std::string, std::pair<int, int>> reach;  // segment → (next tier, agent's tier)
    for (const auto& r : q.rings) {
      auto [it, fresh] = reach.try_emplace(r.segment, kNever, kNever);
      if (r.min_tier <= next && next <= r.max_tier) it->second.first = std::min(it->second.first, r.after_s);
      if (r.min_tier <= agent.tier && agent.tier <= r.max_tier) it->second.second = std::min(it->second.second, r.after_s);
    }
    for (const auto& [segment, when] : reach) {
      if (when.first >= when.second) continue;
      for (const auto& s : q.skills) {
        need(s.skill_code, s.level,
             {"队列「" + q.name.zh + "」的 " + segment + " 来电先由 T" + std::to_string(next) + " 接听",
              q.name.en + " offers " + segment + " contacts to T" + std::to_string(next) + " first"});
      }
    }
  }
  for (const auto& r : requirements) {
    if (r.tier == next) need(r.skill, r.level, {"站点对 T" + std::to_string(next) + " 的要求", "the site's T" +
                                                    std::to_string(next) + " requirements"});
  }
  return out;
}

Result<std::vector<learning::TierGap>> loadNextTierGaps(Database& db, const std::string& agent_id,
                                                        const std::vector<TierRequirement>& requirements) {
  auto agent = find<site::Agent>(db, agent_id);
  if (!agent.isOk()) return agent.status();
  if (!agent->has_value()) return Status::notFound("no agent \"" + agent_id + "\"");
  auto queues = list<site::Queue>(db, Page{"", 1000});
  if (!queues.isOk()) return queues.status();
  auto skills = list<site::Skill>(db, Page{"", 1000});
  if (!skills.isOk()) return skills.status();
  return nextTierGaps(**agent, *queues, *skills, requirements);
}

}  // namespace outpost::storage
