#include "learning/gamification.h"

#include <algorithm>
#include <set>

namespace outpost::learning {
namespace {

int64_t dayOf(int64_t at_ms, const PointRules& r) {
  const int64_t local = at_ms + static_cast<int64_t>(r.utc_offset_minutes) * 60'000;
  return local >= 0 ? local / 86'400'000 : (local - 86'399'999) / 86'400'000;
}

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

Result<PointRules> parsePointRules(std::string_view text) {
  PointRules r;
  struct Field {
    std::string_view name;
    int* value;
    int min;
    int max;
  };
  const Field fields[] = {
      {"lesson_completed", &r.lesson_completed, 0, 1000},  {"quiz_passed", &r.quiz_passed, 0, 1000},
      {"quiz_failed", &r.quiz_failed, 0, 1000},            {"perfect_quiz_bonus", &r.perfect_quiz_bonus, 0, 1000},
      {"drill_completed", &r.drill_completed, 0, 1000},    {"streak_day_bonus", &r.streak_day_bonus, 0, 1000},
      {"points_per_level", &r.points_per_level, 1, 100000}, {"utc_offset_minutes", &r.utc_offset_minutes, -840, 840},
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = trim(text.substr(start, end - start));
    start = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view name = trim(pair.substr(0, eq));
    const Field* f = nullptr;
    for (const Field& x : fields) {
      if (x.name == name) f = &x;
    }
    if (f == nullptr) return Status::invalidArgument("\"" + std::string(name) + "\" is not a point rule", std::string(name));
    if (eq == std::string_view::npos) return Status::invalidArgument("needs =<number>", std::string(name));
    std::string_view num = trim(pair.substr(eq + 1));
    bool negative = !num.empty() && num.front() == '-';
    if (negative) num.remove_prefix(1);
    if (num.empty() || num.size() > 6 || !std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Status::invalidArgument("must be a whole number", std::string(name));
    }
    const int v = (negative ? -1 : 1) * std::stoi(std::string(num));
    if (v < f->min || v > f->max) {
      return Status::invalidArgument("must be from " + std::to_string(f->min) + " to " + std::to_string(f->max),
                                     std::string(name));
    }
    *f->value = v;
  }
  return r;
}

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
    if (e.kind == EventKind::kRulePoints) {  // work, not learning: no streak day
      p.points += e.points;
      continue;
    }
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
      case EventKind::kRulePoints: break;  // above
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
  p.points = std::max(p.points, 0);
  p.level = 1 + (rules.points_per_level > 0 ? p.points / rules.points_per_level : 0);
  return p;
}

}  // namespace outpost::learning
