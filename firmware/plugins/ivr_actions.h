#pragma once

// IvrActions: a bundle's ivr_action hook as the IVR's ivr::ActionHook (wired in
// app/daemon; the ivr room does not know about Lua).
//
// IVR inputs arrive on HTTP threads while classify_contact and rank_candidates run on
// the engine loop. Like them, each thread that runs ivr_action gets a lua_State of its
// own: a sibling RuleSet compiled from the same verified bundle the first time the
// thread calls (RuleSet::sibling), so concurrent sessions never wait on one another.
// Each call is bounded by the per-call limits (instruction budget, deadline, memory).
// A failed or limited call is counted (here and in the bundle's own counters, so it
// counts toward the bundle's trial), logged with bundle, version and node, the trial
// check is told (RuleSet::failed), and the session uses the node's built-in behaviour.
//
// Hot swap: a new bundle gets a new IvrActions; a call in flight finishes on the
// states of the one it started with (callers hold it by shared_ptr).
//
// Thread-safety: run(), stats(), refused() from any thread.

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "ivr/hook.h"
#include "plugins/rules.h"

namespace outpost::plugins {

class IvrActions final : public ivr::ActionHook {
 public:
  // At most this many per-thread states are kept (more threads than that: the oldest
  // thread's state is dropped and built again when that thread comes back).
  static constexpr size_t kMaxStates = 64;

  // `rules`: the bundle's RuleSet (RulesHost's active one, already compiled; it must
  // declare ivr_action). States are built when a thread first calls.
  static Result<std::shared_ptr<IvrActions>> build(std::shared_ptr<RuleSet> rules, uint64_t seed,
                                                   RuleSet::Logger log = nullptr);
  // The same for a bundle alone (tools, benchmarks): a RuleSet of its own.
  static Result<std::shared_ptr<IvrActions>> build(const Bundle& bundle, const Clock& clock, Limits limits,
                                                   uint64_t seed, RuleSet::Logger log = nullptr);

  Result<ivr::HookAction> run(const std::string& hook, const ivr::HookCall& call) override;
  ivr::HookStats stats() const override;
  void refused(const Status& why) override;

  const Bundle& bundle() const { return origin_->bundle(); }
  // ivr_action's own counts (all threads).
  RuleCounters counters() const { return counters_->load(); }
  // The state the calling thread runs on (built on its first call); for tests.
  Result<std::shared_ptr<RuleSet>> stateOfThisThread();
  size_t states() const;

 private:
  IvrActions(std::shared_ptr<RuleSet> origin, uint64_t seed, RuleSet::Logger log)
      : origin_(std::move(origin)), seed_(seed), log_(std::move(log)) {}
  std::shared_ptr<RuleSet> origin_;
  uint64_t seed_;
  RuleSet::Logger log_;
  std::shared_ptr<RuleCounterBlock> counters_ = std::make_shared<RuleCounterBlock>();
  std::atomic<uint64_t> refused_{0};
  mutable std::mutex mu_;  // guards states_ (held only to find or add a state, never during a call)
  std::unordered_map<std::thread::id, std::shared_ptr<RuleSet>> states_;
  std::vector<std::thread::id> order_;  // states_' threads, oldest first
};

}  // namespace outpost::plugins
