#pragma once

// outpostd's IVR wiring to the rule bundles (docs/ivr.md, "Flows in bundles" and "Lua
// hooks at nodes"): the IVR follows the active bundle.

#include <memory>

#include "api/ivr_front_end.h"
#include "core/clock.h"
#include "plugins/rules.h"

namespace outpost::app {

// New sessions start on the bundle's flow (with a model trained from the bundle's
// training data, if it carries some), or on `configured` when it brings none (or one this
// appliance cannot run), and hooked nodes call the bundle's ivr_action in a sandbox of
// its own. Sessions in progress keep the flow and hook they started with.
void followRules(api::IvrFrontEnd& fe, const std::shared_ptr<const ivr::Flow>& configured,
                 const std::shared_ptr<plugins::RuleSet>& rules, const Clock& clock, const plugins::RulesOptions& options);

// A bundle whose flow classifies intents needs training data of its own (a model is
// trained from it when the bundle becomes active) or the appliance's intent model.
Status checkBundleFlow(const api::IvrFrontEnd& fe, const plugins::Bundle& bundle);

}  // namespace outpost::app
