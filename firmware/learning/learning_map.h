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
};

enum class ReasonKind { kBelowThreshold, kBelowTeam, kTeamWide };
std::string_view reasonKindName(ReasonKind k);

struct Reason {
  ReasonKind kind = ReasonKind::kBelowThreshold;
  std::string item;
  double score = 0;      // the agent's (or for kTeamWide the team's) score
  double reference = 0;  // the threshold, or the team mean
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
  std::string item;  // the weakest item this step targets
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

struct LearningMap {
  std::string agent_id;
  std::vector<WeakItem> weak_items;  // weakest first
  std::vector<PlanStep> steps;
  std::vector<std::string> uncovered;  // weak items no course trains yet
};

struct GroupPlan {
  std::vector<std::string> agents;
  std::vector<WeakItem> items;  // team-wide weak, weakest first
  std::vector<PlanStep> steps;
};

// `done` holds PlanStep::key()s the agent has completed (a passed quiz, a read lesson).
LearningMap planForAgent(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                         const std::string& agent_id, const std::vector<std::string>& team,
                         const std::set<std::string>& done, const MapOptions& options = {});
GroupPlan planForTeam(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                      const std::vector<std::string>& team, const MapOptions& options = {});

}  // namespace outpost::learning
