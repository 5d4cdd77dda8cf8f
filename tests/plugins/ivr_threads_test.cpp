// ivr_action runs on the IVR's HTTP threads: one lua_State per thread that runs it
// (concurrent sessions never share or wait on one state), safe under hot swap, and
// its errors and limit hits count toward the bundle's trial like classify/rank do.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "bundle_fixture.h"
#include "plugins/ivr_actions.h"
#include "plugins/rules.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;

// Each state counts its own calls: answers 1, 2, 3 … on one state.
const char* kCounting = R"(
local n = 0
function ivr_action(session, input, ctx)
  n = n + 1
  if input.text == 'boom' then error('boom at call ' .. n) end
  if input.text == 'loop' then while true do end end
  return {next = VERSION, slots = {n = n}}
end
)";

Bundle bundle(int version) {
  Bundle b;
  b.id = "ivr-threads";
  b.version = version;
  b.hooks = {"ivr_action"};
  b.sources = {"main.lua"};
  b.files["main.lua"] = "VERSION = 'v" + std::to_string(version) + "'\n" + kCounting;
  return b;
}

ivr::HookCall call(const std::string& text = "hello") {
  ivr::HookCall c;
  c.session_id = "s-1";
  c.node = "ask";
  c.input_kind = "text";
  c.input = text;
  return c;
}

int slotN(const Result<ivr::HookAction>& r) { return r ? std::stoi(r->slots.at("n")) : -1; }

TEST(IvrThreads, EachThreadRunsOnAStateOfItsOwn) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto hook = IvrActions::build(bundle(1), clock, Limits{}, 1);
  ASSERT_TRUE(hook.isOk()) << hook.status().toString();
  IvrActions& h = *hook.value();
  EXPECT_EQ(h.states(), 0u) << "built when a thread first calls";

  constexpr int kCalls = 200;
  std::atomic<int> ready{0};
  std::vector<int> seen[2];
  const RuleSet* state_of[2] = {nullptr, nullptr};
  auto worker = [&](int w) {
    state_of[w] = h.stateOfThisThread().value().get();
    ++ready;
    for (int spin = 0; ready.load() < 2 && spin < 10'000'000; ++spin) std::this_thread::yield();
    for (int i = 0; i < kCalls; ++i) seen[w].push_back(slotN(h.run("ivr_action", call())));
  };
  std::thread a(worker, 0);
  std::thread b(worker, 1);
  a.join();
  b.join();

  EXPECT_NE(state_of[0], state_of[1]);
  EXPECT_EQ(h.states(), 2u);
  EXPECT_NE(state_of[0], h.stateOfThisThread().value().get());
  EXPECT_EQ(h.states(), 3u);
  for (int w = 0; w < 2; ++w) {
    // No other thread's calls in between: this thread's state saw exactly its calls.
    ASSERT_EQ(seen[w].size(), static_cast<size_t>(kCalls));
    for (int i = 0; i < kCalls; ++i) ASSERT_EQ(seen[w][static_cast<size_t>(i)], i + 1) << "thread " << w;
  }
  EXPECT_EQ(h.counters().calls, 2u * kCalls);
  EXPECT_EQ(h.counters().errors, 0u);
  EXPECT_EQ(h.stats().calls, 2u * kCalls);
}

TEST(IvrThreads, ALimitOnOneThreadRebuildsOnlyThatThreadsState) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  Limits limits;
  limits.instructions = 50'000;
  auto hook = IvrActions::build(bundle(1), clock, limits, 1);
  ASSERT_TRUE(hook.isOk()) << hook.status().toString();
  IvrActions& h = *hook.value();
  EXPECT_EQ(slotN(h.run("ivr_action", call())), 1);
  EXPECT_EQ(slotN(h.run("ivr_action", call())), 2);
  std::thread([&] {
    EXPECT_EQ(slotN(h.run("ivr_action", call())), 1);
    EXPECT_EQ(h.run("ivr_action", call("loop")).status().code(), StatusCode::kResourceExhausted);
    EXPECT_EQ(slotN(h.run("ivr_action", call())), 1) << "a fresh state after the limit";
  }).join();
  EXPECT_EQ(slotN(h.run("ivr_action", call())), 3) << "this thread's state was not touched";
  EXPECT_EQ(h.counters().limit_hits, 1u);
  EXPECT_EQ(h.counters().rebuilds, 1u);
}

TEST(IvrThreads, HotSwapUnderConcurrentCalls) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  std::mutex mu;  // like the IVR front end: callers copy the current hook, then call it
  std::shared_ptr<ivr::ActionHook> current = IvrActions::build(bundle(1), clock, Limits{}, 1).value();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, failed{0};
  auto worker = [&] {
    for (int i = 0; i < 100'000 && !stop.load(); ++i) {
      std::shared_ptr<ivr::ActionHook> hook;
      {
        std::lock_guard lock(mu);
        hook = current;
      }
      auto r = hook->run("ivr_action", call());
      (r && r->next && r->next->size() >= 2 && (*r->next)[0] == 'v') ? ++answered : ++failed;
    }
  };
  std::thread a(worker);
  std::thread b(worker);
  for (int v = 2; v <= 12; ++v) {
    // Let the workers answer some calls on the current hook first (bounded wait).
    const int before = answered.load() + failed.load();
    for (int spin = 0; answered.load() + failed.load() < before + 20 && spin < 10'000'000; ++spin) {
      std::this_thread::yield();
    }
    auto next = IvrActions::build(bundle(v), clock, Limits{}, 1);
    ASSERT_TRUE(next.isOk()) << next.status().toString();
    std::lock_guard lock(mu);
    current = std::move(next.value());  // calls in flight finish on the previous states
  }
  stop = true;
  a.join();
  b.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_GE(answered.load(), 11 * 20);
  auto last = current->run("ivr_action", call());
  ASSERT_TRUE(last.isOk());
  EXPECT_EQ(*last->next, "v12");
}

// The trial: ivr_action failures of a bundle on trial revert it like classify's do.
class IvrTrialTest : public ::testing::Test {
 protected:
  IvrTrialTest() : dir_("ivr-trial") { dir_.hooks = R"(["ivr_action"])"; }
  void install(const std::string& lua, int version) {
    dir_.main_lua = lua;
    dir_.vectors = R"({"vectors": []})";
    dir_.build(version);
    auto e = host_->installDir(dir_.path());
    ASSERT_TRUE(e.isOk()) << e.status().toString();
  }
  SimulatedClock clock_{fromEpochMillis(1'795'000'000'000)};
  testing::BundleDir dir_;
  std::unique_ptr<RulesHost> host_ = std::make_unique<RulesHost>(
      clock_, dir_.trust(),
      RulesOptions{"sz-01", {}, {}, 7, TrialPolicy{Millis(600'000), 0.2, 5}});
};

TEST_F(IvrTrialTest, FailingIvrActionRevertsTheBundleOnTrial) {
  int signals = 0;
  host_->setTrialWatcher([&] { ++signals; });
  install("function ivr_action(session, input, ctx) return nil end\n", 1);
  clock_.advance(11min);
  ASSERT_FALSE(host_->checkTrial().value());
  ASSERT_EQ(host_->status().state, "active");

  install(std::string("VERSION = 'v2'\n") + kCounting, 2);
  ASSERT_EQ(host_->status().state, "trial");
  auto hook = IvrActions::build(host_->active(), 8);
  ASSERT_TRUE(hook.isOk()) << hook.status().toString();
  IvrActions& h = *hook.value();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(h.run("ivr_action", call()).isOk());
  EXPECT_FALSE(h.run("ivr_action", call("boom")).isOk());  // 1 in 5: 20 %, not above
  EXPECT_EQ(signals, 0);
  std::thread([&] { EXPECT_FALSE(h.run("ivr_action", call("boom")).isOk()); }).join();  // 2 in 6, another thread
  EXPECT_EQ(signals, 1) << "the trial check was told";

  // The bundle's counters (status, API) include ivr_action's calls from every thread.
  const auto during = host_->status();
  ASSERT_TRUE(during.active.has_value());
  EXPECT_EQ(during.active->counters.calls, 6u);
  EXPECT_EQ(during.active->counters.errors, 2u);
  EXPECT_EQ(during.active->counters.fallbacks, 2u);

  auto r = host_->checkTrial();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_TRUE(r.value());
  const auto s = host_->status();
  EXPECT_EQ(s.state, "reverted");
  EXPECT_EQ(s.active->version, 1);
  EXPECT_EQ(s.reverted_version, 2);
  EXPECT_NE(s.reason.find("2 errors and 0 limit hits in 6 calls"), std::string::npos) << s.reason;
}

TEST_F(IvrTrialTest, LimitHitsAndRefusedAnswersCountToo) {
  int signals = 0;
  host_->setTrialWatcher([&] { ++signals; });
  install(std::string("VERSION = 'v1'\n") + kCounting, 1);  // no previous: reverts to the built-in behaviour
  auto hook = IvrActions::build(host_->active(), 8);
  ASSERT_TRUE(hook.isOk()) << hook.status().toString();
  IvrActions& h = *hook.value();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.run("ivr_action", call()).isOk());
  h.refused(Status::invalidArgument("no node \"v1\" in the flow"));  // the IVR refused an answer: 1 in 5
  EXPECT_EQ(signals, 0);
  EXPECT_EQ(h.run("ivr_action", call("loop")).status().code(), StatusCode::kResourceExhausted);  // 2 in 6
  EXPECT_EQ(signals, 1);
  const auto c = host_->status().active->counters;
  EXPECT_EQ(c.calls, 6u);
  EXPECT_EQ(c.errors, 1u);
  EXPECT_EQ(c.limit_hits, 1u);
  EXPECT_EQ(h.stats().errors, 1u);  // the refused answer, as before
  auto r = host_->checkTrial();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_TRUE(r.value());
  EXPECT_EQ(host_->status().state, "reverted");
  EXPECT_FALSE(host_->active());
}

}  // namespace
}  // namespace outpost::plugins
