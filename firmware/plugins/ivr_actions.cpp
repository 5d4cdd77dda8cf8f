#include "plugins/ivr_actions.h"

#include <algorithm>

namespace outpost::plugins {

Result<std::shared_ptr<IvrActions>> IvrActions::build(std::shared_ptr<RuleSet> rules, uint64_t seed,
                                                      RuleSet::Logger log) {
  if (!rules) return Status::invalidArgument("no rule bundle");
  if (!rules->has("ivr_action")) {
    return Status::invalidArgument("bundle " + rules->bundle().id + " has no ivr_action hook", "manifest.json /hooks");
  }
  return std::shared_ptr<IvrActions>(new IvrActions(std::move(rules), seed, std::move(log)));
}

Result<std::shared_ptr<IvrActions>> IvrActions::build(const Bundle& bundle, const Clock& clock, Limits limits,
                                                      uint64_t seed, RuleSet::Logger log) {
  auto rules = RuleSet::build(bundle, clock, limits, seed, log);
  if (!rules) return rules.status();
  return build(std::move(rules.value()), seed, std::move(log));
}

Result<std::shared_ptr<RuleSet>> IvrActions::stateOfThisThread() {
  const auto me = std::this_thread::get_id();
  {
    std::lock_guard lock(mu_);
    if (auto it = states_.find(me); it != states_.end()) return it->second;
  }
  // Compiled outside the lock: other threads keep running meanwhile.
  auto built = origin_->sibling(seed_, counters_);
  if (!built) return built.status();
  std::lock_guard lock(mu_);
  if (states_.size() >= kMaxStates) {
    states_.erase(order_.front());
    order_.erase(order_.begin());
  }
  states_.emplace(me, built.value());
  order_.push_back(me);
  return built;
}

size_t IvrActions::states() const {
  std::lock_guard lock(mu_);
  return states_.size();
}

Result<ivr::HookAction> IvrActions::run(const std::string& hook, const ivr::HookCall& call) {
  if (hook != "ivr_action") return Status::invalidArgument("unknown node hook \"" + hook + "\"");
  auto state = stateOfThisThread();
  Result<ivr::HookAction> r = state ? state.value()->ivrAction(ivrSessionValue(call), ivrInputValue(call), call.now)
                                    : Result<ivr::HookAction>(state.status());
  if (!r) {
    if (state) {
      state.value()->countFallback();
    } else {  // no state to count in: the hook's and the bundle's counters directly
      ++counters_->calls;
      ++counters_->errors;
      ++counters_->fallbacks;
      origin_->countError(true);
      origin_->countFallback();
    }
    if (log_) {
      log_("rules " + bundle().id + " v" + std::to_string(bundle().version) + " ivr_action at node " + call.node +
           " failed (" + std::string(statusCodeName(r.status().code())) + "): " + r.status().describe() +
           "; built-in behaviour used");
    }
    origin_->failed();
  }
  return r;
}

ivr::HookStats IvrActions::stats() const {
  const RuleCounters c = counters_->load();
  return ivr::HookStats{bundle().id + " v" + std::to_string(bundle().version), c.calls, c.errors + refused_.load(),
                        c.limit_hits, c.fallbacks};
}

void IvrActions::refused(const Status& why) {
  ++refused_;  // an error in stats()
  ++counters_->fallbacks;
  origin_->countError(false);
  origin_->countFallback();
  if (log_) {
    log_("rules " + bundle().id + " v" + std::to_string(bundle().version) +
         " ivr_action answered something the flow cannot take: " + why.describe() + "; built-in behaviour used");
  }
  origin_->failed();
}

}  // namespace outpost::plugins
