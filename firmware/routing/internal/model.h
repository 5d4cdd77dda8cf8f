#pragma once

// The router's internal records: an agent, a contact and a queue with the
// bookkeeping that the indices, timers and statistics need.
//
// Internal to routing; not part of the public contract. Thread-safety: none.


#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "routing/internal/agent_index.h"
#include "routing/internal/contact_index.h"
#include "routing/internal/chunk_set.h"
#include "routing/internal/ids.h"
#include "routing/types.h"

namespace outpost::routing::internal {

struct Agent {
  uint32_t idx = 0;
  uint64_t serial = 0;  // never reused: contacts remember who declined them by serial
  AgentProfile profile;
  AgentView view;

  // From the profile, interned.
  std::vector<LangId> langs;      // sorted, unique, known
  std::vector<SkillReq> skills;   // sorted by id, unique (highest level)
  std::vector<SkillId> practice;  // practice skills the agent holds at level >= 1, sorted
  uint64_t mask = 0;              // bit (skill % 64) per skill held
  int tier = 4;
  double reward = 1.0;            // > 0

  // The presence the agent chose (offline, ready, not_ready) and a deferred change.
  site::Presence base;
  std::optional<site::PresenceState> pending;
  std::optional<std::string> pending_reason;
  std::string pending_actor;
  bool pending_forced = false;

  // Work: contacts offered to, connected with, or in wrap-up with this agent.
  int offered[kChannels] = {0, 0};
  int connected[kChannels] = {0, 0};
  int wrapups = 0;
  std::vector<uint32_t> work;  // contact slots
  bool delayed = false;        // a reject / no-answer delay is running
  WallTime delay_until{};
  uint64_t delay_timer = 0;

  // Strategy state.
  double pass = 0;       // reward-weighted: stride-scheduling pass
  double occ = 0;        // least-occupied: exponentially weighted busy share at occ_at
  WallTime occ_at{};
  bool occ_busy = false;  // busy (connected or wrap-up) since occ_at

  AgentIndexState index;

  int levelOf(SkillId s) const {
    if (s == kAnySkill) return kAnySkillLevel;
    for (const SkillReq& r : skills) {
      if (r.skill == s) return r.level;
      if (r.skill > s) break;
    }
    return 0;
  }
  int active(int ch) const { return offered[ch] + connected[ch]; }
  int activeTotal() const { return active(0) + active(1); }
  int connectedTotal() const { return connected[0] + connected[1]; }
  int offeredTotal() const { return offered[0] + offered[1]; }
  int capacity(int ch) const { return ch == 0 ? profile.voice_capacity : profile.chat_capacity; }
};

// An agent's skills and levels in one cache line, in a table by agent slot: a contact
// that needs two skills checks candidates for the second one, and reading
// this line (the table of 2,000 agents fits the L2 cache) instead of the agent's
// record and its skill list saves two dependent misses per candidate. Agents with more
// skills than fit, or skill ids beyond 16 bits, are `partial`: read the agent.
struct alignas(64) SkillLevels {
  static constexpr int kMax = 20;
  uint16_t skill[kMax] = {};
  uint8_t level[kMax] = {};
  uint8_t n = 0;
  bool partial = false;

  void assign(const std::vector<SkillReq>& skills) {
    n = 0;
    partial = false;
    for (const SkillReq& r : skills) {
      if (n == kMax || r.skill > 0xffff) {
        partial = true;
        return;
      }
      skill[n] = static_cast<uint16_t>(r.skill);
      level[n] = static_cast<uint8_t>(r.level);
      ++n;
    }
  }
  // The level in `s` (0 if not held); only when !partial.
  int levelOf(SkillId s) const {
    for (int i = 0; i < n; ++i) {
      if (skill[i] == s) return level[i];
    }
    return 0;
  }
};
static_assert(sizeof(SkillLevels) == 64);

struct Contact {
  uint32_t idx = 0;
  uint64_t seq = 0;  // unique, increasing: tie-break and timer identity
  ContactView view;
  std::unique_ptr<Decision> decision;  // the latest offer's (not kept inline: most contacts wait)

  uint32_t queue = 0;
  int ch = 0;
  LangId lang = kNoLang;
  std::vector<SkillReq> reqs;  // sorted by id, unique (highest minimum)
  SkillId first_skill = kNone;  // the spec's first required skill (for Decision.agent_level)
  uint32_t sig = 0;             // requirements beyond the first two, interned (0 = none)
  double arrival_s = 0;         // seconds since the router's epoch
  double key = 0;               // priority − aging × arrival_s
  bool low_risk = false;        // practice may take it (segment, priority, queue's practice on)

  const std::vector<RingStep>* steps = nullptr;  // the segment's ring steps (owned by the queue)
  int ring_step = 0;
  int ring_lo = 1;
  int ring_hi = 4;

  std::vector<uint64_t> declined;  // agent serials who rejected it or let it time out
  uint32_t agent = kNone;          // offered to / connected with / wrapping up
  uint64_t ring_timer = 0;
  uint64_t offer_timer = 0;
  uint64_t wrap_timer = 0;
  WallTime expires_at{};
  std::optional<WallTime> wrap_end;

  ContactIndexState index;
  bool in_order = false;  // in the queue's rank tree (queued)

  bool declinedBy(uint64_t serial) const {
    for (uint64_t s : declined) {
      if (s == serial) return true;
    }
    return false;
  }
};

// A contact by arrival (ms since the Unix epoch), then seq.
struct Arrival {
  int64_t at = 0;
  uint64_t seq = 0;
  uint32_t idx = 0;
  friend bool operator<(const Arrival& a, const Arrival& b) {
    return a.at != b.at ? a.at < b.at : a.seq < b.seq;
  }
};
using ArrivalSet = ChunkSet<Arrival, std::less<Arrival>, 64>;

// Queued contacts of a queue by (−key, seq): rank() gives the position in the queue.
using RankKey = std::pair<double, uint64_t>;
using RankSet = ChunkSet<RankKey, std::less<RankKey>, 64, true>;

struct QueueState {
  uint32_t idx = 0;
  QueuePolicy policy;
  int strategy = 0;  // index of policy.strategy
  // Normalized ring steps per segment; `fallback` for segments without an entry.
  std::map<std::string, std::vector<RingStep>, std::less<>> rings;
  std::vector<RingStep> fallback;

  // Live counts.
  int waiting = 0;
  int offered = 0;
  // Unanswered (queued or offered) contacts by arrival: the head gives the longest wait.
  // A ChunkSet: arrivals mostly go to its end, which stays in the cache.
  ArrivalSet unanswered;
  RankSet order;

  // Counters since start (or restart).
  int64_t answered = 0;
  int64_t answered_in_threshold = 0;
  int64_t abandoned = 0;
  int64_t abandoned_after_threshold = 0;
  int64_t answer_wait_ms = 0;
  int64_t offers = 0;
  int64_t practice_offers = 0;
  double answer_interval_s = 15;  // moving average of the time between answers (estimated wait)
  std::optional<WallTime> last_answer;

  const std::vector<RingStep>& stepsFor(const std::string& segment) const {
    auto it = rings.find(segment);
    if (it != rings.end()) return it->second;
    it = rings.find("*");
    return it != rings.end() ? it->second : fallback;
  }
  double serviceLevel() const {
    const int64_t den = answered + abandoned_after_threshold;
    return den == 0 ? 1.0 : static_cast<double>(answered_in_threshold) / static_cast<double>(den);
  }
};

// The queue's rings with defaults applied and steps sorted and clamped. With no rings
// configured at all: vip and complaint start at T1–T2 and add T3 after 30 s; every
// other segment starts at T3–T4, adds T2 after 20 s and T1 after 60 s. A queue that
// configures rings but none for a segment (and no "*") gives it one ring T1–T4.
void normalizeRings(QueueState& q);

}  // namespace outpost::routing::internal
