#include "learning/gamification.h"

#include <algorithm>
#include <set>

namespace outpost::learning {
namespace {

int64_t dayOf(int64_t at_ms, const PointRules& r) {
  const int64_t local = at_ms + static_cast<int64_t>(r.utc_offset_minutes) * 60'000;
  return local >= 0 ? local / 86'400'000 : (local - 86'399'999) / 86'400'000;
}

}  // namespace

Progress computeProgress(std::vector<LearningEvent> events, int64_t now_ms, const PointRules& rules) {
  std::stable_sort(events.begin(), events.end(),
                   [](const LearningEvent& a, const LearningEvent& b) { return a.at_ms < b.at_ms; });
  Progress p;
  std::set<std::string> earned;
  auto earn = [&](const std::string& code, int64_t at) {
    if (earned.insert(code).second) p.badges.push_back({code, at});
  };
  int64_t last_day = INT64_MIN;
  int run = 0;
  for (const LearningEvent& e : events) {
    switch (e.kind) {
      case EventKind::kLessonCompleted:
        p.points += rules.lesson_completed;
        ++p.lessons;
        earn("first-lesson", e.at_ms);
        if (p.lessons >= 10) earn("ten-lessons", e.at_ms);
        break;
      case EventKind::kQuizPassed:
        p.points += rules.quiz_passed;
        ++p.quizzes_passed;
        if (e.fraction >= 1.0 - 1e-9) {
          p.points += rules.perfect_quiz_bonus;
          earn("quiz-ace", e.at_ms);
        }
        break;
      case EventKind::kQuizFailed: p.points += rules.quiz_failed; break;
      case EventKind::kDrillCompleted: p.points += rules.drill_completed; break;
    }
    const int64_t day = dayOf(e.at_ms, rules);
    if (day == last_day) continue;
    run = (last_day != INT64_MIN && day == last_day + 1) ? run + 1 : 1;
    last_day = day;
    if (run > 1) p.points += rules.streak_day_bonus;
    p.longest_streak = std::max(p.longest_streak, run);
    if (run >= 3) earn("streak-3", e.at_ms);
    if (run >= 7) earn("streak-7", e.at_ms);
  }
  const int64_t today = dayOf(now_ms, rules);
  p.streak_days = (last_day != INT64_MIN && today - last_day <= 1) ? run : 0;
  p.level = 1 + (rules.points_per_level > 0 ? p.points / rules.points_per_level : 0);
  return p;
}

}  // namespace outpost::learning
