// checkInvariants(): the indices and counters recomputed by brute force and compared
// with what the router maintains incrementally. For tests; O(agents × contacts).

#include <algorithm>
#include <limits>
#include <map>

#include "routing/internal/router_impl.h"

namespace outpost::routing {

using internal::kChannels;
using internal::kNoLang;
using internal::kNone;

namespace {

Status bad(const std::string& what) { return Status::internal("router invariant: " + what); }

// A bucket's coordinates in one number (strategy -1 = practice).
uint64_t packBucket(uint32_t skill, uint32_t lang, int ch, int level, int tier, int strategy) {
  return (uint64_t{skill} << 24) | (uint64_t{lang} << 16) | (static_cast<uint64_t>(ch) << 12) |
         (static_cast<uint64_t>(level) << 8) | (static_cast<uint64_t>(tier) << 4) |
         static_cast<uint64_t>(strategy + 1);
}

int requiredLevel(const AgentProfile& p, const std::string& skill) {
  int level = 0;
  for (const auto& s : p.skills) {
    if (s.skill_code == skill) level = std::max(level, s.level);
  }
  return level;
}

}  // namespace

Status Router::Impl::checkInvariants() const {
  // --- contacts and agents' work ---------------------------------------------------
  std::map<uint32_t, std::vector<uint32_t>> work;  // agent → contacts found with it
  std::vector<int> waiting(queues_.size()), offered(queues_.size()), unanswered(queues_.size());
  size_t live = 0;
  size_t contact_entries = 0;
  for (const auto& cp : contacts_) {
    if (!cp) continue;
    const Contact& c = *cp;
    ++live;
    const std::string& id = c.view.spec->id;
    auto it = contact_ids_.find(id);
    if (it == contact_ids_.end() || it->second != c.idx) return bad("contact " + id + " not in the id map");
    if (isTerminal(c.view.state)) return bad("terminal contact " + id + " still live");
    const QueueState& q = *queues_[c.queue];
    if (c.steps != &q.stepsFor(c.view.spec->segment)) return bad("contact " + id + " has stale ring steps");
    const auto n_steps = static_cast<int>(c.steps->size());
    if (c.ring_step < n_steps) {
      const RingStep& st = (*c.steps)[static_cast<size_t>(c.ring_step)];
      if (st.min_tier != c.ring_lo || st.max_tier != c.ring_hi) return bad("contact " + id + " ring tiers");
    } else if (c.ring_lo != 1 || c.ring_hi != internal::kMaxTier) {
      return bad("contact " + id + " any-eligible ring tiers");
    }
    contact_entries += c.index.entries.size() + c.index.practice.size();
    const bool in_unanswered = q.unanswered.contains({toEpochMillis(c.view.spec->arrived_at), c.seq, c.idx});
    switch (c.view.state) {
      case ContactState::kQueued: {
        ++waiting[c.queue];
        if (!in_unanswered) return bad("queued contact " + id + " missing from the arrival order");
        if (!c.index.indexed || !c.in_order) return bad("queued contact " + id + " not indexed");
        if (c.agent != kNone || c.view.agent_id) return bad("queued contact " + id + " has an agent");
        if (c.offer_timer || c.wrap_timer) return bad("queued contact " + id + " has offer/wrap-up timers");
        if (c.ring_step < n_steps && c.ring_timer == 0)
          return bad("queued contact " + id + " has no ring timer");
        if (c.index.entries.size() != (c.lang == kNoLang ? 0u : 1u))
          return bad("queued contact " + id + " entries");
        const size_t practice = c.low_risk && c.lang != kNoLang ? c.reqs.size() : 0;
        if (c.index.practice.size() != practice)
          return bad("queued contact " + id + " has wrong practice entries");
        const internal::CEntry& e = c.index.entry;
        if (e.contact != c.idx || e.seq != c.seq || e.key != c.key || e.declined_any != !c.declined.empty()) {
          return bad("queued contact " + id + " entry key");
        }
        for (const internal::CRef& r : c.index.entries) {
          if (!r.lb->set.contains(e)) return bad("queued contact " + id + " missing from its bucket");
          if (r.lb->qb->queue != c.queue) return bad("queued contact " + id + " in another queue's bucket");
          const int lv_a = c.reqs.empty() ? 0 : c.reqs[0].level;
          const int lv_b = c.reqs.size() >= 2 ? c.reqs[1].level : 0;
          if (r.lb->lv_a != lv_a || r.lb->lv_b != lv_b || r.lb->sig != c.sig || r.lb->tier_lo != c.ring_lo ||
              r.lb->tier_hi != c.ring_hi) {
            return bad("queued contact " + id + " in the wrong level bucket");
          }
        }
        for (const internal::PRef& r : c.index.practice) {
          if (!r.pb->set.contains(e)) return bad("queued contact " + id + " missing from a practice bucket");
        }
        if (!c.index.practice.empty() && !c.low_risk) return bad("contact " + id + " practice-indexed");
        break;
      }
      case ContactState::kOffered:
        ++offered[c.queue];
        if (!in_unanswered) return bad("offered contact " + id + " missing from the arrival order");
        if (c.index.indexed || c.in_order || !c.index.entries.empty())
          return bad("offered contact " + id + " indexed");
        if (c.offer_timer == 0) return bad("offered contact " + id + " has no offer timer");
        [[fallthrough]];
      case ContactState::kConnected:
      case ContactState::kWrapUp: {
        if (c.view.state != ContactState::kOffered && in_unanswered)
          return bad("answered contact " + id + " waits");
        if (c.view.state != ContactState::kOffered && c.ring_timer)
          return bad("answered contact " + id + " ring timer");
        if (c.view.state != ContactState::kOffered && (c.index.indexed || c.in_order)) {
          return bad("answered contact " + id + " indexed");
        }
        if (c.agent == kNone || c.agent >= agents_.size() || !agents_[c.agent]) {
          return bad("contact " + id + " has no agent");
        }
        if (c.view.agent_id != agents_[c.agent]->profile.id) return bad("contact " + id + " agent id");
        work[c.agent].push_back(c.idx);
        break;
      }
      default:
        return bad("contact " + id + " in a terminal state");
    }
  }
  if (live != contact_ids_.size()) return bad("id map size");
  if (contact_entries != contact_index_.entries()) return bad("contact index entry count");
  size_t bucket_entries = 0;
  Status status;
  contact_index_.forEachBucket([&](const internal::CSet& set, SkillId a, SkillId b, LangId lang, int ch,
                                   const internal::QueueBucket& qb, const internal::LevelBucket& lb) {
    const uint32_t queue = qb.queue;
    bucket_entries += set.size();
    if (!set.valid()) status = bad("a contact bucket is out of order");
    const internal::LevelHead& h = qb.heads[lb.pos];
    if (h.empty != set.empty() || h.lv_a != lb.lv_a || h.lv_b != lb.lv_b || h.sig != lb.sig ||
        h.tier_lo != lb.tier_lo || h.tier_hi != lb.tier_hi ||
        (!set.empty() && (h.key != set.front().key || h.seq != set.front().seq ||
                          h.contact != set.front().contact || h.declined_any != set.front().declined_any))) {
      status = bad("a contact bucket's cached head is stale");
    }
    for (int t = 1; t <= internal::kMaxTier; ++t) {
      double best = -std::numeric_limits<double>::infinity();
      for (const auto& other : qb.heads) {
        if (!other.empty && other.tier_lo <= t && t <= other.tier_hi) best = std::max(best, other.key);
      }
      if (best != qb.max_key[t]) status = bad("a queue bucket's max key is stale");
    }
    for (const internal::CEntry& e : set) {
      if (!status.isOk()) return;
      const Contact* c = e.contact < contacts_.size() ? contacts_[e.contact].get() : nullptr;
      if (!c || c->seq != e.seq || c->view.state != ContactState::kQueued) {
        status = bad("a contact bucket holds a contact that is not waiting");
        return;
      }
      const SkillId ea = c->reqs.empty() ? internal::kAnySkill : c->reqs[0].skill;
      const SkillId eb = c->reqs.size() >= 2 ? c->reqs[1].skill : kNone;
      if (ea != a || eb != b || c->lang != lang || c->ch != ch || c->queue != queue ||
          lb.tier_lo != c->ring_lo || lb.tier_hi != c->ring_hi || lb.sig != c->sig) {
        status = bad("contact " + c->view.spec->id + " in the wrong bucket");
      }
    }
  });
  OUTPOST_RETURN_IF_ERROR(status);
  if (!contact_index_.tierCountsConsistent()) return bad("contact index tier counts");
  contact_index_.forEachPractice([&](const internal::CSet& set, SkillId skill, LangId lang, int ch,
                                     uint32_t queue) {
    bucket_entries += set.size();
    for (const internal::CEntry& e : set) {
      if (!status.isOk()) return;
      const Contact* c = e.contact < contacts_.size() ? contacts_[e.contact].get() : nullptr;
      if (!c || c->view.state != ContactState::kQueued || !c->low_risk || c->lang != lang || c->ch != ch ||
          c->queue != queue ||
          std::none_of(c->reqs.begin(), c->reqs.end(), [&](const SkillReq& r) { return r.skill == skill; })) {
        status = bad("a practice bucket holds a wrong contact");
      }
    }
  });
  OUTPOST_RETURN_IF_ERROR(status);
  if (bucket_entries != contact_index_.entries()) return bad("contact buckets hold stray entries");

  for (const auto& qp : queues_) {
    const QueueState& q = *qp;
    if (q.waiting != waiting[q.idx]) return bad("queue " + q.policy.code + " waiting count");
    if (q.offered != offered[q.idx]) return bad("queue " + q.policy.code + " offered count");
    if (q.unanswered.size() != static_cast<size_t>(q.waiting + q.offered)) {
      return bad("queue " + q.policy.code + " arrival order size");
    }
    if (q.order.size() != static_cast<size_t>(q.waiting))
      return bad("queue " + q.policy.code + " rank tree size");
    if (static_cast<double>(q.practice_offers) >
            q.policy.practice_max_share * static_cast<double>(q.offers) + 1e-9 &&
        q.practice_offers > 0) {
      return bad("queue " + q.policy.code + " practice share above its cap");
    }
  }

  // --- agents ----------------------------------------------------------------------
  size_t agent_set_entries = 0;
  bool sets_valid = true;
  agent_index_.forEachSet([&](const internal::ASet& set, SkillId skill, LangId lang, int ch, int lv, int t, int s) {
    agent_set_entries += set.size();
    sets_valid = sets_valid && set.valid();
    if (s >= 0) {
      sets_valid = sets_valid && agent_index_.countOf(skill, lang, ch, lv, t, s) == set.size();
    }
  });
  if (!sets_valid) return bad("an agent bucket is out of order or miscounted");
  if (agent_set_entries != agent_index_.entries()) return bad("agent buckets hold stray entries");
  const internal::AgentIndex::Locator locator(agent_index_);
  size_t agent_entries = 0;
  for (const auto& ap : agents_) {
    if (!ap) continue;
    const Agent& a = *ap;
    const std::string& id = a.profile.id;
    auto it = agent_ids_.find(id);
    if (it == agent_ids_.end() || it->second != a.idx) return bad("agent " + id + " not in the id map");
    if (a.idx >= skill_levels_.size()) return bad("agent " + id + " has no skill-level line");
    if (const internal::SkillLevels& held = skill_levels_[a.idx]; !held.partial) {
      if (held.n != a.skills.size()) return bad("agent " + id + " skill-level line size");
      for (const SkillReq& r : a.skills) {
        if (held.levelOf(r.skill) != r.level) return bad("agent " + id + " skill-level line");
      }
    }
    std::vector<uint32_t> expect = work[a.idx];
    std::vector<uint32_t> have = a.work;
    std::sort(expect.begin(), expect.end());
    std::sort(have.begin(), have.end());
    if (expect != have) return bad("agent " + id + " work list");
    int off[kChannels] = {0, 0}, con[kChannels] = {0, 0}, wrap = 0;
    for (uint32_t idx : have) {
      const Contact& c = *contacts_[idx];
      if (c.view.state == ContactState::kOffered) ++off[c.ch];
      if (c.view.state == ContactState::kConnected) ++con[c.ch];
      if (c.view.state == ContactState::kWrapUp) ++wrap;
    }
    for (int ch = 0; ch < kChannels; ++ch) {
      if (off[ch] != a.offered[ch] || con[ch] != a.connected[ch]) return bad("agent " + id + " work counts");
      if (a.active(ch) > a.capacity(ch)) return bad("agent " + id + " over capacity");
    }
    if (wrap != a.wrapups) return bad("agent " + id + " wrap-up count");
    if (a.view.voice_active != a.active(0) || a.view.chat_active != a.active(1))
      return bad("agent " + id + " view");
    // Presence shown.
    site::PresenceState shown = a.base.state;
    if (!a.work.empty()) {
      shown = a.connectedTotal() ? site::PresenceState::kBusy
              : a.offeredTotal() ? site::PresenceState::kReserved
                                 : site::PresenceState::kWrapUp;
    } else if (a.pending) {
      return bad("agent " + id + " has a pending change without work");
    }
    if (a.view.presence.state != shown) return bad("agent " + id + " shows the wrong presence");
    if (a.delayed != (a.delay_timer != 0)) return bad("agent " + id + " delay timer");
    // Index membership and keys.
    uint8_t channels = 0;
    for (int ch = 0; ch < kChannels; ++ch) {
      if (availableOn(a, ch)) channels |= static_cast<uint8_t>(1u << ch);
    }
    if (channels != a.index.channels) return bad("agent " + id + " indexed on the wrong channels");
    for (int ch = 0; ch < kChannels; ++ch) agent_entries += a.index.entries[ch].size();
    const internal::AgentIndexSpec spec = indexSpec(a);
    for (int ch = 0; ch < kChannels; ++ch) {
      const auto cc = static_cast<size_t>(ch);
      const auto& entries = a.index.entries[cc];
      if (!(channels & (1u << ch))) {
        if (!entries.empty()) return bad("agent " + id + " indexed while unavailable");
        continue;
      }
      if (a.index.strategies[cc] != strategies_[cc])
        return bad("agent " + id + " indexed for other strategies");
      std::vector<uint64_t> want, got;
      for (LangId lang : a.langs) {
        for (int s = 0; s < internal::kStrategies; ++s) {
          if (!(strategies_[cc] & (1u << s))) continue;
          if (any_skill_index_) {
            want.push_back(packBucket(internal::kAnySkill, lang, ch, internal::kAnySkillLevel, a.tier, s));
          }
          for (const SkillReq& r : a.skills)
            want.push_back(packBucket(r.skill, lang, ch, r.level, a.tier, s));
        }
        for (SkillId p : a.practice) want.push_back(packBucket(p, lang, ch, 0, 0, -1));
      }
      for (const auto& [set, count, kind] : entries) {
        uint64_t coords = 0;
        if (!locator.find(set, packBucket, &coords)) return bad("agent " + id + " entry in an unknown set");
        if ((count == nullptr) != (kind < 0) || (count && *count != set->size()))
          return bad("agent " + id + " entry count");
        got.push_back(coords);
        const int s = static_cast<int>(coords & 0xf) - 1;
        if (s != kind) return bad("agent " + id + " entry kind");
        internal::AEntry k = s < 0 ? spec.practice_key[cc] : spec.keys[cc][static_cast<size_t>(s)];
        k.agent = a.idx;
        const internal::AEntry* found = set->find(k);
        if (!found) return bad("agent " + id + " entry key");
        if (found->mask != internal::foldMask(a.mask)) return bad("agent " + id + " entry mask");
      }
      std::sort(want.begin(), want.end());
      std::sort(got.begin(), got.end());
      if (want != got) return bad("agent " + id + " is in the wrong buckets");
    }
  }
  if (agent_entries != agent_index_.entries()) return bad("agent index entry count");

  // --- nobody waits while an agent is free for them ---------------------------------
  std::vector<const Agent*> free_on[kChannels];
  for (const auto& ap : agents_) {
    for (int ch = 0; ch < kChannels; ++ch) {
      if (ap && availableOn(*ap, ch)) free_on[ch].push_back(ap.get());
    }
  }
  for (const auto& cp : contacts_) {
    if (!cp || cp->view.state != ContactState::kQueued) continue;
    const Contact& c = *cp;
    for (const Agent* a : free_on[c.ch]) {
      if (a->tier < c.ring_lo || a->tier > c.ring_hi) continue;
      const auto& langs = a->profile.languages;
      if (std::find(langs.begin(), langs.end(), c.view.spec->language) == langs.end()) continue;
      bool skilled = true;
      for (const auto& s : c.view.spec->skills) {
        if (requiredLevel(a->profile, s.skill_code) < s.level) skilled = false;
      }
      if (skilled)
        return bad("contact " + c.view.spec->id + " waits while agent " + a->profile.id + " is free for it");
    }
  }
  return Status::ok();
}

}  // namespace outpost::routing
