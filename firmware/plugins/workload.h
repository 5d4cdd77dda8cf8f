#pragma once

// AgentWorkload: what the host remembers about each agent's recent contacts, for the
// candidate fields rank_candidates gets (docs/plugin-api.md) — rules keep no state:
//
//   recent_heavy    the agent's current run of heavy contacts: consecutive, newest
//                   first, among the contacts it accepted within `window`; a light
//                   contact ends the run. Heavy: segment complaint or fraud, intent
//                   complaint, or attributes.sentiment = "negative".
//   practice_today  practice contacts the agent accepted today (the site's day: UTC +
//                   `utc_offset`): the offer was a practice decision, or the agent has the
//                   contact's first required skill only in practice_skills.
//
// Fed from the engine's committed events; nothing is stored (a restart starts afresh,
// which errs towards "rested" and "no practice yet").
//
// Thread-safety: one thread (the engine loop).

#include <deque>
#include <map>
#include <set>
#include <string>

#include "core/clock.h"
#include "engine/events.h"

namespace outpost::plugins {

struct WorkloadOptions {
  Millis window{2 * 3600 * 1000};
  Millis utc_offset{8 * 3600 * 1000};  // China Standard Time
};

class AgentWorkload {
 public:
  explicit AgentWorkload(WorkloadOptions options = {}) : options_(options) {}

  void record(const engine::DomainEvent& event);
  // Remembers which skills an agent has only for practice (from the candidates seen).
  void noteProfile(const routing::AgentProfile& agent);

  int recentHeavy(const std::string& agent_id, WallTime now) const;
  int practiceToday(const std::string& agent_id, WallTime now) const;

  static bool heavy(const routing::ContactSpec& spec);

 private:
  struct Agent {
    std::deque<std::pair<WallTime, bool>> contacts;  // accepted at, heavy; newest last
    int64_t practice_day = 0;
    int practice = 0;
    std::set<std::string> practice_only;             // skills only in practice_skills
  };
  int64_t dayOf(WallTime t) const;

  WorkloadOptions options_;
  std::map<std::string, Agent> agents_;
  std::map<std::string, bool> practice_offers_;  // contact id → its offer was a practice decision
};

}  // namespace outpost::plugins
