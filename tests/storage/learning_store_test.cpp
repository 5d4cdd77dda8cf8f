// Learning store helpers that need no database: the site's tier requirements and the
// skills an agent's next tier needs (synthetic site directories).

#include "storage/learning_store.h"

#include <gtest/gtest.h>

namespace outpost::storage {
namespace {

site::Queue queue(const std::string& code, std::vector<site::SkillLevel> skills, std::vector<site::RingRule> rings) {
  site::Queue q;
  q.code = code;
  q.name = {code + "队列", code + " line"};
  q.skills = std::move(skills);
  q.rings = std::move(rings);
  return q;
}

site::Agent agent(int tier, std::vector<site::SkillLevel> skills) {
  site::Agent a;
  a.id = "a1";
  a.tier = tier;
  a.skills = std::move(skills);
  return a;
}

const std::vector<site::Skill> kSkills = {{"cards", {"银行卡业务", "Card services"}},
                                          {"complaints", {"投诉处理", "Complaint handling"}}};

TEST(TierRequirementsTest, ParsesTiersAndLevels) {
  auto r = parseTierRequirements("T2: complaints=4, cards=3; t1:complaints=5;");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].tier, 2);
  EXPECT_EQ((*r)[0].skill, "complaints");
  EXPECT_EQ((*r)[0].level, 4);
  EXPECT_EQ((*r)[2].tier, 1);
  EXPECT_TRUE(parseTierRequirements("").value().empty());
  EXPECT_FALSE(parseTierRequirements("T5: cards=3").isOk());
  EXPECT_FALSE(parseTierRequirements("T2: cards").isOk());
  EXPECT_FALSE(parseTierRequirements("T2: cards=9").isOk());
  EXPECT_FALSE(parseTierRequirements("cards=3").isOk());
}

TEST(NextTierGapsTest, QueuesThatReachTheNextTierSoonerSetItsSkills) {
  // Complaints reach T1–T2 at once, T3 after 30 s; standard contacts reach every tier at once.
  const std::vector<site::Queue> queues = {
      queue("vip", {{"complaints", 3}}, {{"complaint", 0, 1, 2}, {"complaint", 30, 1, 3}, {"*", 0, 1, 4}}),
      queue("cards", {{"cards", 2}}, {{"*", 0, 1, 4}}),
  };
  auto gaps = nextTierGaps(agent(3, {{"cards", 1}}), queues, kSkills, {});
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].skill, "complaints");
  EXPECT_EQ(gaps[0].tier, 2);
  EXPECT_EQ(gaps[0].required, 3);
  EXPECT_EQ(gaps[0].current, 0);
  EXPECT_EQ(gaps[0].skill_name.en, "Complaint handling");
  EXPECT_EQ(gaps[0].why.en, "vip line offers complaint contacts to T2 first");
  // An agent who has the level has no gap; T1 has no next tier.
  EXPECT_TRUE(nextTierGaps(agent(3, {{"complaints", 3}}), queues, kSkills, {}).empty());
  EXPECT_TRUE(nextTierGaps(agent(1, {}), queues, kSkills, {}).empty());
}

TEST(NextTierGapsTest, TheSitesRequirementsAddToTheQueuesAndTheHighestLevelWins) {
  const std::vector<site::Queue> queues = {
      queue("vip", {{"complaints", 3}}, {{"complaint", 0, 1, 2}, {"complaint", 30, 1, 3}})};
  auto reqs = parseTierRequirements("T2: complaints=4, cards=3; T1: cards=5").value();
  auto gaps = nextTierGaps(agent(3, {{"cards", 3}, {"complaints", 2}}), queues, kSkills, reqs);
  ASSERT_EQ(gaps.size(), 1u);  // cards=3 is met; T1's cards=5 is not the next tier
  EXPECT_EQ(gaps[0].skill, "complaints");
  EXPECT_EQ(gaps[0].required, 4);
  EXPECT_EQ(gaps[0].current, 2);
  EXPECT_EQ(gaps[0].why.en, "the site's T2 requirements");
}

}  // namespace
}  // namespace outpost::storage
