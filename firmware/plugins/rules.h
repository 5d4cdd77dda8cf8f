#pragma once

// RuleSet: one verified bundle, compiled in its own sandbox, with its hooks:
//
//   classify_contact(contact, ctx) → {skills = {code = level}, segment, priority, queue}
//   rank_candidates(contact, candidates, ctx) → {"agent id", …}  (an order and/or a filter)
//   on_event(event, ctx) → {{kind = "points"|"alert", …}, …}  (plugins/event_hook.h)
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
#include "plugins/event_hook.h"
#include "plugins/keyset.h"
#include "plugins/sandbox.h"
#include "plugins/workload.h"
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
// The same straight off the Lua stack for a valid result (a Sandbox::ResultReader):
// true with `out` (a Classification) filled, false when anything is off (the generic
// path then says what); never raises.
bool readClassification(lua_State* L, int idx, void* out);
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
// Pushes contactValue(*spec) straight onto the Lua stack, table for table the same
// (keys in the same order, so pairs() iterates alike); a Sandbox::ArgPusher.
void pushContact(lua_State* L, const void* spec);

struct RuleCounters {
  uint64_t calls = 0;
  uint64_t errors = 0;       // the rule raised or returned something invalid
  uint64_t limit_hits = 0;   // instruction budget, deadline, memory, pattern steps
  uint64_t rebuilds = 0;     // sandboxes discarded and built again
  uint64_t fallbacks = 0;    // decisions taken by the built-in behaviour because of the rule
};

// Where a RuleSet counts; shared by the per-thread sandboxes of one hook (IvrActions).
struct RuleCounterBlock {
  std::atomic<uint64_t> calls{0}, errors{0}, limit_hits{0}, rebuilds{0}, fallbacks{0};
  RuleCounters load() const {
    return RuleCounters{calls.load(), errors.load(), limit_hits.load(), rebuilds.load(), fallbacks.load()};
  }
};

class RuleSet {
 public:
  using Logger = std::function<void(const std::string& line)>;
  // Compiles the bundle in a fresh sandbox and checks its declared hooks exist.
  static Result<std::shared_ptr<RuleSet>> build(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed,
                                                Logger log = nullptr);

  // The same bundle compiled again in a fresh sandbox of its own (a lua_State for
  // another thread: IvrActions). It counts into `counters` (a new block when null) and
  // into this RuleSet's counters too, so its errors and limit hits count toward this
  // bundle's trial; after a failed call the sibling's caller tells failed() here.
  Result<std::shared_ptr<RuleSet>> sibling(uint64_t seed, std::shared_ptr<RuleCounterBlock> counters = nullptr) const;
  // A failed or limited call made outside RulesHost's own hooks (a sibling's): tells
  // the failure hook (RulesHost: the trial check). Any thread.
  void failed() const {
    if (failure_hook_) failure_hook_(*this);
  }
  // Set by RulesHost before the RuleSet is published (it must outlive the RuleSet's users).
  void setFailureHook(std::function<void(const RuleSet&)> hook) { failure_hook_ = std::move(hook); }

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
  // The same with the contact pushed straight into Lua (pushContact): the hot path.
  Result<Classification> classify(const routing::ContactSpec& contact, WallTime now);
  Result<std::vector<size_t>> rank(const routing::ContactSpec& contact, const std::vector<std::string>& ids,
                                   Value candidates, WallTime now);
  Result<std::vector<EventAction>> onEvent(Value event, WallTime now);
  Result<ivr::HookAction> ivrAction(Value session, Value input, WallTime now);

  const Bundle& bundle() const { return bundle_; }
  RuleCounters counters() const;
  void countFallback() { count(&RuleCounterBlock::fallbacks); }
  // A failure found outside the call (IvrActions: a state that could not be built, an
  // answer the flow refused).
  void countError(bool call_too) {
    if (call_too) count(&RuleCounterBlock::calls);
    count(&RuleCounterBlock::errors);
  }
  size_t memoryUsed() const { return sandbox_ ? sandbox_->memoryUsed() : 0; }

 private:
  RuleSet(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed, Logger log);
  Status rebuild();
  // Calls `hook` with (first, args…, ctx); ctx = {now, config}.
  Result<Value> invoke(const std::string& hook, const std::vector<Value>& args, WallTime now,
                       Sandbox::ArgPusher first = nullptr, const void* first_data = nullptr,
                       Sandbox::ResultReader* reader = nullptr);
  // The contact's attributes (attributes_json parsed), kept while the same text comes
  // again (classify then rank of one contact, a contact classified again).
  const Value& attributesOf(const std::string& json);
  struct ContactArg {
    const routing::ContactSpec* spec;
    const Value* attributes;
  };
  static void pushContactArg(lua_State* L, const void* data);
  Result<Classification> classification(Result<Value> r);
  Result<std::vector<size_t>> ranking(Result<Value> r, const std::vector<std::string>& ids);

  Bundle bundle_;
  const Clock& clock_;
  Limits limits_;
  uint64_t seed_;
  Logger log_;
  std::unique_ptr<Sandbox> sandbox_;
  std::string attributes_json_ = "{}";
  Value attributes_{Value::Object{}};
  void count(std::atomic<uint64_t> RuleCounterBlock::*field) {
    ++((*counters_).*field);
    if (origin_) ++((*origin_).*field);
  }
  std::shared_ptr<RuleCounterBlock> counters_ = std::make_shared<RuleCounterBlock>();
  std::shared_ptr<RuleCounterBlock> origin_;  // a sibling's: also counted there
  std::function<void(const RuleSet&)> failure_hook_;
};

// A newly installed bundle runs on trial: while its window lasts, once it has made at
// least `min_calls` calls, an error-or-limit rate ((errors + limit_hits) / calls) above
// `max_error_rate` reverts to the previous bundle (or to the built-in behaviour when
// there is none). After the window without that, the bundle is simply active.
struct TrialPolicy {
  Millis window{300000};  // 0: no trial
  double max_error_rate = 0.2;
  uint64_t min_calls = 20;
};

struct RulesOptions {
  std::string site;                      // this appliance's site code
  std::vector<std::string> site_groups;
  Limits limits;
  uint64_t seed = 1;
  TrialPolicy trial;
  WorkloadOptions workload;
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
  // none (no bundle ever active), trial, active, or reverted (a trial failed; the
  // previous bundle, or the built-in behaviour, decides again).
  std::string state = "none";
  std::optional<WallTime> trial_ends;  // trial: when it becomes active
  std::string reason;                  // reverted: why
  std::string reverted_id;             // reverted: the bundle that failed its trial
  int64_t reverted_version = 0;
  int64_t key_set_version = 0;         // 0: the keys of plugins.trust_file
  std::vector<std::string> key_ids;    // the keys that may sign bundles now
  std::optional<WallTime> changed_at;  // when the state last changed
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

  // Trial (TrialPolicy). A new install (activate with check_version) starts a trial;
  // start-up restores and rollbacks do not. The watcher is called (on the hook's
  // thread, at most once per trial unless checkTrial fails) when a failed call makes
  // the trial rate pass the threshold; it should arrange for checkTrial to run.
  using TrialWatcher = std::function<void()>;
  void setTrialWatcher(TrialWatcher watcher);
  // Makes a trial revert durable before it takes effect: the bundle active after it
  // (null: built-in behaviour), the one that failed, and why.
  using RevertPersist = std::function<Status(const Bundle* active, const Bundle& reverted, const std::string& reason)>;
  // Ends the trial when its window has passed; reverts when the trial rate passed the
  // threshold within the window. True when it reverted.
  Result<bool> checkTrial(const RevertPersist& persist = nullptr);
  // The target for verifying bundles here (site, groups, now).
  InstallTarget target() const;
  // The keys trusted now (plugins.trust_file, or the last key set).
  signing::TrustStore trust() const;
  // Every key set trusted so far, newest first (start-up re-verifies stored bundles
  // against each: a bundle installed before a rotation stays).
  std::vector<signing::TrustStore> trustHistory() const;
  // Key rotation (plugins/keyset.h): verifies the set against the keys trusted now,
  // persists it, then trusts only its keys. Start-up re-applies stored sets this way.
  using KeysPersist = std::function<Status(const KeySet& set)>;
  Result<KeySet> rotateKeys(const std::string& manifest_json, const std::string& signature_json,
                            const KeysPersist& persist = nullptr);
  int64_t keySetVersion() const;
  RulesStatus status() const;
  std::shared_ptr<RuleSet> active() const;

  // on_event: the actions of a bundle's rules, for the sink (set before events flow).
  using ActionSink = std::function<void(const Bundle& bundle, const std::string& event_type,
                                        const std::vector<EventAction>& actions)>;
  void setActionSink(ActionSink sink) { sink_ = std::move(sink); }
  // True when the active bundle has on_event (callers may skip building events).
  bool wantsEvents() const { return events_enabled_.load(std::memory_order_relaxed); }
  // Runs on_event for a lifecycle event (others are ignored); on the engine loop.
  void onEvent(const engine::DomainEvent& event, WallTime now);
  // Every committed engine event, on the engine loop: the agents' workload (candidate
  // fields recent_heavy, practice_today), then onEvent.
  void observe(const engine::DomainEvent& event, WallTime now);
  // Told before a bundle becomes active (an error refuses it; nothing changes) and
  // after it did (install, start-up restore, rollback, trial revert — then `active` may be
  // null: no bundle, the built-in behaviour). The IVR swaps its flow here.
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
  void watchTrial(const RuleSet& rules);
  bool trialFailing(const RuleCounters& c) const;
  void setState(const char* state, WallTime at);  // with mu_ held

  const Clock& clock_;
  signing::TrustStore trust_;
  RulesOptions options_;
  Logger log_;
  mutable std::mutex mu_;
  std::mutex install_mu_;  // one install at a time
  std::shared_ptr<RuleSet> active_;
  std::shared_ptr<RuleSet> previous_;
  std::atomic<bool> rank_enabled_{false};  // the active bundle has rank_candidates
  std::atomic<bool> events_enabled_{false};  // the active bundle has on_event
  AgentWorkload workload_;                     // engine loop only
  ActionSink sink_;
  // Keys, under mu_ (trust_ above too).
  int64_t keyset_version_ = 0;
  std::vector<signing::TrustStore> trust_history_;  // oldest first, the current one last
  // Trial state, under mu_.
  TrialWatcher watcher_;
  std::string state_ = "none";
  std::optional<WallTime> changed_at_;
  WallTime trial_ends_{};
  bool trial_signalled_ = false;  // the rate passed the threshold within the window
  std::string reason_;
  std::string reverted_id_;
  int64_t reverted_version_ = 0;
  Listener listener_;                      // set before serving
};

}  // namespace outpost::plugins
