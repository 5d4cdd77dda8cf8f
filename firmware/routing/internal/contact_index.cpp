#include "routing/internal/contact_index.h"

#include <algorithm>

namespace outpost::routing::internal {

CSlot& ContactIndex::getSlot(SkillId a, LangId lang, int ch) {
  const size_t i = slotIndex(a, lang, ch);
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

constexpr double kNoKey = -std::numeric_limits<double>::infinity();

uint64_t pairBit(SkillId b) { return uint64_t{1} << (b % 64); }

// Copies what the search reads of `qb` into its skill-set bucket's inline summary.
void syncSum(SkillSetBucket& ssb, const QueueBucket& qb) {
  if (qb.pos >= SkillSetBucket::kInline) return;
  QueueSum& sum = ssb.sums[qb.pos];
  sum.qb = &qb;
  sum.queue = qb.queue;
  sum.count = static_cast<uint32_t>(qb.count);
  std::copy(std::begin(qb.max_key), std::end(qb.max_key), std::begin(sum.max_key));
}

QueueBucket& queueBucket(SkillSetBucket& ssb, uint32_t queue) {
  for (auto& qb : ssb.queues) {
    if (qb->queue == queue) return *qb;
  }
  ssb.queues.push_back(std::make_unique<QueueBucket>());
  QueueBucket& qb = *ssb.queues.back();
  qb.queue = queue;
  qb.pos = static_cast<uint32_t>(ssb.queues.size() - 1);
  std::fill(std::begin(qb.max_key), std::end(qb.max_key), kNoKey);
  syncSum(ssb, qb);
  return qb;
}

LevelBucket& levelBucket(CSlot& slot, SkillSetBucket& ssb, QueueBucket& qb, const ContactIndexSpec& spec) {
  const uint8_t lv_a = spec.lv_a;
  const uint8_t lv_b = spec.lv_b;
  const uint32_t sig = spec.sig;
  for (auto& h : qb.heads) {
    if (h.lv_a == lv_a && h.lv_b == lv_b && h.sig == sig && h.tier_lo == spec.tier_lo &&
        h.tier_hi == spec.tier_hi) {
      return *qb.levels[static_cast<size_t>(&h - qb.heads.data())];
    }
  }
  qb.levels.push_back(std::make_unique<LevelBucket>());
  LevelBucket& lb = *qb.levels.back();
  lb.slot = &slot;
  lb.ssb = &ssb;
  lb.qb = &qb;
  lb.lv_a = lv_a;
  lb.lv_b = lv_b;
  lb.tier_lo = spec.tier_lo;
  lb.tier_hi = spec.tier_hi;
  lb.sig = sig;
  lb.pos = static_cast<uint32_t>(qb.levels.size() - 1);
  LevelHead h;
  h.lv_a = lv_a;
  h.lv_b = lv_b;
  h.tier_lo = spec.tier_lo;
  h.tier_hi = spec.tier_hi;
  h.sig = sig;
  qb.heads.push_back(h);
  return lb;
}

void refreshHead(QueueBucket& qb, const LevelBucket& lb) {
  LevelHead& h = qb.heads[lb.pos];
  h.empty = lb.set.empty();
  if (h.empty) return;
  const CEntry& e = lb.set.front();
  h.key = e.key;
  h.seq = e.seq;
  h.contact = e.contact;
  h.declined_any = e.declined_any;
}

SkillSetBucket& pairBucket(CSlot& slot, SkillId b) {
  auto it = std::lower_bound(slot.pairs.begin(), slot.pairs.end(), b,
                             [](const auto& p, SkillId v) { return p.first < v; });
  if (it == slot.pairs.end() || it->first != b) {
    it = slot.pairs.emplace(it, b, std::make_unique<SkillSetBucket>());
    it->second->b = b;
    if (b >= slot.pair_at.size()) slot.pair_at.resize(b + 1, nullptr);
    slot.pair_at[b] = it->second.get();
  }
  return *it->second;
}

}  // namespace

void ContactIndex::insert(ContactIndexState& state, const ContactIndexSpec& spec) {
  state.indexed = true;
  state.entry = spec.entry;
  if (spec.lang == kNoLang) return;
  CSlot& slot = getSlot(spec.a, spec.lang, spec.ch);
  SkillSetBucket& ssb = spec.b == kNone ? slot.single : pairBucket(slot, spec.b);
  QueueBucket& qb = queueBucket(ssb, spec.queue);
  LevelBucket& lb = levelBucket(slot, ssb, qb, spec);
  if (lb.set.insert(spec.entry)) {
    if (lb.set.front().seq == spec.entry.seq) refreshHead(qb, lb);
    ++slot.count;
    ++ssb.count;
    ++qb.count;
    for (int t = spec.tier_lo; t <= spec.tier_hi; ++t) {
      qb.max_key[t] = std::max(qb.max_key[t], spec.entry.key);
      ++slot.by_tier[t];
      if (ssb.by_tier[t]++ == 0 && ssb.b != kNone) slot.pair_mask[t] |= pairBit(ssb.b);
    }
    syncSum(ssb, qb);
    ++entries_;
    state.entries.push_back(CRef{&lb});
  }
  if (spec.practice) {
    for (const SkillReq& r : *spec.practice) {
      CEntry e = spec.entry;
      e.other_level = 0;
      for (const SkillReq& o : *spec.practice) {
        if (o.skill == r.skill) continue;
        const bool first = e.other_level == 0;
        e.other_level = first && o.skill <= 0xffff ? static_cast<uint8_t>(o.level) : kOthersInContact;
        e.other_skill = first && o.skill <= 0xffff ? static_cast<uint16_t>(o.skill) : 0;
      }
      PSlot& ps = getPracticeSlot(r.skill, spec.lang, spec.ch);
      PracticeBucket* pb = nullptr;
      for (auto& q : ps.queues) {
        if (q->queue == spec.queue) pb = q.get();
      }
      if (!pb) {
        ps.queues.push_back(std::make_unique<PracticeBucket>());
        pb = ps.queues.back().get();
        pb->slot = &ps;
        pb->queue = spec.queue;
      }
      if (!pb->set.insert(e)) continue;
      ++ps.count;
      ++entries_;
      state.practice.push_back(PRef{pb});
    }
  }
}

void ContactIndex::remove(ContactIndexState& state) {
  for (const CRef& r : state.entries) {
    LevelBucket& lb = *r.lb;
    QueueBucket& qb = *lb.qb;
    const double key = state.entry.key;
    const bool head = lb.set.front().seq == state.entry.seq;
    lb.set.erase(state.entry);
    if (head) refreshHead(qb, lb);
    --lb.slot->count;
    --lb.ssb->count;
    --qb.count;
    for (int t = lb.tier_lo; t <= lb.tier_hi; ++t) {
      --lb.slot->by_tier[t];
      if (--lb.ssb->by_tier[t] == 0 && lb.ssb->b != kNone) {
        // Another pair with the same bit may still hold contacts for the tier.
        CSlot& slot = *lb.slot;
        const uint64_t bit = pairBit(lb.ssb->b);
        slot.pair_mask[t] &= ~bit;
        for (const auto& [b, other] : slot.pairs) {
          if (pairBit(b) == bit && other->by_tier[t] > 0) slot.pair_mask[t] |= bit;
        }
      }
      if (key < qb.max_key[t]) continue;
      qb.max_key[t] = kNoKey;
      for (const LevelHead& h : qb.heads) {
        if (!h.empty && h.tier_lo <= t && t <= h.tier_hi) qb.max_key[t] = std::max(qb.max_key[t], h.key);
      }
    }
    syncSum(*lb.ssb, qb);
  }
  for (PRef& r : state.practice) {
    r.pb->set.erase(state.entry);
    --r.pb->slot->count;
  }
  entries_ -= state.entries.size() + state.practice.size();
  state.entries.clear();
  state.practice.clear();
  state.indexed = false;
}

}  // namespace outpost::routing::internal
