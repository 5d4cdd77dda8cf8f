#pragma once

// TimerQueue: the router's own timers (offer time-outs, ring steps, wrap-ups, reject
// and no-answer delays) in one binary heap, ordered by (due, id).
//
// Every offer and every waiting contact has a timer. Handing each to the owner's
// EventLoop meant a node allocation, a std::function and a red-black tree insert into
// a map of all pending timers (100,000 at ten times site size: a cache miss per level)
// on the decision path. Here a timer is a 32-byte heap entry; new timers are almost
// always due after the ones already pending, so a push touches the heap's tail only.
// The router asks its Timers for one timer at a time: for the earliest deadline.
//
// Cancelling is lazy: the owner forgets the id (its field goes to 0) and the entry is
// dropped when it comes due (the owner's field no longer names it). When dropped
// entries outnumber live ones, compact() rebuilds the heap without them.
//
// Internal to routing. Thread-safety: none.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace outpost::routing::internal {

enum class TimerKind : uint8_t { kOffer, kRing, kWrapUp, kDelay };

struct TimerEntry {
  int64_t due_ms = 0;  // wall-clock milliseconds since the Unix epoch
  uint64_t id = 0;     // unique, increasing: ties run in creation order
  uint64_t tag = 0;    // the owner's identity (contact seq, agent serial)
  uint32_t idx = 0;    // the owner's slot
  TimerKind kind = TimerKind::kOffer;
};

class TimerQueue {
 public:
  // Adds a timer; returns its id (never 0).
  uint64_t push(int64_t due_ms, TimerKind kind, uint32_t idx, uint64_t tag) {
    const uint64_t id = next_id_++;
    heap_.push_back(TimerEntry{due_ms, id, tag, idx, kind});
    std::push_heap(heap_.begin(), heap_.end(), Later());
    ++live_;
    return id;
  }
  // The owner forgot a timer (lazy cancel).
  void cancelled() { --live_; }
  bool empty() const { return heap_.empty(); }
  const TimerEntry& top() const { return heap_.front(); }
  TimerEntry pop() {
    std::pop_heap(heap_.begin(), heap_.end(), Later());
    TimerEntry e = heap_.back();
    heap_.pop_back();
    return e;
  }
  // Called for a popped entry that was still live.
  void fired() { --live_; }
  uint64_t nextId() const { return next_id_; }
  size_t size() const { return heap_.size(); }
  size_t live() const { return live_; }
  // True when cancelled entries are worth a rebuild.
  bool wantsCompaction() const { return heap_.size() > 2 * live_ + 1024; }
  // Keeps the entries `alive` says are live.
  template <typename Alive>
  void compact(Alive alive) {
    heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [&](const TimerEntry& e) { return !alive(e); }),
                heap_.end());
    std::make_heap(heap_.begin(), heap_.end(), Later());
    live_ = heap_.size();
  }

 private:
  struct Later {
    bool operator()(const TimerEntry& a, const TimerEntry& b) const {
      return a.due_ms != b.due_ms ? a.due_ms > b.due_ms : a.id > b.id;
    }
  };
  std::vector<TimerEntry> heap_;
  uint64_t next_id_ = 1;
  size_t live_ = 0;
};

}  // namespace outpost::routing::internal
