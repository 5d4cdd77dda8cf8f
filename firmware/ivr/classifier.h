#pragma once

// IntentModel: bilingual intent recognition trained on the appliance.
//
// A multinomial logistic regression over hashed text features (features.h): one
// weight row per feature seen in training (a vocabulary keyed by the 64-bit feature
// hash) and one column per intent. Training is SGD over a seeded shuffle, so the
// same data, options and seed give the same model, byte for byte. Confidences are a
// softmax of logits divided by a temperature fitted on a stratified hold-out of the
// training data (minimum negative log-likelihood; at least 20 held-out examples,
// else 1.0), then the model is retrained on
// all of it.
//
// A prediction falls back ("I did not understand") when the top confidence is
// below `threshold` or the top two are closer than `margin` (defaults 0.3 and 0.1),
// and always when none of the text's features was seen in training.
//
// Saved form: a versioned little-endian binary (see docs/ivr.md) ending in an
// FNV-1a-64 checksum; load() rejects other files, other versions, truncation and
// corruption with a message saying which.
//
// Thread-safety: a trained or loaded model is immutable; classify() may be called
// from many threads at once.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "ivr/dataset.h"
#include "ivr/features.h"

namespace outpost::ivr {

struct FallbackPolicy {
  double threshold = 0.3;  // minimum top confidence
  double margin = 0.1;     // minimum gap between the top two confidences
};

struct TrainOptions {
  int epochs = 40;
  double learning_rate = 0.8;  // at epoch 0; decays as lr / (1 + 0.1·epoch)
  double l2 = 1e-5;            // applied to the weights an example touches
  uint64_t seed = 20261123;
  bool calibrate = true;          // fit the temperature on a hold-out
  double holdout_fraction = 0.15; // per intent, for calibration
  FeatureConfig features;
  FallbackPolicy policy;
};

struct Prediction {
  std::string intent;         // the top intent (even when falling back)
  double confidence = 0;      // its calibrated probability
  std::string runner_up;      // the second intent ("" with one intent)
  double runner_up_confidence = 0;
  int known_features = 0;     // features of the text seen in training
  bool fallback = false;      // below threshold, within margin, or no known feature
};

class IntentModel {
 public:
  static constexpr uint32_t kFormatVersion = 1;

  // Trains on `examples` (at least two intents). Errors: too few intents, bad options.
  static Result<IntentModel> train(const std::vector<Example>& examples, const TrainOptions& options);

  // Parses a saved model; `source` names it in errors.
  static Result<IntentModel> deserialize(std::string_view bytes, const std::string& source);
  static Result<IntentModel> load(const std::string& path);
  std::string serialize() const;
  // Writes to `path` (via a temporary file renamed into place).
  Status save(const std::string& path) const;

  Prediction classify(std::string_view text) const;
  // Calibrated probabilities, one per intent (order of intents()).
  std::vector<double> probabilities(std::string_view text) const;

  const std::vector<std::string>& intents() const { return intents_; }
  int intentIndex(std::string_view intent) const;  // -1 if unknown
  double temperature() const { return temperature_; }
  const FallbackPolicy& policy() const { return policy_; }
  // Errors: threshold outside [0,1], margin outside [0,1].
  Status setPolicy(const FallbackPolicy& policy);
  size_t featureCount() const { return index_.size(); }

 private:
  // Fills `out` with the raw logits; returns how many of the text's features the model knows.
  int logits(std::string_view text, std::vector<float>& out) const;

  std::vector<std::string> intents_;
  FeatureConfig features_;
  std::unordered_map<uint64_t, uint32_t> index_;  // feature hash → row
  std::vector<uint64_t> rows_;                    // row → feature hash (for saving in order)
  std::vector<float> weights_;                    // rows × intents
  std::vector<float> bias_;
  double temperature_ = 1.0;
  FallbackPolicy policy_;
};

}  // namespace outpost::ivr
