#pragma once

// Learning records in SQLite (migration "learning records"): competency observations,
// questionnaires, quiz attempts, completed plan steps, xAPI statements. Functions take
// the connection they run on (a reader, or the writer inside a job).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "learning/assessment.h"
#include "learning/gamification.h"
#include "learning/quiz.h"
#include "storage/database.h"

namespace outpost::storage {

Status insertObservations(Database& db, const std::vector<learning::Observation>& obs);
// Every observation of the given agents (all agents if empty), oldest first.
Result<std::vector<learning::Observation>> loadObservations(Database& db, const std::vector<std::string>& agent_ids);

Result<int64_t> insertAssessment(Database& db, const std::string& agent_id, learning::Source source,
                                 const std::string& assessor, const std::string& framework,
                                 const std::string& answers_json, int64_t at_ms);

struct QuizAttemptRow {
  int64_t id = 0;
  std::string agent_id;
  std::string package_id;
  int64_t package_version = 0;
  std::string quiz_id;
  std::string answers_json;
  learning::QuizResult result;
  int64_t at_ms = 0;
};
Result<int64_t> insertQuizAttempt(Database& db, const QuizAttemptRow& row);

// Completed plan steps ("<package>/<ref>").
Status markStepDone(Database& db, const std::string& agent_id, const std::string& step_key, std::string_view kind,
                    int64_t at_ms);
Result<std::set<std::string>> doneSteps(Database& db, const std::string& agent_id);

// The agent's team and its members (the agent included), from the site directory.
struct TeamMembers {
  std::string team;
  std::vector<std::string> agents;
};
Result<TeamMembers> teamOfAgent(Database& db, const std::string& agent_id);
Result<std::vector<std::string>> teamMembers(Database& db, const std::string& team);

// xAPI statements of one agent, newest first (storing them: storage/xapi.h).
struct StatementRow {
  std::string id;
  std::string agent_id;
  std::string verb;
  std::string object_id;
  std::string statement_json;
  int64_t stored_ms = 0;
};
Result<std::vector<StatementRow>> statementsOf(Database& db, const std::string& agent_id, int limit);

// Gamification input: completed lessons and quiz attempts, oldest first.
Result<std::vector<learning::LearningEvent>> learningEvents(Database& db, const std::string& agent_id);
Status setLeaderboardHidden(Database& db, const std::string& agent_id, bool hidden, int64_t at_ms);
Result<bool> leaderboardHidden(Database& db, const std::string& agent_id);

}  // namespace outpost::storage
