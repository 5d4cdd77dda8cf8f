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

}  // namespace
}  // namespace outpost::learning
