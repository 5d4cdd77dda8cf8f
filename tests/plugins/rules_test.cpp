// The hooks end to end: RulesHost as the engine's classifier and the router's ranker.
#include "plugins/rules.h"

#include <gtest/gtest.h>

#include "hooks_fixture.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;
using testing::BundleDir;
using testing::HooksTest;

const char* kRankTierFirst = R"(
function rank_candidates(contact, candidates, ctx)
  local best
  for _, c in ipairs(candidates) do
    if not best or c.tier < best.tier then best = c end
  end
  return {best.id}
end
)";

TEST_F(HooksTest, ClassifyChangesTheContactBeforeTheRouterSeesIt) {
  BundleDir d("classify");
  auto host = makeHost(d);
  install(*host, d, std::string(testing::kMainLua));
  ASSERT_TRUE(add(contact("c1", "my card fraud")).isOk());
  auto v = view("c1");
  EXPECT_EQ(v.spec->segment, "vip");
  EXPECT_EQ(v.spec->priority, 95);
  ASSERT_EQ(v.spec->skills.size(), 1u);
  EXPECT_EQ(v.spec->skills[0].skill_code, "fraud");
  ASSERT_TRUE(add(contact("c2", "hello")).isOk());
  EXPECT_EQ(view("c2").spec->segment, "standard");
  EXPECT_EQ(host->status().active->counters.calls, 2u);
  EXPECT_EQ(host->status().active->counters.errors, 0u);
}

TEST_F(HooksTest, BadResultFallsBackWithAClearError) {
  BundleDir d("bad");
  auto host = makeHost(d);
  install(*host, d, std::string("function classify_contact(c) return {priority = 500, colour = 'red'} end\n") +
                        kRankTierFirst);
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(view("c1").spec->priority, 50);
  const auto c = host->status().active->counters;
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(c.fallbacks, 1u);
  ASSERT_FALSE(logs.empty());
  EXPECT_NE(logs.back().find("demo v1 classify_contact failed"), std::string::npos) << logs.back();
  EXPECT_NE(logs.back().find("/colour"), std::string::npos) << logs.back();
}

TEST_F(HooksTest, RuntimeErrorIsLoggedWithLine) {
  BundleDir d("err");
  auto host = makeHost(d);
  install(*host, d, std::string("function classify_contact(c)\n  return c.nothing.here\nend\n") + kRankTierFirst);
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_NE(logs.back().find("main.lua:2"), std::string::npos) << logs.back();
}

TEST_F(HooksTest, LimitFallsBackAndTheSandboxIsRebuilt) {
  BundleDir d("limit");
  auto host = makeHost(d);
  install(*host, d,
          std::string("calls = 0\nfunction classify_contact(c)\n  calls = calls + 1\n"
                      "  if c.attributes.text == 'loop' then while true do end end\n"
                      "  return {priority = 60 + calls}\nend\n") +
              kRankTierFirst);
  ASSERT_TRUE(add(contact("c1", "loop")).isOk());
  EXPECT_EQ(view("c1").spec->priority, 50);  // built-in
  ASSERT_TRUE(add(contact("c2")).isOk());
  EXPECT_EQ(view("c2").spec->priority, 61);  // a fresh state: its globals start again
  const auto c = host->status().active->counters;
  EXPECT_EQ(c.limit_hits, 1u);
  EXPECT_EQ(c.rebuilds, 1u);
  EXPECT_EQ(c.calls, 2u);
}

TEST_F(HooksTest, RouterRefusingTheClassificationFallsBack) {
  BundleDir d("queue");
  auto host = makeHost(d);
  install(*host, d, std::string("function classify_contact(c) return {queue = 'nope'} end\n") + kRankTierFirst);
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(view("c1").spec->queue, "retail");
  EXPECT_EQ(host->status().active->counters.fallbacks, 1u);
}

TEST_F(HooksTest, RankCandidatesPicksAmongEligibleAgents) {
  BundleDir d("rank");
  auto host = makeHost(d);
  install(*host, d, std::string("function classify_contact(c) return nil end\n") + kRankTierFirst);
  ready("a01");
  clock.advance(5s);
  ready("a02");  // longest idle would pick a01
  ASSERT_TRUE(add(contact("c1")).isOk());
  auto v = view("c1");
  ASSERT_TRUE(v.agent_id.has_value());
  EXPECT_EQ(*v.agent_id, "a02");
  EXPECT_EQ(host->status().active->counters.calls, 2u);  // classify_contact + rank_candidates
}

TEST_F(HooksTest, BadRankingFallsBackToTheBuiltInChoice) {
  BundleDir d("rankbad");
  auto host = makeHost(d);
  install(*host, d, "function classify_contact(c) return nil end\n"
                    "function rank_candidates(c, list) return {'ghost'} end\n");
  ready("a01");
  clock.advance(5s);
  ready("a02");
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(*view("c1").agent_id, "a01");
  EXPECT_NE(logs.back().find("ghost"), std::string::npos) << logs.back();
}

TEST_F(HooksTest, WithoutRulesTheBuiltInBehaviourHolds) {
  BundleDir d("none");
  auto host = makeHost(d);
  ready("a01");
  clock.advance(5s);
  ready("a02");
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(*view("c1").agent_id, "a01");
}

TEST_F(HooksTest, SwapKeepsInFlightRulesAlive) {
  BundleDir d("swap");
  auto host = makeHost(d);
  install(*host, d, std::string("function classify_contact(c) return {priority = 61} end\n") + kRankTierFirst, 1);
  auto in_flight = host->active();
  install(*host, d, std::string("function classify_contact(c) return {priority = 62} end\n") + kRankTierFirst, 2);
  // The decision that started on v1 finishes on v1.
  auto r = in_flight->classify(contactValue(contact("x")), clock.wallNow());
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(*r->priority, 61);
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(view("c1").spec->priority, 62);
  ASSERT_TRUE(host->rollback().isOk());
  ASSERT_TRUE(add(contact("c2")).isOk());
  EXPECT_EQ(view("c2").spec->priority, 61);
}

TEST_F(HooksTest, CtxNowIsTheDecisionTime) {
  BundleDir d("now");
  auto host = makeHost(d);
  install(*host, d,
          std::string("function classify_contact(c, ctx)\n"
                      "  local t = os.date('!*t', ctx.now // 1000)\n"
                      "  return {priority = t.hour}\nend\n") +
              kRankTierFirst);
  clock.advance(3h);  // 2026-01-01 03:00 UTC
  ASSERT_TRUE(add(contact("c1")).isOk());
  EXPECT_EQ(view("c1").spec->priority, 3);
}

TEST(Validation, ClassificationErrorsNameTheField) {
  auto r = validateClassification(Value(Value::Object{{"skills", Value(Value::Object{{"cards", 9}})}}));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().where(), "/skills/cards");
  r = validateClassification(Value(Value::Object{{"segment", "VIP!"}}));
  EXPECT_EQ(r.status().where(), "/segment");
  r = validateClassification(Value("vip"));
  EXPECT_FALSE(r.isOk());
  auto k = validateRanking(Value(Value::Array{"a", "a"}), {"a", "b"});
  EXPECT_NE(k.status().message().find("twice"), std::string::npos);
  k = validateRanking(Value(Value::Array{"b"}), {"a", "b"});
  ASSERT_TRUE(k.isOk());
  EXPECT_EQ(k->front(), 1u);
}

}  // namespace
}  // namespace outpost::plugins
