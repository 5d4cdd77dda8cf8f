#include "ivr/classifier.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <random>

namespace outpost::ivr {
namespace {

constexpr char kMagic[8] = {'O', 'P', 'I', 'V', 'R', 'M', 'D', 'L'};
constexpr uint32_t kMaxIntents = 1024;
constexpr uint32_t kMaxFeatures = 4'000'000;
// Fewer held-out examples than this give a temperature fitted to noise; keep 1.0.
constexpr size_t kMinCalibrationExamples = 20;

struct SparseRow {
  std::vector<uint32_t> idx;
  std::vector<float> val;
  uint32_t label = 0;
};

// Deterministic Fisher–Yates (std::shuffle's algorithm is implementation-defined).
template <typename T>
void shuffleSeeded(std::vector<T>& v, std::mt19937_64& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

void softmax(const std::vector<float>& z, double temperature, std::vector<double>& p) {
  p.resize(z.size());
  double mx = -INFINITY;
  for (float v : z) mx = std::max(mx, static_cast<double>(v) / temperature);
  double sum = 0;
  for (size_t k = 0; k < z.size(); ++k) {
    p[k] = std::exp(static_cast<double>(z[k]) / temperature - mx);
    sum += p[k];
  }
  for (double& v : p) v /= sum;
}

struct Trained {
  std::unordered_map<uint64_t, uint32_t> index;
  std::vector<uint64_t> rows;
  std::vector<float> weights;
  std::vector<float> bias;
};

// Vocabulary over `subset`, then SGD.
Trained sgd(const std::vector<std::vector<Feature>>& feats, const std::vector<uint32_t>& labels,
            const std::vector<size_t>& subset, size_t k, const TrainOptions& o) {
  Trained t;
  for (size_t i : subset) {
    for (const Feature& f : feats[i]) {
      if (t.index.emplace(f.hash, static_cast<uint32_t>(t.rows.size())).second) t.rows.push_back(f.hash);
    }
  }
  t.weights.assign(t.rows.size() * k, 0.0f);
  t.bias.assign(k, 0.0f);
  std::vector<SparseRow> data;
  data.reserve(subset.size());
  for (size_t i : subset) {
    SparseRow r;
    r.label = labels[i];
    for (const Feature& f : feats[i]) {
      r.idx.push_back(t.index.at(f.hash));
      r.val.push_back(f.value);
    }
    data.push_back(std::move(r));
  }
  std::mt19937_64 rng(o.seed);
  std::vector<size_t> order(data.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<float> z(k);
  std::vector<double> p;
  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    const double lr = o.learning_rate / (1.0 + 0.1 * epoch);
    shuffleSeeded(order, rng);
    for (size_t oi : order) {
      const SparseRow& r = data[oi];
      for (size_t c = 0; c < k; ++c) z[c] = t.bias[c];
      for (size_t j = 0; j < r.idx.size(); ++j) {
        const float* w = &t.weights[static_cast<size_t>(r.idx[j]) * k];
        for (size_t c = 0; c < k; ++c) z[c] += w[c] * r.val[j];
      }
      softmax(z, 1.0, p);
      for (size_t c = 0; c < k; ++c) {
        const double g = p[c] - (c == r.label ? 1.0 : 0.0);
        t.bias[c] -= static_cast<float>(lr * g);
        for (size_t j = 0; j < r.idx.size(); ++j) {
          float& w = t.weights[static_cast<size_t>(r.idx[j]) * k + c];
          w -= static_cast<float>(lr * (g * r.val[j] + o.l2 * w));
        }
      }
    }
  }
  return t;
}

void logitsOf(const Trained& t, const std::vector<Feature>& f, size_t k, std::vector<float>& z) {
  z.assign(t.bias.begin(), t.bias.end());
  for (const Feature& x : f) {
    auto it = t.index.find(x.hash);
    if (it == t.index.end()) continue;
    const float* w = &t.weights[static_cast<size_t>(it->second) * k];
    for (size_t c = 0; c < k; ++c) z[c] += w[c] * x.value;
  }
}

// --- binary encoding ------------------------------------------------------------------

uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

class Writer {
 public:
  void u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  void i32(int v) { u32(static_cast<uint32_t>(v)); }
  void f32(float v) {
    uint32_t b;
    std::memcpy(&b, &v, 4);
    u32(b);
  }
  void f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    u64(b);
  }
  void str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    out += s;
  }
  std::string out;
};

class Reader {
 public:
  Reader(std::string_view data, std::string source) : data_(data), source_(std::move(source)) {}
  bool u32(uint32_t& v, const char* what) {
    if (!need(4, what)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    pos_ += 4;
    return true;
  }
  bool u64(uint64_t& v, const char* what) {
    if (!need(8, what)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    pos_ += 8;
    return true;
  }
  bool i32(int& v, const char* what) {
    uint32_t u;
    if (!u32(u, what)) return false;
    v = static_cast<int>(u);
    return true;
  }
  bool f32(float& v, const char* what) {
    uint32_t b;
    if (!u32(b, what)) return false;
    std::memcpy(&v, &b, 4);
    return true;
  }
  bool f64(double& v, const char* what) {
    uint64_t b;
    if (!u64(b, what)) return false;
    std::memcpy(&v, &b, 8);
    return true;
  }
  bool str(std::string& s, const char* what) {
    uint32_t n;
    if (!u32(n, what)) return false;
    if (!need(n, what)) return false;
    s.assign(data_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  Status error() const { return error_; }
  Status fail(const std::string& msg) {
    if (error_.isOk()) error_ = Status::dataLoss(source_ + ": " + msg + " (at byte " + std::to_string(pos_) + ")");
    return error_;
  }
  size_t pos() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  bool need(size_t n, const char* what) {
    if (data_.size() - pos_ >= n) return true;
    (void)fail(std::string("file ends early while reading ") + what + "; truncated");
    return false;
  }
  std::string_view data_;
  std::string source_;
  size_t pos_ = 0;
  Status error_;
};

bool validFeatureConfig(const FeatureConfig& f) {
  return f.cjk_min_n >= 1 && f.cjk_max_n >= f.cjk_min_n && f.cjk_max_n <= 5 && f.word_char_min_n >= 1 &&
         f.word_char_max_n >= f.word_char_min_n && f.word_char_max_n <= 6;
}

}  // namespace

Result<IntentModel> IntentModel::train(const std::vector<Example>& examples, const TrainOptions& o) {
  if (o.epochs < 1 || o.epochs > 1000) return Status::invalidArgument("epochs must be 1..1000", "epochs");
  if (!(o.learning_rate > 0 && o.learning_rate <= 10)) {
    return Status::invalidArgument("learning rate must be in (0, 10]", "learning_rate");
  }
  if (!(o.l2 >= 0 && o.l2 < 1)) return Status::invalidArgument("l2 must be in [0, 1)", "l2");
  if (!(o.holdout_fraction > 0 && o.holdout_fraction < 0.5)) {
    return Status::invalidArgument("hold-out fraction must be in (0, 0.5)", "holdout_fraction");
  }
  if (!validFeatureConfig(o.features)) return Status::invalidArgument("bad n-gram ranges", "features");
  IntentModel m;
  OUTPOST_RETURN_IF_ERROR(m.setPolicy(o.policy));
  m.features_ = o.features;
  m.intents_ = intentsOf(examples);
  if (m.intents_.size() < 2) return Status::invalidArgument("training needs at least two intents");
  if (m.intents_.size() > kMaxIntents) return Status::invalidArgument("more than 1024 intents");
  const size_t k = m.intents_.size();
  std::map<std::string, uint32_t, std::less<>> label_of;
  for (size_t i = 0; i < k; ++i) label_of[m.intents_[i]] = static_cast<uint32_t>(i);

  std::vector<std::vector<Feature>> feats;
  std::vector<uint32_t> labels;
  feats.reserve(examples.size());
  for (const Example& e : examples) {
    feats.push_back(extractFeatures(e.text, o.features));
    labels.push_back(label_of.at(e.intent));
  }

  double temperature = 1.0;
  if (o.calibrate) {
    // Stratified hold-out: a seeded shuffle of each intent's examples.
    std::vector<std::vector<size_t>> by_label(k);
    for (size_t i = 0; i < labels.size(); ++i) by_label[labels[i]].push_back(i);
    std::mt19937_64 rng(o.seed ^ 0x9E3779B97F4A7C15ULL);
    std::vector<size_t> fit, held;
    for (auto& group : by_label) {
      shuffleSeeded(group, rng);
      const auto h = group.size() >= 4 ? static_cast<size_t>(std::max(1.0, std::floor(group.size() * o.holdout_fraction))) : 0;
      for (size_t j = 0; j < group.size(); ++j) (j < h ? held : fit).push_back(group[j]);
    }
    if (held.size() >= kMinCalibrationExamples) {
      Trained t = sgd(feats, labels, fit, k, o);
      std::vector<std::vector<float>> z(held.size());
      for (size_t j = 0; j < held.size(); ++j) logitsOf(t, feats[held[j]], k, z[j]);
      double best_nll = INFINITY;
      std::vector<double> p;
      for (int step = 0; step <= 80; ++step) {
        const double temp = 0.05 * std::pow(10.0, step / 40.0 * 2.0);  // 0.05 … 5, log-spaced
        double nll = 0;
        for (size_t j = 0; j < held.size(); ++j) {
          softmax(z[j], temp, p);
          nll -= std::log(std::max(p[labels[held[j]]], 1e-12));
        }
        if (nll < best_nll) {
          best_nll = nll;
          temperature = temp;
        }
      }
    }
  }
  std::vector<size_t> all(examples.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Trained t = sgd(feats, labels, all, k, o);
  m.index_ = std::move(t.index);
  m.rows_ = std::move(t.rows);
  m.weights_ = std::move(t.weights);
  m.bias_ = std::move(t.bias);
  m.temperature_ = temperature;
  return m;
}

Status IntentModel::setPolicy(const FallbackPolicy& policy) {
  if (!(policy.threshold >= 0 && policy.threshold <= 1)) {
    return Status::invalidArgument("confidence threshold must be in [0, 1]", "threshold");
  }
  if (!(policy.margin >= 0 && policy.margin <= 1)) return Status::invalidArgument("margin must be in [0, 1]", "margin");
  policy_ = policy;
  return Status::ok();
}

int IntentModel::intentIndex(std::string_view intent) const {
  auto it = std::lower_bound(intents_.begin(), intents_.end(), intent);
  return it != intents_.end() && *it == intent ? static_cast<int>(it - intents_.begin()) : -1;
}

int IntentModel::logits(std::string_view text, std::vector<float>& z) const {
  const size_t k = intents_.size();
  int known = 0;
  z.assign(bias_.begin(), bias_.end());
  for (const Feature& x : extractFeatures(text, features_)) {
    auto it = index_.find(x.hash);
    if (it == index_.end()) continue;
    ++known;
    const float* w = &weights_[static_cast<size_t>(it->second) * k];
    for (size_t c = 0; c < k; ++c) z[c] += w[c] * x.value;
  }
  return known;
}

std::vector<double> IntentModel::probabilities(std::string_view text) const {
  std::vector<float> z;
  logits(text, z);
  std::vector<double> p;
  softmax(z, temperature_, p);
  return p;
}

Prediction IntentModel::classify(std::string_view text) const {
  std::vector<float> z;
  const int known = logits(text, z);
  std::vector<double> p;
  softmax(z, temperature_, p);
  size_t first = 0;
  size_t second = p.size() > 1 ? 1 : 0;
  if (p.size() > 1 && p[second] > p[first]) std::swap(first, second);
  for (size_t c = 2; c < p.size(); ++c) {
    if (p[c] > p[first]) {
      second = first;
      first = c;
    } else if (p[c] > p[second]) {
      second = c;
    }
  }
  Prediction out;
  out.intent = intents_[first];
  out.confidence = p[first];
  if (second != first) {
    out.runner_up = intents_[second];
    out.runner_up_confidence = p[second];
  }
  out.known_features = known;
  out.fallback = known == 0 || out.confidence < policy_.threshold ||
                 out.confidence - out.runner_up_confidence < policy_.margin;
  return out;
}

std::string IntentModel::serialize() const {
  Writer w;
  w.out.append(kMagic, sizeof kMagic);
  w.u32(kFormatVersion);
  w.u32(static_cast<uint32_t>(intents_.size()));
  for (const auto& s : intents_) w.str(s);
  w.i32(features_.cjk_min_n);
  w.i32(features_.cjk_max_n);
  w.i32(features_.word_char_min_n);
  w.i32(features_.word_char_max_n);
  w.i32(features_.word_bigrams ? 1 : 0);
  w.f64(temperature_);
  w.f64(policy_.threshold);
  w.f64(policy_.margin);
  for (float b : bias_) w.f32(b);
  w.u32(static_cast<uint32_t>(rows_.size()));
  const size_t k = intents_.size();
  for (size_t r = 0; r < rows_.size(); ++r) {
    w.u64(rows_[r]);
    for (size_t c = 0; c < k; ++c) w.f32(weights_[r * k + c]);
  }
  w.u64(fnv1a(w.out));
  return std::move(w.out);
}

Result<IntentModel> IntentModel::deserialize(std::string_view bytes, const std::string& source) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return Status::invalidArgument(source + ": not an Outpost intent model (no OPIVRMDL header)");
  }
  Reader r(bytes.substr(sizeof kMagic), source);
  uint32_t version = 0;
  if (!r.u32(version, "the format version")) return r.error();
  if (version != kFormatVersion) {
    return Status::invalidArgument(source + ": model format version " + std::to_string(version) +
                                   " is not supported (this build reads version " + std::to_string(kFormatVersion) + ")");
  }
  if (bytes.size() < sizeof kMagic + 12) return r.fail("file ends early; truncated");
  const std::string_view body = bytes.substr(0, bytes.size() - 8);
  uint64_t stored = 0;
  for (int i = 0; i < 8; ++i) {
    stored |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[bytes.size() - 8 + static_cast<size_t>(i)]))
              << (8 * i);
  }
  if (fnv1a(body) != stored) {
    return Status::dataLoss(source + ": checksum mismatch; the model file is corrupt or truncated");
  }
  Reader b(body.substr(sizeof kMagic + 4), source);
  IntentModel m;
  uint32_t k = 0;
  if (!b.u32(k, "the intent count")) return b.error();
  if (k < 2 || k > kMaxIntents) return b.fail("intent count " + std::to_string(k) + " is outside 2..1024");
  for (uint32_t i = 0; i < k; ++i) {
    std::string s;
    if (!b.str(s, "an intent code")) return b.error();
    if (!isIntentCode(s)) return b.fail("intent " + std::to_string(i) + " is not a valid intent code");
    if (!m.intents_.empty() && !(m.intents_.back() < s)) return b.fail("intents are not sorted and distinct");
    m.intents_.push_back(std::move(s));
  }
  int bigrams = 0;
  if (!b.i32(m.features_.cjk_min_n, "features") || !b.i32(m.features_.cjk_max_n, "features") ||
      !b.i32(m.features_.word_char_min_n, "features") || !b.i32(m.features_.word_char_max_n, "features") ||
      !b.i32(bigrams, "features")) {
    return b.error();
  }
  m.features_.word_bigrams = bigrams != 0;
  if (!validFeatureConfig(m.features_) || (bigrams != 0 && bigrams != 1)) return b.fail("bad feature settings");
  FallbackPolicy policy;
  if (!b.f64(m.temperature_, "the temperature") || !b.f64(policy.threshold, "the threshold") ||
      !b.f64(policy.margin, "the margin")) {
    return b.error();
  }
  if (!(m.temperature_ > 0 && m.temperature_ < 1000)) return b.fail("temperature out of range");
  if (!m.setPolicy(policy).isOk()) return b.fail("threshold or margin out of range");
  m.bias_.resize(k);
  for (auto& v : m.bias_) {
    if (!b.f32(v, "the biases")) return b.error();
    if (!std::isfinite(v)) return b.fail("a bias is not finite");
  }
  uint32_t rows = 0;
  if (!b.u32(rows, "the feature count")) return b.error();
  if (rows > kMaxFeatures) return b.fail("more than 4,000,000 features");
  if (b.remaining() != static_cast<size_t>(rows) * (8 + 4 * static_cast<size_t>(k))) {
    return b.fail("the feature table's size does not match its count");
  }
  m.rows_.resize(rows);
  m.weights_.resize(static_cast<size_t>(rows) * k);
  m.index_.reserve(rows);
  for (uint32_t row = 0; row < rows; ++row) {
    if (!b.u64(m.rows_[row], "a feature hash")) return b.error();
    if (!m.index_.emplace(m.rows_[row], row).second) return b.fail("a feature appears twice");
    for (uint32_t c = 0; c < k; ++c) {
      float& w = m.weights_[static_cast<size_t>(row) * k + c];
      if (!b.f32(w, "a weight")) return b.error();
      if (!std::isfinite(w)) return b.fail("a weight is not finite");
    }
  }
  return m;
}

Result<IntentModel> IntentModel::load(const std::string& path) {
  auto data = readFile(path, size_t{512} << 20);
  if (!data) return data.status();
  return deserialize(*data, path);
}

Status IntentModel::save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::unavailable("cannot write " + tmp);
    const std::string bytes = serialize();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::unavailable("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::unavailable("cannot rename " + tmp + " to " + path);
  }
  return Status::ok();
}

}  // namespace outpost::ivr
