#include "api/stats_history.h"

#include <algorithm>

namespace outpost::api {

StatsHistory::StatsHistory(const Clock& clock, Millis bucket, size_t buckets)
    : clock_(clock), bucket_(std::max(bucket, Millis(1))), buckets_(std::max<size_t>(buckets, 1)) {}

WallTime StatsHistory::bucketStart(WallTime t) const {
  const int64_t ms = toEpochMillis(t);
  const int64_t b = bucket_.count();
  return fromEpochMillis(ms - ((ms % b) + b) % b);
}

void StatsHistory::record(const std::vector<routing::QueueStats>& stats) {
  const WallTime start = bucketStart(clock_.wallNow());
  const WallTime oldest = start - bucket_ * static_cast<int64_t>(buckets_ - 1);
  std::lock_guard lock(mu_);
  for (const auto& s : stats) {
    auto& points = points_[s.queue];
    if (points.empty() || points.back().at < start) {
      points.push_back(Point{start, s.waiting, s.waiting, s.service_level, s.answered, s.abandoned});
    } else {
      Point& p = points.back();
      p.waiting_max = std::max(p.waiting_max, s.waiting);
      p.waiting = s.waiting;
      p.service_level = s.service_level;
      p.answered = s.answered;
      p.abandoned = s.abandoned;
    }
    while (!points.empty() && points.front().at < oldest) points.pop_front();
  }
}

std::map<std::string, std::vector<StatsHistory::Point>> StatsHistory::snapshot() const {
  const WallTime oldest = bucketStart(clock_.wallNow()) - bucket_ * static_cast<int64_t>(buckets_ - 1);
  std::map<std::string, std::vector<Point>> out;
  std::lock_guard lock(mu_);
  for (const auto& [queue, points] : points_) {
    auto& v = out[queue];
    for (const auto& p : points) {
      if (p.at >= oldest) v.push_back(p);
    }
  }
  return out;
}

}  // namespace outpost::api
