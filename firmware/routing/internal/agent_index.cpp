#include "routing/internal/agent_index.h"

namespace outpost::routing::internal {

AgentIndex::Block& AgentIndex::get(SkillId skill, LangId lang) {
  const size_t i = static_cast<size_t>(skill) * kMaxLangs + lang;
  if (i >= blocks_.size()) blocks_.resize(i + 1);
  if (!blocks_[i]) blocks_[i] = std::make_unique<Block>();
  return *blocks_[i];
}

AgentIndex::Locator::Locator(const AgentIndex& index) {
  static_assert(sizeof(Block) ==
                    sizeof(ASet) * (kChannels * (kMaxLevel + 1) * (kMaxTier + 1) * kStrategies + kChannels),
                "Block must be an array of sets");
  for (size_t i = 0; i < index.blocks_.size(); ++i) {
    if (index.blocks_[i]) blocks_.emplace_back(&index.blocks_[i]->sets[0][0][0][0], i);
  }
  std::sort(blocks_.begin(), blocks_.end());
}

void AgentIndex::add(std::vector<std::pair<ASet*, int8_t>>& entries, ASet& set, const AEntry& e,
                     int8_t kind) {
  if (set.insert(e)) {
    entries.emplace_back(&set, kind);
    ++entries_;
  }
}

void AgentIndex::insert(AgentIndexState& state, const AgentIndexSpec& spec, int ch) {
  const size_t c = static_cast<size_t>(ch);
  state.channels = static_cast<uint8_t>(state.channels | (1u << ch));
  state.strategies[c] = spec.strategies[c];
  state.keys[c] = spec.keys[c];
  state.practice_key[c] = spec.practice_key[c];
  state.agent = spec.agent;
  auto& entries = state.entries[c];
  for (LangId lang : *spec.langs) {
    auto put = [&](SkillId skill, int level) {
      Block& b = get(skill, lang);
      for (int s = 0; s < kStrategies; ++s) {
        if (!(spec.strategies[c] & (1u << s))) continue;
        AEntry e = spec.keys[c][static_cast<size_t>(s)];
        e.agent = spec.agent;
        e.mask = spec.mask;
        add(entries, b.sets[ch][level][spec.tier][s], e, static_cast<int8_t>(s));
      }
    };
    if (spec.any_skill) put(kAnySkill, kAnySkillLevel);
    for (const SkillReq& r : *spec.skills) put(r.skill, r.level);
    for (SkillId p : *spec.practice) {
      AEntry e = spec.practice_key[c];
      e.agent = spec.agent;
      e.mask = spec.mask;
      add(entries, get(p, lang).practice[ch], e, -1);
    }
  }
}

void AgentIndex::remove(AgentIndexState& state, int ch) {
  const auto c = static_cast<size_t>(ch);
  auto& entries = state.entries[c];
  // The sets are independent: load them all first so their misses overlap.
  for (auto& e : entries) __builtin_prefetch(e.first);
  for (auto& e : entries) e.first->prefetch();
  for (auto& [set, kind] : entries) {
    AEntry e = kind < 0 ? state.practice_key[c] : state.keys[c][static_cast<size_t>(kind)];
    e.agent = state.agent;
    set->erase(e);
  }
  entries_ -= entries.size();
  entries.clear();
  state.channels = static_cast<uint8_t>(state.channels & ~(1u << ch));
  state.strategies[ch] = 0;
}

}  // namespace outpost::routing::internal
