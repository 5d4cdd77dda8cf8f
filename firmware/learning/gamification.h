#pragma once

// Gamification: points, streaks of learning days, badges and levels, computed from
// the agent's learning events with rules that are data (PointRules), not code, plus
// the points a rule bundle's on_event hook awards (docs/plugin-api.md).
//
// Thread-safety: values and stateless functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::learning {

// kRulePoints: points awarded by an on_event rule (not a learning day for streaks).
enum class EventKind { kLessonCompleted, kQuizPassed, kQuizFailed, kDrillCompleted, kRulePoints };

struct LearningEvent {
  EventKind kind = EventKind::kLessonCompleted;
  int64_t at_ms = 0;
  double fraction = 0;  // quizzes and drills: the fraction scored
  int points = 0;       // kRulePoints: the points awarded (−1000…1000)
};

struct PointRules {
  int lesson_completed = 10;
  int quiz_passed = 20;
  int quiz_failed = 2;        // trying counts
  int perfect_quiz_bonus = 10;
  int drill_completed = 15;
  int streak_day_bonus = 5;   // per day of the current streak beyond the first
  int points_per_level = 100;
  int utc_offset_minutes = 480;  // the site's day boundary (China Standard Time)
};

struct Badge {
  std::string code;  // first-lesson, quiz-ace, streak-3, streak-7, ten-lessons
  int64_t earned_at_ms = 0;
};

struct Progress {
  int points = 0;  // never below 0
  int level = 1;
  int streak_days = 0;       // consecutive learning days ending today or yesterday
  int longest_streak = 0;
  int lessons = 0;
  int quizzes_passed = 0;
  std::vector<Badge> badges;  // in the order earned
};

// Point rules from text, e.g. "lesson_completed=10, quiz_passed=25, streak_day_bonus=5"
// (the field names above; the others keep their defaults). Errors name the field.
Result<PointRules> parsePointRules(std::string_view text);

// `events` in any order; `now_ms` decides whether the streak is still alive.
Progress computeProgress(std::vector<LearningEvent> events, int64_t now_ms, const PointRules& rules = {});

}  // namespace outpost::learning
