#include "routing/internal/model.h"

#include <algorithm>

namespace outpost::routing::internal {
namespace {

using std::chrono::seconds;

std::vector<RingStep> normalized(std::vector<RingStep> steps) {
  std::stable_sort(steps.begin(), steps.end(),
                   [](const RingStep& a, const RingStep& b) { return a.after < b.after; });
  for (RingStep& s : steps) {
    s.min_tier = std::clamp(s.min_tier, 1, kMaxTier);
    s.max_tier = std::clamp(s.max_tier, 1, kMaxTier);
    if (s.min_tier > s.max_tier) std::swap(s.min_tier, s.max_tier);
    if (s.after < Millis(0)) s.after = Millis(0);
  }
  if (steps.empty()) steps.push_back(RingStep{Millis(0), 1, kMaxTier});
  steps.front().after = Millis(0);
  return steps;
}

}  // namespace

void normalizeRings(QueueState& q) {
  q.rings.clear();
  q.fallback = {RingStep{Millis(0), 1, kMaxTier}};
  if (q.policy.rings.empty()) {
    const std::vector<RingStep> senior = {RingStep{Millis(0), 1, 2}, RingStep{seconds(30), 1, 3}};
    q.rings.emplace("vip", senior);
    q.rings.emplace("complaint", senior);
    q.rings.emplace("*", std::vector<RingStep>{RingStep{Millis(0), 3, 4}, RingStep{seconds(20), 2, 4},
                                               RingStep{seconds(60), 1, 4}});
    return;
  }
  for (const auto& [segment, steps] : q.policy.rings) q.rings.emplace(segment, normalized(steps));
}

}  // namespace outpost::routing::internal
