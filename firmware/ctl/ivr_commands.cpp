// outpostctl ivr …: train, evaluate and try the intent model on the appliance — see
// ivr/classifier.h and docs/ivr.md.

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "ctl/command.h"
#include "ivr/classifier.h"
#include "ivr/evaluation.h"

namespace outpost::ctl {
namespace {

Result<double> numberFlag(const Args& args, const std::string& flag, double fallback, double min, double max) {
  const std::string text = args.optional(flag);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v >= min && v <= max)) {
    return Status::invalidArgument("must be a number in [" + std::to_string(min) + ", " + std::to_string(max) + "]",
                                   flag);
  }
  return v;
}

Result<ivr::TrainOptions> trainOptions(const Args& args) {
  ivr::TrainOptions o;
  auto epochs = numberFlag(args, "--epochs", o.epochs, 1, 1000);
  if (!epochs) return epochs.status();
  auto seed = numberFlag(args, "--seed", static_cast<double>(o.seed), 0, 9007199254740991.0);
  if (!seed) return seed.status();
  auto threshold = numberFlag(args, "--threshold", o.policy.threshold, 0, 1);
  if (!threshold) return threshold.status();
  auto margin = numberFlag(args, "--margin", o.policy.margin, 0, 1);
  if (!margin) return margin.status();
  o.epochs = static_cast<int>(*epochs);
  o.seed = static_cast<uint64_t>(*seed);
  o.policy = {*threshold, *margin};
  return o;
}

Status train(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--data", "--out", "--epochs", "--seed", "--threshold", "--margin"}));
  auto data = args.required("--data");
  if (!data) return data.status();
  auto out = args.required("--out");
  if (!out) return out.status();
  auto options = trainOptions(args);
  if (!options) return options.status();
  auto examples = ivr::loadExamples(*data);
  if (!examples) return examples.status();
  const auto start = std::chrono::steady_clock::now();
  auto model = ivr::IntentModel::train(*examples, *options);
  if (!model) return model.status();
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  OUTPOST_RETURN_IF_ERROR(model->save(*out));
  std::printf("trained on %zu utterances, %zu intents, %zu features in %.0f ms (temperature %.3f); wrote %s\n",
              examples->size(), model->intents().size(), model->featureCount(), ms, model->temperature(),
              out->c_str());
  return Status::ok();
}

Status eval(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(
      args.only({"--model", "--data", "--json", "--folds", "--epochs", "--seed", "--threshold", "--margin"}));
  auto data = args.required("--data");
  if (!data) return data.status();
  const bool json = args.optional("--json") == "true";
  auto examples = ivr::loadExamples(*data);
  if (!examples) return examples.status();
  ivr::EvalReport report;
  if (!args.optional("--folds").empty()) {
    if (!args.optional("--model").empty()) {
      return Status::invalidArgument("cross-validation trains its own models; give --model or --folds, not both",
                                     "--model");
    }
    auto folds = numberFlag(args, "--folds", 5, 2, 20);
    if (!folds) return folds.status();
    auto options = trainOptions(args);
    if (!options) return options.status();
    auto r = ivr::crossValidate(*examples, static_cast<int>(*folds), *options);
    if (!r) return r.status();
    report = std::move(*r);
  } else {
    OUTPOST_RETURN_IF_ERROR(args.only({"--model", "--data", "--json", "--threshold", "--margin"}));
    auto path = args.required("--model");
    if (!path) return path.status();
    auto model = ivr::IntentModel::load(*path);
    if (!model) return model.status();
    ivr::FallbackPolicy policy = model->policy();
    auto threshold = numberFlag(args, "--threshold", policy.threshold, 0, 1);
    if (!threshold) return threshold.status();
    auto margin = numberFlag(args, "--margin", policy.margin, 0, 1);
    if (!margin) return margin.status();
    OUTPOST_RETURN_IF_ERROR(model->setPolicy({*threshold, *margin}));
    report = ivr::evaluate(*model, *examples);
  }
  const std::string text = json ? ivr::reportToJson(report) + "\n" : ivr::reportToText(report);
  std::fputs(text.c_str(), stdout);
  return Status::ok();
}

Status classify(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--model", "--text"}));
  auto path = args.required("--model");
  if (!path) return path.status();
  auto text = args.required("--text");
  if (!text) return text.status();
  auto model = ivr::IntentModel::load(*path);
  if (!model) return model.status();
  const ivr::Prediction p = model->classify(*text);
  std::printf("%s %.3f (runner-up %s %.3f)%s\n", p.intent.c_str(), p.confidence, p.runner_up.c_str(),
              p.runner_up_confidence, p.fallback ? " fallback" : "");
  return Status::ok();
}

}  // namespace

std::vector<Command> ivrCommands() {
  return {
      {"ivr", "train", "--data FILE.tsv --out MODEL [--epochs N] [--seed N] [--threshold X] [--margin X]",
       "train the intent model on intent<TAB>utterance lines", train},
      {"ivr", "eval", "--model MODEL --data FILE.tsv [--json] | --data FILE.tsv --folds K [--json]",
       "accuracy, macro-F1, per-intent P/R/F1, confusion matrix, fallback rate (or k-fold cross-validation)",
       eval},
      {"ivr", "classify", "--model MODEL --text UTTERANCE", "the intent of one utterance, with its confidence",
       classify},
  };
}

}  // namespace outpost::ctl
