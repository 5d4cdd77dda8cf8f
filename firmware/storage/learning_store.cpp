#include "storage/learning_store.h"

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
    auto q = db.query("SELECT at FROM learning_progress WHERE agent_id = ? AND kind = 'lesson'");
    if (!q.isOk()) return q.status();
    q->bind(1, agent_id);
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      out.push_back({learning::EventKind::kLessonCompleted, q->columnInt(0), 0});
    }));
  }
  auto q = db.query("SELECT passed, points, max_points, at FROM quiz_attempts WHERE agent_id = ? ORDER BY at, id");
  if (!q.isOk()) return q.status();
  q->bind(1, agent_id);
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    const int64_t max = q->columnInt(2);
    const double fraction = max > 0 ? static_cast<double>(q->columnInt(1)) / static_cast<double>(max) : 0.0;
    out.push_back({q->columnInt(0) != 0 ? learning::EventKind::kQuizPassed : learning::EventKind::kQuizFailed,
                   q->columnInt(3), fraction});
  }));
  return out;
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

}  // namespace outpost::storage
