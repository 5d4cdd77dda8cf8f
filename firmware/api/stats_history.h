#pragma once

// StatsHistory: the last hour of each queue's statistics in one-minute buckets, for the
// wallboard's charts (GET /api/v1/queue-stats/history). Fed by the engine's statistics
// pushes (only while figures change); a bucket keeps the most waiting seen in it and
// the figures last seen. Kept in memory: it starts empty after a restart.
//
// Thread-safety: record() from the engine thread, snapshot() from HTTP threads.

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "routing/types.h"

namespace outpost::api {

class StatsHistory {
 public:
  struct Point {
    WallTime at{};  // start of the bucket
    int waiting_max = 0;
    int waiting = 0;  // last seen
    double service_level = 1.0;
    int answered = 0;
    int abandoned = 0;
  };

  explicit StatsHistory(const Clock& clock, Millis bucket = std::chrono::minutes(1), size_t buckets = 60);

  void record(const std::vector<routing::QueueStats>& stats);
  // Per queue, oldest first, only buckets within the window ending now.
  std::map<std::string, std::vector<Point>> snapshot() const;
  Millis bucket() const { return bucket_; }

 private:
  WallTime bucketStart(WallTime t) const;

  const Clock& clock_;
  const Millis bucket_;
  const size_t buckets_;
  mutable std::mutex mu_;
  std::map<std::string, std::deque<Point>> points_;  // guarded by mu_
};

}  // namespace outpost::api
