#pragma once

// Clock: the one source of "now" for everything whose behaviour depends on time
// (sessions, rate limits, the engine loop, later the router, IVR and outbox).
//
// SystemClock reads the OS clocks. SimulatedClock only moves when a test or the
// what-if simulator advances it, so time-dependent code runs deterministically and
// a recorded day can be replayed in a second.
//
// Thread-safety: both implementations are safe to call from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace outpost {

// Wall-clock time in milliseconds since the Unix epoch (UTC). Stored in SQLite,
// sent to clients, compared against expiries.
using WallTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
// Monotonic time for durations and timers; never goes backwards.
using MonoTime = std::chrono::time_point<std::chrono::steady_clock, std::chrono::nanoseconds>;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual WallTime wallNow() const = 0;
  virtual MonoTime monoNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime wallNow() const override;
  MonoTime monoNow() const override;
  // A process-wide instance for wiring in main().
  static SystemClock& instance();
};

class SimulatedClock final : public Clock {
 public:
  explicit SimulatedClock(WallTime start = WallTime(Millis(1'767'225'600'000)))  // 2026-01-01
      : wall_ms_(start.time_since_epoch().count()) {}
  WallTime wallNow() const override { return WallTime(Millis(wall_ms_.load())); }
  MonoTime monoNow() const override { return MonoTime(std::chrono::nanoseconds(mono_ns_.load())); }
  // Moves both clocks forward by `d` (d >= 0).
  void advance(std::chrono::nanoseconds d);

 private:
  std::atomic<int64_t> wall_ms_;
  std::atomic<int64_t> mono_ns_{0};
};

inline int64_t toEpochMillis(WallTime t) { return t.time_since_epoch().count(); }
inline WallTime fromEpochMillis(int64_t ms) { return WallTime(Millis(ms)); }
// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T08:30:00.123Z".
std::string formatRfc3339(WallTime t);

}  // namespace outpost
