#include "core/event_loop.h"

#include <pthread.h>

#include <vector>

namespace outpost {

EventLoop::EventLoop(const Clock& clock) : clock_(clock), thread_id_(std::this_thread::get_id()) {}

EventLoop::~EventLoop() { stop(); }

bool EventLoop::post(Task task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

EventLoop::TimerId EventLoop::runAfter(std::chrono::nanoseconds delay, Task task) {
  TimerId id;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return 0;
    id = next_timer_id_++;
    const MonoTime deadline = clock_.monoNow() + (delay.count() > 0 ? delay : std::chrono::nanoseconds(0));
    timers_.emplace(TimerKey{deadline, id}, std::move(task));
    timer_index_.emplace(id, deadline);
  }
  cv_.notify_one();
  return id;
}

void EventLoop::cancel(TimerId id) {
  std::lock_guard lock(mu_);
  auto it = timer_index_.find(id);
  if (it == timer_index_.end()) return;
  timers_.erase(TimerKey{it->second, id});
  timer_index_.erase(it);
}

void EventLoop::start(std::string thread_name) {
  thread_ = std::thread([this, name = std::move(thread_name)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    threadMain();
  });
  thread_id_ = thread_.get_id();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Anything posted before stop() still runs, on the caller's thread if the loop
  // never started: callers may be waiting on its answer.
  std::deque<Task> rest;
  {
    std::lock_guard lock(mu_);
    rest.swap(tasks_);
    timers_.clear();
    timer_index_.clear();
  }
  for (auto& t : rest) t();
}

size_t EventLoop::runDue() {
  turn_now_ = clock_.monoNow();
  turn_wall_ = clock_.wallNow();
  std::deque<Task> batch;
  std::vector<Task> due;
  {
    std::lock_guard lock(mu_);
    batch.swap(tasks_);
    while (!timers_.empty() && timers_.begin()->first.deadline <= turn_now_) {
      auto node = timers_.extract(timers_.begin());
      timer_index_.erase(node.key().id);
      due.push_back(std::move(node.mapped()));
    }
  }
  for (auto& t : batch) t();
  for (auto& t : due) t();
  return batch.size() + due.size();
}

void EventLoop::threadMain() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (!tasks_.empty()) break;
        if (stopping_) return;
        if (timers_.empty()) {
          cv_.wait(lock);
          continue;
        }
        const MonoTime next = timers_.begin()->first.deadline;
        const MonoTime now = clock_.monoNow();
        if (next <= now) break;
        // Wait in real time for at most the gap; with a simulated clock that is
        // advanced by hand, a task posted after advance() wakes us up as well.
        cv_.wait_for(lock, std::min<std::chrono::nanoseconds>(next - now, std::chrono::milliseconds(50)));
      }
    }
    runDue();
  }
}

}  // namespace outpost
