#pragma once

// IvrActions: a bundle's ivr_action hook as the IVR's ivr::ActionHook (wired in
// app/daemon; the ivr room does not know about Lua).
//
// IVR inputs arrive on HTTP threads while classify_contact and rank_candidates run on
// the engine loop, so the hook gets a RuleSet (sandbox) of its own built from the same
// verified bundle; calls to it take turns on a mutex, each bounded by the per-call
// limits (instruction budget, deadline). A failed or limited call is counted and
// logged with bundle, version and node, and the session uses the node's built-in
// behaviour.
//
// Thread-safety: run() from any thread.

#include <atomic>
#include <memory>
#include <mutex>

#include "ivr/hook.h"
#include "plugins/rules.h"

namespace outpost::plugins {

class IvrActions final : public ivr::ActionHook {
 public:
  // Compiles the bundle again in a fresh sandbox (it must declare ivr_action).
  static Result<std::shared_ptr<IvrActions>> build(const Bundle& bundle, const Clock& clock, Limits limits,
                                                   uint64_t seed, RuleSet::Logger log = nullptr);

  Result<ivr::HookAction> run(const std::string& hook, const ivr::HookCall& call) override;
  ivr::HookStats stats() const override;
  void refused(const Status& why) override;

  const Bundle& bundle() const { return rules_->bundle(); }
  RuleCounters counters() const { return rules_->counters(); }

 private:
  IvrActions(std::shared_ptr<RuleSet> rules, RuleSet::Logger log) : rules_(std::move(rules)), log_(std::move(log)) {}
  std::mutex mu_;
  std::atomic<uint64_t> refused_{0};
  std::shared_ptr<RuleSet> rules_;
  RuleSet::Logger log_;
};

}  // namespace outpost::plugins
