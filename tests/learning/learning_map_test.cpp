#include "learning/learning_map.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

const Framework& F() { return defaultFramework(); }

Course course(const std::string& id, std::vector<std::string> items) {
  Course c;
  c.id = id;
  c.version = 1;
  c.title = {id, id};
  c.items = std::move(items);
  c.lessons = {{id + "-l1", {"课", "Lesson"}, "markdown", "zh.md", "en.md", {}, 5}};
  Quiz q;
  q.id = id + "-quiz";
  q.items = c.items;
  q.questions = {{"q1", {"?", "?"}, {{"a", "a"}, {"b", "b"}}, {0}, 1, {}}};
  c.quizzes = {q};
  return c;
}

// A synthetic team like the seed's pilot: interpersonal weak for everyone, affinity
// weak for most, and one agent with an individual gap in business knowledge.
class LearningMapTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto put = [&](const std::string& a, const std::string& item, double s) {
      ASSERT_TRUE(ledger_.add({a, item, Source::kSupervisor, s, 1, "", ""}).isOk());
    };
    for (const std::string a : {"a1", "a2", "a3", "a4"}) {
      put(a, "interpersonal", 3.2);
      put(a, "loyalty", 4.6);
    }
    put("a1", "affinity", 3.0);
    put("a2", "affinity", 3.4);
    put("a3", "affinity", 3.3);
    put("a4", "affinity", 4.4);
    put("a1", "business-knowledge", 4.6);
    put("a2", "business-knowledge", 4.5);
    put("a3", "business-knowledge", 4.7);
    put("a4", "business-knowledge", 3.9);  // above the threshold but well below the team
    catalog_ = {course("rapport", {"interpersonal", "affinity"}), course("products", {"business-knowledge"}),
                course("loyal", {"loyalty"})};
  }
  CompetencyLedger ledger_{F()};
  std::vector<Course> catalog_;
  std::vector<std::string> team_{"a1", "a2", "a3", "a4"};
};

TEST_F(LearningMapTest, WeakestItemsComeFirstWithReasons) {
  auto map = planForAgent(ledger_, catalog_, "a1", team_, {});
  ASSERT_EQ(map.weak_items.size(), 2u);
  EXPECT_EQ(map.weak_items[0].item, "affinity");  // 3.0 < 3.2
  EXPECT_EQ(map.weak_items[1].item, "interpersonal");
  EXPECT_EQ(map.weak_items[0].reasons[0].kind, ReasonKind::kBelowThreshold);
  EXPECT_EQ(map.weak_items[0].reasons[1].kind, ReasonKind::kBelowTeam);  // team 3.525
  EXPECT_EQ(map.weak_items[0].reasons[2].kind, ReasonKind::kTeamWide);   // 3 of 4 below
  // One course trains both: it appears once, at the weakest item, lesson before quiz.
  ASSERT_EQ(map.steps.size(), 2u);
  EXPECT_EQ(map.steps[0].kind, StepKind::kLesson);
  EXPECT_EQ(map.steps[0].item, "affinity");
  EXPECT_EQ(map.steps[1].kind, StepKind::kQuiz);
  EXPECT_TRUE(map.steps[0].group);
  EXPECT_EQ(map.steps[0].reasons.size(), 3u + 2u);  // affinity's and interpersonal's
  Text t = map.steps[0].reasons[0].text(F());
  EXPECT_EQ(t.en, "Affinity scored 3.00, below the threshold of 3.50");
  EXPECT_EQ(t.zh, "「亲和力」得分 3.00,低于标准 3.50");
}

TEST_F(LearningMapTest, RelativeGapMakesAnIndividualPlan) {
  auto map = planForAgent(ledger_, catalog_, "a4", team_, {});
  ASSERT_EQ(map.weak_items.size(), 2u);
  EXPECT_EQ(map.weak_items[0].item, "interpersonal");
  EXPECT_EQ(map.weak_items[1].item, "business-knowledge");
  ASSERT_EQ(map.weak_items[1].reasons.size(), 1u);
  EXPECT_EQ(map.weak_items[1].reasons[0].kind, ReasonKind::kBelowTeam);
  EXPECT_NEAR(map.weak_items[1].reasons[0].reference, 4.425, 1e-9);
  const auto& last = map.steps.back();
  EXPECT_EQ(last.course_id, "products");
  EXPECT_FALSE(last.group);  // an individual gap
  EXPECT_TRUE(map.steps.front().group);
}

TEST_F(LearningMapTest, DoneStepsAreLeftOutAndUncoveredItemsReported) {
  auto map = planForAgent(ledger_, catalog_, "a1", team_, {"rapport/rapport-l1"});
  ASSERT_EQ(map.steps.size(), 1u);
  EXPECT_EQ(map.steps[0].ref, "rapport-quiz");
  catalog_.erase(catalog_.begin());
  map = planForAgent(ledger_, catalog_, "a1", team_, {});
  EXPECT_TRUE(map.steps.empty());
  EXPECT_EQ(map.uncovered, (std::vector<std::string>{"affinity", "interpersonal"}));
}

TEST_F(LearningMapTest, StrongAgentHasNoPlanAndMaxItemsHolds) {
  ASSERT_TRUE(ledger_.add({"a5", "loyalty", Source::kSelf, 5.0, 1, "", ""}).isOk());
  EXPECT_TRUE(planForAgent(ledger_, catalog_, "a5", team_, {}).weak_items.empty());
  MapOptions o;
  o.max_items = 1;
  EXPECT_EQ(planForAgent(ledger_, catalog_, "a1", team_, {}, o).weak_items.size(), 1u);
}

TEST_F(LearningMapTest, GroupPlanHoldsTeamWideItemsOnly) {
  auto plan = planForTeam(ledger_, catalog_, team_);
  ASSERT_EQ(plan.items.size(), 2u);
  EXPECT_EQ(plan.items[0].item, "interpersonal");  // team mean 3.2
  EXPECT_DOUBLE_EQ(plan.items[0].share_below, 1.0);
  EXPECT_EQ(plan.items[1].item, "affinity");  // team mean 3.525, 3 of 4 below
  EXPECT_DOUBLE_EQ(plan.items[1].share_below, 0.75);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].course_id, "rapport");
  EXPECT_EQ(plan.items[0].reasons[0].text(F()).en,
            "Interpersonal skill is weak across the team (team average 3.20): a group session");
}

// Frequent errors: a point missed in two attempts of the same quiz, the latest included.
AttemptOutcome attempt(const std::string& course, const std::string& ref, int64_t at, std::vector<std::string> missed,
                       StepKind kind = StepKind::kQuiz) {
  AttemptOutcome a{kind, course, ref, at, {}};
  for (const auto& m : missed) a.missed.push_back({m, {"题" + m, "Question " + m}});
  return a;
}

TEST(FrequentErrorsTest, RepeatedMissesThatStillHappenAreFrequentErrors) {
  const std::vector<AttemptOutcome> attempts = {
      attempt("rapport", "rapport-quiz", 1, {"q1", "q2"}),
      attempt("rapport", "rapport-quiz", 2, {"q1", "q3"}),
      attempt("rapport", "rapport-quiz", 3, {"q1", "q2"}),
      attempt("products", "products-quiz", 1, {"q9"}),  // once only
      attempt("loyal", "loyal-drill", 1, {"kp1"}, StepKind::kDrill),
      attempt("loyal", "loyal-drill", 2, {"kp1"}, StepKind::kDrill),
      attempt("loyal", "loyal-quiz", 1, {"q5"}),
      attempt("loyal", "loyal-quiz", 2, {"q5"}),
      attempt("loyal", "loyal-quiz", 3, {}),  // fixed in the latest attempt
  };
  auto errors = frequentErrors(attempts, 2);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].point.id, "q1");  // 3 of 3
  EXPECT_EQ(errors[0].misses, 3);
  EXPECT_EQ(errors[0].attempts, 3);
  // q2 (2 of 3) and the drill's kp1 (2 of 2): the higher share first.
  EXPECT_EQ(errors[1].point.id, "kp1");
  EXPECT_EQ(errors[1].kind, StepKind::kDrill);
  EXPECT_EQ(errors[2].point.id, "q2");
  EXPECT_TRUE(frequentErrors(attempts, 4).empty());
}

TEST_F(LearningMapTest, FrequentErrorsAddReviewStepsWithTheirReason) {
  AgentNeeds needs;
  needs.errors = frequentErrors({attempt("products", "products-quiz", 1, {"q1"}),
                                 attempt("products", "products-quiz", 2, {"q1"})},
                                2);
  // a5 has no weak items: the plan is the review alone, even though the quiz was done.
  auto map = planForAgent(ledger_, catalog_, "a5", team_, {"products/products-quiz"}, {}, needs);
  ASSERT_EQ(map.steps.size(), 2u);
  EXPECT_EQ(map.steps[0].key(), "products/products-l1");
  EXPECT_EQ(map.steps[1].key(), "products/products-quiz");
  ASSERT_EQ(map.steps[1].reasons.size(), 1u);
  EXPECT_EQ(map.steps[1].reasons[0].kind, ReasonKind::kFrequentError);
  EXPECT_EQ(map.steps[1].reasons[0].text(F()).en, "You missed “Question q1” in 2 of 2 attempts");
  EXPECT_EQ(map.steps[1].reasons[0].text(F()).zh, "「题q1」在最近 2 次练习中错了 2 次");
  // For a1 the rapport steps are there already: the reason is added, not a second step.
  needs.errors = frequentErrors({attempt("rapport", "rapport-quiz", 1, {"q1"}),
                                 attempt("rapport", "rapport-quiz", 2, {"q1"})},
                                2);
  map = planForAgent(ledger_, catalog_, "a1", team_, {}, {}, needs);
  ASSERT_EQ(map.steps.size(), 2u);
  EXPECT_EQ(map.steps[1].reasons.back().kind, ReasonKind::kFrequentError);
}

TEST_F(LearningMapTest, NextTierSkillsAddTheCoursesThatTrainThem) {
  catalog_[1].skills = {"cards"};  // products
  AgentNeeds needs;
  needs.next_tier = {{"cards", {"银行卡业务", "Card services"}, 2, 3, 1, {}},
                     {"loans", {"贷款业务", "Loans"}, 2, 2, 0, {}}};
  auto map = planForAgent(ledger_, catalog_, "a5", team_, {"products/products-l1"}, {}, needs);
  ASSERT_EQ(map.steps.size(), 1u);  // the lesson is done; the quiz is left
  EXPECT_EQ(map.steps[0].key(), "products/products-quiz");
  EXPECT_EQ(map.steps[0].skill, "cards");
  ASSERT_EQ(map.steps[0].reasons.size(), 1u);
  EXPECT_EQ(map.steps[0].reasons[0].kind, ReasonKind::kNextTier);
  EXPECT_EQ(map.steps[0].reasons[0].text(F()).en, "Tier T2 needs Card services at level 3; you are at level 1");
  EXPECT_EQ(map.uncovered_skills, (std::vector<std::string>{"loans"}));
  EXPECT_EQ(map.next_tier.size(), 2u);
  // Weak items still come first.
  map = planForAgent(ledger_, catalog_, "a1", team_, {}, {}, needs);
  EXPECT_EQ(map.steps.front().course_id, "rapport");
  EXPECT_EQ(map.steps.back().skill, "cards");
}

}  // namespace
}  // namespace outpost::learning
