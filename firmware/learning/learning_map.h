#pragma once

// Learning maps (seed 001: common support for the team's shared weak items, individual
// support for each agent's own gaps).
//
// An agent's weak items are those whose score is below the absolute threshold, or more
// than `team_margin` below the team's mean for that item. The personal map lists the
// steps (lessons, then drills, then quizzes) of the courses that train those items,
// weakest item first; a course that trains several weak items appears once, at its
// weakest. Steps the agent has done are left out. Every step carries the reasons it
// is there. An item is team-wide weak when the team mean is below the threshold or at
// least `team_wide_share` of the assessed agents are below it; those items make the
// group plan, and in a personal map their steps are marked as group steps.
//
// After the weak items, the map adds (AgentNeeds, gathered by the caller from the site
// directory and the agent's records): steps for the frequent errors — a quiz question or
// drill rubric point missed in at least `error_min_misses` attempts of the same quiz or
// drill, the latest one included: the course's lessons and the quiz again, or the drill
// again (these ignore `done`: they are reviews); then steps for the skills the agent's
// next tier needs (the courses whose `skills` train them). A step already in the map
// gets the new reason instead of a second copy.
//
// Thread-safety: stateless functions over values.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "learning/assessment.h"
#include "learning/content.h"

namespace outpost::learning {

struct MapOptions {
  double threshold = 3.5;
  double team_margin = 0.3;
  double team_wide_share = 0.5;
  size_t max_items = 5;  // weak items planned at most (weakest first)
  int error_min_misses = 2;  // a point missed this often (latest attempt included) is a frequent error
};

enum class ReasonKind { kBelowThreshold, kBelowTeam, kTeamWide, kNextTier, kFrequentError };
std::string_view reasonKindName(ReasonKind k);

struct Reason {
  ReasonKind kind = ReasonKind::kBelowThreshold;
  std::string item;      // the competency item; kNextTier: the skill code; kFrequentError: the point's id
  double score = 0;      // the agent's (or for kTeamWide the team's) score; kNextTier: the agent's level
  double reference = 0;  // the threshold, or the team mean; kNextTier: the level required
  int tier = 0;          // kNextTier: the next tier
  Text topic;            // kNextTier: the skill's name; kFrequentError: what was missed
  int misses = 0;        // kFrequentError: missed in `misses` of `attempts` attempts
  int attempts = 0;
  // A sentence in zh-CN and English naming the item by its framework name.
  Text text(const Framework& f) const;
};

enum class StepKind { kLesson, kDrill, kQuiz };
std::string_view stepKindName(StepKind k);

struct PlanStep {
  StepKind kind = StepKind::kLesson;
  std::string course_id;
  std::string ref;  // lesson, drill or quiz id
  Text title;
  std::string item;  // the weakest item this step targets ("" for next-tier and error steps)
  std::string skill;  // next-tier steps: the routing skill it trains
  int minutes = 0;
  bool group = false;  // covered by the team's group plan
  std::vector<Reason> reasons;
  std::string key() const { return course_id + "/" + ref; }
};

struct WeakItem {
  std::string item;
  double score = 0;
  std::optional<double> team;
  double share_below = 0;  // team plans: share of assessed agents below the threshold
  std::vector<Reason> reasons;
};

// A skill the agent's next tier needs at a level the agent does not have yet.
struct TierGap {
  std::string skill;
  Text skill_name;
  int tier = 0;      // the next tier (T1 is the highest)
  int required = 0;  // the level it needs
  int current = 0;   // the agent's level, 0 without the skill
  Text why;          // where the requirement comes from (a queue, the site's tier rules)
};

// One quiz or drill attempt and what it missed (question ids, rubric key points).
struct MissedPoint {
  std::string id;
  Text text;
};
struct AttemptOutcome {
  StepKind kind = StepKind::kQuiz;  // kQuiz or kDrill
  std::string course_id;
  std::string ref;  // the quiz or drill id
  int64_t at_ms = 0;
  std::vector<MissedPoint> missed;
};
struct FrequentError {
  StepKind kind = StepKind::kQuiz;
  std::string course_id;
  std::string ref;
  MissedPoint point;
  int misses = 0;
  int attempts = 0;
};
// The points missed in at least `min_misses` attempts of the same quiz or drill, the
// latest attempt included (fixed errors drop out); most missed first.
std::vector<FrequentError> frequentErrors(const std::vector<AttemptOutcome>& attempts, int min_misses);

struct AgentNeeds {
  std::vector<TierGap> next_tier;
  std::vector<FrequentError> errors;
};

struct LearningMap {
  std::string agent_id;
  std::vector<WeakItem> weak_items;  // weakest first
  std::vector<PlanStep> steps;
  std::vector<std::string> uncovered;  // weak items no course trains yet
  std::vector<TierGap> next_tier;
  std::vector<FrequentError> errors;
  std::vector<std::string> uncovered_skills;  // next-tier skills no course trains yet
};

struct GroupPlan {
  std::vector<std::string> agents;
  std::vector<WeakItem> items;  // team-wide weak, weakest first
  std::vector<PlanStep> steps;
};

// `done` holds PlanStep::key()s the agent has completed (a passed quiz, a read lesson).
LearningMap planForAgent(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                         const std::string& agent_id, const std::vector<std::string>& team,
                         const std::set<std::string>& done, const MapOptions& options = {},
                         const AgentNeeds& needs = {});
GroupPlan planForTeam(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                      const std::vector<std::string>& team, const MapOptions& options = {});

}  // namespace outpost::learning
