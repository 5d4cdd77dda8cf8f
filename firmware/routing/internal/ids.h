#pragma once

// Small shared vocabulary of the router's internals: interned skill and language
// ids, required skills, and the fixed dimensions of the indices.
//
// Internal to routing; not part of the public contract. Thread-safety: none.

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "site/directory.h"

namespace outpost::routing::internal {

using SkillId = uint32_t;
using LangId = uint32_t;

// A pseudo-skill every agent has at level 5: contacts that require no skill wait and
// are matched under it.
inline constexpr SkillId kAnySkill = 0;
inline constexpr int kAnySkillLevel = 5;
// Languages beyond this many distinct tags get kNoLang: nobody can serve them (the
// directory allows two).
inline constexpr uint32_t kMaxLangs = 8;
inline constexpr LangId kNoLang = std::numeric_limits<uint32_t>::max();
inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
inline constexpr int kChannels = 2;    // voice, chat
inline constexpr int kStrategies = 3;  // longest idle, least occupied, reward weighted
inline constexpr int kMaxLevel = 5;
inline constexpr int kMaxTier = 4;

inline int channelIndex(site::Channel c) { return c == site::Channel::kVoice ? 0 : 1; }

struct SkillReq {
  SkillId skill = 0;
  int level = 0;
  friend bool operator==(const SkillReq& a, const SkillReq& b) {
    return a.skill == b.skill && a.level == b.level;
  }
};

// Maps strings to dense ids, first come first numbered.
class Interner {
 public:
  explicit Interner(uint32_t first = 0) : first_(first) {}
  uint32_t intern(const std::string& s) {
    auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(first_ + names_.size()));
    if (added) names_.push_back(s);
    return it->second;
  }
  uint32_t find(const std::string& s) const {
    auto it = ids_.find(s);
    return it == ids_.end() ? kNone : it->second;
  }
  const std::string& name(uint32_t id) const { return names_[id - first_]; }
  uint32_t end() const { return static_cast<uint32_t>(first_ + names_.size()); }

 private:
  uint32_t first_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
};

}  // namespace outpost::routing::internal
