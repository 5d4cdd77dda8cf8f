#pragma once
// HooksTest: a RulesHost wired as the classifier and ranker of a real engine on a
// simulated clock, for the plugins tests.

#include <gtest/gtest.h>

#include "bundle_fixture.h"
#include "engine/engine.h"
#include "plugins/rules.h"

namespace outpost::plugins::testing {

using namespace std::chrono_literals;

class OkJournal final : public engine::Journal {
 public:
  void record(std::vector<engine::DomainEvent> /*events*/, std::function<void(const Status&)> done) override {
    done(Status::ok());
  }
};

class HooksTest : public ::testing::Test {
 public:
  HooksTest() {
    routing::QueuePolicy q;
    q.code = "retail";
    q.rings["*"] = {routing::RingStep{0ms, 1, 4}};
    engine.configureQueue(q);
    for (auto [id, tier] : {std::pair{"a01", 3}, std::pair{"a02", 1}}) {
      routing::AgentProfile p;
      p.id = id;
      p.tier = tier;
      p.languages = {"zh-CN"};
      p.skills = {{"account", 3}};
      engine.configureAgent(p);
    }
  }
  ~HooksTest() override { loop.stop(); }

  void install(RulesHost& host, BundleDir& d, const std::string& lua, int version = 1) {
    d.main_lua = lua;
    d.vectors = R"({"vectors": []})";
    d.build(version);
    auto e = host.installDir(d.path());
    ASSERT_TRUE(e.isOk()) << e.status().toString();
  }
  std::unique_ptr<RulesHost> makeHost(const BundleDir& d, TrialPolicy trial = {Millis(0), 0.2, 20}) {
    auto h = std::make_unique<RulesHost>(clock, d.trust(), RulesOptions{"sz-01", {}, {}, 7, trial},
                                         [this](const std::string& l) { logs.push_back(l); });
    engine.setContactClassifier(h.get());
    engine.setCandidateRanker(h.get());
    return h;
  }
  routing::ContactSpec contact(const std::string& id, const std::string& text = "") {
    routing::ContactSpec s;
    s.id = id;
    s.queue = "retail";
    s.skills = {{"account", 1}};
    s.arrived_at = clock.wallNow();
    if (!text.empty()) s.attributes_json = R"({"text": ")" + text + R"("})";
    return s;
  }
  Result<routing::ContactQueued> add(routing::ContactSpec s) {
    auto f = engine.addContact(std::move(s));
    loop.runDue();
    return f.get();
  }
  routing::ContactView view(const std::string& id) {
    auto f = engine.contact(id);
    loop.runDue();
    return f.get().value();
  }
  void ready(const std::string& agent) {
    auto f = engine.requestPresence(agent, site::PresenceState::kReady, std::nullopt, "t", false);
    loop.runDue();
    ASSERT_TRUE(f.get().isOk());
  }

  SimulatedClock clock;
  EventLoop loop{clock};
  OkJournal journal;
  engine::Engine engine{loop, journal};
  std::vector<std::string> logs;
};

}  // namespace outpost::plugins::testing
