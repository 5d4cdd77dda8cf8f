#include "plugins/ivr_actions.h"

namespace outpost::plugins {

Result<std::shared_ptr<IvrActions>> IvrActions::build(const Bundle& bundle, const Clock& clock, Limits limits,
                                                      uint64_t seed, RuleSet::Logger log) {
  auto rules = RuleSet::build(bundle, clock, limits, seed, log);
  if (!rules) return rules.status();
  if (!rules.value()->has("ivr_action")) {
    return Status::invalidArgument("bundle " + bundle.id + " has no ivr_action hook", "manifest.json /hooks");
  }
  return std::shared_ptr<IvrActions>(new IvrActions(std::move(rules.value()), std::move(log)));
}

Result<ivr::HookAction> IvrActions::run(const std::string& hook, const ivr::HookCall& call) {
  if (hook != "ivr_action") return Status::invalidArgument("unknown node hook \"" + hook + "\"");
  Result<ivr::HookAction> r = Status::internal("not run");
  {
    std::lock_guard lock(mu_);
    r = rules_->ivrAction(ivrSessionValue(call), ivrInputValue(call), call.now);
  }
  if (!r) {
    rules_->countFallback();
    if (log_) {
      log_("rules " + rules_->bundle().id + " v" + std::to_string(rules_->bundle().version) + " ivr_action at node " +
           call.node + " failed (" + std::string(statusCodeName(r.status().code())) + "): " + r.status().describe() +
           "; built-in behaviour used");
    }
  }
  return r;
}

ivr::HookStats IvrActions::stats() const {
  const RuleCounters c = rules_->counters();
  return ivr::HookStats{rules_->bundle().id + " v" + std::to_string(rules_->bundle().version), c.calls,
                        c.errors + refused_.load(), c.limit_hits, c.fallbacks};
}

void IvrActions::refused(const Status& why) {
  ++refused_;
  rules_->countFallback();
  if (log_) {
    log_("rules " + rules_->bundle().id + " v" + std::to_string(rules_->bundle().version) +
         " ivr_action answered something the flow cannot take: " + why.describe() + "; built-in behaviour used");
  }
}

}  // namespace outpost::plugins
