#include "core/event_loop.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace outpost {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(EventLoopTest, TimersFireInDeadlineOrderUnderSimulatedTime) {
  SimulatedClock clock;
  EventLoop loop(clock);
  std::vector<int> fired;
  loop.runAfter(seconds(3), [&] { fired.push_back(3); });
  loop.runAfter(seconds(1), [&] { fired.push_back(1); });
  loop.runAfter(seconds(2), [&] { fired.push_back(2); });
  loop.runAfter(seconds(1), [&] { fired.push_back(11); });  // same deadline: creation order
  EXPECT_EQ(loop.runDue(), 0u);
  clock.advance(seconds(1));
  loop.runDue();
  EXPECT_EQ(fired, (std::vector<int>{1, 11}));
  clock.advance(seconds(5));
  loop.runDue();
  EXPECT_EQ(fired, (std::vector<int>{1, 11, 2, 3}));
}

TEST(EventLoopTest, CancelledTimerNeverFires) {
  SimulatedClock clock;
  EventLoop loop(clock);
  bool fired = false;
  auto id = loop.runAfter(seconds(1), [&] { fired = true; });
  loop.cancel(id);
  loop.cancel(id);      // twice is harmless
  loop.cancel(999999);  // unknown is harmless
  clock.advance(seconds(2));
  loop.runDue();
  EXPECT_FALSE(fired);
}

TEST(EventLoopTest, TurnNowIsReadOncePerTurn) {
  SimulatedClock clock;
  EventLoop loop(clock);
  MonoTime seen_a{}, seen_b{};
  loop.post([&] {
    seen_a = loop.turnNow();
    clock.advance(seconds(10));  // time moving inside a turn does not change turnNow
  });
  loop.post([&] { seen_b = loop.turnNow(); });
  loop.runDue();
  EXPECT_EQ(seen_a, seen_b);
}

TEST(EventLoopTest, PostedTasksRunOnTheLoopThreadInOrder) {
  EventLoop loop(SystemClock::instance());
  loop.start("test-loop");
  std::vector<int> order;
  std::promise<bool> on_loop;
  for (int i = 0; i < 100; ++i) loop.post([&order, i] { order.push_back(i); });
  loop.post([&] { on_loop.set_value(loop.inLoopThread()); });
  EXPECT_TRUE(on_loop.get_future().get());
  loop.stop();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
  EXPECT_FALSE(loop.post([] {}));  // refused after stop
}

TEST(EventLoopTest, RealTimerFiresOnStartedLoop) {
  EventLoop loop(SystemClock::instance());
  loop.start("test-loop");
  std::promise<void> fired;
  loop.runAfter(milliseconds(5), [&] { fired.set_value(); });
  EXPECT_EQ(fired.get_future().wait_for(seconds(10)), std::future_status::ready);
  loop.stop();
}

TEST(EventLoopTest, StopRunsTasksPostedBeforeIt) {
  SimulatedClock clock;
  EventLoop loop(clock);
  int ran = 0;
  loop.post([&] { ++ran; });
  loop.stop();
  EXPECT_EQ(ran, 1);
}

}  // namespace
}  // namespace outpost
