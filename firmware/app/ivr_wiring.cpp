#include "app/ivr_wiring.h"

#include <Poco/Logger.h>

#include "plugins/ivr_actions.h"

namespace outpost::app {
namespace {
Poco::Logger& log() { return Poco::Logger::get("outpost.app"); }
}  // namespace

void followRules(api::IvrFrontEnd& fe, const std::shared_ptr<const ivr::Flow>& configured,
                 const std::shared_ptr<plugins::RuleSet>& rules, const Clock& /*clock: the RuleSet has it*/,
                 const plugins::RulesOptions& options) {
  if (!rules) {  // a trial reverted with no earlier bundle: the configured flow, no hook
    fe.setFlow(configured, nullptr, "config");
    return;
  }
  const plugins::Bundle& b = rules->bundle();
  std::shared_ptr<ivr::ActionHook> hook;
  if (rules->has("ivr_action")) {
    auto built = plugins::IvrActions::build(rules, options.seed + 1,
                                            [](const std::string& line) { log().information("%s", line); });
    if (built) {
      hook = std::move(*built);
    } else {
      log().warning("the ivr_action hook of %s v%s is not used: %s", b.id, std::to_string(b.version),
                    built.status().toString());
    }
  }
  // The bundle's own training data: a model trained here for its flow (about 0.2 s CPU).
  std::shared_ptr<const ivr::IntentModel> model;
  if (!b.training.empty()) {
    ivr::TrainOptions train;
    train.policy = fe.policy();
    auto m = ivr::IntentModel::train(b.training, train);
    if (m) {
      log().information("IVR intent model of %s v%s trained on %z utterances (%z intents)", b.id,
                        std::to_string(b.version), b.training.size(), m->intents().size());
      model = std::make_shared<const ivr::IntentModel>(std::move(*m));
    } else {
      log().warning("the training data of %s v%s is not used: %s", b.id, std::to_string(b.version),
                    m.status().toString());
    }
  }
  if (b.flow && (!b.flow->usesIntents() || model || fe.hasModel())) {
    fe.setFlow(b.flow, std::move(hook), "bundle " + b.id + " v" + std::to_string(b.version), std::move(model));
    log().information("IVR flow %s version %d from rule bundle %s v%s", b.flow->id, b.flow->version, b.id,
                      std::to_string(b.version));
  } else {
    fe.setFlow(configured, std::move(hook), "config");
  }
}

// A bundle whose flow classifies intents needs training data of its own or the
// appliance's intent model.
Status checkBundleFlow(const api::IvrFrontEnd& fe, const plugins::Bundle& b) {
  if (b.flow && b.flow->usesIntents() && b.training.empty() && !fe.hasModel()) {
    return Status::failedPrecondition(
        "the bundle's IVR flow has intent nodes but neither training data (\"training_data\" in its manifest) nor "
        "this appliance's intent model (ivr.model or ivr.training_data)",
        b.flow_path);
  }
  return Status::ok();
}

}  // namespace outpost::app
