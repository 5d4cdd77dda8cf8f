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
// Slots are keyed by (skill A, language, channel, tier); a contact is in the slot of
// every tier of its current ring (its ring step moves it). Inside, buckets split by
// queue, then by (minimum level of A, of B, signature), and each is ordered by the
// queue's static aging key — priority − aging × arrival — so its head is the contact
// with the highest effective priority at any "now".
//
// An agent enumerates its skills (and pairs of them) for its languages, channels and
// its own tier, and compares the heads of the sub-buckets whose minimum levels (and
// signature) it meets, weighting each queue. Every contact in a sub-bucket is equally
// takeable by a given agent except for agents who declined it (flagged per entry).
//
// Low-risk contacts of queues with practice on are also kept per (skill, language,
// channel) for practising agents.
//
// Internal to routing. Thread-safety: none.

#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "routing/internal/ids.h"

namespace outpost::routing::internal {

struct CEntry {
  double key = 0;  // priority − aging × arrival seconds: larger first
  uint64_t seq = 0;
  uint32_t contact = 0;
  bool declined_any = false;  // some agent declined it: check the agent before offering
};
struct CEntryLess {
  bool operator()(const CEntry& a, const CEntry& b) const {
    if (a.key != b.key) return a.key > b.key;
    return a.seq < b.seq;
  }
};
using CSet = std::set<CEntry, CEntryLess>;

struct LevelBucket {
  uint8_t lv_a = 0;  // minimum level of skill A (0 for kAnySkill)
  uint8_t lv_b = 0;  // minimum level of skill B (0 when single)
  uint32_t sig = 0;  // further requirements (0 = none)
  CSet set;
};
struct QueueBucket {
  uint32_t queue = 0;
  size_t count = 0;
  std::vector<std::unique_ptr<LevelBucket>> levels;
};
struct SkillSetBucket {
  size_t count = 0;
  std::vector<std::unique_ptr<QueueBucket>> queues;
};
struct CSlot {
  size_t count = 0;
  SkillSetBucket single;
  std::vector<std::pair<SkillId, std::unique_ptr<SkillSetBucket>>> pairs;  // sorted by B
  const SkillSetBucket* pair(SkillId b) const;
};
struct PracticeBucket {
  uint32_t queue = 0;
  CSet set;
};
struct PSlot {
  size_t count = 0;
  std::vector<std::unique_ptr<PracticeBucket>> queues;
};

struct CRef {
  CSlot* slot = nullptr;
  SkillSetBucket* ssb = nullptr;
  QueueBucket* qb = nullptr;
  LevelBucket* lb = nullptr;
  CSet::iterator it;
};
struct PRef {
  PSlot* slot = nullptr;
  PracticeBucket* pb = nullptr;
  CSet::iterator it;
};
struct ContactIndexState {
  std::vector<CRef> entries;
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
  int tier_lo = 1;
  int tier_hi = 4;
  const std::vector<SkillReq>* practice = nullptr;  // its skills, when low-risk in a practice queue
};

class ContactIndex {
 public:
  void insert(ContactIndexState& state, const ContactIndexSpec& spec);
  void remove(ContactIndexState& state);

  const CSlot* slot(SkillId a, LangId lang, int ch, int tier) const {
    const size_t i = slotIndex(a, lang, ch, tier);
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
      const int tier = static_cast<int>(i % kMaxTier) + 1;
      const int ch = static_cast<int>((i / kMaxTier) % kChannels);
      const auto lang = static_cast<LangId>((i / kMaxTier / kChannels) % kMaxLangs);
      const auto a = static_cast<SkillId>(i / kMaxTier / kChannels / kMaxLangs);
      auto walk = [&](const SkillSetBucket& ssb, SkillId b) {
        for (const auto& qb : ssb.queues) {
          for (const auto& lb : qb->levels) {
            if (!lb->set.empty()) fn(lb->set, a, b, lang, ch, tier, qb->queue, *lb);
          }
        }
      };
      walk(s->single, kNone);
      for (const auto& [b, ssb] : s->pairs) walk(*ssb, b);
    }
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
  static size_t slotIndex(SkillId a, LangId lang, int ch, int tier) {
    return ((static_cast<size_t>(a) * kMaxLangs + lang) * kChannels + static_cast<size_t>(ch)) * kMaxTier +
           static_cast<size_t>(tier - 1);
  }
  CSlot& getSlot(SkillId a, LangId lang, int ch, int tier);
  PSlot& getPracticeSlot(SkillId skill, LangId lang, int ch);

  std::vector<std::unique_ptr<CSlot>> slots_;    // never freed: bounded by skills × languages
  std::vector<std::unique_ptr<PSlot>> pslots_;
  size_t entries_ = 0;
};

}  // namespace outpost::routing::internal
