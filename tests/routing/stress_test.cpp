// A randomized run of many agents accepting, rejecting, missing, completing and
// changing presence while contacts arrive and abandon, under simulated time. After
// every step the router's indices are compared with a brute-force recomputation, and
// every event is checked as it is emitted: no contact offered or assigned to two
// agents at once, no agent over capacity on a channel (nor offered a chat during a
// voice contact), every contact ends in exactly one terminal state.

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "routing/router.h"
#include "routing_test_util.h"

namespace outpost::routing::testing {
namespace {

// Checks each event against a model built from the events before it.
class CheckingSink final : public EventSink {
 public:
  struct AgentLoad {
    int voice_cap = 0;
    int chat_cap = 0;
    int voice = 0;
    int chat = 0;
  };

  void emit(RouterEvent event) override {
    std::visit([this](const auto& e) { check(e); }, event);
    ++events;
  }

  void check(const ContactQueued& e) {
    const std::string& id = e.contact.spec->id;
    EXPECT_EQ(queued_once.count(id), 0u) << id << " queued twice";
    queued_once.insert(id);
    channel[id] = e.contact.spec->channel;
    waiting.insert(id);
  }
  void check(const ContactOffered& e) {
    const std::string& id = e.contact.spec->id;
    const std::string& agent = e.decision.agent_id;
    EXPECT_EQ(terminal.count(id), 0u) << id << " offered after it ended";
    EXPECT_EQ(offered_to.count(id), 0u)
        << id << " offered to " << agent << " while offered to " << offered_to[id];
    EXPECT_EQ(handled_by.count(id), 0u) << id << " offered while handled by " << handled_by[id];
    offered_to[id] = agent;
    waiting.erase(id);
    AgentLoad& load = loads[agent];
    if (channel[id] == site::Channel::kVoice) {
      ++load.voice;
      EXPECT_LE(load.voice, load.voice_cap) << agent << " over voice capacity";
    } else {
      EXPECT_EQ(load.voice, 0) << agent << " offered a chat during a voice contact";
      ++load.chat;
      EXPECT_LE(load.chat, load.chat_cap) << agent << " over chat capacity";
    }
    EXPECT_EQ(e.contact.state, ContactState::kOffered);
    EXPECT_FALSE(e.decision.summary.empty());
    EXPECT_GE(e.decision.eligible, 1);
    ++offers;
  }
  void check(const OfferEnded& e) {
    auto it = offered_to.find(e.contact_id);
    ASSERT_NE(it, offered_to.end()) << e.contact_id << " offer ended without an offer";
    EXPECT_EQ(it->second, e.agent_id);
    offered_to.erase(it);
    if (e.outcome == "accepted") {
      handled_by[e.contact_id] = e.agent_id;
    } else {
      release(e.contact_id, e.agent_id);
    }
  }
  void check(const ContactChanged& e) {
    const std::string& id = e.contact.spec->id;
    EXPECT_EQ(terminal.count(id), 0u) << id << " changed after it ended";
    if (e.contact.state == ContactState::kQueued) waiting.insert(id);
    if (e.contact.state == ContactState::kWrapUp) {
      ASSERT_EQ(handled_by.count(id), 1u) << id;
      release(id, handled_by[id]);
      handled_by[id] = "";  // in wrap-up: no longer counts toward capacity
    }
    if (isTerminal(e.contact.state)) {
      terminal[id] = e.contact.state;
      waiting.erase(id);
      EXPECT_EQ(offered_to.count(id), 0u) << id << " ended with an offer out";
      handled_by.erase(id);
    }
  }
  void check(const AgentChanged& e) {
    EXPECT_TRUE(e.before.state != e.after.state || e.before.reason != e.after.reason) << e.agent_id;
    // Router-owned states come with work; chosen ones without.
    const AgentLoad& load = loads[e.agent_id];
    if (e.after.state == site::PresenceState::kReserved) {
      EXPECT_GT(load.voice + load.chat, 0) << e.agent_id;
    }
  }

  void release(const std::string& contact, const std::string& agent) {
    AgentLoad& load = loads[agent];
    if (channel[contact] == site::Channel::kVoice) {
      --load.voice;
    } else {
      --load.chat;
    }
    EXPECT_GE(load.voice, 0);
    EXPECT_GE(load.chat, 0);
  }

  std::set<std::string> queued_once;
  std::set<std::string> waiting;  // queued now
  std::map<std::string, site::Channel> channel;
  std::map<std::string, std::string> offered_to;
  std::map<std::string, std::string> handled_by;  // connected ("" while in wrap-up)
  std::map<std::string, ContactState> terminal;
  std::map<std::string, AgentLoad> loads;
  int64_t events = 0;
  int64_t offers = 0;
};

struct StressParams {
  uint32_t seed;
  int agents;
  int contacts;
};

class RouterStressTest : public ::testing::TestWithParam<StressParams> {};

TEST_P(RouterStressTest, RandomTrafficKeepsEveryInvariant) {
  const StressParams param = GetParam();
  std::mt19937 rng(param.seed);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };

  RouterOptions options;
  options.reject_delay = 2s;
  options.no_answer_delay = 5s;
  options.max_missed_offers = 3;
  SimulatedClock clock;
  EventLoop loop(clock);
  LoopTimers timers(loop);
  CheckingSink sink;
  Router router(clock, timers, sink, options);

  const std::vector<std::string> skills = {"cards",    "loans",  "fx",  "fraud",
                                           "mortgage", "wealth", "app", "insurance"};
  // Four queues: the built-in ladder, explicit rings, both channels, all strategies.
  std::vector<QueuePolicy> queues(4);
  queues[0].code = "voice-ladder";  // default rings
  queues[0].offer_timeout = 8s;
  queues[0].wrap_up_time = 3s;
  queues[1] = flatQueue("voice-reward");
  queues[1].strategy = Strategy::kRewardWeighted;
  queues[1].weight = 1.5;
  queues[1].rings["vip"] = {RingStep{Millis(0), 1, 1}, RingStep{4s, 1, 2}};
  queues[1].widen_to_any_after = 10s;
  queues[1].wrap_up_time = Millis(0);
  queues[2] = flatQueue("chat-occupancy", site::Channel::kChat);
  queues[2].strategy = Strategy::kLeastOccupied;
  queues[2].rings["*"] = {RingStep{Millis(0), 3, 4}, RingStep{6s, 1, 4}};
  queues[2].wrap_up_time = 2s;
  queues[3] = flatQueue("chat-practice", site::Channel::kChat);
  queues[3].practice_max_share = 0.3;
  queues[3].practice_max_priority = 60;
  queues[3].aging_per_s = 3;
  queues[3].wrap_up_time = 1s;
  for (const auto& q : queues) router.setQueue(q);

  std::vector<AgentProfile> profiles;
  for (int i = 0; i < param.agents; ++i) {
    AgentProfile p;
    p.id = "a" + std::to_string(i);
    p.tier = uniform(1, 4);
    p.languages = {"zh-CN"};
    if (chance(0.3)) p.languages.push_back("en");
    if (chance(0.05)) p.languages = {"en"};
    p.voice_capacity = chance(0.85) ? 1 : 0;
    p.chat_capacity = uniform(0, 3);
    std::vector<std::string> pool = skills;
    std::shuffle(pool.begin(), pool.end(), rng);
    const int n = uniform(1, 4);
    for (int k = 0; k < n; ++k) p.skills.push_back({pool[static_cast<size_t>(k)], uniform(1, 5)});
    if (chance(0.2)) p.practice_skills.push_back(pool[0]);
    p.reward_score = uniform(5, 30) / 10.0;
    profiles.push_back(p);
    sink.loads[p.id] = {p.voice_capacity, p.chat_capacity, 0, 0};
    router.upsertAgent(p);
    if (chance(0.7)) {
      ASSERT_TRUE(
          router.requestPresence(p.id, site::PresenceState::kReady, std::nullopt, p.id, false).isOk());
    }
  }

  auto check = [&](int step) {
    Status s = router.checkInvariants();
    ASSERT_TRUE(s.isOk()) << "step " << step << ": " << s.toString();
  };
  // Picks a random element of the sink's map (or "" if empty).
  auto anyOf = [&](const std::map<std::string, std::string>& m,
                   bool wrap_up) -> std::pair<std::string, std::string> {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& [c, a] : m) {
      if (a.empty() == wrap_up) v.emplace_back(c, a);
    }
    if (v.empty()) return {};
    return v[static_cast<size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  };
  auto advance = [&](Millis d) {
    while (d > Millis(0)) {
      const Millis s = std::min(d, Millis(250));
      clock.advance(s);
      d -= s;
      while (loop.runDue() > 0) {
      }
    }
  };

  int added = 0;
  int step = 0;
  size_t max_live = 0;
  std::vector<std::string> live;  // contacts added (possibly ended since)
  while (added < param.contacts) {
    ++step;
    const int action = uniform(0, 99);
    if (action < 20) {
      ContactSpec s;
      s.id = "c" + std::to_string(added++);
      const QueuePolicy& q = queues[static_cast<size_t>(uniform(0, 3))];
      s.queue = q.code;
      s.channel = q.channel;
      s.language = chance(0.85) ? "zh-CN" : "en";
      std::vector<std::string> pool = skills;
      std::shuffle(pool.begin(), pool.end(), rng);
      const int roll = uniform(0, 9);
      const int n = roll < 1 ? 0 : roll < 6 ? 1 : roll < 9 ? 2 : 3;  // 10% none, 50% one, 30% two, 10% three
      for (int k = 0; k < n; ++k) s.skills.push_back({pool[static_cast<size_t>(k)], uniform(1, 4)});
      const int seg = uniform(0, 9);
      s.segment = seg < 7 ? "standard" : seg < 9 ? "vip" : "complaint";
      s.priority = uniform(0, 100);
      auto r = router.addContact(s);
      ASSERT_TRUE(r.isOk()) << r.status().toString();
      live.push_back(s.id);
    } else if (action < 35) {
      auto [c, a] = anyOf(sink.offered_to, false);
      if (!c.empty()) {
        ASSERT_TRUE(router.accept(c, a).isOk());
      }
    } else if (action < 39) {
      auto [c, a] = anyOf(sink.offered_to, false);
      if (!c.empty()) {
        ASSERT_TRUE(router.reject(c, a).isOk());
      }
    } else if (action < 56) {
      auto [c, a] = anyOf(sink.handled_by, false);
      if (!c.empty()) {
        ASSERT_TRUE(router.complete(c, a, WrapUp{"done", chance(0.8), chance(0.7), ""}).isOk());
      }
    } else if (action < 60) {
      auto [c, a] = anyOf(sink.handled_by, true);
      if (!c.empty()) {
        const ContactView* v = router.contact(c);
        ASSERT_NE(v, nullptr);
        ASSERT_TRUE(router.endWrapUp(c, *v->agent_id).isOk());
      }
    } else if (action < 68) {
      // Abandon (or cancel) a waiting or offered contact; or try one that is not.
      std::vector<std::string> pool(sink.waiting.begin(), sink.waiting.end());
      for (const auto& [c, a] : sink.offered_to) pool.push_back(c);
      if (chance(0.1) && !live.empty())
        pool = {live[static_cast<size_t>(uniform(0, static_cast<int>(live.size()) - 1))]};
      if (!pool.empty()) {
        const std::string c = pool[static_cast<size_t>(uniform(0, static_cast<int>(pool.size()) - 1))];
        const ContactView* v = router.contact(c);
        const bool waiting = v && (v->state == ContactState::kQueued || v->state == ContactState::kOffered);
        Status st = router.abandonContact(c, chance(0.2));
        EXPECT_EQ(st.isOk(), waiting) << st.toString();
      }
    } else if (action < 78) {
      const AgentProfile& p = profiles[static_cast<size_t>(uniform(0, param.agents - 1))];
      const int t = uniform(0, 9);
      auto r = t < 6 ? router.requestPresence(p.id, site::PresenceState::kReady, std::nullopt, p.id, false)
               : t < 9
                   ? router.requestPresence(p.id, site::PresenceState::kNotReady, "break", p.id, chance(0.2))
                   : router.requestPresence(p.id, site::PresenceState::kOffline, std::nullopt, p.id, false);
      ASSERT_TRUE(r.isOk()) << r.status().toString();
    } else if (action < 80) {
      // A profile change: skills, levels and tier move; capacities may grow.
      AgentProfile& p = profiles[static_cast<size_t>(uniform(0, param.agents - 1))];
      p.tier = uniform(1, 4);
      for (auto& s : p.skills) s.level = uniform(1, 5);
      if (chance(0.3)) p.skills.push_back({skills[static_cast<size_t>(uniform(0, 7))], uniform(1, 5)});
      std::sort(p.skills.begin(), p.skills.end(),
                [](auto& x, auto& y) { return x.skill_code < y.skill_code; });
      p.skills.erase(std::unique(p.skills.begin(), p.skills.end(),
                                 [](auto& x, auto& y) { return x.skill_code == y.skill_code; }),
                     p.skills.end());
      if (p.chat_capacity < 3 && chance(0.3)) ++p.chat_capacity;
      sink.loads[p.id].chat_cap = p.chat_capacity;
      router.upsertAgent(p);
    } else if (action < 81) {
      QueuePolicy& q = queues[static_cast<size_t>(uniform(0, 3))];
      q.weight = uniform(5, 30) / 10.0;
      q.aging_per_s = uniform(0, 4);
      router.setQueue(q);
    } else {
      advance(Millis(uniform(0, 3000)));
    }
    check(step);
    max_live = std::max(max_live, router.liveContacts());
    if (::testing::Test::HasFatalFailure() || ::testing::Test::HasNonfatalFailure()) return;
  }

  // Drain: everyone ready, every offer accepted, every contact completed; contacts
  // nobody can serve are abandoned.
  for (const auto& p : profiles) {
    ASSERT_TRUE(router.requestPresence(p.id, site::PresenceState::kReady, std::nullopt, p.id, false).isOk());
  }
  for (int round = 0; round < 400 && router.liveContacts() > 0; ++round) {
    for (auto [c, a] : std::map<std::string, std::string>(sink.offered_to))
      ASSERT_TRUE(router.accept(c, a).isOk());
    for (auto [c, a] : std::map<std::string, std::string>(sink.handled_by)) {
      if (!a.empty()) {
        ASSERT_TRUE(router.complete(c, a, {}).isOk());
      }
    }
    for (auto [c, a] : std::map<std::string, std::string>(sink.handled_by)) {
      if (a.empty()) {
        const ContactView* v = router.contact(c);
        ASSERT_NE(v, nullptr);
        ASSERT_TRUE(router.endWrapUp(c, *v->agent_id).isOk());
      }
    }
    advance(5s);
    check(step + round);
    if (round == 300) {
      for (const auto& c : live) {
        const ContactView* v = router.contact(c);
        if (v && v->state == ContactState::kQueued) {
          ASSERT_TRUE(router.abandonContact(c, false).isOk());
        }
      }
    }
  }
  EXPECT_EQ(router.liveContacts(), 0u);
  RecordProperty("max_live_contacts", static_cast<int>(max_live));
  RecordProperty("steps", step);
  ASSERT_EQ(sink.terminal.size(), static_cast<size_t>(param.contacts)) << "every contact ends exactly once";
  int completed = 0;
  for (const auto& [id, state] : sink.terminal) completed += state == ContactState::kCompleted;
  EXPECT_GT(completed, param.contacts / 3);
  EXPECT_GT(sink.offers, param.contacts / 2);
  for (const auto& [agent, load] : sink.loads) {
    EXPECT_EQ(load.voice, 0) << agent;
    EXPECT_EQ(load.chat, 0) << agent;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RouterStressTest,
                         ::testing::Values(StressParams{1, 200, 2500}, StressParams{2, 100, 2000},
                                           StressParams{3, 60, 3000}),
                         [](const ::testing::TestParamInfo<StressParams>& p) {
                           return "seed" + std::to_string(p.param.seed);
                         });

}  // namespace
}  // namespace outpost::routing::testing
