#pragma once

// Exponential reconnect backoff with jitter ("equal jitter": half the step fixed,
// half random), so a hundred sites that lost the same broker do not all knock again
// at the same second. The random source is injected (seeded) so tests are exact.
//
// Thread-safety: one owner.

#include <cstdint>
#include <random>

#include "core/clock.h"

namespace outpost::sync {

class Backoff {
 public:
  Backoff(Millis initial, Millis max, uint64_t seed) : initial_(initial), max_(max), rng_(seed) {}
  // The delay before the next attempt; grows ×2 per failure up to `max`.
  Millis next();
  // After a successful connection.
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

 private:
  Millis initial_;
  Millis max_;
  std::mt19937_64 rng_;
  int attempt_ = 0;
};

}  // namespace outpost::sync
