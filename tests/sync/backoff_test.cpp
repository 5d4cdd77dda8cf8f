#include "sync/backoff.h"

#include <gtest/gtest.h>

namespace outpost::sync {
namespace {

TEST(BackoffTest, GrowsWithJitterUpToTheMaximumAndResets) {
  Backoff b(Millis(1000), Millis(8000), 42);
  const int64_t steps[] = {1000, 2000, 4000, 8000, 8000, 8000};
  for (int64_t step : steps) {
    const Millis d = b.next();
    EXPECT_GE(d.count(), step / 2);
    EXPECT_LE(d.count(), step);
  }
  b.reset();
  const Millis d = b.next();
  EXPECT_GE(d.count(), 500);
  EXPECT_LE(d.count(), 1000);
}

TEST(BackoffTest, SameSeedSameDelaysOtherSeedOtherDelays) {
  Backoff a(Millis(1000), Millis(60000), 7);
  Backoff b(Millis(1000), Millis(60000), 7);
  Backoff c(Millis(1000), Millis(60000), 8);
  bool differs = false;
  for (int i = 0; i < 8; ++i) {
    const Millis x = a.next();
    EXPECT_EQ(x, b.next());
    if (x != c.next()) differs = true;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace outpost::sync
