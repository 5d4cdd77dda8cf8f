#include "ivr/evaluation.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

namespace outpost::ivr {
namespace {

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

}  // namespace

EvalReport summarise(const std::vector<Outcome>& outcomes) {
  EvalReport r;
  std::set<std::string> label_set;
  for (const auto& o : outcomes) {
    label_set.insert(o.label);
    label_set.insert(o.prediction.intent);
  }
  r.labels.assign(label_set.begin(), label_set.end());
  std::map<std::string, size_t, std::less<>> at;
  for (size_t i = 0; i < r.labels.size(); ++i) at[r.labels[i]] = i;
  const size_t n = r.labels.size();
  r.confusion.assign(n, std::vector<int>(n, 0));
  int correct = 0, fallbacks = 0, accepted_correct = 0;
  for (const auto& o : outcomes) {
    r.confusion[at[o.label]][at[o.prediction.intent]]++;
    const bool ok = o.label == o.prediction.intent;
    correct += ok ? 1 : 0;
    if (o.prediction.fallback) {
      ++fallbacks;
    } else if (ok) {
      ++accepted_correct;
    }
  }
  r.total = static_cast<int>(outcomes.size());
  if (r.total > 0) {
    r.accuracy = static_cast<double>(correct) / r.total;
    r.fallback_rate = static_cast<double>(fallbacks) / r.total;
    const int accepted = r.total - fallbacks;
    r.accepted_accuracy = accepted > 0 ? static_cast<double>(accepted_correct) / accepted : 0;
  }
  double f1_sum = 0;
  for (size_t i = 0; i < n; ++i) {
    IntentScore s;
    s.intent = r.labels[i];
    const int tp = r.confusion[i][i];
    for (size_t j = 0; j < n; ++j) {
      s.support += r.confusion[i][j];
      s.predicted += r.confusion[j][i];
    }
    s.precision = s.predicted > 0 ? static_cast<double>(tp) / s.predicted : 0;
    s.recall = s.support > 0 ? static_cast<double>(tp) / s.support : 0;
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    f1_sum += s.f1;
    r.per_intent.push_back(s);
  }
  r.macro_f1 = n > 0 ? f1_sum / static_cast<double>(n) : 0;
  return r;
}

EvalReport evaluate(const IntentModel& model, const std::vector<Example>& examples) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(examples.size());
  for (const auto& e : examples) outcomes.push_back(Outcome{e.intent, model.classify(e.text)});
  return summarise(outcomes);
}

Result<EvalReport> crossValidate(const std::vector<Example>& examples, int folds, const TrainOptions& options) {
  if (folds < 2 || folds > 20) return Status::invalidArgument("folds must be 2..20", "--folds");
  if (static_cast<size_t>(folds) > examples.size()) {
    return Status::invalidArgument("more folds than examples", "--folds");
  }
  std::map<std::string, std::vector<size_t>> by_intent;
  for (size_t i = 0; i < examples.size(); ++i) by_intent[examples[i].intent].push_back(i);
  std::vector<int> fold_of(examples.size());
  std::mt19937_64 rng(options.seed);
  size_t offset = 0;  // continue round-robin across intents so folds stay balanced
  for (auto& [intent, idx] : by_intent) {
    for (size_t i = idx.size(); i > 1; --i) std::swap(idx[i - 1], idx[static_cast<size_t>(rng() % i)]);
    for (size_t j = 0; j < idx.size(); ++j) fold_of[idx[j]] = static_cast<int>((offset + j) % static_cast<size_t>(folds));
    offset += idx.size();
  }
  std::vector<Outcome> outcomes;
  for (int f = 0; f < folds; ++f) {
    std::vector<Example> train, test;
    for (size_t i = 0; i < examples.size(); ++i) (fold_of[i] == f ? test : train).push_back(examples[i]);
    auto model = IntentModel::train(train, options);
    if (!model) return model.status().under("fold " + std::to_string(f + 1));
    for (const auto& e : test) outcomes.push_back(Outcome{e.intent, model->classify(e.text)});
  }
  EvalReport r = summarise(outcomes);
  r.folds = folds;
  return r;
}

std::string reportToJson(const EvalReport& r) {
  // Intent codes are [a-z0-9_]: no escaping needed.
  std::string s = "{\"total\":" + std::to_string(r.total) + ",\"accuracy\":" + fmt(r.accuracy) +
                  ",\"macro_f1\":" + fmt(r.macro_f1) + ",\"fallback_rate\":" + fmt(r.fallback_rate) +
                  ",\"accepted_accuracy\":" + fmt(r.accepted_accuracy) + ",\"folds\":" + std::to_string(r.folds) +
                  ",\"per_intent\":[";
  for (size_t i = 0; i < r.per_intent.size(); ++i) {
    const auto& p = r.per_intent[i];
    if (i) s += ",";
    s += "{\"intent\":\"" + p.intent + "\",\"support\":" + std::to_string(p.support) +
         ",\"precision\":" + fmt(p.precision) + ",\"recall\":" + fmt(p.recall) + ",\"f1\":" + fmt(p.f1) + "}";
  }
  s += "],\"labels\":[";
  for (size_t i = 0; i < r.labels.size(); ++i) s += (i ? ",\"" : "\"") + r.labels[i] + "\"";
  s += "],\"confusion\":[";
  for (size_t i = 0; i < r.confusion.size(); ++i) {
    s += i ? ",[" : "[";
    for (size_t j = 0; j < r.confusion[i].size(); ++j) s += (j ? "," : "") + std::to_string(r.confusion[i][j]);
    s += "]";
  }
  s += "]}";
  return s;
}

std::string reportToText(const EvalReport& r) {
  std::string s;
  char line[256];
  if (r.folds > 0) s += std::to_string(r.folds) + "-fold cross-validation\n";
  std::snprintf(line, sizeof line,
                "utterances %d\naccuracy %.4f\nmacro-F1 %.4f\nfallback rate %.4f\naccuracy when not falling back %.4f\n\n",
                r.total, r.accuracy, r.macro_f1, r.fallback_rate, r.accepted_accuracy);
  s += line;
  std::snprintf(line, sizeof line, "%-3s %-24s %7s %9s %7s %7s\n", "#", "intent", "support", "precision", "recall", "F1");
  s += line;
  for (size_t i = 0; i < r.per_intent.size(); ++i) {
    const auto& p = r.per_intent[i];
    std::snprintf(line, sizeof line, "%-3zu %-24s %7d %9.3f %7.3f %7.3f\n", i + 1, p.intent.c_str(), p.support,
                  p.precision, p.recall, p.f1);
    s += line;
  }
  s += "\nconfusion matrix (rows: true intent #, columns: predicted intent #)\n    ";
  for (size_t j = 0; j < r.labels.size(); ++j) {
    std::snprintf(line, sizeof line, "%3zu", j + 1);
    s += line;
  }
  s += "\n";
  for (size_t i = 0; i < r.confusion.size(); ++i) {
    std::snprintf(line, sizeof line, "%3zu ", i + 1);
    s += line;
    for (int v : r.confusion[i]) {
      if (v == 0) {
        s += "  .";
      } else {
        std::snprintf(line, sizeof line, "%3d", v);
        s += line;
      }
    }
    s += "\n";
  }
  return s;
}

}  // namespace outpost::ivr
