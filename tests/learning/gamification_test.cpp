#include "learning/gamification.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00Z = 08:00 in Beijing

TEST(GamificationTest, PointsFollowTheRules) {
  PointRules rules;
  std::vector<LearningEvent> ev = {{EventKind::kLessonCompleted, kT0, 0},
                                   {EventKind::kQuizFailed, kT0 + 1000, 0.5},
                                   {EventKind::kQuizPassed, kT0 + 2000, 1.0}};
  Progress p = computeProgress(ev, kT0 + 3000, rules);
  EXPECT_EQ(p.points, 10 + 2 + 20 + 10);
  EXPECT_EQ(p.lessons, 1);
  EXPECT_EQ(p.quizzes_passed, 1);
  ASSERT_EQ(p.badges.size(), 2u);
  EXPECT_EQ(p.badges[0].code, "first-lesson");
  EXPECT_EQ(p.badges[1].code, "quiz-ace");
  EXPECT_EQ(p.streak_days, 1);
  rules.lesson_completed = 1;  // rules are data
  rules.quiz_passed = 0;
  rules.perfect_quiz_bonus = 0;
  rules.quiz_failed = 0;
  EXPECT_EQ(computeProgress(ev, kT0, rules).points, 1);
}

// Points an on_event rule awarded add to the total but are not a learning day; the
// total never goes below zero.
TEST(GamificationTest, RulePointsAddButDoNotMakeAStreak) {
  std::vector<LearningEvent> ev = {{EventKind::kLessonCompleted, kT0, 0},
                                   {EventKind::kRulePoints, kT0 + kDay, 0, 7},
                                   {EventKind::kRulePoints, kT0 + kDay + 1, 0, -2}};
  Progress p = computeProgress(ev, kT0 + kDay + 2);
  EXPECT_EQ(p.points, 10 + 7 - 2);
  EXPECT_EQ(p.streak_days, 1) << "the rule points' day is not a learning day";
  EXPECT_EQ(p.longest_streak, 1);
  EXPECT_EQ(computeProgress({{EventKind::kRulePoints, kT0, 0, -50}}, kT0).points, 0);
  EXPECT_EQ(computeProgress({{EventKind::kRulePoints, kT0, 0, -50}}, kT0).level, 1);
}

TEST(GamificationTest, StreaksCountLocalDaysAndBreak) {
  std::vector<LearningEvent> ev;
  for (int d = 0; d < 7; ++d) ev.push_back({EventKind::kLessonCompleted, kT0 + d * kDay, 0});
  Progress p = computeProgress(ev, kT0 + 6 * kDay + 1000);
  EXPECT_EQ(p.streak_days, 7);
  EXPECT_EQ(p.longest_streak, 7);
  EXPECT_EQ(p.points, 7 * 10 + 6 * 5);
  EXPECT_EQ(p.badges.back().code, "streak-7");
  EXPECT_EQ(computeProgress(ev, kT0 + 7 * kDay).streak_days, 7);   // yesterday still counts
  EXPECT_EQ(computeProgress(ev, kT0 + 8 * kDay).streak_days, 0);   // a day missed
  // 23:30 and 00:30 local time are two days; 00:30 and 23:30 of one day are one.
  const int64_t local_2330 = kT0 + 15 * 3'600'000 + 30 * 60'000;  // 23:30 Beijing
  Progress two = computeProgress({{EventKind::kLessonCompleted, local_2330, 0},
                                  {EventKind::kLessonCompleted, local_2330 + 3'600'000, 0}},
                                 local_2330 + 3'600'000);
  EXPECT_EQ(two.streak_days, 2);
  EXPECT_EQ(computeProgress({}, kT0).level, 1);
}

TEST(PointRulesTest, RulesAreDataReadFromText) {
  auto r = parsePointRules("lesson_completed=5, quiz_passed = 30,streak_day_bonus=0, utc_offset_minutes=-300");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->lesson_completed, 5);
  EXPECT_EQ(r->quiz_passed, 30);
  EXPECT_EQ(r->streak_day_bonus, 0);
  EXPECT_EQ(r->utc_offset_minutes, -300);
  EXPECT_EQ(r->drill_completed, PointRules{}.drill_completed);  // untouched
  EXPECT_TRUE(parsePointRules("").isOk());
  EXPECT_EQ(parsePointRules("bonus=3").status().where(), "bonus");
  EXPECT_EQ(parsePointRules("quiz_passed=lots").status().where(), "quiz_passed");
  EXPECT_EQ(parsePointRules("points_per_level=0").status().where(), "points_per_level");
  // The rules change the points, not the code.
  const std::vector<LearningEvent> events = {{EventKind::kLessonCompleted, 1'000, 0}};
  EXPECT_EQ(computeProgress(events, 2'000, *r).points, 5);
}

}  // namespace
}  // namespace outpost::learning
