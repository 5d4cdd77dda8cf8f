#include "routing/internal/agent_index.h"

namespace outpost::routing::internal {

AgentIndex::Cell& AgentIndex::get(SkillId skill, LangId lang) {
  const size_t i = static_cast<size_t>(skill) * kMaxLangs + lang;
  if (i >= blocks_.size()) blocks_.resize(i + 1);
  if (!blocks_[i]) blocks_[i] = std::make_unique<Cell>();
  return *blocks_[i];
}

AgentIndex::Locator::Locator(const AgentIndex& index) {
  static_assert(sizeof(Block) ==
                    sizeof(ASet) * (kChannels * (kMaxLevel + 1) * (kMaxTier + 1) * kStrategies + kChannels),
                "Block must be an array of sets");
  for (size_t i = 0; i < index.blocks_.size(); ++i) {
    if (index.blocks_[i]) blocks_.emplace_back(&index.blocks_[i]->block.sets[0][0][0][0], i);
  }
  std::sort(blocks_.begin(), blocks_.end());
}

void AgentIndex::insert(AgentIndexState& state, const AgentIndexSpec& spec, int ch) {
  const size_t c = static_cast<size_t>(ch);
  state.channels = static_cast<uint8_t>(state.channels | (1u << ch));
  state.strategies[c] = spec.strategies[c];
  state.keys[c] = spec.keys[c];
  state.practice_key[c] = spec.practice_key[c];
  state.agent = spec.agent;
  auto& entries = state.entries[c];
  // First the sets, then their loads all at once (their misses overlap), then the
  // inserts, searched in lockstep (ASet::insertMany).
  pending_.clear();
  for (LangId lang : *spec.langs) {
    auto put = [&](SkillId skill, int level) {
      Cell& b = get(skill, lang);
      for (int s = 0; s < kStrategies; ++s) {
        if (!(spec.strategies[c] & (1u << s))) continue;
        pending_.push_back(AgentIndexEntry{&b.block.sets[ch][level][spec.tier][s],
                                           &b.counts[ch][s][spec.tier][level], static_cast<int8_t>(s)});
      }
    };
    if (spec.any_skill) put(kAnySkill, kAnySkillLevel);
    for (const SkillReq& r : *spec.skills) put(r.skill, r.level);
    for (SkillId p : *spec.practice) pending_.push_back(AgentIndexEntry{&get(p, lang).block.practice[ch], nullptr, -1});
  }
  for (const AgentIndexEntry& p : pending_) __builtin_prefetch(p.set);
  batch_.clear();
  for (const AgentIndexEntry& p : pending_) {
    AEntry e = p.kind < 0 ? spec.practice_key[c] : spec.keys[c][static_cast<size_t>(p.kind)];
    e.agent = spec.agent;
    e.mask = foldMask(spec.mask);
    batch_.push_back(ASet::Batched{p.set, e});
  }
  ASet::insertMany(batch_.data(), batch_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    if (!batch_[i].done) continue;
    const AgentIndexEntry& p = pending_[i];
    entries.push_back(p);
    if (p.count) ++*p.count;
    ++entries_;
  }
}

void AgentIndex::remove(AgentIndexState& state, int ch) {
  const auto c = static_cast<size_t>(ch);
  auto& entries = state.entries[c];
  // The sets are independent: load them all first so their misses overlap, then
  // search them in lockstep (ASet::eraseMany).
  for (auto& e : entries) __builtin_prefetch(e.set);
  batch_.clear();
  for (auto& [set, count, kind] : entries) {
    AEntry e = kind < 0 ? state.practice_key[c] : state.keys[c][static_cast<size_t>(kind)];
    e.agent = state.agent;
    batch_.push_back(ASet::Batched{set, e});
    if (count) --*count;
  }
  ASet::eraseMany(batch_.data(), batch_.size());
  entries_ -= entries.size();
  entries.clear();
  state.channels = static_cast<uint8_t>(state.channels & ~(1u << ch));
  state.strategies[ch] = 0;
}

}  // namespace outpost::routing::internal
