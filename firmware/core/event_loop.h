#pragma once

// EventLoop: the single owner thread of mutable domain state ("the engine loop").
//
// Other threads never touch domain state; they post() a task and, if they need an
// answer, wait on a future the task fulfils. Timers fire on the loop. Each turn reads
// the injected clock once (turnNow()), so everything decided in one turn agrees on
// "now", and under a SimulatedClock a test drives the loop by hand with runDue().
//
// Thread-safety: post(), runAfter() and cancel() are safe from any thread. start()
// and stop() belong to the owner (main). runDue() is for loops that were not
// start()ed (tests, the simulator) and must not race with a started loop.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"

namespace outpost {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;

  explicit EventLoop(const Clock& clock);
  ~EventLoop();  // stop()s if still running
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Queues `task` to run on the loop. Returns false (and drops the task) once the
  // loop is stopping.
  bool post(Task task);
  // Runs `task` on the loop once `delay` has passed on the clock. Returns an id for
  // cancel(); 0 when the loop is stopping.
  TimerId runAfter(std::chrono::nanoseconds delay, Task task);
  // Cancels a pending timer; a no-op if it already fired or never existed.
  void cancel(TimerId id);

  // Starts the loop on its own thread.
  void start(std::string thread_name);
  // Runs the tasks already posted, then stops and joins. Pending timers are dropped.
  void stop();

  // Runs everything that is due now: posted tasks, then timers whose deadline has
  // passed on the clock (in deadline order, ties in creation order). Returns how
  // many ran. For loops driven by hand under simulated time.
  size_t runDue();

  bool inLoopThread() const { return std::this_thread::get_id() == thread_id_.load(); }
  // The clock reading taken at the start of the current turn.
  MonoTime turnNow() const { return turn_now_; }
  // The wall-clock reading taken at the start of the current turn.
  WallTime turnWallNow() const { return turn_wall_; }
  const Clock& clock() const { return clock_; }

 private:
  struct TimerKey {
    MonoTime deadline;
    TimerId id;
    bool operator<(const TimerKey& o) const {
      return deadline != o.deadline ? deadline < o.deadline : id < o.id;
    }
  };

  void threadMain();

  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;                 // guarded by mu_
  std::map<TimerKey, Task> timers_;        // guarded by mu_
  std::map<TimerId, MonoTime> timer_index_;  // guarded by mu_
  TimerId next_timer_id_ = 1;              // guarded by mu_
  bool stopping_ = false;                  // guarded by mu_
  std::thread thread_;
  std::atomic<std::thread::id> thread_id_;
  MonoTime turn_now_{};
  WallTime turn_wall_{};
};

}  // namespace outpost
