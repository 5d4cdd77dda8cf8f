#include "routing/internal/agent_index.h"

namespace outpost::routing::internal {

AgentIndex::Block& AgentIndex::get(SkillId skill, LangId lang) {
  const size_t i = static_cast<size_t>(skill) * kMaxLangs + lang;
  if (i >= blocks_.size()) blocks_.resize(i + 1);
  if (!blocks_[i]) blocks_[i] = std::make_unique<Block>();
  return *blocks_[i];
}

void AgentIndex::add(AgentIndexState& state, ASet& set, const AEntry& e) {
  auto [it, added] = set.insert(e);
  if (added) {
    state.entries.emplace_back(&set, it);
    ++entries_;
  }
}

void AgentIndex::insert(AgentIndexState& state, const AgentIndexSpec& spec) {
  state.channels = spec.channels;
  state.strategies = spec.strategies;
  state.keys = spec.keys;
  state.practice_key = spec.practice_key;
  if (spec.channels == 0) return;
  for (LangId lang : *spec.langs) {
    for (int ch = 0; ch < kChannels; ++ch) {
      if (!(spec.channels & (1u << ch))) continue;
      auto put = [&](SkillId skill, int level) {
        Block& b = get(skill, lang);
        for (int s = 0; s < kStrategies; ++s) {
          if (!(spec.strategies & (1u << s))) continue;
          AEntry e = spec.keys[static_cast<size_t>(s)];
          e.agent = spec.agent;
          e.mask = spec.mask;
          add(state, b.sets[ch][level][spec.tier][s], e);
        }
      };
      put(kAnySkill, kAnySkillLevel);
      for (const SkillReq& r : *spec.skills) put(r.skill, r.level);
      for (SkillId p : *spec.practice) {
        AEntry e = spec.practice_key;
        e.agent = spec.agent;
        e.mask = spec.mask;
        add(state, get(p, lang).practice[ch], e);
      }
    }
  }
}

void AgentIndex::remove(AgentIndexState& state) {
  for (auto& [set, it] : state.entries) set->erase(it);
  entries_ -= state.entries.size();
  state.entries.clear();
  state.channels = 0;
  state.strategies = 0;
}

}  // namespace outpost::routing::internal
