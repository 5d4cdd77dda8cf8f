// The candidate fields recent_heavy and practice_today, computed by the host from the
// engine's events: unit cases on AgentWorkload, and a ranking rule that uses them.
#include "plugins/workload.h"

#include <gtest/gtest.h>

#include "hooks_fixture.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;
using testing::BundleDir;
using testing::HooksTest;

routing::ContactView view(const std::string& id, const std::string& agent, WallTime at, const std::string& segment,
                          const std::string& attributes = "{}") {
  auto spec = std::make_shared<routing::ContactSpec>();
  spec->id = id;
  spec->segment = segment;
  spec->skills = {{"cards", 1}};
  spec->attributes_json = attributes;
  routing::ContactView v;
  v.spec = spec;
  v.state = routing::ContactState::kConnected;
  v.agent_id = agent;
  v.answered_at = at;
  return v;
}

TEST(Workload, RecentHeavyIsTheCurrentRunWithinTheWindow) {
  SimulatedClock clock;
  AgentWorkload w(WorkloadOptions{Millis(3'600'000), Millis(0)});
  auto t = [&] { return clock.wallNow(); };
  EXPECT_EQ(w.recentHeavy("a1", t()), 0);
  w.record(routing::ContactChanged{view("c1", "a1", t(), "complaint")});
  w.record(routing::ContactChanged{view("c2", "a1", t(), "standard")});  // a light one ends the run
  w.record(routing::ContactChanged{view("c3", "a1", t(), "fraud")});
  w.record(routing::ContactChanged{view("c4", "a1", t(), "standard", R"({"sentiment": "negative"})")});
  clock.advance(10min);
  w.record(routing::ContactChanged{view("c5", "a1", t(), "complaint")});
  EXPECT_EQ(w.recentHeavy("a1", t()), 3);
  EXPECT_EQ(w.recentHeavy("a2", t()), 0);
  clock.advance(55min);  // c3 and c4 are now older than the window
  EXPECT_EQ(w.recentHeavy("a1", t()), 1);
  clock.advance(10min);
  EXPECT_EQ(w.recentHeavy("a1", t()), 0);
}

TEST(Workload, PracticeTodayCountsPracticeContactsAndResetsAtMidnight) {
  SimulatedClock clock(fromEpochMillis(1'767'225'600'000 + 15 * 3'600'000LL));  // 2026-01-01 15:00 UTC
  AgentWorkload w(WorkloadOptions{Millis(3'600'000), Millis(8 * 3'600'000)});   // 23:00 in UTC+8
  routing::AgentProfile trainee;
  trainee.id = "t1";
  trainee.practice_skills = {"cards"};
  w.noteProfile(trainee);
  auto t = [&] { return clock.wallNow(); };
  w.record(routing::ContactChanged{view("c1", "t1", t(), "standard")});  // only in practice_skills
  routing::ContactOffered offer;
  offer.decision.contact_id = "c2";
  offer.decision.practice = true;
  w.record(offer);
  w.record(routing::ContactChanged{view("c2", "a9", t(), "standard")});  // a practice decision
  w.record(routing::ContactChanged{view("c3", "a9", t(), "standard")});  // a9 is no trainee
  EXPECT_EQ(w.practiceToday("t1", t()), 1);
  EXPECT_EQ(w.practiceToday("a9", t()), 1);
  clock.advance(59min);
  EXPECT_EQ(w.practiceToday("t1", t()), 1);
  clock.advance(1min);  // midnight at the site
  EXPECT_EQ(w.practiceToday("t1", t()), 0);
}

const char* kRested = R"(
function classify_contact() return nil end
function rank_candidates(contact, candidates, ctx)
  local best
  for _, c in ipairs(candidates) do
    if not best or c.recent_heavy < best.recent_heavy then best = c end
  end
  outpost.log(best.id .. ' ' .. best.recent_heavy .. ' ' .. best.practice_today)
  return {best.id}
end
)";

TEST_F(HooksTest, CandidatesCarryRecentHeavyFromTheEngineEvents) {
  BundleDir d("workload");
  auto host = makeHost(d);
  engine.addListener([&](const engine::DomainEvent& e) { host->observe(e, clock.wallNow()); });
  install(*host, d, kRested);
  auto run = [&](std::future<Status> f) {
    loop.runDue();
    ASSERT_TRUE(f.get().isOk());
  };
  ready("a02");
  for (int i = 0; i < 3; ++i) {
    auto s = contact("h" + std::to_string(i));
    s.segment = "complaint";
    ASSERT_TRUE(add(s).isOk());
    ASSERT_EQ(view(s.id).agent_id.value_or(""), "a02");
    run(engine.accept(s.id, "a02"));
    run(engine.complete(s.id, "a02", routing::WrapUp{"resolved", true, true, ""}));
    run(engine.endWrapUp(s.id, "a02"));
  }
  clock.advance(1s);
  ready("a01");
  auto s = contact("h9");
  s.segment = "complaint";
  ASSERT_TRUE(add(s).isOk());
  // a02 has been idle longest, but has a run of 3 complaints: the rule picks a01.
  EXPECT_EQ(view("h9").agent_id.value_or(""), "a01");
  bool seen = false;
  for (const auto& l : logs) seen = seen || l.find("a01 0 0") != std::string::npos;
  EXPECT_TRUE(seen) << ::testing::PrintToString(logs);
}

}  // namespace
}  // namespace outpost::plugins

namespace outpost::plugins {
namespace {

// The hot path pushes the contact straight into Lua; it must give the rules exactly
// what contactValue gives them, including the order pairs() walks the keys in.
TEST(PushContact, SameTableAsContactValue) {
  SimulatedClock clock;
  auto sb = Sandbox::create(clock, {}, 1);
  ASSERT_TRUE(sb.isOk());
  ASSERT_TRUE((*sb)->load("main.lua", R"(
function echo(c) return c end
function order(c)
  local keys, skills = {}, {}
  for k in pairs(c) do keys[#keys + 1] = k end
  for k in pairs(c.skills) do skills[#skills + 1] = k end
  return table.concat(keys, ',') .. '|' .. table.concat(skills, ',')
end
)").isOk());
  routing::ContactSpec spec;
  spec.id = "c1";
  spec.channel = site::Channel::kChat;
  spec.skills = {{"cards", 2}, {"account", 3}, {"fraud", 1}};
  spec.segment = "vip";
  spec.value = 1234.5;
  spec.priority = 70;
  spec.intent = "card_lost";
  spec.intent_confidence = 0.875;
  spec.ivr_path = {"menu", "cards"};
  spec.queue = "cards";
  spec.attributes_json = R"({"text": "我的卡丢了", "vip": "true", "n": 3, "list": [1, 2]})";
  for (const auto& s : {spec, routing::ContactSpec{}}) {
    auto by_value = (*sb)->call("echo", {contactValue(s)});
    auto pushed = (*sb)->callWith("echo", &pushContact, &s, {});
    ASSERT_TRUE(by_value.isOk() && pushed.isOk()) << pushed.status().toString();
    EXPECT_EQ(toJsonText(*pushed), toJsonText(*by_value));
    EXPECT_TRUE(*pushed == *by_value);
    auto order_value = (*sb)->call("order", {contactValue(s)});
    auto order_pushed = (*sb)->callWith("order", &pushContact, &s, {});
    ASSERT_TRUE(order_value.isOk() && order_pushed.isOk());
    EXPECT_EQ(order_pushed->asString(), order_value->asString());
  }
}

}  // namespace
}  // namespace outpost::plugins
