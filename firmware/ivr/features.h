#pragma once

// Text features for intent recognition, for Chinese without a word segmenter and
// for English (and the two mixed, e.g. "手机银行app登录不了").
//
// Normalisation: full-width ASCII → ASCII, A–Z → a–z, every digit → '0', ASCII and
// CJK punctuation and whitespace → separators.
// Features (each a 64-bit FNV-1a hash of a kind tag and the code points):
//   - runs of non-ASCII characters (Chinese): character n-grams, n = 1..3;
//   - ASCII words: the word, word bigrams, and character n-grams of "<word>"
//     (n = 3..4 by default).
// The vector holds sqrt(count) per feature, scaled to unit L2 norm.
//
// Thread-safety: pure functions; a FeatureConfig is a value.

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace outpost::ivr {

struct FeatureConfig {
  int cjk_min_n = 1;
  int cjk_max_n = 3;
  int word_char_min_n = 3;
  int word_char_max_n = 4;
  bool word_bigrams = true;

  friend bool operator==(const FeatureConfig&, const FeatureConfig&) = default;
};

struct Feature {
  uint64_t hash;
  float value;
};

// Features of `text`, sorted by hash, distinct. Invalid UTF-8 bytes are skipped
// (callers validate input first); an empty or all-punctuation text gives none.
std::vector<Feature> extractFeatures(std::string_view text, const FeatureConfig& config);

}  // namespace outpost::ivr
