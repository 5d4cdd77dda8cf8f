#include "learning/assessment.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

const Framework& F() { return defaultFramework(); }

TEST(AssessmentTest, QuestionnaireGivesOneObservationPerItem) {
  auto obs = questionnaireObservations(F(), "a1", Source::kSelf,
                                       {{"affinity-1", 3}, {"affinity-2", 4}, {"affinity-3", 2}, {"loyalty-1", 5}},
                                       1000, "as-1", "u1");
  ASSERT_TRUE(obs.isOk()) << obs.status().toString();
  ASSERT_EQ(obs->size(), 2u);
  EXPECT_EQ((*obs)[0].item, "affinity");
  EXPECT_DOUBLE_EQ((*obs)[0].score, 3.0);
  EXPECT_EQ((*obs)[1].item, "loyalty");
  EXPECT_DOUBLE_EQ((*obs)[1].score, 5.0);
}

TEST(AssessmentTest, QuestionnaireRefusesBadAnswers) {
  auto bad = questionnaireObservations(F(), "a1", Source::kSelf, {{"affinity-1", 6}}, 0, "", "");
  EXPECT_EQ(bad.status().where(), "/answers/affinity-1");
  bad = questionnaireObservations(F(), "a1", Source::kSelf, {{"nope", 3}}, 0, "", "");
  EXPECT_EQ(bad.status().where(), "/answers/nope");
  bad = questionnaireObservations(F(), "a1", Source::kSelf, {}, 0, "", "");
  EXPECT_EQ(bad.status().where(), "/answers");
  bad = questionnaireObservations(F(), "a1", Source::kQuiz, {{"affinity-1", 3}}, 0, "", "");
  EXPECT_FALSE(bad.isOk());
}

TEST(AssessmentTest, ScoresBlendSourcesWithWeights) {
  CompetencyLedger l(F(), {0.2, 0.5, 0.3, 5});
  ASSERT_TRUE(l.add({"a1", "affinity", Source::kSelf, 4.0, 100, "", ""}).isOk());
  auto s = l.itemScore("a1", "affinity");
  ASSERT_TRUE(s.has_value());
  EXPECT_DOUBLE_EQ(s->score, 4.0);  // only one source: its value
  ASSERT_TRUE(l.add({"a1", "affinity", Source::kSupervisor, 2.0, 200, "", ""}).isOk());
  s = l.itemScore("a1", "affinity");
  EXPECT_NEAR(s->score, (4.0 * 0.2 + 2.0 * 0.5) / 0.7, 1e-9);
  ASSERT_TRUE(l.add({"a1", "affinity", Source::kQuiz, 5.0, 300, "q", ""}).isOk());
  ASSERT_TRUE(l.add({"a1", "affinity", Source::kDrill, 3.0, 400, "d", ""}).isOk());
  s = l.itemScore("a1", "affinity");
  EXPECT_DOUBLE_EQ(*s->evidence, 4.0);
  EXPECT_NEAR(s->score, 4.0 * 0.2 + 2.0 * 0.5 + 4.0 * 0.3, 1e-9);
  EXPECT_EQ(s->updated_at_ms, 400);
  // A later self assessment replaces the earlier one.
  ASSERT_TRUE(l.add({"a1", "affinity", Source::kSelf, 5.0, 500, "", ""}).isOk());
  EXPECT_DOUBLE_EQ(*l.itemScore("a1", "affinity")->self, 5.0);
  EXPECT_FALSE(l.itemScore("a1", "loyalty").has_value());
}

TEST(AssessmentTest, EvidenceUsesTheLatestWindow) {
  CompetencyLedger l(F(), {0, 0, 1, 2});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(l.add({"a", "expression", Source::kQuiz, 1.0 + i, 10 * i, "", ""}).isOk());
  EXPECT_DOUBLE_EQ(l.itemScore("a", "expression")->score, 4.5);  // mean of 4 and 5
  EXPECT_DOUBLE_EQ(evidenceScore(F(), 1.0), 5.0);
  EXPECT_DOUBLE_EQ(evidenceScore(F(), 0.5), 3.0);
  EXPECT_DOUBLE_EQ(evidenceScore(F(), 0.0), 1.0);
}

TEST(AssessmentTest, RefusesUnknownItemsAndScoresOutOfRange) {
  CompetencyLedger l(F());
  EXPECT_EQ(l.add({"a", "nope", Source::kSelf, 3, 0, "", ""}).where(), "/item");
  EXPECT_EQ(l.add({"a", "affinity", Source::kSelf, 0.5, 0, "", ""}).where(), "/score");
  EXPECT_EQ(l.add({"", "affinity", Source::kSelf, 3, 0, "", ""}).where(), "/agent_id");
  EXPECT_TRUE(l.observations().empty());
}

TEST(AssessmentTest, TeamScoresAndHistory) {
  CompetencyLedger l(F());
  ASSERT_TRUE(l.add({"a", "affinity", Source::kSupervisor, 3.0, 10, "", ""}).isOk());
  ASSERT_TRUE(l.add({"b", "affinity", Source::kSupervisor, 4.0, 20, "", ""}).isOk());
  ASSERT_TRUE(l.add({"b", "loyalty", Source::kSupervisor, 5.0, 20, "", ""}).isOk());
  auto team = l.teamScores({"a", "b", "c"});
  EXPECT_DOUBLE_EQ(team.at("affinity"), 3.5);
  EXPECT_DOUBLE_EQ(team.at("loyalty"), 5.0);
  ASSERT_TRUE(l.add({"a", "affinity", Source::kSupervisor, 4.0, 30, "", ""}).isOk());
  ASSERT_TRUE(l.add({"a", "affinity", Source::kSupervisor, 4.5, 5, "", ""}).isOk());  // back-dated
  auto h = l.history("a", "affinity");
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0].at_ms, 5);
  EXPECT_DOUBLE_EQ(h[0].score, 4.5);
  EXPECT_DOUBLE_EQ(h[1].score, 3.0);
  EXPECT_DOUBLE_EQ(h[2].score, 4.0);
  EXPECT_DOUBLE_EQ(l.agentScoresAt("a", 15).at("affinity").score, 3.0);
  // Before/after: the team mean at 25 (a 3.0, b 4.0) and now (a 4.0, b 4.0).
  EXPECT_DOUBLE_EQ(l.teamScoresAt({"a", "b"}, 25).at("affinity"), 3.5);
  EXPECT_DOUBLE_EQ(l.teamScores({"a", "b"}).at("affinity"), 4.0);
  EXPECT_TRUE(l.teamScoresAt({"a", "b"}, 1).empty());
}

}  // namespace
}  // namespace outpost::learning
