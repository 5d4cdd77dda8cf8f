#include "core/clock.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

TEST(SimulatedClockTest, MovesOnlyWhenAdvanced) {
  SimulatedClock clock(fromEpochMillis(1'000));
  const auto mono = clock.monoNow();
  EXPECT_EQ(toEpochMillis(clock.wallNow()), 1'000);
  clock.advance(std::chrono::milliseconds(1'500));
  EXPECT_EQ(toEpochMillis(clock.wallNow()), 2'500);
  EXPECT_EQ(clock.monoNow() - mono, std::chrono::milliseconds(1'500));
}

TEST(SystemClockTest, WallIsNearNowAndMonoNeverGoesBack) {
  auto& c = SystemClock::instance();
  const auto a = c.monoNow();
  const auto b = c.monoNow();
  EXPECT_LE(a, b);
  EXPECT_GT(toEpochMillis(c.wallNow()), 1'700'000'000'000);  // after 2023
}

TEST(FormatTest, Rfc3339Utc) {
  EXPECT_EQ(formatRfc3339(fromEpochMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatRfc3339(fromEpochMillis(1'795'422'600'123)), "2026-11-23T08:30:00.123Z");
}

}  // namespace
}  // namespace outpost
