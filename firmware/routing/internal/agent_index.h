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
// true on every state change by remove() + insert().
//
// A separate practice bucket per (skill, language, channel) holds the available
// agents with the skill on their practice list (level >= 1), longest idle first.
//
// Internal to routing. Thread-safety: none.

#include <array>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "routing/internal/ids.h"

namespace outpost::routing::internal {

// One agent in one bucket. k0..k2 are the strategy's sort key (smaller = better);
// `mask` has bit (skill % 64) per skill the agent has, so a decision can skip agents
// missing another required skill without touching the agent.
struct AEntry {
  double k0 = 0;
  double k1 = 0;
  double k2 = 0;
  uint32_t agent = 0;
  uint64_t mask = 0;
};
struct AEntryLess {
  bool operator()(const AEntry& a, const AEntry& b) const {
    if (a.k0 != b.k0) return a.k0 < b.k0;
    if (a.k1 != b.k1) return a.k1 < b.k1;
    if (a.k2 != b.k2) return a.k2 < b.k2;
    return a.agent < b.agent;
  }
};
using ASet = std::set<AEntry, AEntryLess>;

inline bool sameKey(const AEntry& a, const AEntry& b) { return a.k0 == b.k0 && a.k1 == b.k1 && a.k2 == b.k2; }

// What is indexed for one agent (kept with the agent so it can be removed again).
struct AgentIndexState {
  uint8_t channels = 0;    // bit per channel the agent is indexed as available on
  uint8_t strategies = 0;  // bit per strategy whose ordering it is in
  std::array<AEntry, kStrategies> keys{};
  AEntry practice_key{};
  std::vector<std::pair<ASet*, ASet::iterator>> entries;
};

// What to index: the agent's figures and the keys per strategy.
struct AgentIndexSpec {
  uint32_t agent = 0;
  uint64_t mask = 0;
  int tier = 4;
  const std::vector<LangId>* langs = nullptr;
  const std::vector<SkillReq>* skills = nullptr;   // without kAnySkill
  const std::vector<SkillId>* practice = nullptr;  // practice skills held at level >= 1
  uint8_t channels = 0;
  uint8_t strategies = 0;
  std::array<AEntry, kStrategies> keys{};
  AEntry practice_key{};
};

class AgentIndex {
 public:
  // Adds the agent's entries as `spec` says; `state` must be empty (remove() first).
  void insert(AgentIndexState& state, const AgentIndexSpec& spec);
  // Removes every entry of the agent.
  void remove(AgentIndexState& state);

  // The bucket, or nullptr if nothing was ever put there.
  const ASet* bucket(SkillId skill, LangId lang, int ch, int level, int tier, int strategy) const {
    const Block* b = find(skill, lang);
    return b ? &b->sets[ch][level][tier][strategy] : nullptr;
  }
  const ASet* practice(SkillId skill, LangId lang, int ch) const {
    const Block* b = find(skill, lang);
    return b ? &b->practice[ch] : nullptr;
  }
  size_t entries() const { return entries_; }

  // Every (set, skill, lang, ch, level, tier, strategy) with entries; strategy -1 for
  // practice sets (level and tier 0). For invariant checks.
  template <typename Fn>
  void forEachSet(Fn fn) const {
    for (size_t i = 0; i < blocks_.size(); ++i) {
      const Block* b = blocks_[i].get();
      if (!b) continue;
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
  struct Block {
    ASet sets[kChannels][kMaxLevel + 1][kMaxTier + 1][kStrategies];
    ASet practice[kChannels];
  };
  const Block* find(SkillId skill, LangId lang) const {
    const size_t i = static_cast<size_t>(skill) * kMaxLangs + lang;
    return i < blocks_.size() ? blocks_[i].get() : nullptr;
  }
  Block& get(SkillId skill, LangId lang);
  void add(AgentIndexState& state, ASet& set, const AEntry& e);

  std::vector<std::unique_ptr<Block>> blocks_;  // by skill * kMaxLangs + lang; never freed
  size_t entries_ = 0;
};

}  // namespace outpost::routing::internal
