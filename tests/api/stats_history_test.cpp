// StatsHistory: one-minute buckets of each queue's statistics over the last hour, on a
// simulated clock.

#include "api/stats_history.h"

#include <gtest/gtest.h>

namespace outpost::api {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

routing::QueueStats stats(const std::string& queue, int waiting, int answered = 0) {
  routing::QueueStats s;
  s.queue = queue;
  s.waiting = waiting;
  s.answered = answered;
  return s;
}

TEST(StatsHistoryTest, OneBucketPerMinuteKeepsTheMostWaitingAndTheLastFigures) {
  SimulatedClock clock;  // 2026-01-01T00:00:00Z, a minute boundary
  StatsHistory h(clock);
  h.record({stats("q", 2), stats("r", 1)});
  clock.advance(seconds(20));
  h.record({stats("q", 5)});
  clock.advance(seconds(20));
  h.record({stats("q", 3, 1)});
  clock.advance(seconds(30));  // 00:01:10
  h.record({stats("q", 0, 2)});
  const auto snap = h.snapshot();
  ASSERT_EQ(snap.at("q").size(), 2u);
  const auto& first = snap.at("q")[0];
  EXPECT_EQ(toEpochMillis(first.at), 1'767'225'600'000);
  EXPECT_EQ(first.waiting_max, 5);
  EXPECT_EQ(first.waiting, 3);
  EXPECT_EQ(first.answered, 1);
  EXPECT_EQ(snap.at("q")[1].waiting_max, 0);
  EXPECT_EQ(snap.at("q")[1].answered, 2);
  ASSERT_EQ(snap.at("r").size(), 1u);
}

TEST(StatsHistoryTest, ForgetsWhatIsOlderThanAnHour) {
  SimulatedClock clock;
  StatsHistory h(clock);
  for (int i = 0; i < 90; ++i) {
    h.record({stats("q", i)});
    clock.advance(minutes(1));
  }
  auto snap = h.snapshot();
  ASSERT_EQ(snap.at("q").size(), 59u);  // the 60-minute window ends in the current (empty) minute
  EXPECT_EQ(snap.at("q").front().waiting, 31);
  EXPECT_EQ(snap.at("q").back().waiting, 89);
  clock.advance(minutes(120));
  snap = h.snapshot();
  EXPECT_TRUE(snap.at("q").empty());
}

}  // namespace
}  // namespace outpost::api
