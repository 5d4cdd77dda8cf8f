#include "learning/drill.h"

#include <algorithm>
#include <cctype>

namespace outpost::learning {
namespace {

// ASCII letters lowered; other bytes (UTF-8 Chinese) kept as they are.
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool mentions(const std::string& haystack, const std::vector<std::string>& needles) {
  return std::any_of(needles.begin(), needles.end(), [&](const std::string& n) {
    return !n.empty() && haystack.find(lower(n)) != std::string::npos;
  });
}

}  // namespace

DrillResult scoreDrill(const DrillScript& script, const std::vector<std::string>& replies, int seconds) {
  std::string all;
  for (const std::string& r : replies) all += lower(r) + "\n";
  DrillResult result;
  for (const KeyPoint& k : script.key_points) {
    (mentions(all, k.keywords) ? result.covered : result.missed).push_back(k.text);
  }
  for (const AvoidPhrase& a : script.avoid) {
    if (mentions(all, a.phrases)) result.avoid_used.push_back(a.text);
  }
  const double n = static_cast<double>(std::max<size_t>(script.key_points.size(), 1));
  double score = static_cast<double>(result.covered.size()) / n - static_cast<double>(result.avoid_used.size()) / n;
  result.over_time = script.time_limit_seconds > 0 && seconds > script.time_limit_seconds;
  if (result.over_time) score /= 2;
  result.fraction = std::clamp(score, 0.0, 1.0);
  return result;
}

}  // namespace outpost::learning
