#include "sync/backoff.h"

#include <algorithm>

namespace outpost::sync {

Millis Backoff::next() {
  int64_t step = initial_.count();
  for (int i = 0; i < attempt_ && step < max_.count(); ++i) step *= 2;
  step = std::min<int64_t>(step, max_.count());
  if (attempt_ < 62) ++attempt_;
  const int64_t half = step / 2;
  std::uniform_int_distribution<int64_t> jitter(0, step - half);
  return Millis(half + jitter(rng_));
}

}  // namespace outpost::sync
