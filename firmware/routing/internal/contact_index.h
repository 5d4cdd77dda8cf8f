#pragma once

// ContactIndex: the waiting (queued) contacts, arranged so that an agent who frees up
// reads only the buckets of contacts it could take.
//
// A contact's required skills, sorted by id, decide where it waits:
//   none      → the single bucket of the pseudo-skill kAnySkill;
//   one (A)   → the single bucket of A;
//   two (A,B) → the pair bucket (A, B) in A's slot;
//   more      → the pair bucket of its first two, with the rest as an interned
//               "signature" that is part of the sub-bucket key.
// Slots are keyed by (skill A, language, channel). Inside, buckets split by queue,
// then by (minimum level of A, of B, signature, the tiers of the contact's current
// ring), and each is ordered by the queue's static aging key — priority − aging ×
// arrival — so its head is the contact with the highest effective priority at any
// "now". A contact is in exactly one bucket; its ring step moves it to another.
//
// An agent enumerates its skills (and pairs of them) for its languages and channels,
// and compares the heads of the buckets whose minimum levels, signature and tiers it
// meets, weighting each queue; the heads are kept inline per queue bucket, and a queue
// bucket whose best key for the agent's tier cannot win is skipped whole. Every
// contact in a bucket is equally takeable by a given agent except for agents who
// declined it (flagged per entry).
//
// Low-risk contacts of queues with practice on are also kept per (skill, language,
// channel) for practising agents.
//
// Internal to routing. Thread-safety: none.

#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "routing/internal/chunk_set.h"
#include "routing/internal/ids.h"

namespace outpost::routing::internal {

struct CEntry {
  double key = 0;  // priority − aging × arrival seconds: larger first
  uint64_t seq = 0;
  uint32_t contact = 0;
  bool declined_any = false;  // some agent declined it: check the agent before offering
  // Practice entries only: what the contact needs besides the practised skill, so that
  // a practising agent checks it without reading the contact. other_level 0: nothing
  // else; 1–5: skill other_skill at that level; kOthersInContact: read the contact.
  uint8_t other_level = 0;
  uint16_t other_skill = 0;
};
static_assert(sizeof(CEntry) == 24);
inline constexpr uint8_t kOthersInContact = 0xff;
struct CEntryLess {
  bool operator()(const CEntry& a, const CEntry& b) const {
    if (a.key != b.key) return a.key > b.key;
    return a.seq < b.seq;
  }
};
using CSet = ChunkSet<CEntry, CEntryLess, 64>;

struct CSlot;
struct SkillSetBucket;
struct QueueBucket;
struct LevelBucket {
  CSlot* slot = nullptr;  // the buckets it is in (for their counts)
  SkillSetBucket* ssb = nullptr;
  QueueBucket* qb = nullptr;
  uint8_t lv_a = 0;  // minimum level of skill A (0 for kAnySkill)
  uint8_t lv_b = 0;  // minimum level of skill B (0 when single)
  uint8_t tier_lo = 1;  // the ring's tiers
  uint8_t tier_hi = 4;
  uint32_t sig = 0;  // further requirements (0 = none)
  uint32_t pos = 0;  // its place in the queue bucket's `levels` and `heads`
  CSet set;
};
// A level bucket's coordinates and head, kept inline so that an agent's search reads
// one array per queue bucket.
struct LevelHead {
  uint8_t lv_a = 0;
  uint8_t lv_b = 0;
  uint8_t tier_lo = 1;
  uint8_t tier_hi = 4;
  bool empty = true;
  bool declined_any = false;
  uint32_t sig = 0;
  uint32_t contact = 0;
  double key = 0;
  uint64_t seq = 0;
};
struct QueueBucket {
  uint32_t queue = 0;
  uint32_t pos = 0;  // its place in the skill-set bucket's `queues`
  size_t count = 0;
  // Per tier, the largest key of its contacts that tier may take (any level): an agent
  // skips the whole bucket when even this cannot beat the best it has found so far.
  double max_key[kMaxTier + 1] = {};
  std::vector<LevelHead> heads;                      // parallel to `levels`
  std::vector<std::unique_ptr<LevelBucket>> levels;  // never removed
};
// What an agent's search reads of a queue bucket before it visits it: kept inline in
// the skill-set bucket for its first queue buckets (one cache miss for all of them
// rather than one per queue bucket).
struct QueueSum {
  const QueueBucket* qb = nullptr;
  uint32_t queue = 0;
  uint32_t count = 0;
  double max_key[kMaxTier + 1] = {};
};
struct SkillSetBucket {
  static constexpr size_t kInline = 4;
  size_t count = 0;
  uint32_t by_tier[kMaxTier + 1] = {};  // contacts whose ring includes the tier
  SkillId b = kNone;                    // the second skill (kNone: the single bucket)
  std::vector<std::unique_ptr<QueueBucket>> queues;  // (its size on the first cache line)
  QueueSum sums[kInline];               // mirrors of queues[0 … kInline)
};
struct CSlot {
  size_t count = 0;
  uint32_t by_tier[kMaxTier + 1] = {};  // contacts whose ring includes the tier
  // Per tier: bit (B % 64) for every pair bucket (A, B) with contacts the tier may
  // take, so that an agent looks up only pairs that can hold something for it.
  uint64_t pair_mask[kMaxTier + 1] = {};
  SkillSetBucket single;
  std::vector<std::pair<SkillId, std::unique_ptr<SkillSetBucket>>> pairs;  // sorted by B
  std::vector<SkillSetBucket*> pair_at;  // by B: one load instead of a binary search
  const SkillSetBucket* pair(SkillId b) const {
    const SkillSetBucket* const* at = pairSlot(b);
    return at ? *at : nullptr;
  }
  // Where pair(b) is read from (a search prefetches it first), or nullptr.
  const SkillSetBucket* const* pairSlot(SkillId b) const { return b < pair_at.size() ? &pair_at[b] : nullptr; }
};
struct PSlot;
struct PracticeBucket {
  PSlot* slot = nullptr;
  uint32_t queue = 0;
  CSet set;
};
struct PSlot {
  size_t count = 0;
  std::vector<std::unique_ptr<PracticeBucket>> queues;
};

struct CRef {
  LevelBucket* lb = nullptr;
};
struct PRef {
  PracticeBucket* pb = nullptr;
};
// The level bucket a contact is in: at most one, so kept inline rather than in a
// vector (an allocation and a pointer chase per waiting contact).
class CRefs {
 public:
  size_t size() const { return has_ ? 1 : 0; }
  bool empty() const { return !has_; }
  const CRef* begin() const { return &one_; }
  const CRef* end() const { return &one_ + size(); }
  void push_back(CRef r) {
    one_ = r;
    has_ = true;
  }
  void clear() { has_ = false; }

 private:
  CRef one_;
  bool has_ = false;
};
struct ContactIndexState {
  CEntry entry;  // as inserted (erased by it)
  CRefs entries;
  std::vector<PRef> practice;
  bool indexed = false;
};

struct ContactIndexSpec {
  CEntry entry;
  uint32_t queue = 0;
  int ch = 0;
  LangId lang = kNoLang;
  SkillId a = kAnySkill;
  SkillId b = kNone;  // kNone: single
  uint8_t lv_a = 0;
  uint8_t lv_b = 0;
  uint32_t sig = 0;
  uint8_t tier_lo = 1;
  uint8_t tier_hi = 4;
  const std::vector<SkillReq>* practice = nullptr;  // its skills, when low-risk in a practice queue
};

class ContactIndex {
 public:
  void insert(ContactIndexState& state, const ContactIndexSpec& spec);
  void remove(ContactIndexState& state);

  const CSlot* slot(SkillId a, LangId lang, int ch) const {
    const size_t i = slotIndex(a, lang, ch);
    return i < slots_.size() ? slots_[i].get() : nullptr;
  }
  const PSlot* practiceSlot(SkillId skill, LangId lang, int ch) const {
    const size_t i = (static_cast<size_t>(skill) * kMaxLangs + lang) * kChannels + static_cast<size_t>(ch);
    return i < pslots_.size() ? pslots_[i].get() : nullptr;
  }
  size_t entries() const { return entries_; }

  // For invariant checks: every non-empty level bucket with its coordinates.
  template <typename Fn>
  void forEachBucket(Fn fn) const {
    for (size_t i = 0; i < slots_.size(); ++i) {
      const CSlot* s = slots_[i].get();
      if (!s) continue;
      const int ch = static_cast<int>(i % kChannels);
      const auto lang = static_cast<LangId>((i / kChannels) % kMaxLangs);
      const auto a = static_cast<SkillId>(i / kChannels / kMaxLangs);
      auto walk = [&](const SkillSetBucket& ssb, SkillId b) {
        for (const auto& qb : ssb.queues) {
          for (const auto& lb : qb->levels) {
            fn(lb->set, a, b, lang, ch, *qb, *lb);
          }
        }
      };
      walk(s->single, kNone);
      for (const auto& [b, ssb] : s->pairs) walk(*ssb, b);
    }
  }
  // For invariant checks: every slot's and skill-set bucket's per-tier counts, pair
  // masks and inline queue summaries agree with the contacts in its buckets.
  bool tierCountsConsistent() const {
    auto check = [](const SkillSetBucket& ssb, uint32_t* slot_counts) {
      for (size_t k = 0; k < ssb.queues.size() && k < SkillSetBucket::kInline; ++k) {
        const QueueBucket& qb = *ssb.queues[k];
        const QueueSum& sum = ssb.sums[k];
        if (qb.pos != k || sum.qb != &qb || sum.queue != qb.queue || sum.count != qb.count) return false;
        for (int t = 1; t <= kMaxTier; ++t) {
          if (sum.max_key[t] != qb.max_key[t]) return false;
        }
      }
      uint32_t counts[kMaxTier + 1] = {};
      for (const auto& qb : ssb.queues) {
        for (const auto& lb : qb->levels) {
          for (int t = lb->tier_lo; t <= lb->tier_hi; ++t) counts[t] += static_cast<uint32_t>(lb->set.size());
        }
      }
      bool ok = true;
      for (int t = 1; t <= kMaxTier; ++t) {
        ok = ok && counts[t] == ssb.by_tier[t];
        slot_counts[t] += counts[t];
      }
      return ok;
    };
    for (const auto& s : slots_) {
      if (!s) continue;
      uint32_t counts[kMaxTier + 1] = {};
      if (!check(s->single, counts)) return false;
      uint64_t masks[kMaxTier + 1] = {};
      for (const auto& p : s->pairs) {
        if (!check(*p.second, counts) || p.second->b != p.first || s->pair(p.first) != p.second.get()) return false;
        for (int t = 1; t <= kMaxTier; ++t) {
          if (p.second->by_tier[t] > 0) masks[t] |= uint64_t{1} << (p.first % 64);
        }
      }
      for (int t = 1; t <= kMaxTier; ++t) {
        if (counts[t] != s->by_tier[t] || masks[t] != s->pair_mask[t]) return false;
      }
    }
    return true;
  }

  template <typename Fn>
  void forEachPractice(Fn fn) const {
    for (size_t i = 0; i < pslots_.size(); ++i) {
      const PSlot* s = pslots_[i].get();
      if (!s) continue;
      const int ch = static_cast<int>(i % kChannels);
      const auto lang = static_cast<LangId>((i / kChannels) % kMaxLangs);
      const auto skill = static_cast<SkillId>(i / kChannels / kMaxLangs);
      for (const auto& pb : s->queues) {
        if (!pb->set.empty()) fn(pb->set, skill, lang, ch, pb->queue);
      }
    }
  }

 private:
  static size_t slotIndex(SkillId a, LangId lang, int ch) {
    return (static_cast<size_t>(a) * kMaxLangs + lang) * kChannels + static_cast<size_t>(ch);
  }
  CSlot& getSlot(SkillId a, LangId lang, int ch);
  PSlot& getPracticeSlot(SkillId skill, LangId lang, int ch);

  std::vector<std::unique_ptr<CSlot>> slots_;    // never freed: bounded by skills × languages
  std::vector<std::unique_ptr<PSlot>> pslots_;
  size_t entries_ = 0;
};

}  // namespace outpost::routing::internal
