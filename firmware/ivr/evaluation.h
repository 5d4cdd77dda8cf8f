#pragma once

// Evaluating an IntentModel on labelled utterances, and k-fold cross-validation.
//
// Accuracy and the per-intent figures count the top intent, whether or not the
// prediction fell back; the fallback rate is the share of utterances that fell back,
// and accepted_accuracy the accuracy among the others. Macro-F1 averages F1 over
// every intent that occurs in the data or among the predictions.
//
// Thread-safety: pure functions.

#include <string>
#include <vector>

#include "core/status.h"
#include "ivr/classifier.h"
#include "ivr/dataset.h"

namespace outpost::ivr {

struct IntentScore {
  std::string intent;
  int support = 0;    // examples whose label is this intent
  int predicted = 0;  // predictions of this intent
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

struct EvalReport {
  int total = 0;
  double accuracy = 0;
  double macro_f1 = 0;
  double fallback_rate = 0;
  double accepted_accuracy = 0;
  std::vector<IntentScore> per_intent;         // sorted by intent
  std::vector<std::string> labels;             // rows/columns of the confusion matrix
  std::vector<std::vector<int>> confusion;     // [true][predicted]
  int folds = 0;                               // > 0 for cross-validation
};

// One (label, prediction) pair per evaluated utterance.
struct Outcome {
  std::string label;
  Prediction prediction;
};

EvalReport summarise(const std::vector<Outcome>& outcomes);
EvalReport evaluate(const IntentModel& model, const std::vector<Example>& examples);

// Stratified k-fold cross-validation (seeded by options.seed): each example is
// predicted by a model trained without its fold. Errors: folds outside 2..20 or
// more folds than examples, or a fold's training failing.
Result<EvalReport> crossValidate(const std::vector<Example>& examples, int folds, const TrainOptions& options);

// The report as one JSON object: total, accuracy, macro_f1, fallback_rate,
// accepted_accuracy, folds, per_intent[], labels[], confusion[][].
std::string reportToJson(const EvalReport& report);
// A human-readable table (figures, per-intent P/R/F1, confusion matrix).
std::string reportToText(const EvalReport& report);

}  // namespace outpost::ivr
