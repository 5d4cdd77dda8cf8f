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
#include "learning/learning_map.h"
#include "learning/quiz.h"
#include "site/directory.h"
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

// Gamification input: completed lessons and drills (first completion), and quiz attempts.
Result<std::vector<learning::LearningEvent>> learningEvents(Database& db, const std::string& agent_id);
// Points an on_event rule awarded; false (nothing stored) for an agent this site does
// not have. In the caller's transaction.
Result<bool> addRulePoints(Database& db, const std::string& agent_id, int64_t at_ms, int points,
                           const std::string& reason, const std::string& bundle, const std::string& event);
Status setLeaderboardHidden(Database& db, const std::string& agent_id, bool hidden, int64_t at_ms);
Result<bool> leaderboardHidden(Database& db, const std::string& agent_id);

// The agent's quiz and drill attempts with what each missed, from their (not voided)
// xAPI statements (result extension urn:outpost:xapi:missed), oldest first.
Result<std::vector<learning::AttemptOutcome>> attemptOutcomes(Database& db, const std::string& agent_id);

// The skills a tier needs beyond the queues' own minimums (learning.tier_requirements:
// "T2: complaints=4, cards=3; T1: complaints=5").
struct TierRequirement {
  int tier = 0;
  std::string skill;
  int level = 0;
};
Result<std::vector<TierRequirement>> parseTierRequirements(std::string_view text);

// What the agent's next tier (tier - 1; none for T1) needs that the agent lacks:
// - the skills (at their minimum level) of every queue with a segment whose rings reach
//   the next tier sooner than the agent's tier (e.g. complaints start with T1–T2);
// - the site's explicit requirements for that tier.
// One gap per skill, at the highest level required.
std::vector<learning::TierGap> nextTierGaps(const site::Agent& agent, const std::vector<site::Queue>& queues,
                                            const std::vector<site::Skill>& skills,
                                            const std::vector<TierRequirement>& requirements);
Result<std::vector<learning::TierGap>> loadNextTierGaps(Database& db, const std::string& agent_id,
                                                        const std::vector<TierRequirement>& requirements);

}  // namespace outpost::storage
