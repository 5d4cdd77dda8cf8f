// The decisions: the best agent for a contact, the best contact for an agent who frees
// up, the practice rule, and the Decision record that explains each offer.

#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <limits>

#include "routing/internal/router_impl.h"

namespace outpost::routing {

using internal::AEntry;
using internal::AEntryLess;
using internal::ASet;
using internal::CEntry;
using internal::kAnySkill;
using internal::kAnySkillLevel;
using internal::kChannels;
using internal::kMaxLevel;
using internal::kNoLang;
using internal::kNone;

namespace {

// Counting the eligible agents of a contact that needs several skills, or that some
// agents declined, checks this many candidates (more only while none fits); beyond it
// the Decision reports an upper bound (those found plus the candidates not checked).
// A candidate checked past the best is work for the explanation alone, and at 20,000
// agents the buckets hold far more than this.
constexpr int kEligibleScan = 16;
// Practice looks at most this many practising agents (or low-risk contacts) per
// bucket: practice is an opportunity, never needed for a contact to be served.
constexpr int kPracticeScan = 8;
// An agent skips at most this many contacts it declined at the head of a bucket
// before taking a declined one as a fallback (allowed when no one else is eligible).
constexpr int kDeclinedSkip = 4;

uint64_t bit(internal::SkillId s) { return uint64_t{1} << (s % 64); }

// Merges up to 20 ordered buckets (tiers × levels) and yields their entries in
// strategy order. Each bucket is read through a pointer into its current chunk, so a
// step compares the cached heads only (a contact that needs two skills may step
// through many candidates of up to 20 buckets before one has the second skill).
class Merge {
 public:
  void add(const ASet* set) {
    if (!set || set->empty()) return;
    const auto [first, last] = set->chunk(0);
    ranges_[n_++] = Range{first, last, set, 0};
  }
  // Starts loading every bucket's first entry (their misses overlap).
  void prefetchHeads() const {
    for (int i = 0; i < n_; ++i) __builtin_prefetch(ranges_[static_cast<size_t>(i)].cur);
  }
  const AEntry* next() {
    if (n_ == 0) return nullptr;
    int best = 0;
    for (int i = 1; i < n_; ++i) {
      if (AEntryLess()(*ranges_[i].cur, *ranges_[best].cur)) best = i;
    }
    Range& r = ranges_[best];
    const AEntry* e = r.cur;
    if (++r.cur == r.end) {
      if (++r.chunk < r.set->chunkCount()) {
        const auto [first, last] = r.set->chunk(r.chunk);
        r.cur = first;
        r.end = last;
      } else {
        r = ranges_[--n_];  // the order of the ranges does not matter: no two heads are equal
      }
    }
    return e;
  }

 private:
  struct Range {
    const AEntry* cur;
    const AEntry* end;
    const ASet* set;
    size_t chunk;
  };
  std::array<Range, (kMaxLevel + 1) * (internal::kMaxTier + 1)> ranges_;
  int n_ = 0;
};

// Appends to one string: a decision's summary is built in place, without the
// temporaries of `a + b + c` (no locale, no printf).
class Line {
 public:
  explicit Line(std::string& out) : out_(out) { out_.reserve(160); }
  Line& operator<<(std::string_view s) {
    out_.append(s);
    return *this;
  }
  Line& operator<<(int64_t v) {
    char buf[24];
    return append(std::to_chars(buf, buf + sizeof buf, v), buf);
  }
  Line& operator<<(int v) { return *this << static_cast<int64_t>(v); }
  // `v` with `decimals` digits after the point.
  Line& fixed(double v, int decimals) {
    char buf[32];
    return append(std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals), buf);
  }

 private:
  Line& append(std::to_chars_result r, const char* buf) {
    if (r.ec == std::errc()) {
      out_.append(buf, static_cast<size_t>(r.ptr - buf));
    } else {
      out_.push_back('?');
    }
    return *this;
  }
  std::string& out_;
};

}  // namespace

// ------------------------------------------------------------------------------------
// contact → agent

Router::Impl::AgentPick Router::Impl::pickAgent(const Contact& c) const {
  AgentPick pick;
  if (c.lang == kNoLang) return pick;
  const int s = queues_[c.queue]->strategy;
  if (!(strategies_[c.ch] & (1u << s))) return pick;  // cannot happen: setQueue indexes it
  // The most selective required skill: the fewest available agents in the ring at or
  // above its minimum level.
  SkillId skill = kAnySkill;
  int min_level = kAnySkillLevel;
  size_t total = 0;
  auto count = [&](SkillId sk, int lv) { return agent_index_.count(sk, c.lang, c.ch, s, c.ring_lo, c.ring_hi, lv); };
  if (c.reqs.empty()) {
    total = count(kAnySkill, kAnySkillLevel);
  } else {
    total = std::numeric_limits<size_t>::max();
    for (const SkillReq& r : c.reqs) {
      const size_t n = count(r.skill, r.level);
      if (n < total) {
        total = n;
        skill = r.skill;
        min_level = r.level;
      }
    }
  }
  if (total == 0) return pick;
  uint64_t need64 = 0;
  for (const SkillReq& r : c.reqs) {
    if (r.skill != skill) need64 |= bit(r.skill);
  }
  const uint32_t need = internal::foldMask(need64);
  Merge merge;
  std::array<const ASet*, (kMaxLevel + 1) * (internal::kMaxTier + 1)> sets;
  const int nsets = agent_index_.buckets(skill, c.lang, c.ch, s, c.ring_lo, c.ring_hi, min_level, sets.data());
  for (int i = 0; i < nsets; ++i) merge.add(sets[static_cast<size_t>(i)]);
  merge.prefetchHeads();
  auto fits = [&](const AEntry& e) {
    if ((e.mask & need) != need) return false;
    if (c.reqs.size() <= 1) return true;
    const internal::SkillLevels& held = skill_levels_[e.agent];
    for (const SkillReq& r : c.reqs) {
      if (r.skill == skill) continue;
      const int level = held.partial ? agents_[e.agent]->levelOf(r.skill) : held.levelOf(r.skill);
      if (level < r.level) return false;
    }
    return true;
  };
  const bool simple = c.reqs.size() <= 1 && c.declined.empty();
  Agent* best = nullptr;
  Agent* fallback = nullptr;
  int eligible = 0;
  int declined_eligible = 0;
  int checked = 0;
  CandidateRanker* const ranker = ranker_ && ranker_->enabled() ? ranker_ : nullptr;
  std::vector<Agent*> ranked;
  while (const AEntry* e = merge.next()) {
    ++checked;
    if (fits(*e)) {
      Agent* a = agents_[e->agent].get();
      if (!c.declined.empty() && c.declinedBy(a->serial)) {
        if (!fallback) fallback = a;
        ++declined_eligible;
      } else {
        if (!best) best = a;
        ++eligible;
        if (ranker && ranked.size() < kRankCandidates) ranked.push_back(a);
      }
    }
    if (simple && best && !ranker) break;
    if (checked >= kEligibleScan && best) break;
  }
  if (ranked.size() > 1) {  // plugins: rank_candidates may pick another eligible agent
    std::vector<const AgentProfile*> profiles;
    for (const Agent* a : ranked) profiles.push_back(&a->profile);
    if (auto i = ranker->choose(c.view, profiles, now_); i && *i < ranked.size()) best = ranked[*i];
  }
  if (best) {
    pick.agent = best;
    if (simple) {
      pick.eligible = static_cast<int>(total);
    } else if (static_cast<size_t>(checked) < total) {
      pick.eligible = eligible + static_cast<int>(total) - checked;  // upper bound
      pick.exact = false;
    } else {
      pick.eligible = eligible;
    }
  } else if (fallback) {
    pick.agent = fallback;
    pick.fallback = true;
    pick.eligible = declined_eligible;
  }
  return pick;
}

bool Router::Impl::practiceOpen(const QueueState& q) const {
  const QueuePolicy& p = q.policy;
  if (!p.practice_enabled || p.practice_max_share <= 0) return false;
  // The share after this offer stays within the cap.
  if (static_cast<double>(q.practice_offers + 1) >
      p.practice_max_share * static_cast<double>(q.offers + 1) + 1e-9) {
    return false;
  }
  return q.serviceLevel() * 100.0 >= p.sl_target_pct;
}

Router::Impl::AgentPick Router::Impl::pickPracticeAgent(const Contact& c) const {
  AgentPick pick;
  if (c.lang == kNoLang || c.reqs.empty()) return pick;
  const AEntry* best = nullptr;
  for (const SkillReq& practised : c.reqs) {
    const ASet* set = agent_index_.practice(practised.skill, c.lang, c.ch);
    if (!set) continue;
    int n = 0;
    for (const AEntry& e : *set) {
      if (++n > kPracticeScan) break;
      const Agent& a = *agents_[e.agent];
      bool ok = !c.declinedBy(a.serial);
      for (const SkillReq& r : c.reqs) {
        if (ok && r.skill != practised.skill && a.levelOf(r.skill) < r.level) ok = false;
      }
      if (!ok) continue;
      ++pick.eligible;
      if (!best || AEntryLess()(e, *best)) {
        best = &e;
        pick.practice_skill = practised.skill;
      }
      break;
    }
  }
  if (best) {
    pick.agent = agents_[best->agent].get();
    pick.practice = true;
  }
  return pick;
}

// ------------------------------------------------------------------------------------
// agent → contact

Router::Impl::ContactPick Router::Impl::pickContact(const Agent& a) const {
  ContactPick best;
  ContactPick fallback;
  uint64_t best_seq = 0;
  uint64_t fallback_seq = 0;
  const double now_s = seconds(now_);
  auto consider = [](ContactPick& slot, uint64_t& slot_seq, Contact* c, double eff, uint64_t seq) {
    if (!slot.contact || eff > slot.eff || (eff == slot.eff && seq < slot_seq)) {
      slot.contact = c;
      slot.eff = eff;
      slot_seq = seq;
    }
  };
  // Visits one queue bucket: the heads of its level buckets the agent qualifies for.
  auto visitQueue = [&](const internal::QueueBucket& qb, int la, int lb) {
    const QueuePolicy& p = queues_[qb.queue]->policy;
    for (size_t i = 0; i < qb.heads.size(); ++i) {
      const internal::LevelHead& h = qb.heads[i];
      if (h.empty || h.lv_a > la || h.lv_b > lb || a.tier < h.tier_lo || a.tier > h.tier_hi) continue;
      if (h.sig != 0 && !meetsSig(a, h.sig)) continue;
      const double head_eff = p.weight * (h.key + p.aging_per_s * now_s);
      if (!h.declined_any || !contacts_[h.contact]->declinedBy(a.serial)) {
        consider(best, best_seq, contacts_[h.contact].get(), head_eff, h.seq);
        continue;
      }
      // The head was declined by this agent: look a little further.
      int skipped = 0;
      for (const CEntry& e : qb.levels[i]->set) {
        const double eff = p.weight * (e.key + p.aging_per_s * now_s);
        if (e.declined_any && contacts_[e.contact]->declinedBy(a.serial)) {
          consider(fallback, fallback_seq, contacts_[e.contact].get(), eff, e.seq);
          if (++skipped >= kDeclinedSkip) break;
          continue;
        }
        consider(best, best_seq, contacts_[e.contact].get(), eff, e.seq);
        break;
      }
    }
  };
  // First the queue buckets the agent could take from, each with an upper bound of
  // what it holds for the agent's tier; then the most promising one is read first, so
  // that the bound prunes most of the others whole.
  struct Candidate {
    const internal::QueueBucket* qb;
    int la;
    int lb;
    double bound;
  };
  std::array<Candidate, 128> cands;
  size_t n = 0;
  size_t top = 0;
  auto collect = [&](const internal::SkillSetBucket& ssb, int la, int lb) {
    const size_t nq = ssb.queues.size();
    for (size_t k = 0; k < nq; ++k) {
      // The inline summary for the first queue buckets; the bucket itself after those.
      const internal::QueueBucket* qb;
      uint32_t queue;
      double max_key;
      if (k < internal::SkillSetBucket::kInline) {
        const internal::QueueSum& sum = ssb.sums[k];
        if (sum.count == 0) continue;
        qb = sum.qb;
        queue = sum.queue;
        max_key = sum.max_key[a.tier];
      } else {
        qb = ssb.queues[k].get();
        if (qb->count == 0) continue;
        queue = qb->queue;
        max_key = qb->max_key[a.tier];
      }
      if (max_key == -std::numeric_limits<double>::infinity()) continue;
      const QueuePolicy& p = queues_[queue]->policy;
      const double bound = p.weight * (max_key + p.aging_per_s * now_s);
      if (n == cands.size()) {  // more than fit: read them as they come
        if (!best.contact || bound >= best.eff) visitQueue(*qb, la, lb);
        continue;
      }
      if (n > 0 && bound > cands[top].bound) top = n;
      __builtin_prefetch(qb);  // its heads vector, for the visit
      __builtin_prefetch(reinterpret_cast<const char*>(qb) + 64);
      cands[n++] = Candidate{qb, la, lb, bound};
    }
  };
  // The skill-set buckets to collect from are found in dependent steps: the slot of
  // each of the agent's skills per language and channel, the pair buckets its masks
  // point at, then each bucket's inline queue summaries. Each step is taken for every
  // bucket before the next, prefetching what the next one reads, so that the misses
  // of independent buckets overlap (at 100,000 waiting contacts the index is far
  // larger than the caches, and one bucket after the other they would add up). Past
  // the arrays' room, buckets are read one by one.
  const int t = a.tier;
  struct SlotVisit {
    const internal::CSlot* slot;
    size_t i;  // the skill's place in a.skills (a.skills.size() for kAnySkill)
  };
  struct PairVisit {
    const internal::SkillSetBucket* const* at;  // then the bucket, in `ssb`
    const internal::SkillSetBucket* ssb;
    int la;
    int lb;
  };
  std::array<SlotVisit, 64> slots;
  std::array<PairVisit, 192> pairs;
  size_t ns = 0;
  size_t np = 0;
  auto prefetchLines = [](const void* p, int lines) {
    for (int k = 0; k < lines; ++k) __builtin_prefetch(static_cast<const char*>(p) + 64 * k);
  };
  auto visitPair = [&](const internal::SkillSetBucket* ssb, int la, int lb) {
    if (ssb && ssb->by_tier[t]) collect(*ssb, la, lb);
  };
  auto visitSlot = [&](const internal::CSlot& slot, size_t i) {
    const bool any = i == a.skills.size();
    if (slot.by_tier[t] == 0) return;
    const int la = any ? kAnySkillLevel : a.skills[i].level;
    if (slot.single.by_tier[t]) collect(slot.single, la, 0);
    if (any) return;
    const uint64_t mask = slot.pair_mask[t];
    if (mask == 0) return;
    for (size_t j = i + 1; j < a.skills.size(); ++j) {
      if (!(mask & bit(a.skills[j].skill))) continue;
      const internal::SkillSetBucket* const* at = slot.pairSlot(a.skills[j].skill);
      if (!at) continue;
      if (np == pairs.size()) {
        visitPair(*at, la, a.skills[j].level);
        continue;
      }
      __builtin_prefetch(at);
      pairs[np++] = PairVisit{at, nullptr, la, a.skills[j].level};
    }
  };
  // Step 1: the slots (their counts and masks, and the single bucket's summaries).
  for (int ch = 0; ch < kChannels; ++ch) {
    if (!availableOn(a, ch)) continue;
    for (LangId lang : a.langs) {
      for (size_t i = 0; i <= a.skills.size(); ++i) {
        const SkillId skill = i == a.skills.size() ? kAnySkill : a.skills[i].skill;
        const internal::CSlot* slot = contact_index_.slot(skill, lang, ch);
        if (!slot) continue;
        if (ns == slots.size()) {
          visitSlot(*slot, i);
          continue;
        }
        prefetchLines(slot, 4);
        slots[ns++] = SlotVisit{slot, i};
      }
    }
  }
  // Step 2: the singles, and where the pair buckets are.
  for (size_t k = 0; k < ns; ++k) visitSlot(*slots[k].slot, slots[k].i);
  // Step 3: the pair buckets themselves, then their summaries.
  for (size_t k = 0; k < np; ++k) {
    pairs[k].ssb = *pairs[k].at;
    if (pairs[k].ssb) prefetchLines(pairs[k].ssb, 3);
  }
  for (size_t k = 0; k < np; ++k) visitPair(pairs[k].ssb, pairs[k].la, pairs[k].lb);
  if (n > 0) {
    __builtin_prefetch(cands[top].qb->heads.data());
    // The most promising bucket first; then only those whose bound can still beat
    // (or tie) the best found, best bound first, so that each visit prunes the rest.
    visitQueue(*cands[top].qb, cands[top].la, cands[top].lb);
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i != top && !(best.contact && cands[i].bound < best.eff)) cands[m++] = cands[i];
    }
    std::sort(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(m),
              [](const Candidate& x, const Candidate& y) { return x.bound > y.bound; });
    // The heads of the first few to visit start loading while the first is read.
    for (size_t i = 0; i < m && i < 4; ++i) __builtin_prefetch(cands[i].qb->heads.data());
    for (size_t i = 0; i < m; ++i) {
      if (best.contact && cands[i].bound < best.eff) break;
      visitQueue(*cands[i].qb, cands[i].la, cands[i].lb);
    }
  }
  if (best.contact) return best;
  fallback.fallback = fallback.contact != nullptr;
  return fallback;
}

Router::Impl::ContactPick Router::Impl::pickPracticeContact(const Agent& a) const {
  ContactPick best;
  uint64_t best_seq = 0;
  if (a.practice.empty()) return best;
  const double now_s = seconds(now_);
  for (int ch = 0; ch < kChannels; ++ch) {
    if (!availableOn(a, ch)) continue;
    for (LangId lang : a.langs) {
      for (SkillId practised : a.practice) {
        const internal::PSlot* ps = contact_index_.practiceSlot(practised, lang, ch);
        if (!ps || ps->count == 0) continue;
        for (const auto& pb : ps->queues) {
          if (pb->set.empty()) continue;
          const QueueState& q = *queues_[pb->queue];
          if (!practiceOpen(q)) continue;
          int n = 0;
          for (const CEntry& e : pb->set) {
            if (++n > kPracticeScan) break;
            bool ok;
            if (e.declined_any || e.other_level == internal::kOthersInContact) {
              const Contact& c = *contacts_[e.contact];
              ok = !c.declinedBy(a.serial);
              for (const SkillReq& r : c.reqs) {
                if (ok && r.skill != practised && a.levelOf(r.skill) < r.level) ok = false;
              }
            } else {  // the entry says what else it needs: the contact is not read
              ok = e.other_level == 0 || a.levelOf(e.other_skill) >= e.other_level;
            }
            if (!ok) continue;
            const double eff = q.policy.weight * (e.key + q.policy.aging_per_s * now_s);
            if (!best.contact || eff > best.eff || (eff == best.eff && e.seq < best_seq)) {
              best.contact = contacts_[e.contact].get();
              best.eff = eff;
              best.practice = true;
              best.practice_skill = practised;
              best_seq = e.seq;
            }
            break;
          }
        }
      }
    }
  }
  return best;
}

// ------------------------------------------------------------------------------------
// the record

// "T1–T2", or "any eligible (T1–T4)" once the last step has passed.
void Router::Impl::ringName(std::string& out, int step, int lo, int hi, const Contact& c) const {
  const bool any = step >= static_cast<int>(c.steps->size());
  Line l(out);
  if (any) l << "any eligible (";
  l << "T" << lo;
  if (hi != lo) l << "\u2013T" << hi;
  if (any) l << ")";
}

Decision Router::Impl::makeDecision(const Contact& c, const Agent& a, std::string_view trigger,
                                    const AgentPick& pick, bool agent_side) const {
  const QueueState& q = *queues_[c.queue];
  Decision d;
  d.contact_id = c.view.spec->id;
  d.agent_id = a.profile.id;
  d.at = now_;
  d.trigger = std::string(trigger);
  d.queue = q.policy.code;
  d.strategy = pick.practice ? "practice" : std::string(strategyName(q.policy.strategy));
  d.ring_step = c.ring_step;
  d.ring_min_tier = c.ring_lo;
  d.ring_max_tier = c.ring_hi;
  d.eligible = std::max(1, pick.eligible);
  d.practice = pick.practice;
  d.agent_tier = a.tier;
  d.agent_level = c.first_skill == kNone ? 0 : a.levelOf(c.first_skill);
  d.idle_for = std::max(Millis(0), now_ - a.view.available_since);
  d.reward_score = a.reward;
  d.occupancy = occupancy(a, now_);
  d.effective_priority = effective(c);

  Line l(d.summary);
  auto who = [&] { l << "T" << a.tier << " agent " << a.profile.id; };
  auto skill = [&] {
    if (c.first_skill == kNone) {
      l << "no skill required";
    } else {
      l << skills_.name(c.first_skill) << " " << d.agent_level;
    }
  };
  if (pick.practice) {
    const SkillReq* need = nullptr;
    for (const SkillReq& r : c.reqs) {
      if (r.skill == pick.practice_skill) need = &r;
    }
    who();
    l << " practising " << skills_.name(pick.practice_skill) << " (level " << a.levelOf(pick.practice_skill)
      << ", contact asks " << (need ? need->level : 0) << "): low-risk " << c.view.spec->segment
      << " contact, practice offers " << q.practice_offers + 1 << " of " << q.offers + 1 << " in queue "
      << q.policy.code << " (cap ";
    l.fixed(q.policy.practice_max_share * 100, 0) << "%), service level ";
    l.fixed(q.serviceLevel() * 100, 0) << "% \u2265 target " << q.policy.sl_target_pct << "%";
  } else if (agent_side) {
    who();
    l << " (";
    skill();
    l << ") became free and takes the waiting contact with the highest effective priority (";
    l.fixed(d.effective_priority, 1) << ") it can serve, in queue " << q.policy.code << ", ring ";
    ringName(d.summary, c.ring_step, c.ring_lo, c.ring_hi, c);
  } else {
    who();
    l << " (";
    skill();
    l << "), ";
    switch (q.policy.strategy) {
      case Strategy::kLongestIdle:
        l << "idle " << static_cast<int64_t>(d.idle_for.count() / 1000) << " s, longest idle";
        break;
      case Strategy::kLeastOccupied:
        l << "occupancy ";
        l.fixed(d.occupancy * 100, 0) << "%, least occupied";
        break;
      case Strategy::kRewardWeighted:
        l << "reward ";
        l.fixed(d.reward_score, 2) << ", reward-weighted pick";
        break;
    }
    l << (pick.exact ? " of " : " of up to ") << d.eligible << " in ";
    ringName(d.summary, c.ring_step, c.ring_lo, c.ring_hi, c);
  }
  if (pick.fallback) l << "; offered again: no one else is eligible";
  return d;
}

}  // namespace outpost::routing
