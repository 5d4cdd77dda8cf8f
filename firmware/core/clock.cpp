#include "core/clock.h"

#include <cassert>
#include <cstdio>
#include <ctime>

namespace outpost {

WallTime SystemClock::wallNow() const {
  return std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
}

MonoTime SystemClock::monoNow() const { return std::chrono::steady_clock::now(); }

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

void SimulatedClock::advance(std::chrono::nanoseconds d) {
  assert(d.count() >= 0);
  mono_ns_ += d.count();
  wall_ms_ += std::chrono::duration_cast<Millis>(d).count();
}

std::string formatRfc3339(WallTime t) {
  const int64_t ms = toEpochMillis(t);
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int frac = static_cast<int>(ms - static_cast<int64_t>(secs) * 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

}  // namespace outpost
