#pragma once

// AgentIndex: the agents that can take another contact now, in buckets keyed by
// (required skill, language, channel, level in that skill, tier), each bucket ordered
// by a strategy's key. A contact's decision reads only the buckets of one of its
// required skills, for the tiers of its ring and the levels at or above its minimum,
// and merges their heads: it never scans agents who cannot take the contact on
// language, channel, capacity, presence, delay, tier or level.
//
// An agent is in the index exactly while it can take another contact of a channel
// (ready, nothing pending, no delay or wrap-up, spare capacity); the router keeps that
// true on every state change by remove() + insert() of that channel's entries. Only
// the strategies some queue of the channel uses are kept, and the kAnySkill buckets
// (contacts that require no skill) only once such a contact has been seen. Buckets
// are ChunkSets: an update touches a few cache lines even at 20,000 agents.
//
// A separate practice bucket per (skill, language, channel) holds the available
// agents with the skill on their practice list (level >= 1), longest idle first.
//
// Internal to routing. Thread-safety: none.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "routing/internal/chunk_set.h"
#include "routing/internal/ids.h"

namespace outpost::routing::internal {

// One agent in one bucket: 24 bytes, so that a chunk of 32 is 12 cache lines. `hi` and
// `lo` are the strategy's sort key (smaller = better; see the key functions below);
// `mask` has bit (skill % 32) per skill the agent has, so a decision can skip agents
// missing another required skill without touching the agent.
struct AEntry {
  uint64_t hi = 0;
  uint64_t lo = 0;
  uint32_t agent = 0;
  uint32_t mask = 0;
};
static_assert(sizeof(AEntry) == 24);
struct AEntryLess {
  bool operator()(const AEntry& a, const AEntry& b) const {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return a.agent < b.agent;
  }
};
inline bool sameKey(const AEntry& a, const AEntry& b) { return a.hi == b.hi && a.lo == b.lo; }

// The strategies' keys packed into (hi, lo), compared as unsigned integers.
//   longest idle   (contacts active on the channel, available since, serial)
//   least occupied (contacts active, occupancy key, available since)
//   reward weighted (stride pass, contacts active, available since)
// `active` takes 8 bits (clamped at 255) and milliseconds since the epoch 56 bits;
// doubles keep their order as orderedBits(); the occupancy key loses its 8 lowest
// mantissa bits (ties at 2^-44 relative fall to the next field).
inline uint64_t orderedBits(double v) {
  uint64_t u;
  static_assert(sizeof u == sizeof v);
  __builtin_memcpy(&u, &v, sizeof u);
  return (u >> 63) ? ~u : u | (uint64_t{1} << 63);
}
inline uint64_t activeAndMillis(int active, int64_t millis) {
  const auto act = static_cast<uint64_t>(std::clamp(active, 0, 255));
  const auto ms = static_cast<uint64_t>(std::clamp<int64_t>(millis, 0, (int64_t{1} << 56) - 1));
  return act << 56 | ms;
}
inline AEntry longestIdleKey(int active, int64_t since_ms, uint64_t serial) {
  return AEntry{activeAndMillis(active, since_ms), serial, 0, 0};
}
inline AEntry leastOccupiedKey(int active, double occupancy_key, int64_t since_ms) {
  const uint64_t act = static_cast<uint64_t>(std::clamp(active, 0, 255));
  return AEntry{act << 56 | orderedBits(occupancy_key) >> 8, activeAndMillis(0, since_ms), 0, 0};
}
inline AEntry rewardKey(double pass, int active, int64_t since_ms) {
  return AEntry{orderedBits(pass), activeAndMillis(active, since_ms), 0, 0};
}
// An agent's 64-bit skill mask (bit skill % 64) as the entries keep it (bit skill % 32).
inline uint32_t foldMask(uint64_t mask) { return static_cast<uint32_t>(mask | mask >> 32); }

using ASet = ChunkSet<AEntry, AEntryLess, 32>;

// One set an agent is in: the set, its size mirror in the compact count table (null
// for practice sets) and the strategy whose key the agent has there (-1: practice).
struct AgentIndexEntry {
  ASet* set = nullptr;
  uint32_t* count = nullptr;
  int8_t kind = 0;
};

// What is indexed for one agent (kept with the agent so it can be removed again),
// per channel: a chat offer re-keys the agent's chat entries only.
struct AgentIndexState {
  uint8_t channels = 0;                    // bit per channel the agent is indexed as available on
  uint8_t strategies[kChannels] = {0, 0};  // per channel: bit per strategy whose ordering it is in
  std::array<AEntry, kStrategies> keys[kChannels]{};
  AEntry practice_key[kChannels]{};
  uint32_t agent = 0;
  // Per channel: the sets it is in; erased by the key of the entry's kind.
  std::vector<AgentIndexEntry> entries[kChannels];
};

// What to index: the agent's figures and, per channel, the keys per strategy.
struct AgentIndexSpec {
  uint32_t agent = 0;
  uint64_t mask = 0;
  int tier = 4;
  const std::vector<LangId>* langs = nullptr;
  const std::vector<SkillReq>* skills = nullptr;   // without kAnySkill
  const std::vector<SkillId>* practice = nullptr;  // practice skills held at level >= 1
  bool any_skill = false;                          // also in the kAnySkill buckets
  uint8_t strategies[kChannels] = {0, 0};          // the strategies queues of each channel use
  std::array<AEntry, kStrategies> keys[kChannels]{};
  AEntry practice_key[kChannels]{};
};

class AgentIndex {
 public:
  // Adds the agent's entries on channel `ch` as `spec` says; the channel must not be
  // indexed (remove() first).
  void insert(AgentIndexState& state, const AgentIndexSpec& spec, int ch);
  // Removes the agent's entries on channel `ch`, or on every channel.
  void remove(AgentIndexState& state, int ch);
  void remove(AgentIndexState& state) {
    for (int ch = 0; ch < kChannels; ++ch) remove(state, ch);
  }

  // The bucket, or nullptr if nothing was ever put there.
  const ASet* bucket(SkillId skill, LangId lang, int ch, int level, int tier, int strategy) const {
    const Cell* b = find(skill, lang);
    return b ? &b->block.sets[ch][level][tier][strategy] : nullptr;
  }
  const ASet* practice(SkillId skill, LangId lang, int ch) const {
    const Cell* b = find(skill, lang);
    return b ? &b->block.practice[ch] : nullptr;
  }
  // How many agents the buckets of tiers [tier_lo, tier_hi] at levels >= min_level
  // hold, from the compact count table (a cache line or two instead of every set).
  size_t count(SkillId skill, LangId lang, int ch, int strategy, int tier_lo, int tier_hi, int min_level) const {
    const Cell* b = find(skill, lang);
    if (!b) return 0;
    size_t n = 0;
    for (int t = tier_lo; t <= tier_hi; ++t) {
      const uint32_t* row = b->counts[ch][strategy][t];
      for (int l = min_level; l <= kMaxLevel; ++l) n += row[l];
    }
    return n;
  }
  // The non-empty buckets of tiers [tier_lo, tier_hi] at levels >= min_level, found by
  // the count table (an empty bucket is not read at all) and prefetched; returns how
  // many were written to `out` (room for (kMaxLevel + 1) × (kMaxTier + 1)).
  int buckets(SkillId skill, LangId lang, int ch, int strategy, int tier_lo, int tier_hi, int min_level,
              const ASet** out) const {
    const Cell* b = find(skill, lang);
    if (!b) return 0;
    int n = 0;
    for (int t = tier_lo; t <= tier_hi; ++t) {
      const uint32_t* row = b->counts[ch][strategy][t];
      for (int l = min_level; l <= kMaxLevel; ++l) {
        if (row[l] == 0) continue;
        out[n] = &b->block.sets[ch][l][t][strategy];
        __builtin_prefetch(out[n]);
        ++n;
      }
    }
    return n;
  }
  // For invariant checks: the count table's entry for a set.
  uint32_t countOf(SkillId skill, LangId lang, int ch, int level, int tier, int strategy) const {
    const Cell* b = find(skill, lang);
    return b ? b->counts[ch][strategy][tier][level] : 0;
  }
  size_t entries() const { return entries_; }

  // For invariant checks: the coordinates of a set of this index from its address,
  // packed by `pack(skill, lang, ch, level, tier, strategy)` (strategy -1 = practice);
  // false if the set is not one of ours.
  class Locator {
   public:
    explicit Locator(const AgentIndex& index);
    template <typename Pack>
    bool find(const ASet* set, Pack pack, uint64_t* out) const {
      auto it = std::upper_bound(blocks_.begin(), blocks_.end(), set,
                                 [](const ASet* p, const auto& b) { return p < b.first; });
      if (it == blocks_.begin()) return false;
      --it;
      const ASet* base = it->first;
      const auto off = static_cast<size_t>(set - base);
      constexpr size_t kSets = kChannels * (kMaxLevel + 1) * (kMaxTier + 1) * kStrategies;
      if (set < base || off >= kSets + kChannels) return false;
      const auto skill = static_cast<SkillId>(it->second / kMaxLangs);
      const auto lang = static_cast<LangId>(it->second % kMaxLangs);
      if (off >= kSets) {
        *out = pack(skill, lang, static_cast<int>(off - kSets), 0, 0, -1);
        return true;
      }
      const int s = static_cast<int>(off % kStrategies);
      const int t = static_cast<int>(off / kStrategies % (kMaxTier + 1));
      const int lv = static_cast<int>(off / kStrategies / (kMaxTier + 1) % (kMaxLevel + 1));
      const int ch = static_cast<int>(off / kStrategies / (kMaxTier + 1) / (kMaxLevel + 1));
      *out = pack(skill, lang, ch, lv, t, s);
      return true;
    }

   private:
    std::vector<std::pair<const ASet*, size_t>> blocks_;  // first set of each block, by address
  };

  // Every (set, skill, lang, ch, level, tier, strategy) with entries; strategy -1 for
  // practice sets (level and tier 0). For invariant checks.
  template <typename Fn>
  void forEachSet(Fn fn) const {
    for (size_t i = 0; i < blocks_.size(); ++i) {
      if (!blocks_[i]) continue;
      const Block* b = &blocks_[i]->block;
      const auto skill = static_cast<SkillId>(i / kMaxLangs);
      const auto lang = static_cast<LangId>(i % kMaxLangs);
      for (int ch = 0; ch < kChannels; ++ch) {
        for (int lv = 0; lv <= kMaxLevel; ++lv) {
          for (int t = 0; t <= kMaxTier; ++t) {
            for (int s = 0; s < kStrategies; ++s) {
              if (!b->sets[ch][lv][t][s].empty()) fn(b->sets[ch][lv][t][s], skill, lang, ch, lv, t, s);
            }
          }
        }
        if (!b->practice[ch].empty()) fn(b->practice[ch], skill, lang, ch, 0, 0, -1);
      }
    }
  }

 private:
  // sets and practice are laid out back to back (Locator relies on it).
  struct Block {
    ASet sets[kChannels][kMaxLevel + 1][kMaxTier + 1][kStrategies];
    ASet practice[kChannels];
  };
  // A block with the sizes of its strategy sets, per (channel, strategy, tier, level).
  struct Cell {
    Block block;
    uint32_t counts[kChannels][kStrategies][kMaxTier + 1][kMaxLevel + 1] = {};
  };
  const Cell* find(SkillId skill, LangId lang) const {
    const size_t i = static_cast<size_t>(skill) * kMaxLangs + lang;
    return i < blocks_.size() ? blocks_[i].get() : nullptr;
  }
  Cell& get(SkillId skill, LangId lang);

  std::vector<std::unique_ptr<Cell>> blocks_;  // by skill * kMaxLangs + lang; never freed
  std::vector<AgentIndexEntry> pending_;  // insert()'s scratch
  std::vector<ASet::Batched> batch_;      // insert()'s and remove()'s scratch
  size_t entries_ = 0;
};

}  // namespace outpost::routing::internal
