// Hot swap under routing load: contacts arrive, agents accept and complete them on
// their own threads, while another thread installs new bundles and rolls back over
// and over, and one bad bundle must be reverted by its trial. No contact may be
// dropped or routed twice; every contact ends in exactly one terminal state.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "hooks_fixture.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;
using testing::BundleDir;

const char* kBad = R"(
function rank_candidates() return nil end
function classify_contact(contact, ctx) error('bad bundle on ' .. contact.id) end
)";

// What the engine reported, from its loop thread.
struct Ledger {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, std::deque<std::string>> inbox;  // agent → offered contact ids
  std::map<std::string, int> offers, connected, terminal;
  std::map<std::string, std::string> final_state;
  std::map<std::string, std::string> holder;  // contact → agent it is offered to / connected with
  int routed_twice = 0;

  void on(const engine::DomainEvent& e) {
    std::lock_guard lock(mu);
    if (const auto* o = std::get_if<routing::ContactOffered>(&e)) {
      const std::string& id = o->contact.spec->id;
      const std::string& agent = *o->contact.agent_id;
      auto h = holder.find(id);
      if (h != holder.end() && h->second != agent) ++routed_twice;  // offered to two agents at once
      holder[id] = agent;
      ++offers[id];
      inbox[agent].push_back(id);
      cv.notify_all();
    } else if (const auto* ended = std::get_if<routing::OfferEnded>(&e)) {
      if (ended->outcome != "accepted") holder.erase(ended->contact_id);
    } else if (const auto* c = std::get_if<routing::ContactChanged>(&e)) {
      const std::string& id = c->contact.spec->id;
      if (c->contact.state == routing::ContactState::kConnected) ++connected[id];
      if (routing::isTerminal(c->contact.state)) {
        ++terminal[id];
        final_state[id] = std::string(routing::contactStateName(c->contact.state));
        holder.erase(id);
        cv.notify_all();
      }
    }
  }
};

TEST(HotSwap, NoContactDroppedOrRoutedTwiceWhileBundlesSwap) {
  constexpr int kContacts = 240;
  const std::vector<std::string> agents = {"a01", "a02", "a03", "a04"};
  SimulatedClock clock;
  EventLoop loop{clock};
  testing::OkJournal journal;
  engine::Engine engine{loop, journal};
  routing::QueuePolicy q;
  q.code = "retail";
  q.rings["*"] = {routing::RingStep{0ms, 1, 4}};
  engine.configureQueue(q);
  for (size_t i = 0; i < agents.size(); ++i) {
    routing::AgentProfile p;
    p.id = agents[i];
    p.tier = static_cast<int>(i % 4) + 1;
    p.languages = {"zh-CN"};
    p.skills = {{"account", 3}, {"fraud", 3}};  // the rules send fraud contacts to "fraud" 3
    engine.configureAgent(p);
  }
  BundleDir d("hot-swap");
  RulesHost host(clock, d.trust(), RulesOptions{"sz-01", {}, {}, 7, TrialPolicy{Millis(3'600'000), 0.2, 10}});
  std::atomic<int> reverts{0};
  host.setTrialWatcher([&] {
    loop.post([&] {
      auto r = host.checkTrial();
      if (r.isOk() && r.value()) ++reverts;
    });
  });
  engine.setContactClassifier(&host);
  engine.setCandidateRanker(&host);
  Ledger ledger;
  engine.addListener([&](const engine::DomainEvent& e) { ledger.on(e); });
  loop.start("hot-swap-engine");
  for (const auto& a : agents) {
    ASSERT_TRUE(engine.requestPresence(a, site::PresenceState::kReady, std::nullopt, "t", false).get().isOk());
  }

  std::atomic<bool> stop{false};
  std::atomic<int> agent_errors{0};
  std::vector<std::thread> threads;
  for (const auto& a : agents) {
    threads.emplace_back([&, a] {
      while (!stop) {
        std::string id;
        {
          std::unique_lock lock(ledger.mu);
          ledger.cv.wait_for(lock, 5ms, [&] { return stop || !ledger.inbox[a].empty(); });
          if (ledger.inbox[a].empty()) continue;
          id = ledger.inbox[a].front();
          ledger.inbox[a].pop_front();
        }
        if (Status s = engine.accept(id, a).get(); !s) {
          std::lock_guard lock(ledger.mu);
          if (ledger.final_state[id] != "abandoned") ++agent_errors;  // only an abandoned one may be gone
          continue;
        }
        if (!engine.complete(id, a, routing::WrapUp{"resolved", true, false, ""}).get()) ++agent_errors;
        if (!engine.endWrapUp(id, a).get()) ++agent_errors;
      }
    });
  }
  std::atomic<int> add_errors{0};
  std::atomic<int> allowed{0};  // the swapping below lets contacts in, 10 per round
  threads.emplace_back([&] {
    for (int i = 0; i < kContacts; ++i) {
      for (int spin = 0; spin < 100000 && i >= allowed; ++spin) std::this_thread::sleep_for(100us);
      routing::ContactSpec s;
      s.id = "c" + std::to_string(i);
      s.queue = "retail";
      s.skills = {{"account", 1}};
      s.arrived_at = clock.wallNow();
      if (i % 7 == 0) s.attributes_json = R"({"text": "card fraud"})";
      if (!engine.addContact(s).get()) ++add_errors;
      // Some customers hang up (queued or offered); the abandon may race with an accept.
      if (i % 11 == 0) (void)engine.abandonContact(s.id, false).get();
    }
  });

  // Swaps: install (on trial, good rules) and roll back over and over; in the middle a
  // bad bundle that its trial must revert.
  int version = 0;
  int installs = 0, rollbacks = 0;
  bool bad_reverted = false;
  for (int round = 0; round < kContacts / 10; ++round) {
    if (round == 12) {
      d.main_lua = kBad;
      d.vectors = R"({"vectors": []})";
      d.build(++version);
      EXPECT_TRUE(host.installDir(d.path()).isOk());  // (no ASSERT: the threads must be joined)
      allowed += 10;
      // Bounded: the bad rules fail on each of the next 10 contacts, enough to judge.
      for (int i = 0; i < 5000 && host.status().state != "reverted"; ++i) std::this_thread::sleep_for(1ms);
      bad_reverted = host.status().state == "reverted";
      continue;
    }
    if (round % 3 == 2) {
      if (host.rollback().isOk()) ++rollbacks;
    } else {
      d.main_lua = testing::kMainLua;
      d.vectors = testing::kVectors;
      d.build(++version);
      auto e = host.installDir(d.path());
      EXPECT_TRUE(e.isOk()) << e.status().toString();
      installs += e.isOk() ? 1 : 0;
    }
    allowed += 10;
  }
  threads.back().join();  // the producer
  threads.pop_back();
  // Bounded wait for every contact to end.
  for (int i = 0; i < 3000; ++i) {
    {
      std::lock_guard lock(ledger.mu);
      if (ledger.terminal.size() == static_cast<size_t>(kContacts)) break;
    }
    std::this_thread::sleep_for(1ms);
  }
  for (int i = 0; i < kContacts; ++i) {
    const std::string id = "c" + std::to_string(i);
    bool done;
    {
      std::lock_guard lock(ledger.mu);
      done = ledger.terminal.count(id) > 0;
    }
    if (done) continue;
    auto v = engine.contact(id).get();
    ADD_FAILURE() << id << " " << (v ? std::string(routing::contactStateName(v->state)) : "gone") << " agent "
                  << (v && v->agent_id ? *v->agent_id : "-") << " offers " << ledger.offers[id];
  }
  stop = true;
  for (auto& t : threads) t.join();
  loop.stop();

  EXPECT_EQ(add_errors, 0);
  EXPECT_EQ(agent_errors, 0);
  EXPECT_GE(installs, 14);
  EXPECT_GE(rollbacks, 7);
  EXPECT_TRUE(bad_reverted) << host.status().state;
  EXPECT_EQ(reverts, 1);
  std::lock_guard lock(ledger.mu);
  EXPECT_EQ(ledger.routed_twice, 0);
  ASSERT_EQ(ledger.terminal.size(), static_cast<size_t>(kContacts)) << "contacts dropped";
  int completed = 0, abandoned = 0;
  for (int i = 0; i < kContacts; ++i) {
    const std::string id = "c" + std::to_string(i);
    EXPECT_EQ(ledger.terminal[id], 1) << id;
    EXPECT_LE(ledger.connected[id], 1) << id << " connected twice";
    const std::string& st = ledger.final_state[id];
    if (st == "completed") {
      ++completed;
      EXPECT_EQ(ledger.connected[id], 1) << id;
    } else if (st == "abandoned") {
      ++abandoned;
    } else {
      ADD_FAILURE() << id << " ended " << st;
    }
  }
  EXPECT_EQ(completed + abandoned, kContacts);
  EXPECT_GT(completed, kContacts / 2);
  // The rules really decided along the way (the active bundle has made calls).
  const auto status = host.status();
  ASSERT_TRUE(status.active.has_value());
  EXPECT_GT(status.active->counters.calls, 0u);
}

}  // namespace
}  // namespace outpost::plugins
