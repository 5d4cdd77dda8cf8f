#include "routing/internal/contact_index.h"

#include <algorithm>

namespace outpost::routing::internal {

const SkillSetBucket* CSlot::pair(SkillId b) const {
  auto it = std::lower_bound(pairs.begin(), pairs.end(), b,
                             [](const auto& p, SkillId v) { return p.first < v; });
  return it != pairs.end() && it->first == b ? it->second.get() : nullptr;
}

CSlot& ContactIndex::getSlot(SkillId a, LangId lang, int ch, int tier) {
  const size_t i = slotIndex(a, lang, ch, tier);
  if (i >= slots_.size()) slots_.resize(i + 1);
  if (!slots_[i]) slots_[i] = std::make_unique<CSlot>();
  return *slots_[i];
}

PSlot& ContactIndex::getPracticeSlot(SkillId skill, LangId lang, int ch) {
  const size_t i = (static_cast<size_t>(skill) * kMaxLangs + lang) * kChannels + static_cast<size_t>(ch);
  if (i >= pslots_.size()) pslots_.resize(i + 1);
  if (!pslots_[i]) pslots_[i] = std::make_unique<PSlot>();
  return *pslots_[i];
}

namespace {

QueueBucket& queueBucket(SkillSetBucket& ssb, uint32_t queue) {
  for (auto& qb : ssb.queues) {
    if (qb->queue == queue) return *qb;
  }
  ssb.queues.push_back(std::make_unique<QueueBucket>());
  ssb.queues.back()->queue = queue;
  return *ssb.queues.back();
}

LevelBucket& levelBucket(QueueBucket& qb, uint8_t lv_a, uint8_t lv_b, uint32_t sig) {
  for (auto& lb : qb.levels) {
    if (lb->lv_a == lv_a && lb->lv_b == lv_b && lb->sig == sig) return *lb;
  }
  qb.levels.push_back(std::make_unique<LevelBucket>());
  LevelBucket& lb = *qb.levels.back();
  lb.lv_a = lv_a;
  lb.lv_b = lv_b;
  lb.sig = sig;
  return lb;
}

SkillSetBucket& pairBucket(CSlot& slot, SkillId b) {
  auto it = std::lower_bound(slot.pairs.begin(), slot.pairs.end(), b,
                             [](const auto& p, SkillId v) { return p.first < v; });
  if (it == slot.pairs.end() || it->first != b) it = slot.pairs.emplace(it, b, std::make_unique<SkillSetBucket>());
  return *it->second;
}

}  // namespace

void ContactIndex::insert(ContactIndexState& state, const ContactIndexSpec& spec) {
  state.indexed = true;
  if (spec.lang == kNoLang) return;
  for (int tier = spec.tier_lo; tier <= spec.tier_hi; ++tier) {
    CSlot& slot = getSlot(spec.a, spec.lang, spec.ch, tier);
    SkillSetBucket& ssb = spec.b == kNone ? slot.single : pairBucket(slot, spec.b);
    QueueBucket& qb = queueBucket(ssb, spec.queue);
    LevelBucket& lb = levelBucket(qb, spec.lv_a, spec.lv_b, spec.sig);
    auto [it, added] = lb.set.insert(spec.entry);
    if (!added) continue;
    ++slot.count;
    ++ssb.count;
    ++qb.count;
    ++entries_;
    state.entries.push_back(CRef{&slot, &ssb, &qb, &lb, it});
  }
  if (spec.practice) {
    for (const SkillReq& r : *spec.practice) {
      PSlot& ps = getPracticeSlot(r.skill, spec.lang, spec.ch);
      PracticeBucket* pb = nullptr;
      for (auto& q : ps.queues) {
        if (q->queue == spec.queue) pb = q.get();
      }
      if (!pb) {
        ps.queues.push_back(std::make_unique<PracticeBucket>());
        pb = ps.queues.back().get();
        pb->queue = spec.queue;
      }
      auto [it, added] = pb->set.insert(spec.entry);
      if (!added) continue;
      ++ps.count;
      ++entries_;
      state.practice.push_back(PRef{&ps, pb, it});
    }
  }
}

void ContactIndex::remove(ContactIndexState& state) {
  for (CRef& r : state.entries) {
    r.lb->set.erase(r.it);
    --r.slot->count;
    --r.ssb->count;
    --r.qb->count;
  }
  for (PRef& r : state.practice) {
    r.pb->set.erase(r.it);
    --r.slot->count;
  }
  entries_ -= state.entries.size() + state.practice.size();
  state.entries.clear();
  state.practice.clear();
  state.indexed = false;
}

}  // namespace outpost::routing::internal
