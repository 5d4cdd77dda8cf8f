#include "ivr/features.h"

#include <algorithm>
#include <cmath>

#include "ivr/utf8.h"

namespace outpost::ivr {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

enum Kind : uint8_t { kCjkGram = 1, kWord = 2, kWordBigram = 3, kWordChar = 4 };

uint64_t mix(uint64_t h, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    h ^= (v >> (8 * i)) & 0xFF;
    h *= kFnvPrime;
  }
  return h;
}

uint64_t hashSpan(Kind kind, const char32_t* begin, const char32_t* end) {
  uint64_t h = mix(kFnvOffset, kind);
  for (const char32_t* p = begin; p != end; ++p) h = mix(h, static_cast<uint32_t>(*p));
  return h;
}

// Normalised code point; 0 means "separator".
char32_t normalise(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // full-width ASCII
  if (c == 0x3000) return 0;                               // ideographic space
  if (c >= 'A' && c <= 'Z') return c - 'A' + 'a';
  if (c >= '0' && c <= '9') return '0';
  if (c >= 'a' && c <= 'z') return c;
  if (c < 0x80) return c == '\'' ? c : 0;  // ASCII punctuation, controls, space
  if (c >= 0x3000 && c <= 0x303F) return 0;   // CJK punctuation
  if (c >= 0x2000 && c <= 0x206F) return 0;   // general punctuation
  if (c >= 0xFE30 && c <= 0xFE4F) return 0;   // CJK compatibility forms
  if (c == 0xFF5E || c == 0x00B7) return 0;
  return c;
}

bool isAsciiWordChar(char32_t c) { return c < 0x80; }

}  // namespace

std::vector<Feature> extractFeatures(std::string_view text, const FeatureConfig& config) {
  std::vector<char32_t> cps;
  {
    // Decode leniently: skip bytes that do not decode.
    std::vector<char32_t> tmp;
    size_t pos = 0;
    while (pos < text.size()) {
      size_t bad = 0;
      if (decodeUtf8(text.substr(pos), tmp, &bad)) {
        cps.insert(cps.end(), tmp.begin(), tmp.end());
        break;
      }
      if (bad > 0) {
        decodeUtf8(text.substr(pos, bad), tmp);
        cps.insert(cps.end(), tmp.begin(), tmp.end());
      }
      cps.push_back(0);
      pos += bad + 1;
    }
  }
  for (char32_t& c : cps) c = normalise(c);

  std::vector<uint64_t> hashes;
  hashes.reserve(cps.size() * 4);
  std::vector<std::pair<size_t, size_t>> words;  // [begin, end) of ASCII words, in order
  size_t i = 0;
  const size_t n = cps.size();
  while (i < n) {
    if (cps[i] == 0) {
      ++i;
      continue;
    }
    const bool ascii = isAsciiWordChar(cps[i]);
    size_t j = i;
    while (j < n && cps[j] != 0 && isAsciiWordChar(cps[j]) == ascii) ++j;
    if (ascii) {
      words.emplace_back(i, j);
    } else {
      for (int len = config.cjk_min_n; len <= config.cjk_max_n; ++len) {
        const size_t l = static_cast<size_t>(len);
        for (size_t k = i; k + l <= j; ++k) hashes.push_back(hashSpan(kCjkGram, &cps[k], &cps[k] + l));
      }
    }
    i = j;
  }
  std::vector<char32_t> padded;
  for (size_t w = 0; w < words.size(); ++w) {
    const auto [b, e] = words[w];
    hashes.push_back(hashSpan(kWord, &cps[b], &cps[b] + (e - b)));
    if (config.word_bigrams && w + 1 < words.size()) {
      padded.assign(cps.begin() + static_cast<std::ptrdiff_t>(b), cps.begin() + static_cast<std::ptrdiff_t>(e));
      padded.push_back(' ');
      const auto [b2, e2] = words[w + 1];
      padded.insert(padded.end(), cps.begin() + static_cast<std::ptrdiff_t>(b2),
                    cps.begin() + static_cast<std::ptrdiff_t>(e2));
      hashes.push_back(hashSpan(kWordBigram, padded.data(), padded.data() + padded.size()));
    }
    padded.clear();
    padded.push_back('<');
    padded.insert(padded.end(), cps.begin() + static_cast<std::ptrdiff_t>(b),
                  cps.begin() + static_cast<std::ptrdiff_t>(e));
    padded.push_back('>');
    for (int len = config.word_char_min_n; len <= config.word_char_max_n; ++len) {
      const size_t l = static_cast<size_t>(len);
      if (l > padded.size()) break;
      for (size_t k = 0; k + l <= padded.size(); ++k) {
        hashes.push_back(hashSpan(kWordChar, padded.data() + k, padded.data() + k + l));
      }
    }
  }

  std::sort(hashes.begin(), hashes.end());
  std::vector<Feature> out;
  out.reserve(hashes.size());
  double norm = 0;
  for (size_t k = 0; k < hashes.size();) {
    size_t m = k;
    while (m < hashes.size() && hashes[m] == hashes[k]) ++m;
    const float v = std::sqrt(static_cast<float>(m - k));
    out.push_back(Feature{hashes[k], v});
    norm += static_cast<double>(v) * v;
    k = m;
  }
  if (norm > 0) {
    const auto inv = static_cast<float>(1.0 / std::sqrt(norm));
    for (auto& f : out) f.value *= inv;
  }
  return out;
}

}  // namespace outpost::ivr
