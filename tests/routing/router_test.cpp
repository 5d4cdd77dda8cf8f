#include "routing/router.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "routing_test_util.h"

namespace outpost::routing::testing {
namespace {

class RouterTest : public ::testing::Test, public RouterHarness {
 protected:
  RouterTest() { router().setQueue(flatQueue("voice")); }

  // Accepts, completes and (with wrap_up_time 0) ends the wrap-up of a contact.
  void handle(const std::string& contact) {
    const std::string agent = agentOf(contact);
    ASSERT_FALSE(agent.empty()) << contact << " is not offered";
    ASSERT_TRUE(router().accept(contact, agent).isOk());
    ASSERT_TRUE(router().complete(contact, agent, WrapUp{"done", true, true, ""}).isOk());
    if (stateOf(contact) == ContactState::kWrapUp) {
      ASSERT_TRUE(router().endWrapUp(contact, agent).isOk());
    }
  }
};

// --- eligibility -----------------------------------------------------------------

TEST_F(RouterTest, OffersToAnAgentWithTheSkillAtTheMinimumLevel) {
  addAgent(profile("a1", 1, {{"cards", 2}}));
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  EXPECT_EQ(agentOf("c1"), "a2");
  EXPECT_EQ(stateOf("c1"), ContactState::kOffered);
  EXPECT_EQ(presenceOf("a2"), PresenceState::kReserved);
  EXPECT_EQ(presenceOf("a1"), PresenceState::kReady);
  checkInvariants();
}

TEST_F(RouterTest, ContactWaitsWhenNobodyHasTheLevelAndGoesToTheFirstWhoDoes) {
  addAgent(profile("a1", 1, {{"cards", 2}}));
  auto r = add(spec("c1", "voice", {{"cards", 4}}));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->contact.state, ContactState::kQueued);
  EXPECT_EQ(r->position, 1);
  addAgent(profile("a2", 2, {{"cards", 5}}));
  EXPECT_EQ(agentOf("c1"), "a2");
  EXPECT_EQ(router().decision("c1")->trigger, "agent_available");
  checkInvariants();
}

TEST_F(RouterTest, EveryRequiredSkillMustBeMet) {
  addAgent(profile("a1", 1, {{"cards", 5}}));
  addAgent(profile("a2", 1, {{"cards", 3}, {"loans", 2}}));
  addOk(spec("c1", "voice", {{"cards", 3}, {"loans", 2}}));
  EXPECT_EQ(agentOf("c1"), "a2");
  addOk(spec("c2", "voice", {{"cards", 3}, {"loans", 3}}));
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  checkInvariants();
}

TEST_F(RouterTest, ContactNeedsASharedLanguage) {
  addAgent(profile("a1", 1, {{"cards", 3}}, {"zh-CN"}));
  auto s = spec("c1", "voice", {{"cards", 3}});
  s.language = "en";
  addOk(s);
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  addAgent(profile("a2", 4, {{"cards", 3}}, {"zh-CN", "en"}));
  EXPECT_EQ(agentOf("c1"), "a2");
  checkInvariants();
}

TEST_F(RouterTest, NotReadyOfflineAndDelayedAgentsGetNothing) {
  addAgent(profile("a1", 1, {{"cards", 3}}), false);  // offline
  addAgent(profile("a2", 1, {{"cards", 3}}));
  notReady("a2", "lunch");
  addOk(spec("c1", "voice", {{"cards", 3}}));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  ready("a2");
  EXPECT_EQ(agentOf("c1"), "a2");
  // a2 rejects: blocked for the reject delay, so c2 waits although a2 is "ready".
  ASSERT_TRUE(router().reject("c1", "a2").isOk());
  EXPECT_EQ(presenceOf("a2"), PresenceState::kReady);
  ASSERT_TRUE(router().agent("a2")->blocked_until);
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  checkInvariants();
}

TEST_F(RouterTest, ChatAgentTakesUpToItsCapacity) {
  router().setQueue(flatQueue("chat", Channel::kChat));
  auto p = profile("a1", 2, {{"cards", 3}});
  p.chat_capacity = 3;
  addAgent(p);
  for (int i = 1; i <= 4; ++i) addOk(spec("c" + std::to_string(i), "chat", {{"cards", 1}}));
  EXPECT_EQ(agentOf("c1"), "a1");
  EXPECT_EQ(agentOf("c2"), "a1");
  EXPECT_EQ(agentOf("c3"), "a1");
  EXPECT_EQ(stateOf("c4"), ContactState::kQueued);
  EXPECT_EQ(router().agent("a1")->chat_active, 3);
  // With one chat connected and two offered it is busy, and still takes nothing more.
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  EXPECT_EQ(presenceOf("a1"), PresenceState::kBusy);
  // One chat done (wrap-up blocks new offers until it ends) → the fourth chat follows.
  ASSERT_TRUE(router().complete("c1", "a1", {}).isOk());
  EXPECT_EQ(stateOf("c4"), ContactState::kQueued);
  advance(10s);
  EXPECT_EQ(agentOf("c4"), "a1");
  checkInvariants();
}

TEST_F(RouterTest, ChatAgentWithOneChatStillGetsChats) {
  router().setQueue(flatQueue("chat", Channel::kChat));
  addAgent(profile("a1", 2, {{"cards", 3}}));
  addOk(spec("c1", "chat", {{"cards", 1}}));
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  addOk(spec("c2", "chat", {{"cards", 1}}));
  EXPECT_EQ(agentOf("c2"), "a1");
  EXPECT_EQ(router().agent("a1")->chat_active, 2);
  checkInvariants();
}

TEST_F(RouterTest, VoiceBlocksChat) {
  router().setQueue(flatQueue("chat", Channel::kChat));
  addAgent(profile("a1", 2, {{"cards", 3}}));
  addOk(spec("v1", "voice", {{"cards", 1}}));
  ASSERT_EQ(agentOf("v1"), "a1");
  addOk(spec("c1", "chat", {{"cards", 1}}));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  ASSERT_TRUE(router().accept("v1", "a1").isOk());
  ASSERT_TRUE(router().complete("v1", "a1", {}).isOk());
  advance(10s);  // wrap-up
  EXPECT_EQ(agentOf("c1"), "a1");
  checkInvariants();
}

TEST(RouterOptionsTest, VoiceNeedNotBlockChat) {
  RouterOptions o;
  o.voice_blocks_chat = false;
  RouterHarness h(o);
  h.router().setQueue(flatQueue("voice"));
  h.router().setQueue(flatQueue("chat", Channel::kChat));
  h.addAgent(profile("a1", 2, {{"cards", 3}}));
  h.addOk(h.spec("v1", "voice", {{"cards", 1}}));
  h.addOk(h.spec("c1", "chat", {{"cards", 1}}));
  EXPECT_EQ(h.agentOf("v1"), "a1");
  EXPECT_EQ(h.agentOf("c1"), "a1");
  h.checkInvariants();
}

// --- rings -----------------------------------------------------------------------

TEST_F(RouterTest, RingWidensAtExactlyTheConfiguredSecondThenToAnyEligible) {
  QueuePolicy q = flatQueue("tiers");
  q.rings.clear();
  q.rings["*"] = {RingStep{Millis(0), 3, 4}, RingStep{20s, 2, 4}};
  q.widen_to_any_after = 40s;
  router().setQueue(q);
  addAgent(profile("t1", 1, {{"cards", 3}}));
  auto r = add(spec("c1", "tiers", {{"cards", 3}}));
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->contact.state, ContactState::kQueued);
  advance(19'999ms, 1ms);
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  // A T2 agent arrives: still outside the ring until the 20th second.
  addAgent(profile("t2", 2, {{"cards", 3}}));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  advance(1ms, 1ms);
  ASSERT_EQ(agentOf("c1"), "t2");
  auto d = router().decision("c1");
  EXPECT_EQ(d->trigger, "ring_widened");
  EXPECT_EQ(d->ring_step, 1);
  EXPECT_EQ(d->ring_min_tier, 2);
  EXPECT_EQ(d->ring_max_tier, 4);
  ASSERT_TRUE(router().accept("c1", "t2").isOk());

  // A second contact: t2 is busy; T1 only after 20 s + 40 s.
  addOk(spec("c2", "tiers", {{"cards", 3}}));
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  advance(59'999ms, 1ms);
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  advance(1ms, 1ms);
  ASSERT_EQ(agentOf("c2"), "t1");
  d = router().decision("c2");
  EXPECT_EQ(d->ring_step, 2);  // steps.size(): any eligible
  EXPECT_EQ(d->ring_min_tier, 1);
  EXPECT_EQ(d->ring_max_tier, 4);
  EXPECT_NE(d->summary.find("any eligible"), std::string::npos) << d->summary;
  checkInvariants();
}

TEST_F(RouterTest, DefaultRingsSendVipToSeniorsAndStandardToJuniorsFirst) {
  QueuePolicy q;
  q.code = "defaults";  // no rings: the built-in ladder
  router().setQueue(q);
  addAgent(profile("senior", 1, {{"cards", 3}}));
  addAgent(profile("junior", 4, {{"cards", 3}}));
  addOk(spec("vip1", "defaults", {{"cards", 3}}, 50, "vip"));
  EXPECT_EQ(agentOf("vip1"), "senior");
  addOk(spec("std1", "defaults", {{"cards", 3}}));
  EXPECT_EQ(agentOf("std1"), "junior");
  addOk(spec("cmp1", "defaults", {{"cards", 3}}, 50, "complaint"));
  EXPECT_EQ(stateOf("cmp1"), ContactState::kQueued);  // T1–T2 busy; T3 joins after 30 s, T4 later
  // A standard contact waits for T3–T4, then T2 (20 s), then T1 (60 s).
  ASSERT_TRUE(router().accept("vip1", "senior").isOk());
  ASSERT_TRUE(router().complete("vip1", "senior", {}).isOk());
  advance(10s);  // senior's wrap-up: it takes the complaint
  EXPECT_EQ(agentOf("cmp1"), "senior");
  checkInvariants();
}

// --- aging and queue weights ----------------------------------------------------------

TEST_F(RouterTest, AgingLetsAnOlderLowerPriorityContactGoFirst) {
  addOk(spec("old", "voice", {{"cards", 1}}, 50));
  advance(20s);
  addOk(spec("new", "voice", {{"cards", 1}}, 60));
  advance(5s);  // old: 50 + 25 = 75; new: 60 + 5 = 65
  addAgent(profile("a1", 1, {{"cards", 3}}));
  EXPECT_EQ(agentOf("old"), "a1");
  EXPECT_NEAR(router().decision("old")->effective_priority, 75.0, 1e-9);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  EXPECT_EQ(agentOf("new"), "a2");
}

TEST_F(RouterTest, AHighEnoughPriorityOvertakesWaitingTime) {
  addOk(spec("old", "voice", {{"cards", 1}}, 50));
  advance(20s);
  addOk(spec("urgent", "voice", {{"cards", 1}}, 80));
  advance(5s);  // old: 75; urgent: 85
  auto r = router().contact("old");
  ASSERT_NE(r, nullptr);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  EXPECT_EQ(agentOf("urgent"), "a1");
  EXPECT_EQ(stateOf("old"), ContactState::kQueued);
  checkInvariants();
}

TEST_F(RouterTest, QueueWeightsDecideAcrossQueues) {
  QueuePolicy light = flatQueue("light");
  light.weight = 1.0;
  QueuePolicy heavy = flatQueue("heavy");
  heavy.weight = 2.0;
  router().setQueue(light);
  router().setQueue(heavy);
  addOk(spec("l1", "light", {{"cards", 1}}, 70));
  advance(10s);
  addOk(spec("h1", "heavy", {{"cards", 1}}, 50));  // 2 × 50 = 100 > 1 × (70 + 10) = 80
  addAgent(profile("a1", 1, {{"cards", 3}}));
  EXPECT_EQ(agentOf("h1"), "a1");
  EXPECT_NEAR(router().decision("h1")->effective_priority, 100.0, 1e-9);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  EXPECT_EQ(agentOf("l1"), "a2");
  checkInvariants();
}

TEST_F(RouterTest, PositionAndEstimatedWaitFollowEffectivePriority) {
  auto r1 = add(spec("c1", "voice", {{"cards", 1}}, 50));
  auto r2 = add(spec("c2", "voice", {{"cards", 1}}, 40));
  auto r3 = add(spec("c3", "voice", {{"cards", 1}}, 90));
  ASSERT_TRUE(r1.isOk() && r2.isOk() && r3.isOk());
  EXPECT_EQ(r1->position, 1);
  EXPECT_EQ(r2->position, 2);
  EXPECT_EQ(r3->position, 1);
  EXPECT_GT(r2->estimated_wait, r1->estimated_wait);
}

// --- strategies --------------------------------------------------------------------

TEST_F(RouterTest, LongestIdlePicksTheAgentFreeTheLongest) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  advance(5s);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  advance(5s);
  addAgent(profile("a3", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 1}}));
  EXPECT_EQ(agentOf("c1"), "a1");
  auto d = router().decision("c1");
  EXPECT_EQ(d->strategy, "longest_idle");
  EXPECT_EQ(d->idle_for, 10s);
  addOk(spec("c2", "voice", {{"cards", 1}}));
  EXPECT_EQ(agentOf("c2"), "a2");
}

TEST_F(RouterTest, LeastOccupiedPrefersTheLessBusyAgent) {
  QueuePolicy q = flatQueue("lo");
  q.strategy = Strategy::kLeastOccupied;
  q.wrap_up_time = Millis(0);
  router().setQueue(q);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("long", "lo", {{"cards", 1}}));
  ASSERT_EQ(agentOf("long"), "a1");
  ASSERT_TRUE(router().accept("long", "a1").isOk());
  advance(550s);
  addOk(spec("short", "lo", {{"cards", 1}}));
  ASSERT_EQ(agentOf("short"), "a2");
  ASSERT_TRUE(router().accept("short", "a2").isOk());
  advance(50s);  // t = 600: a1 frees up after 600 s busy
  ASSERT_TRUE(router().complete("long", "a1", {}).isOk());
  ASSERT_TRUE(router().endWrapUp("long", "a1").isOk());
  advance(10s);  // t = 610: a2 frees up after 60 s busy
  ASSERT_TRUE(router().complete("short", "a2", {}).isOk());
  ASSERT_TRUE(router().endWrapUp("short", "a2").isOk());
  advance(10s);
  // a1 has been idle longer, but a2 has been far less occupied.
  addOk(spec("next", "lo", {{"cards", 1}}));
  EXPECT_EQ(agentOf("next"), "a2");
  auto d = router().decision("next");
  EXPECT_EQ(d->strategy, "least_occupied");
  EXPECT_LT(d->occupancy, router().agent("a1") ? 0.5 : 0.0);
  EXPECT_NE(d->summary.find("least occupied of 2"), std::string::npos) << d->summary;
  checkInvariants();
}

TEST_F(RouterTest, RewardWeightedSharesFollowTheScores) {
  QueuePolicy q = flatQueue("rw");
  q.strategy = Strategy::kRewardWeighted;
  q.wrap_up_time = Millis(0);
  router().setQueue(q);
  for (int i = 1; i <= 3; ++i) {
    auto p = profile("a" + std::to_string(i), 2, {{"cards", 3}});
    p.reward_score = i;  // 1 : 2 : 3
    addAgent(p);
  }
  std::map<std::string, int> offers;
  constexpr int kContacts = 6000;
  for (int i = 0; i < kContacts; ++i) {
    const std::string id = "c" + std::to_string(i);
    addOk(spec(id, "rw", {{"cards", 1}}));
    const std::string agent = agentOf(id);
    ASSERT_FALSE(agent.empty());
    ++offers[agent];
    handle(id);
    advance(1s);
  }
  // Stated tolerance: each share within ±3% (relative) of score / sum of scores.
  for (int i = 1; i <= 3; ++i) {
    const double share = offers["a" + std::to_string(i)] / static_cast<double>(kContacts);
    EXPECT_NEAR(share, i / 6.0, 0.03 * i / 6.0) << "a" << i;
  }
  EXPECT_EQ(router().decision("c0"), std::nullopt);  // forgotten once completed
  checkInvariants();
}

// --- practice ----------------------------------------------------------------------

class PracticeTest : public RouterTest {
 protected:
  PracticeTest() {
    QueuePolicy q = flatQueue("p");
    q.wrap_up_time = Millis(0);
    q.practice_max_share = 0.2;
    q.practice_max_priority = 40;
    router().setQueue(q);
    addAgent(profile("senior", 2, {{"cards", 4}}));
    auto trainee = profile("trainee", 4, {{"cards", 1}});
    trainee.practice_skills = {"cards"};
    addAgent(trainee);
  }
};

TEST_F(PracticeTest, CapIsHonouredOverManyContacts) {
  int practice = 0;
  for (int i = 0; i < 200; ++i) {
    const std::string id = "c" + std::to_string(i);
    addOk(spec(id, "p", {{"cards", 3}}, 30));
    auto d = router().decision(id);
    ASSERT_TRUE(d);
    if (d->practice) {
      ++practice;
      EXPECT_EQ(d->agent_id, "trainee");
      EXPECT_EQ(d->strategy, "practice");
      EXPECT_NE(d->summary.find("practising cards"), std::string::npos) << d->summary;
    } else {
      EXPECT_EQ(d->agent_id, "senior");
    }
    EXPECT_LE(practice, 0.2 * (i + 1) + 1e-9) << "after " << i + 1 << " offers";
    handle(id);
    advance(1s);
  }
  EXPECT_EQ(practice, 40);  // exactly at the cap: 20% of 200
  checkInvariants();
}

TEST_F(PracticeTest, OnlyLowRiskContacts) {
  for (int i = 0; i < 50; ++i) {
    const std::string id = "c" + std::to_string(i);
    // Priority above practice_max_priority, or a segment not on the practice list.
    addOk(i % 2 ? spec(id, "p", {{"cards", 3}}, 41) : spec(id, "p", {{"cards", 3}}, 10, "vip"));
    EXPECT_FALSE(router().decision(id)->practice);
    EXPECT_EQ(agentOf(id), "senior");
    handle(id);
    advance(1s);
  }
}

TEST_F(PracticeTest, OnlyWhileTheQueueMeetsItsServiceLevel) {
  // Two contacts abandon after the 20 s threshold: service level 0 of 2.
  notReady("senior");
  notReady("trainee");
  addOk(spec("x1", "p", {{"cards", 3}}, 30));
  addOk(spec("x2", "p", {{"cards", 3}}, 30));
  advance(21s);
  ASSERT_TRUE(router().abandonContact("x1", false).isOk());
  ASSERT_TRUE(router().abandonContact("x2", false).isOk());
  ready("senior");
  ready("trainee");
  // Each answered contact raises it: 1/3, 2/4 … 7/9 stay below the 80% target.
  for (int i = 0; i < 8; ++i) {
    const std::string id = "c" + std::to_string(i);
    EXPECT_LT(router().stats("p").service_level, 0.8);
    addOk(spec(id, "p", {{"cards", 3}}, 30));
    EXPECT_FALSE(router().decision(id)->practice) << i;
    handle(id);
    advance(1s);
  }
  // 8 of 10: the target is met and practice resumes.
  EXPECT_DOUBLE_EQ(router().stats("p").service_level, 0.8);
  addOk(spec("y", "p", {{"cards", 3}}, 30));
  EXPECT_TRUE(router().decision("y")->practice);
  checkInvariants();
}

TEST_F(PracticeTest, APractisingAgentWhoFreesUpTakesAWaitingLowRiskContact) {
  notReady("senior");
  for (int i = 0; i < 5; ++i) {  // build an offer history so the cap allows one
    addAgent(profile("helper", 1, {{"cards", 5}}));
    addOk(spec("h" + std::to_string(i), "p", {{"cards", 3}}, 60));
    handle("h" + std::to_string(i));
  }
  notReady("helper");
  notReady("trainee");
  addOk(spec("c1", "p", {{"cards", 3}}, 30));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  ready("trainee");
  EXPECT_EQ(agentOf("c1"), "trainee");
  EXPECT_TRUE(router().decision("c1")->practice);
  checkInvariants();
}

TEST_F(PracticeTest, APractisingAgentTakesOnlyContactsWhoseOtherSkillsItHas) {
  notReady("senior");
  for (int i = 0; i < 5; ++i) {  // build an offer history so the cap allows one
    addAgent(profile("helper", 1, {{"cards", 5}, {"loans", 5}}));
    addOk(spec("h" + std::to_string(i), "p", {{"cards", 3}}, 60));
    handle("h" + std::to_string(i));
  }
  notReady("helper");
  notReady("trainee");
  auto second = profile("trainee2", 4, {{"cards", 1}, {"loans", 2}});
  second.practice_skills = {"cards"};
  addAgent(second);
  notReady("trainee2");
  // Practice entries carry the other skill: the first needs loans 3, which trainee2
  // lacks, though it waits longer and ranks first.
  addOk(spec("c1", "p", {{"cards", 3}, {"loans", 3}}, 30));
  advance(1s);
  addOk(spec("c2", "p", {{"cards", 3}, {"loans", 2}}, 30));
  ready("trainee2");
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  EXPECT_EQ(agentOf("c2"), "trainee2");
  EXPECT_TRUE(router().decision("c2")->practice);
  checkInvariants();
}

// --- offers: accept, reject, time out, miss -------------------------------------------

TEST_F(RouterTest, AcceptConnectsAndMakesTheAgentBusy) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  sink_.clear();
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  EXPECT_EQ(stateOf("c1"), ContactState::kConnected);
  EXPECT_EQ(presenceOf("a1"), PresenceState::kBusy);
  auto ended = sink_.all<OfferEnded>();
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].outcome, "accepted");
  auto changed = sink_.all<ContactChanged>();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].contact.state, ContactState::kConnected);
  auto ac = sink_.agentChanges("a1");
  ASSERT_EQ(ac.size(), 1u);
  EXPECT_EQ(ac[0].before.state, PresenceState::kReserved);
  EXPECT_EQ(ac[0].after.state, PresenceState::kBusy);
  EXPECT_EQ(router().accept("c1", "a1").code(), StatusCode::kFailedPrecondition);
  checkInvariants();
}

TEST_F(RouterTest, RejectGoesToTheNextCandidateAndDelaysTheAgent) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  advance(1s);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_EQ(agentOf("c1"), "a1");
  ASSERT_TRUE(router().reject("c1", "a1").isOk());
  EXPECT_EQ(agentOf("c1"), "a2");
  EXPECT_EQ(router().decision("c1")->trigger, "offer_declined");
  EXPECT_EQ(router().contact("c1")->offers, 2);
  EXPECT_EQ(router().agent("a1")->missed_in_a_row, 1);
  EXPECT_EQ(router().agent("a1")->blocked_until, now() + 5s);
  // a1 takes nothing during the reject delay (5 s), then is free again.
  addOk(spec("c2", "voice", {{"cards", 3}}));
  advance(4'999ms, 1ms);
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  advance(1ms, 1ms);
  EXPECT_EQ(agentOf("c2"), "a1");
  checkInvariants();
}

TEST_F(RouterTest, TheOnlyEligibleAgentGetsADeclinedContactBackAfterItsDelay) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().reject("c1", "a1").isOk());
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  advance(5s);
  EXPECT_EQ(agentOf("c1"), "a1");
  EXPECT_NE(router().decision("c1")->summary.find("no one else"), std::string::npos);
  checkInvariants();
}

TEST_F(RouterTest, TimeOutMovesOnAndAppliesTheNoAnswerDelay) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  advance(1s);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_EQ(agentOf("c1"), "a1");
  EXPECT_EQ(sink_.lastOffer()->expires_at, now() + 15s);
  advance(14'999ms, 1ms);
  EXPECT_EQ(agentOf("c1"), "a1");
  advance(1ms, 1ms);
  EXPECT_EQ(agentOf("c1"), "a2");
  auto ended = sink_.all<OfferEnded>();
  ASSERT_FALSE(ended.empty());
  EXPECT_EQ(ended.back().outcome, "timed_out");
  EXPECT_EQ(router().agent("a1")->blocked_until, now() + 30s);
  EXPECT_EQ(router().accept("c1", "a1").code(), StatusCode::kPermissionDenied);
  checkInvariants();
}

TEST_F(RouterTest, MissedOffersInARowPutTheAgentNotReady) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  for (int i = 0; i < 3; ++i) {
    addOk(spec("c" + std::to_string(i), "voice", {{"cards", 3}}));
    ASSERT_EQ(presenceOf("a1"), PresenceState::kReserved) << i;
    advance(15s);  // time-out
    if (i < 2) advance(30s);  // no-answer delay
  }
  const AgentView* a = router().agent("a1");
  EXPECT_EQ(a->presence.state, PresenceState::kNotReady);
  EXPECT_EQ(a->presence.reason, "missed-offers");
  auto changes = sink_.agentChanges("a1");
  ASSERT_FALSE(changes.empty());
  EXPECT_TRUE(changes.back().forced);
  EXPECT_EQ(changes.back().after.state, PresenceState::kNotReady);
  checkInvariants();
}

TEST_F(RouterTest, AnAcceptResetsTheMissedCount) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().reject("c1", "a1").isOk());
  advance(5s);
  ASSERT_EQ(router().agent("a1")->missed_in_a_row, 1);
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  EXPECT_EQ(router().agent("a1")->missed_in_a_row, 0);
}

TEST_F(RouterTest, CompleteGoesToWrapUpAndTheAgentIsFreeAfterTheWrapUpTime) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  addOk(spec("c2", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().complete("c1", "a1", WrapUp{"card-lost", true, true, "sent a new card"}).isOk());
  EXPECT_EQ(stateOf("c1"), ContactState::kWrapUp);
  EXPECT_EQ(router().contact("c1")->wrap_up->code, "card-lost");
  EXPECT_EQ(presenceOf("a1"), PresenceState::kWrapUp);
  EXPECT_EQ(router().agent("a1")->blocked_until, now() + 10s);
  advance(9'999ms, 1ms);
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  advance(1ms, 1ms);
  EXPECT_EQ(router().contact("c1"), nullptr);  // completed and forgotten
  EXPECT_EQ(agentOf("c2"), "a1");
  auto changed = sink_.all<ContactChanged>();
  int completed = 0;
  for (auto& c : changed)
    completed += c.contact.spec->id == "c1" && c.contact.state == ContactState::kCompleted;
  EXPECT_EQ(completed, 1);
  checkInvariants();
}

TEST_F(RouterTest, EndWrapUpFreesTheAgentWhenTheWrapUpTimeIsZero) {
  QueuePolicy q = flatQueue("manual");
  q.wrap_up_time = Millis(0);
  router().setQueue(q);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "manual", {{"cards", 3}}));
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  ASSERT_TRUE(router().complete("c1", "a1", {}).isOk());
  addOk(spec("c2", "manual", {{"cards", 3}}));
  advance(10min);
  EXPECT_EQ(presenceOf("a1"), PresenceState::kWrapUp);
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  EXPECT_EQ(router().endWrapUp("c1", "a2").code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(router().endWrapUp("c1", "a1").isOk());
  EXPECT_EQ(agentOf("c2"), "a1");
  EXPECT_EQ(router().endWrapUp("c1", "a1").code(), StatusCode::kNotFound);
  checkInvariants();
}

TEST_F(RouterTest, NotReadyWhileBusyIsAppliedAfterTheWrapUp) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  auto p = router().requestPresence("a1", PresenceState::kNotReady, "lunch", "supervisor1", true);
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->state, PresenceState::kBusy);
  EXPECT_TRUE(router().agent("a1")->not_ready_pending);
  EXPECT_EQ(router().agent("a1")->pending_reason, "lunch");
  addOk(spec("c2", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().complete("c1", "a1", {}).isOk());
  EXPECT_EQ(presenceOf("a1"), PresenceState::kWrapUp);
  advance(10s);
  const AgentView* a = router().agent("a1");
  EXPECT_EQ(a->presence.state, PresenceState::kNotReady);
  EXPECT_EQ(a->presence.reason, "lunch");
  EXPECT_EQ(a->presence.changed_by, "supervisor1");
  EXPECT_FALSE(a->not_ready_pending);
  EXPECT_TRUE(sink_.agentChanges("a1").back().forced);
  EXPECT_EQ(stateOf("c2"), ContactState::kQueued);
  checkInvariants();
}

TEST_F(RouterTest, NotReadyWhileOnlyReservedWithdrawsTheOffer) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  advance(1s);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_EQ(agentOf("c1"), "a1");
  auto p = router().requestPresence("a1", PresenceState::kNotReady, "break", "a1", false);
  ASSERT_TRUE(p.isOk());
  EXPECT_EQ(p->state, PresenceState::kNotReady);
  EXPECT_EQ(agentOf("c1"), "a2");
  auto ended = sink_.all<OfferEnded>();
  ASSERT_FALSE(ended.empty());
  EXPECT_EQ(ended.back().outcome, "withdrawn");
  EXPECT_EQ(router().agent("a1")->missed_in_a_row, 0);
  checkInvariants();
}

TEST_F(RouterTest, PresenceRequestsFollowTheBoardRules) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  EXPECT_EQ(
      router().requestPresence("nobody", PresenceState::kReady, std::nullopt, "x", false).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(router().requestPresence("a1", PresenceState::kBusy, std::nullopt, "x", false).status().where(),
            "/state");
  EXPECT_EQ(
      router().requestPresence("a1", PresenceState::kNotReady, std::nullopt, "x", false).status().where(),
      "/reason");
  EXPECT_EQ(router().requestPresence("a1", PresenceState::kReady, "x", "x", false).status().where(),
            "/reason");
  sink_.clear();
  auto same = router().requestPresence("a1", PresenceState::kReady, std::nullopt, "x", false);
  ASSERT_TRUE(same.isOk());
  EXPECT_TRUE(sink_.events.empty());  // no change, no event
}

// --- abandon and statistics -----------------------------------------------------------

TEST_F(RouterTest, AbandonWhileQueuedOrOffered) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  addOk(spec("c2", "voice", {{"cards", 3}}));
  ASSERT_EQ(agentOf("c1"), "a1");
  ASSERT_TRUE(router().abandonContact("c2", false).isOk());
  EXPECT_EQ(router().contact("c2"), nullptr);
  addOk(spec("c3", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().abandonContact("c1", false).isOk());  // while offered: a1 takes c3
  EXPECT_EQ(agentOf("c3"), "a1");
  auto ended = sink_.all<OfferEnded>();
  ASSERT_FALSE(ended.empty());
  EXPECT_EQ(ended.back().outcome, "withdrawn");
  ASSERT_TRUE(router().accept("c3", "a1").isOk());
  EXPECT_EQ(router().abandonContact("c3", false).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(router().abandonContact("nope", false).code(), StatusCode::kNotFound);
  addOk(spec("c4", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().abandonContact("c4", true).isOk());  // cancelled: not an abandonment
  EXPECT_EQ(router().stats("voice").abandoned, 2);
  EXPECT_EQ(router().liveContacts(), 1u);
  int terminal = 0;
  for (auto& c : sink_.all<ContactChanged>()) terminal += isTerminal(c.contact.state);
  EXPECT_EQ(terminal, 3);
  checkInvariants();
}

TEST_F(RouterTest, StatisticsInAScriptedScenario) {
  QueuePolicy q = flatQueue("s");
  q.sl_threshold_s = 20;
  router().setQueue(q);
  // t=0: three contacts wait, nobody is ready.
  addOk(spec("c1", "s", {{"cards", 1}}));
  addOk(spec("c2", "s", {{"cards", 1}}));
  addOk(spec("c3", "s", {{"cards", 1}}));
  advance(10s);
  addOk(spec("c4", "s", {{"cards", 1}}));
  QueueStats s = router().stats("s");
  EXPECT_EQ(s.waiting, 4);
  EXPECT_EQ(s.offered, 0);
  EXPECT_EQ(s.longest_wait, 10s);
  EXPECT_EQ(s.service_level, 1.0);
  // t=15: an agent is ready and gets c1; accepts at t=17 (wait 17 s, in threshold).
  advance(5s);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  ASSERT_EQ(agentOf("c1"), "a1");
  s = router().stats("s");
  EXPECT_EQ(s.waiting, 3);
  EXPECT_EQ(s.offered, 1);
  EXPECT_EQ(s.longest_wait, 15s);  // c1 is not answered yet
  advance(2s);
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  // t=17: c2 abandons within the threshold (17 s): counted, but not against SL.
  ASSERT_TRUE(router().abandonContact("c2", false).isOk());
  // t=25: c3 abandons after the threshold (25 s): against SL.
  advance(8s);
  ASSERT_TRUE(router().abandonContact("c3", false).isOk());
  // t=45: a2 takes c4 (wait 35 s) and accepts at once: outside the threshold.
  advance(20s);
  addAgent(profile("a2", 1, {{"cards", 3}}));
  ASSERT_TRUE(router().accept("c4", "a2").isOk());
  s = router().stats("s");
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.offered, 0);
  EXPECT_EQ(s.longest_wait, Millis(0));
  EXPECT_EQ(s.answered, 2);
  EXPECT_EQ(s.answered_in_threshold, 1);
  EXPECT_EQ(s.abandoned, 2);
  EXPECT_DOUBLE_EQ(s.service_level, 1.0 / 3.0);  // 1 / (2 answered + 1 abandoned after 20 s)
  EXPECT_EQ(s.average_speed_of_answer, 26s);     // (17 + 35) / 2
  EXPECT_DOUBLE_EQ(s.abandon_rate, 0.5);
  auto all = router().allStats();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].queue, "s");
  checkInvariants();
}

// --- restart ---------------------------------------------------------------------------

TEST_F(RouterTest, RestoreAndResumeReoffersAndKeepsWaitingTime) {
  QueuePolicy tiers = flatQueue("tiers");
  tiers.rings["*"] = {RingStep{Millis(0), 3, 4}, RingStep{20s, 1, 4}};
  router().setQueue(tiers);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("busy", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().accept("busy", agentOf("busy")).isOk());
  const std::string handler = agentOf("busy");
  addOk(spec("ringing", "voice", {{"cards", 3}}));
  const std::string offered_to = agentOf("ringing");
  ASSERT_FALSE(offered_to.empty());
  addOk(spec("waiting", "tiers", {{"cards", 3}}));  // T1 agents only after 20 s
  ASSERT_EQ(stateOf("waiting"), ContactState::kQueued);
  advance(12s);

  // Snapshot what storage would hold, then "crash".
  std::vector<ContactView> contacts;
  for (const char* id : {"busy", "ringing", "waiting"}) contacts.push_back(*router().contact(id));
  std::vector<AgentView> agents = router().agents();
  reset();
  sink_.clear();
  advance(10s);  // down for 10 s: "waiting" has now waited 22 s

  router().setQueue(flatQueue("voice"));
  router().setQueue(tiers);
  for (const auto& a : agents) {
    router().upsertAgent(profile(a.id, 1, {{"cards", 3}}));
    router().restorePresence(a.id, a.presence);
  }
  for (const auto& c : contacts) router().restoreContact(c);
  router().resume();

  EXPECT_EQ(stateOf("busy"), ContactState::kConnected);
  EXPECT_EQ(agentOf("busy"), handler);
  EXPECT_EQ(presenceOf(handler), PresenceState::kBusy);
  // The outstanding offer is made again, to the free agent.
  ASSERT_EQ(stateOf("ringing"), ContactState::kOffered);
  EXPECT_EQ(agentOf("ringing"), offered_to);
  EXPECT_EQ(router().decision("ringing")->trigger, "restart");
  EXPECT_EQ(router().contact("ringing")->offers, 2);
  // Waiting time counts from the original arrival: the ring already widened, but the
  // only T1 agents are taken, so it waits, 22 s long.
  EXPECT_EQ(stateOf("waiting"), ContactState::kQueued);
  EXPECT_EQ(router().stats("tiers").longest_wait, 22s);
  ASSERT_TRUE(router().accept("ringing", offered_to).isOk());
  ASSERT_TRUE(router().complete("ringing", offered_to, {}).isOk());
  advance(10s);
  EXPECT_EQ(agentOf("waiting"), offered_to);
  EXPECT_EQ(router().decision("waiting")->ring_step, 1);
  checkInvariants();
}

TEST_F(RouterTest, RestoredWrapUpEndsOnTime) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  ASSERT_TRUE(router().accept("c1", "a1").isOk());
  ASSERT_TRUE(router().complete("c1", "a1", {}).isOk());
  advance(4s);
  ContactView c = *router().contact("c1");
  AgentView a = *router().agent("a1");
  reset();
  router().setQueue(flatQueue("voice"));
  router().upsertAgent(profile("a1", 1, {{"cards", 3}}));
  router().restorePresence("a1", a.presence);
  router().restoreContact(c);
  router().resume();
  EXPECT_EQ(presenceOf("a1"), PresenceState::kWrapUp);
  advance(5'999ms, 1ms);
  EXPECT_EQ(stateOf("c1"), ContactState::kWrapUp);
  advance(1ms, 1ms);
  EXPECT_EQ(router().contact("c1"), nullptr);
  EXPECT_EQ(presenceOf("a1"), PresenceState::kReady);
  checkInvariants();
}

// --- decisions explain themselves -------------------------------------------------------

TEST_F(RouterTest, DecisionExplainsTheChoice) {
  QueuePolicy q = flatQueue("vipq");
  q.rings["vip"] = {RingStep{Millis(0), 1, 2}};
  router().setQueue(q);
  addAgent(profile("a03", 1, {{"cards", 5}}));
  addAgent(profile("a04", 2, {{"cards", 4}}));
  addAgent(profile("a05", 2, {{"cards", 3}}));
  addAgent(profile("a06", 3, {{"cards", 5}}));  // outside the ring
  addAgent(profile("a07", 1, {{"cards", 2}}));  // below the level
  advance(42s);
  addOk(spec("c1", "vipq", {{"cards", 3}}, 70, "vip"));
  auto d = router().decision("c1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->agent_id, "a03");
  EXPECT_EQ(d->contact_id, "c1");
  EXPECT_EQ(d->trigger, "contact_arrived");
  EXPECT_EQ(d->queue, "vipq");
  EXPECT_EQ(d->strategy, "longest_idle");
  EXPECT_EQ(d->ring_step, 0);
  EXPECT_EQ(d->ring_min_tier, 1);
  EXPECT_EQ(d->ring_max_tier, 2);
  EXPECT_EQ(d->eligible, 3);
  EXPECT_FALSE(d->practice);
  EXPECT_EQ(d->agent_tier, 1);
  EXPECT_EQ(d->agent_level, 5);
  EXPECT_EQ(d->idle_for, 42s);
  EXPECT_EQ(d->at, now());
  EXPECT_DOUBLE_EQ(d->effective_priority, 70.0);
  EXPECT_EQ(d->summary, "T1 agent a03 (cards 5), idle 42 s, longest idle of 3 in T1\u2013T2");
  auto offered = sink_.lastOffer();
  ASSERT_TRUE(offered);
  EXPECT_EQ(offered->decision.summary, d->summary);
  EXPECT_EQ(offered->contact.spec->id, "c1");
}

TEST_F(RouterTest, EligibleCountsOnlyAgentsWithEverySkill) {
  addAgent(profile("a1", 1, {{"cards", 5}, {"loans", 3}}));
  addAgent(profile("a2", 2, {{"cards", 4}}));
  addAgent(profile("a3", 3, {{"cards", 4}, {"loans", 1}}));
  addAgent(profile("a4", 4, {{"cards", 3}, {"loans", 5}}));
  addOk(spec("c1", "voice", {{"cards", 3}, {"loans", 2}}));
  auto d = router().decision("c1");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->agent_id, "a1");
  EXPECT_EQ(d->eligible, 2);
}

// --- requests that fail ----------------------------------------------------------------

TEST_F(RouterTest, BadContactsAreRefused) {
  EXPECT_EQ(add(spec("c1", "nowhere")).status().where(), "/queue");
  EXPECT_EQ(add(spec("", "voice")).status().where(), "/id");
  auto s = spec("c1", "voice");
  s.channel = Channel::kChat;
  EXPECT_EQ(router().addContact(s).status().where(), "/channel");
  EXPECT_EQ(add(spec("c1", "voice", {{"cards", 6}})).status().where(), "/skills/0/level");
  EXPECT_EQ(add(spec("c1", "voice", {}, 101)).status().where(), "/priority");
  addOk(spec("c1", "voice"));
  EXPECT_EQ(add(spec("c1", "voice")).status().code(), StatusCode::kAlreadyExists);
}

TEST_F(RouterTest, RequestsOnTheWrongContactOrAgentFail) {
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addAgent(profile("a2", 1, {{"cards", 3}}));
  addOk(spec("c1", "voice", {{"cards", 3}}));
  const std::string other = agentOf("c1") == "a1" ? "a2" : "a1";
  EXPECT_EQ(router().accept("c1", other).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(router().reject("c1", other).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(router().accept("zz", "a1").code(), StatusCode::kNotFound);
  EXPECT_EQ(router().complete("c1", agentOf("c1"), {}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(router().removeAgent(agentOf("c1")).code(), StatusCode::kConflict);
  EXPECT_TRUE(router().removeAgent(other).isOk());
  EXPECT_EQ(router().agent(other), nullptr);
  EXPECT_EQ(router().removeAgent(other).code(), StatusCode::kNotFound);
  checkInvariants();
}

TEST_F(RouterTest, ProfileChangesTakeEffectAtOnce) {
  addAgent(profile("a1", 4, {{"cards", 1}}));
  addOk(spec("c1", "voice", {{"cards", 4}}));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  router().upsertAgent(profile("a1", 4, {{"cards", 4}}));
  EXPECT_EQ(agentOf("c1"), "a1");
  EXPECT_EQ(presenceOf("a1"), PresenceState::kReserved);  // presence and work kept
  checkInvariants();
}

TEST_F(RouterTest, QueueChangesKeepWaitingContactsAndWidenRings) {
  QueuePolicy q = flatQueue("q");
  q.rings["*"] = {RingStep{Millis(0), 4, 4}};
  router().setQueue(q);
  addAgent(profile("a1", 1, {{"cards", 3}}));
  addOk(spec("c1", "q", {{"cards", 3}}));
  EXPECT_EQ(stateOf("c1"), ContactState::kQueued);
  q.rings["*"] = {RingStep{Millis(0), 1, 4}};
  router().setQueue(q);
  EXPECT_EQ(agentOf("c1"), "a1");
  EXPECT_EQ(router().decision("c1")->trigger, "queue_changed");
  checkInvariants();
}

}  // namespace
}  // namespace outpost::routing::testing
