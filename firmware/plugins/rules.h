#pragma once

// RuleSet: one verified bundle, compiled in its own sandbox, with its hooks:
//
//   classify_contact(contact, ctx) → {skills = {code = level}, segment, priority, queue}
//   rank_candidates(contact, candidates, ctx) → {"agent id", …}  (an order and/or a filter)
//   ivr_action(session, input, ctx) → {next, say = {zh, en}, slots, transfer}  (ivr/hook.h;
//     run through plugins/ivr_actions.h in a sandbox of its own)
//
// Inputs are plain tables (docs/plugin-api.md); ctx.now is the decision's time in
// epoch milliseconds, ctx.config the bundle's declared config (read-only). Results are
// validated; a bad result is an error that says what was wrong. A failed or limited
// call counts against the bundle and the caller falls back to built-in behaviour; a
// sandbox that hit a limit is discarded and rebuilt before the next call.
//
// RulesHost: the active RuleSet of the site, install (verify → compile → vectors →
// swap), rollback to the previous one, counters. It is the engine's
// ContactClassifier and the router's CandidateRanker.
//
// Thread-safety: a RuleSet is used by one thread at a time. RulesHost: install(),
// rollback() and status() from any thread; the hooks from the engine loop only.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "engine/engine.h"
#include "ivr/hook.h"
#include "plugins/bundle.h"
#include "plugins/sandbox.h"
#include "routing/router.h"
#include "routing/types.h"

namespace outpost::plugins {

struct Classification {
  std::optional<std::vector<site::SkillLevel>> skills;
  std::optional<std::string> segment;
  std::optional<int> priority;
  std::optional<std::string> queue;
};

// Validation of hook results; errors name the field.
Result<Classification> validateClassification(const Value& result);
// Indices into `candidate_ids`, in the rule's order; unknown or repeated ids are errors.
Result<std::vector<size_t>> validateRanking(const Value& result, const std::vector<std::string>& candidate_ids);

// ivr_action's answer; errors name the field ("/transfer/priority").
Result<ivr::HookAction> validateIvrAction(const Value& result);
// Its canonical table form (vectors compare it).
Value ivrActionValue(const ivr::HookAction& action);
// ivr_action's inputs: session = {id, language, node, path, slots, intent, confidence,
// segment}; input = {dtmf = "…"} or {text = "…"}.
Value ivrSessionValue(const ivr::HookCall& call);
Value ivrInputValue(const ivr::HookCall& call);

// The plain-table forms of the hooks' inputs.
Value contactValue(const routing::ContactSpec& spec);
Value candidateValue(const routing::AgentProfile& agent);

struct RuleCounters {
  uint64_t calls = 0;
  uint64_t errors = 0;       // the rule raised or returned something invalid
  uint64_t limit_hits = 0;   // instruction budget, deadline, memory, pattern steps
  uint64_t rebuilds = 0;     // sandboxes discarded and built again
  uint64_t fallbacks = 0;    // decisions taken by the built-in behaviour because of the rule
};

class RuleSet {
 public:
  using Logger = std::function<void(const std::string& line)>;
  // Compiles the bundle in a fresh sandbox and checks its declared hooks exist.
  static Result<std::shared_ptr<RuleSet>> build(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed,
                                                Logger log = nullptr);

  // Runs every test vector; the first failure says which vector, expected and got.
  Status selfTest();
  // Runs every test vector and reports each one (outpostctl bundle test).
  struct VectorOutcome {
    std::string name;
    std::string hook;
    std::string where;     // "vectors.json /vectors/3 (name)"
    bool passed = false;
    std::string expected;  // compact JSON
    std::string got;       // compact JSON, or empty when the call failed
    std::string error;     // why the call failed (or is invalid)
  };
  std::vector<VectorOutcome> runVectors();

  bool has(const std::string& hook) const;
  Result<Classification> classify(Value contact, WallTime now);
  Result<std::vector<size_t>> rank(Value contact, const std::vector<std::string>& ids, Value candidates, WallTime now);
  Result<ivr::HookAction> ivrAction(Value session, Value input, WallTime now);

  const Bundle& bundle() const { return bundle_; }
  RuleCounters counters() const;
  void countFallback() { ++fallbacks_; }
  size_t memoryUsed() const { return sandbox_ ? sandbox_->memoryUsed() : 0; }

 private:
  RuleSet(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed, Logger log);
  Status rebuild();
  Result<Value> invoke(const std::string& hook, const std::vector<Value>& args);

  Bundle bundle_;
  const Clock& clock_;
  Limits limits_;
  uint64_t seed_;
  Logger log_;
  std::unique_ptr<Sandbox> sandbox_;
  std::atomic<uint64_t> calls_{0}, errors_{0}, limits_hit_{0}, rebuilds_{0}, fallbacks_{0};
};

struct RulesOptions {
  std::string site;                      // this appliance's site code
  std::vector<std::string> site_groups;
  Limits limits;
  uint64_t seed = 1;
};

struct RulesStatus {
  struct Entry {
    std::string id;
    int64_t version = 0;
    std::string key_id;
    std::string manifest_sha256;
    WallTime expires{};
    std::vector<std::string> hooks;
    RuleCounters counters;
    size_t memory_bytes = 0;
  };
  std::optional<Entry> active;
  std::optional<Entry> previous;
};

class RulesHost final : public engine::ContactClassifier, public routing::CandidateRanker {
 public:
  using Logger = std::function<void(const std::string& line)>;
  RulesHost(const Clock& clock, signing::TrustStore trust, RulesOptions options, Logger log = nullptr);

  // Makes the change durable before it takes effect: (the new active, the new
  // previous). An error leaves everything as it was.
  using Persist = std::function<Status(const Bundle& active, const Bundle* previous)>;

  // Verifies, compiles, self-tests, persists and activates; the version must be above
  // the active one. On any failure the active bundle stays and the reason is returned.
  Result<RulesStatus::Entry> installFiles(const std::map<std::string, std::string>& files,
                                          const Persist& persist = nullptr);
  Result<RulesStatus::Entry> installDir(const std::string& dir, const Persist& persist = nullptr);
  // Activates a verified bundle: compile + vectors (+ version check) + persist + swap.
  // Start-up restores the previous and then the active bundle this way.
  Result<RulesStatus::Entry> activate(Bundle bundle, bool check_version, const Persist& persist = nullptr);
  // Re-activates the previous bundle (the active one becomes the previous).
  Result<RulesStatus::Entry> rollback(const Persist& persist = nullptr);
  // The target for verifying bundles here (site, groups, now).
  InstallTarget target() const;
  const signing::TrustStore& trust() const { return trust_; }
  RulesStatus status() const;
  std::shared_ptr<RuleSet> active() const;

  // Told before a bundle becomes active (an error refuses it; nothing changes) and
  // after it did (install, start-up restore, rollback). The IVR swaps its flow here.
  struct Listener {
    std::function<Status(const Bundle& bundle)> check;
    std::function<void(const std::shared_ptr<RuleSet>& active)> activated;
  };
  void setListener(Listener listener);

  // engine::ContactClassifier
  std::optional<routing::ContactSpec> classify(const routing::ContactSpec& spec, WallTime now) override;
  void refused(const routing::ContactSpec& changed, const Status& why) override;
  // routing::CandidateRanker
  bool enabled() const override { return rank_enabled_.load(std::memory_order_relaxed); }
  std::optional<size_t> choose(const routing::ContactView& contact,
                               const std::vector<const routing::AgentProfile*>& candidates, WallTime now) override;

 private:
  void logFailure(const RuleSet& rules, const std::string& hook, const Status& s);

  const Clock& clock_;
  signing::TrustStore trust_;
  RulesOptions options_;
  Logger log_;
  mutable std::mutex mu_;
  std::mutex install_mu_;  // one install at a time
  std::shared_ptr<RuleSet> active_;
  std::shared_ptr<RuleSet> previous_;
  std::atomic<bool> rank_enabled_{false};  // the active bundle has rank_candidates
  Listener listener_;                      // set before serving
};

}  // namespace outpost::plugins
