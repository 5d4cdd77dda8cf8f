#include "routing/router.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "routing/internal/router_impl.h"

namespace outpost::routing {

using internal::kChannels;
using internal::kNoLang;
using internal::kNone;
using site::Presence;
using site::PresenceState;

namespace {

constexpr const char* kSystem = "system";
// Estimated wait: the moving average of the time between answers is capped here so
// that one quiet hour does not make every estimate absurd.
constexpr double kMaxAnswerIntervalS = 300;
constexpr double kAnswerIntervalAlpha = 0.2;

bool isWorking(PresenceState s) {
  return s == PresenceState::kReserved || s == PresenceState::kBusy || s == PresenceState::kWrapUp;
}

void eraseValue(std::vector<uint32_t>& v, uint32_t x) {
  auto it = std::find(v.begin(), v.end(), x);
  if (it != v.end()) v.erase(it);
}

}  // namespace

// ====================================================================================
// construction

Router::Impl::Impl(const Clock& clock, Timers& timers, EventSink& sink, RouterOptions options)
    : clock_(clock), timers_(timers), sink_(sink), options_(std::move(options)) {
  epoch_ = clock_.wallNow();
  now_ = epoch_;
  if (options_.occupancy_window < Millis(1000)) options_.occupancy_window = Millis(1000);
}

Router::Impl::~Impl() {
  if (armed_ != 0) timers_.cancel(armed_);
}

// ====================================================================================
// helpers

double Router::Impl::seconds(WallTime t) const {
  return static_cast<double>((t - epoch_).count()) / 1000.0;
}

// ====================================================================================
// timers

uint64_t Router::Impl::schedule(Millis delay, internal::TimerKind kind, uint32_t idx, uint64_t tag) {
  const int64_t due = toEpochMillis(now_) + std::max<int64_t>(0, delay.count());
  if (timer_queue_.wantsCompaction()) {
    timer_queue_.compact([this](const internal::TimerEntry& e) { return timerLive(e); });
  }
  const uint64_t id = timer_queue_.push(due, kind, idx, tag);
  if (armed_ == 0 || due < armed_due_) armTimer();
  return id;
}

void Router::Impl::cancelTimer(uint64_t& id) {
  if (id != 0) timer_queue_.cancelled();
  id = 0;
}

bool Router::Impl::timerLive(const internal::TimerEntry& e) const {
  using internal::TimerKind;
  if (e.kind == TimerKind::kDelay) {
    const Agent* a = e.idx < agents_.size() ? agents_[e.idx].get() : nullptr;
    return a && a->serial == e.tag && a->delay_timer == e.id;
  }
  const Contact* c = e.idx < contacts_.size() ? contacts_[e.idx].get() : nullptr;
  if (!c || c->seq != e.tag) return false;
  switch (e.kind) {
    case TimerKind::kOffer:
      return c->offer_timer == e.id;
    case TimerKind::kRing:
      return c->ring_timer == e.id;
    case TimerKind::kWrapUp:
      return c->wrap_timer == e.id;
    case TimerKind::kDelay:
      break;
  }
  return false;
}

void Router::Impl::armTimer() {
  if (timer_queue_.empty()) {
    if (armed_ != 0) timers_.cancel(armed_);
    armed_ = 0;
    return;
  }
  const int64_t due = timer_queue_.top().due_ms;
  if (armed_ != 0) {
    if (armed_due_ <= due) return;  // wakes up early at worst, and re-arms
    timers_.cancel(armed_);
  }
  armed_due_ = due;
  armed_ = timers_.after(Millis(std::max<int64_t>(0, due - toEpochMillis(now_))), [this] { onTimers(); });
}

void Router::Impl::onTimers() {
  using internal::TimerKind;
  armed_ = 0;
  now_ = clock_.wallNow();
  // Like the loop's own timers: those due now, in (deadline, creation) order; timers
  // made while these run wait for the next turn even when due at once.
  const uint64_t limit = timer_queue_.nextId();
  while (!timer_queue_.empty()) {
    const internal::TimerEntry& top = timer_queue_.top();
    if (top.due_ms > toEpochMillis(now_) || top.id >= limit) break;
    const internal::TimerEntry e = timer_queue_.pop();
    if (!timerLive(e)) continue;
    timer_queue_.fired();
    switch (e.kind) {
      case TimerKind::kOffer:
        onOfferTimeout(e.idx, e.tag);
        break;
      case TimerKind::kRing:
        onRingTimer(e.idx, e.tag);
        break;
      case TimerKind::kWrapUp:
        onWrapUpEnd(e.idx, e.tag);
        break;
      case TimerKind::kDelay:
        onDelayEnd(e.idx, e.tag);
        break;
    }
  }
  // Cancelled heads need no wake-up.
  while (!timer_queue_.empty() && !timerLive(timer_queue_.top())) timer_queue_.pop();
  armTimer();
}

Router::Impl::Agent* Router::Impl::findAgent(const std::string& id) {
  auto it = agent_ids_.find(id);
  return it == agent_ids_.end() ? nullptr : agents_[it->second].get();
}
const Router::Impl::Agent* Router::Impl::findAgent(const std::string& id) const {
  auto it = agent_ids_.find(id);
  return it == agent_ids_.end() ? nullptr : agents_[it->second].get();
}
Router::Impl::Contact* Router::Impl::findContact(const std::string& id) {
  auto it = contact_ids_.find(id);
  return it == contact_ids_.end() ? nullptr : contacts_[it->second].get();
}
const Router::Impl::Contact* Router::Impl::findContact(const std::string& id) const {
  auto it = contact_ids_.find(id);
  return it == contact_ids_.end() ? nullptr : contacts_[it->second].get();
}
Router::Impl::QueueState* Router::Impl::findQueue(const std::string& code) {
  auto it = queue_ids_.find(code);
  return it == queue_ids_.end() ? nullptr : queues_[it->second].get();
}

Router::Impl::QueueState& Router::Impl::ensureQueue(const std::string& code, site::Channel channel) {
  if (QueueState* q = findQueue(code)) return *q;
  QueuePolicy p;
  p.code = code;
  p.channel = channel;
  setQueue(std::move(p));
  return *findQueue(code);
}

uint32_t Router::Impl::internSig(const std::vector<SkillReq>& extra) {
  std::vector<std::pair<SkillId, int>> key;
  key.reserve(extra.size());
  for (const SkillReq& r : extra) key.emplace_back(r.skill, r.level);
  auto [it, added] = sig_ids_.try_emplace(std::move(key), static_cast<uint32_t>(sigs_.size()));
  if (added) sigs_.push_back(extra);
  return it->second;
}

bool Router::Impl::meetsSig(const Agent& a, uint32_t sig) const {
  for (const SkillReq& r : sigs_[sig]) {
    if (a.levelOf(r.skill) < r.level) return false;
  }
  return true;
}

double Router::Impl::effective(const Contact& c) const {
  const QueueState& q = *queues_[c.queue];
  return q.policy.weight * (c.key + q.policy.aging_per_s * seconds(now_));
}

void Router::Impl::emitContact(const Contact& c) { emit(ContactChanged{c.view}); }

// ====================================================================================
// configuration

void Router::Impl::setQueue(QueuePolicy policy) {
  now_ = clock_.wallNow();
  QueueState* q = findQueue(policy.code);
  std::vector<uint32_t> live;
  if (!q) {
    auto state = std::make_unique<QueueState>();
    state->idx = static_cast<uint32_t>(queues_.size());
    queue_ids_.emplace(policy.code, state->idx);
    queues_.push_back(std::move(state));
    q = queues_.back().get();
  } else {
    // Contacts keep their place: take the waiting ones out, re-key them under the new
    // policy and put them back.
    for (const auto& [arrived, seq, idx] : q->unanswered) live.push_back(idx);
    for (uint32_t idx : live) {
      Contact& c = *contacts_[idx];
      if (c.view.state == ContactState::kQueued) unindexWaiting(c);
    }
  }
  q->policy = std::move(policy);
  q->strategy = static_cast<int>(q->policy.strategy);
  internal::normalizeRings(*q);
  for (auto& c : contacts_) {
    if (c && c->queue == q->idx) c->steps = &q->stepsFor(c->view.spec->segment);
  }
  for (uint32_t idx : live) {
    Contact& c = *contacts_[idx];
    prepareContact(c);
    if (c.view.state == ContactState::kQueued) {
      updateRing(c);
      indexWaiting(c);
      armRingTimer(c);
    }
  }
  updateStrategies();
  // A wider ring or practice may make offers possible now.
  std::vector<Contact*> queued;
  for (uint32_t idx : live) {
    if (contacts_[idx]->view.state == ContactState::kQueued) queued.push_back(contacts_[idx].get());
  }
  std::sort(queued.begin(), queued.end(), [](const Contact* a, const Contact* b) {
    return a->key != b->key ? a->key > b->key : a->seq < b->seq;
  });
  for (Contact* c : queued) routeContact(*c, "queue_changed");
}

void Router::Impl::updateStrategies() {
  uint8_t strategies[kChannels] = {0, 0};
  for (const auto& qs : queues_) {
    strategies[internal::channelIndex(qs->policy.channel)] |= static_cast<uint8_t>(1u << qs->strategy);
  }
  // A contact whose channel is not its queue's (a queue changed channel, a restored
  // contact) is routed with its queue's strategy on its own channel.
  for (const auto& c : contacts_) {
    if (c && c->view.state == ContactState::kQueued) {
      strategies[c->ch] |= static_cast<uint8_t>(1u << queues_[c->queue]->strategy);
    }
  }
  if (strategies[0] == strategies_[0] && strategies[1] == strategies_[1]) return;
  strategies_[0] = strategies[0];
  strategies_[1] = strategies[1];
  refreshAllAgents();
}

void Router::Impl::refreshAllAgents() {
  for (auto& a : agents_) {
    if (!a) continue;
    agent_index_.remove(a->index);
    refreshAgent(*a);
  }
}

Router::Impl::Agent& Router::Impl::newAgent(const std::string& id) {
  uint32_t idx;
  if (!free_agents_.empty()) {
    idx = free_agents_.back();
    free_agents_.pop_back();
  } else {
    idx = static_cast<uint32_t>(agents_.size());
    agents_.emplace_back();
  }
  agents_[idx] = std::make_unique<Agent>();
  if (skill_levels_.size() < agents_.size()) skill_levels_.resize(agents_.size());
  skill_levels_[idx] = internal::SkillLevels{};
  Agent& a = *agents_[idx];
  a.idx = idx;
  a.serial = next_agent_serial_++;
  a.profile.id = id;
  a.view.id = id;
  a.base = Presence{PresenceState::kOffline, std::nullopt, now_, kSystem};
  a.view.presence = a.base;
  a.view.available_since = now_;
  a.occ_at = now_;
  a.pass = global_pass_;
  agent_ids_.emplace(id, idx);
  return a;
}

void Router::Impl::applyProfile(Agent& a, AgentProfile profile) {
  a.profile = std::move(profile);
  a.langs.clear();
  for (const std::string& tag : a.profile.languages) {
    LangId id = langs_.find(tag);
    if (id == kNone && langs_.end() < internal::kMaxLangs) {
      id = langs_.intern(tag);
      // Contacts that waited in a language nobody spoke can be matched now.
      for (auto& c : contacts_) {
        if (!c || c->lang != kNoLang || c->view.spec->language != tag) continue;
        const bool queued = c->view.state == ContactState::kQueued;
        if (queued) unindexWaiting(*c);
        c->lang = id;
        if (queued) indexWaiting(*c);
      }
    }
    if (id != kNone) a.langs.push_back(id);
  }
  std::sort(a.langs.begin(), a.langs.end());
  a.langs.erase(std::unique(a.langs.begin(), a.langs.end()), a.langs.end());
  a.skills.clear();
  a.mask = 0;
  for (const site::SkillLevel& s : a.profile.skills) {
    if (s.skill_code.empty()) continue;
    a.skills.push_back(SkillReq{skills_.intern(s.skill_code), std::clamp(s.level, 1, internal::kMaxLevel)});
  }
  std::sort(a.skills.begin(), a.skills.end(), [](const SkillReq& x, const SkillReq& y) {
    return x.skill != y.skill ? x.skill < y.skill : x.level > y.level;
  });
  a.skills.erase(std::unique(a.skills.begin(), a.skills.end(),
                             [](const SkillReq& x, const SkillReq& y) { return x.skill == y.skill; }),
                 a.skills.end());
  for (const SkillReq& r : a.skills) a.mask |= uint64_t{1} << (r.skill % 64);
  skill_levels_[a.idx].assign(a.skills);
  a.practice.clear();
  for (const std::string& code : a.profile.practice_skills) {
    const SkillId id = skills_.find(code);
    if (id != kNone && a.levelOf(id) >= 1) a.practice.push_back(id);
  }
  std::sort(a.practice.begin(), a.practice.end());
  a.practice.erase(std::unique(a.practice.begin(), a.practice.end()), a.practice.end());
  a.tier = std::clamp(a.profile.tier, 1, internal::kMaxTier);
  a.reward = a.profile.reward_score > 0.01 ? a.profile.reward_score : 0.01;
}

void Router::Impl::upsertAgent(AgentProfile profile) {
  now_ = clock_.wallNow();
  Agent* a = findAgent(profile.id);
  if (!a) a = &newAgent(profile.id);
  agent_index_.remove(a->index);
  applyProfile(*a, std::move(profile));
  freeAgent(*a, false, "agent_available");
}

Status Router::Impl::removeAgent(const std::string& agent_id) {
  now_ = clock_.wallNow();
  Agent* a = findAgent(agent_id);
  if (!a) return Status::notFound("no agent \"" + agent_id + "\" in the router");
  if (!a->work.empty()) {
    return Status::conflict("agent \"" + agent_id + "\" has " + std::to_string(a->work.size()) +
                            " contact(s) offered, connected or in wrap-up; remove it when they are finished");
  }
  agent_index_.remove(a->index);
  cancelTimer(a->delay_timer);
  const uint32_t idx = a->idx;
  agent_ids_.erase(agent_id);
  agents_[idx].reset();
  free_agents_.push_back(idx);
  return Status::ok();
}

// ====================================================================================
// agents: presence, availability, index

bool Router::Impl::availableOn(const Agent& a, int ch) const {
  if (a.base.state != PresenceState::kReady || a.pending || a.delayed || a.wrapups > 0 || a.langs.empty()) {
    return false;
  }
  if (a.active(ch) >= a.capacity(ch)) return false;
  if (ch == 1 && options_.voice_blocks_chat && a.active(0) > 0) return false;
  return true;
}

double Router::Impl::occupancy(const Agent& a, WallTime at) const {
  const double tau = static_cast<double>(options_.occupancy_window.count()) / 1000.0;
  const double dt = std::max(0.0, static_cast<double>((at - a.occ_at).count()) / 1000.0);
  const double f = std::exp(-dt / tau);
  return a.occ_busy ? 1.0 - (1.0 - a.occ) * f : a.occ * f;
}

void Router::Impl::updateOccupancy(Agent& a) {
  const bool busy = a.connectedTotal() > 0 || a.wrapups > 0;
  if (busy == a.occ_busy) return;
  a.occ = occupancy(a, now_);
  a.occ_at = now_;
  a.occ_busy = busy;
}

internal::AgentIndexSpec Router::Impl::indexSpec(const Agent& a) const {
  const int64_t since = toEpochMillis(a.view.available_since);
  // Least occupied: with exponential decay every idle agent's occupancy shrinks by the
  // same factor, so log(occ) + t/τ orders idle agents the same way at any later time.
  // (For an agent with chats in progress it is the figure at its last change.)
  const double tau = static_cast<double>(options_.occupancy_window.count()) / 1000.0;
  const double occ_key =
      a.occ > 0 ? std::log(a.occ) + seconds(a.occ_at) / tau : std::numeric_limits<double>::lowest();
  internal::AgentIndexSpec spec;
  spec.agent = a.idx;
  spec.mask = a.mask;
  spec.tier = a.tier;
  spec.langs = &a.langs;
  spec.skills = &a.skills;
  spec.practice = &a.practice;
  spec.any_skill = any_skill_index_;
  for (int ch = 0; ch < kChannels; ++ch) {
    const auto c = static_cast<size_t>(ch);
    // Fewer contacts of the channel in progress first (chats spread over agents).
    const int act = a.active(ch);
    spec.strategies[c] = strategies_[c];
    spec.keys[c][static_cast<int>(Strategy::kLongestIdle)] = internal::longestIdleKey(act, since, a.serial);
    spec.keys[c][static_cast<int>(Strategy::kLeastOccupied)] = internal::leastOccupiedKey(act, occ_key, since);
    spec.keys[c][static_cast<int>(Strategy::kRewardWeighted)] = internal::rewardKey(a.pass, act, since);
    spec.practice_key[c] = internal::longestIdleKey(act, since, a.serial);
  }
  return spec;
}

void Router::Impl::refreshAgent(Agent& a) {
  if (&a == hold_index_) return;
  uint8_t channels = 0;
  for (int ch = 0; ch < kChannels; ++ch) {
    if (availableOn(a, ch)) channels |= static_cast<uint8_t>(1u << ch);
  }
  if (channels != 0 && a.index.channels == 0) a.pass = std::max(a.pass, global_pass_);
  const internal::AgentIndexSpec spec = indexSpec(a);
  for (int ch = 0; ch < kChannels; ++ch) {
    const auto c = static_cast<size_t>(ch);
    const bool want = channels & (1u << ch);
    const bool have = a.index.channels & (1u << ch);
    if (!want) {
      if (have) agent_index_.remove(a.index, ch);
      continue;
    }
    if (have && a.index.strategies[c] == spec.strategies[c] &&
        internal::sameKey(a.index.practice_key[c], spec.practice_key[c])) {
      bool same = true;
      for (int s = 0; s < internal::kStrategies; ++s) {
        if ((spec.strategies[c] & (1u << s)) && !internal::sameKey(a.index.keys[c][static_cast<size_t>(s)],
                                                                   spec.keys[c][static_cast<size_t>(s)])) {
          same = false;
        }
      }
      if (same) continue;
    }
    if (have) agent_index_.remove(a.index, ch);
    agent_index_.insert(a.index, spec, ch);
  }
}

void Router::Impl::syncView(Agent& a) {
  a.view.voice_active = a.active(0);
  a.view.chat_active = a.active(1);
  a.view.not_ready_pending = a.pending.has_value();
  a.view.pending_state = a.pending;
  a.view.pending_reason = a.pending_reason;
  std::optional<WallTime> blocked;
  if (a.delayed) blocked = a.delay_until;
  for (uint32_t idx : a.work) {
    const Contact& c = *contacts_[idx];
    if (c.view.state == ContactState::kWrapUp && c.wrap_end && (!blocked || *c.wrap_end > *blocked)) {
      blocked = c.wrap_end;
    }
  }
  a.view.blocked_until = blocked;
}

void Router::Impl::syncPresence(Agent& a, bool forced) {
  Presence next;
  if (a.work.empty()) {
    next = a.base;
  } else {
    PresenceState s = PresenceState::kWrapUp;
    if (a.connectedTotal() > 0) {
      s = PresenceState::kBusy;
    } else if (a.offeredTotal() > 0) {
      s = PresenceState::kReserved;
    }
    next = Presence{s, std::nullopt, now_, kSystem};
  }
  if (next.state == a.view.presence.state && next.reason == a.view.presence.reason) return;
  AgentChanged ev{a.profile.id, a.view.presence, next, forced};
  a.view.presence = std::move(next);
  emit(std::move(ev));
}

void Router::Impl::settleAgent(Agent& a, bool forced) {
  const bool was_working = a.view.presence.state == PresenceState::kBusy ||
                           a.view.presence.state == PresenceState::kWrapUp;
  if (a.work.empty()) {
    if (a.pending) {
      a.base = Presence{*a.pending, a.pending_reason, now_, a.pending_actor};
      forced = forced || a.pending_forced;
      a.pending.reset();
      a.pending_reason.reset();
      a.pending_actor.clear();
      a.pending_forced = false;
    } else if (isWorking(a.view.presence.state) && a.base.state == PresenceState::kReady) {
      a.base.since = now_;
      a.base.changed_by = kSystem;
    }
    if (was_working) a.view.available_since = now_;
  }
  updateOccupancy(a);
  syncView(a);
  refreshAgent(a);
  syncPresence(a, forced);
}

void Router::Impl::forceNotReady(Agent& a) {
  a.view.missed_in_a_row = 0;  // a fresh count once the agent is back
  if (!a.work.empty()) {
    a.pending = PresenceState::kNotReady;
    a.pending_reason = options_.missed_offers_reason;
    a.pending_actor = kSystem;
    a.pending_forced = true;
  } else {
    a.base = Presence{PresenceState::kNotReady, options_.missed_offers_reason, now_, kSystem};
  }
}

Result<Presence> Router::Impl::requestPresence(const std::string& agent_id, PresenceState target,
                                               const std::optional<std::string>& reason,
                                               const std::string& actor, bool forced) {
  now_ = clock_.wallNow();
  Agent* found = findAgent(agent_id);
  if (!found) return Status::notFound("no agent \"" + agent_id + "\" at this site");
  Agent& a = *found;
  if (!site::isRequestable(target)) {
    return Status::invalidArgument(
        "\"" + std::string(site::presenceName(target)) +
            "\" is set by the router, not by a request; ask for offline, ready or not_ready",
        "/state");
  }
  if (target == PresenceState::kNotReady && !reason) {
    return Status::invalidArgument("not_ready needs a reason code", "/reason");
  }
  if (target != PresenceState::kNotReady && reason) {
    return Status::invalidArgument("a reason is only allowed with not_ready", "/reason");
  }
  if (!a.work.empty()) {
    if (target == PresenceState::kReady) {
      // Takes back a deferred change; the agent is ready again once the work allows.
      a.pending.reset();
      a.pending_reason.reset();
      a.pending_actor.clear();
      a.pending_forced = false;
      freeAgent(a, forced, "agent_available");
      return a.view.presence;
    }
    a.pending = target;
    a.pending_reason = reason;
    a.pending_actor = actor;
    a.pending_forced = forced;
    // Offers not yet answered go to someone else; handled work finishes first.
    const std::vector<uint32_t> requeued = withdrawAll(a);
    settleAgent(a, forced);
    for (uint32_t idx : requeued) {
      if (contacts_[idx]) routeContact(*contacts_[idx], "offer_declined");
    }
    return a.view.presence;
  }
  if (a.base.state == target && a.base.reason == reason) return a.view.presence;
  a.base = Presence{target, reason, now_, actor};
  if (target == PresenceState::kReady) {
    a.view.available_since = now_;
    freeAgent(a, forced, "agent_available");
  } else {
    settleAgent(a, forced);
  }
  return a.view.presence;
}

void Router::Impl::startDelay(Agent& a, Millis delay) {
  if (delay <= Millis(0)) return;
  cancelTimer(a.delay_timer);
  a.delayed = true;
  a.delay_until = now_ + delay;
  const uint32_t idx = a.idx;
  const uint64_t serial = a.serial;
  a.delay_timer = schedule(delay, internal::TimerKind::kDelay, idx, serial);
}

void Router::Impl::onDelayEnd(uint32_t idx, uint64_t serial) {
  now_ = clock_.wallNow();
  if (idx >= agents_.size() || !agents_[idx] || agents_[idx]->serial != serial) return;
  Agent& a = *agents_[idx];
  a.delay_timer = 0;
  a.delayed = false;
  freeAgent(a, false, "agent_available");
}

// ====================================================================================
// contacts: waiting, rings, timers

Router::Impl::Contact& Router::Impl::newContact() {
  uint32_t idx;
  if (!free_contacts_.empty()) {
    idx = free_contacts_.back();
    free_contacts_.pop_back();
  } else {
    idx = static_cast<uint32_t>(contacts_.size());
    contacts_.emplace_back();
  }
  contacts_[idx] = std::make_unique<Contact>();
  contacts_[idx]->idx = idx;
  contacts_[idx]->seq = next_seq_++;
  return *contacts_[idx];
}

void Router::Impl::forget(Contact& c) {
  cancelTimer(c.ring_timer);
  cancelTimer(c.offer_timer);
  cancelTimer(c.wrap_timer);
  contact_ids_.erase(c.view.spec->id);
  const uint32_t idx = c.idx;
  contacts_[idx].reset();
  free_contacts_.push_back(idx);
}

void Router::Impl::prepareContact(Contact& c) {
  const QueueState& q = *queues_[c.queue];
  const ContactSpec& spec = *c.view.spec;
  c.ch = internal::channelIndex(spec.channel);
  const LangId lang = langs_.find(spec.language);
  c.lang = lang == kNone ? kNoLang : lang;
  c.reqs.clear();
  for (const site::SkillLevel& s : spec.skills) {
    c.reqs.push_back(SkillReq{skills_.intern(s.skill_code), std::clamp(s.level, 1, internal::kMaxLevel)});
  }
  c.first_skill = c.reqs.empty() ? kNone : c.reqs.front().skill;
  std::sort(c.reqs.begin(), c.reqs.end(), [](const SkillReq& x, const SkillReq& y) {
    return x.skill != y.skill ? x.skill < y.skill : x.level > y.level;
  });
  c.reqs.erase(std::unique(c.reqs.begin(), c.reqs.end(),
                           [](const SkillReq& x, const SkillReq& y) { return x.skill == y.skill; }),
               c.reqs.end());
  c.sig = c.reqs.size() > 2 ? internSig(std::vector<SkillReq>(c.reqs.begin() + 2, c.reqs.end())) : 0;
  c.arrival_s = seconds(spec.arrived_at);
  c.key = spec.priority - q.policy.aging_per_s * c.arrival_s;
  c.low_risk =
      q.policy.practice_enabled && !c.reqs.empty() && spec.priority <= q.policy.practice_max_priority &&
      std::find(q.policy.practice_segments.begin(), q.policy.practice_segments.end(), spec.segment) !=
          q.policy.practice_segments.end();
  c.steps = &q.stepsFor(spec.segment);
}

bool Router::Impl::updateRing(Contact& c) {
  const std::vector<RingStep>& steps = *c.steps;
  const Millis wait = std::max(Millis(0), now_ - c.view.spec->arrived_at);
  const QueueState& q = *queues_[c.queue];
  int step = 0;
  for (size_t i = 1; i < steps.size(); ++i) {
    if (steps[i].after <= wait) step = static_cast<int>(i);
  }
  if (wait >= steps.back().after + q.policy.widen_to_any_after) step = static_cast<int>(steps.size());
  const int lo = step < static_cast<int>(steps.size()) ? steps[static_cast<size_t>(step)].min_tier : 1;
  const int hi =
      step < static_cast<int>(steps.size()) ? steps[static_cast<size_t>(step)].max_tier : internal::kMaxTier;
  const bool changed = lo != c.ring_lo || hi != c.ring_hi;
  c.ring_step = step;
  c.ring_lo = lo;
  c.ring_hi = hi;
  return changed;
}

void Router::Impl::armRingTimer(Contact& c) {
  cancelTimer(c.ring_timer);
  const std::vector<RingStep>& steps = *c.steps;
  const auto n = static_cast<int>(steps.size());
  Millis boundary;
  if (c.ring_step + 1 < n) {
    boundary = steps[static_cast<size_t>(c.ring_step + 1)].after;
  } else if (c.ring_step + 1 == n) {
    boundary = steps.back().after + queues_[c.queue]->policy.widen_to_any_after;
  } else {
    return;  // already "any eligible"
  }
  const Millis delay = c.view.spec->arrived_at + boundary - now_;
  const uint32_t idx = c.idx;
  const uint64_t seq = c.seq;
  c.ring_timer = schedule(delay, internal::TimerKind::kRing, idx, seq);
}

void Router::Impl::onRingTimer(uint32_t idx, uint64_t seq) {
  now_ = clock_.wallNow();
  if (idx >= contacts_.size() || !contacts_[idx] || contacts_[idx]->seq != seq) return;
  Contact& c = *contacts_[idx];
  c.ring_timer = 0;
  if (c.view.state == ContactState::kOffered) {
    updateRing(c);  // not indexed while offered
    armRingTimer(c);
    return;
  }
  if (c.view.state != ContactState::kQueued) return;
  const int before = c.ring_step;
  if (updateRing(c)) {
    unindexWaiting(c);
    indexWaiting(c);
  }
  armRingTimer(c);
  if (c.ring_step != before) routeContact(c, "ring_widened");
}

void Router::Impl::indexWaiting(Contact& c) {
  internal::ContactIndexSpec spec;
  spec.entry = internal::CEntry{c.key, c.seq, c.idx, !c.declined.empty()};
  spec.queue = c.queue;
  spec.ch = c.ch;
  spec.lang = c.lang;
  if (c.reqs.empty()) {
    spec.a = internal::kAnySkill;
  } else {
    spec.a = c.reqs[0].skill;
    spec.lv_a = static_cast<uint8_t>(c.reqs[0].level);
    if (c.reqs.size() >= 2) {
      spec.b = c.reqs[1].skill;
      spec.lv_b = static_cast<uint8_t>(c.reqs[1].level);
    }
  }
  spec.sig = c.sig;
  spec.tier_lo = static_cast<uint8_t>(c.ring_lo);
  spec.tier_hi = static_cast<uint8_t>(c.ring_hi);
  spec.practice = c.low_risk ? &c.reqs : nullptr;
  contact_index_.insert(c.index, spec);
  QueueState& q = *queues_[c.queue];
  q.order.insert({-c.key, c.seq});
  c.in_order = true;
}

void Router::Impl::unindexWaiting(Contact& c) {
  contact_index_.remove(c.index);
  if (c.in_order) {
    queues_[c.queue]->order.erase({-c.key, c.seq});
    c.in_order = false;
  }
}

void Router::Impl::enqueue(Contact& c) {
  QueueState& q = *queues_[c.queue];
  c.view.state = ContactState::kQueued;
  c.view.agent_id.reset();
  c.view.offered_at.reset();
  c.agent = kNone;
  ++q.waiting;
  updateRing(c);
  indexWaiting(c);
  if (c.ring_timer == 0) armRingTimer(c);
}

void Router::Impl::dequeue(Contact& c) {
  // The ring timer keeps running while an offer is out: ring steps are times after
  // arrival, so it stays right if the contact comes back (cancelled once answered).
  unindexWaiting(c);
  --queues_[c.queue]->waiting;
}

int Router::Impl::positionOf(const Contact& c) const {
  return static_cast<int>(queues_[c.queue]->order.rank({-c.key, c.seq})) + 1;
}

Millis Router::Impl::estimateWait(const QueueState& q, int position) const {
  return Millis(static_cast<int64_t>(position * q.answer_interval_s * 1000.0));
}

Result<ContactQueued> Router::Impl::addContact(ContactSpec spec) {
  now_ = clock_.wallNow();
  if (spec.id.empty()) return Status::invalidArgument("must not be empty", "/id");
  QueueState* q = findQueue(spec.queue);
  if (!q) return Status::invalidArgument("no queue \"" + spec.queue + "\" is configured", "/queue");
  if (spec.channel != q->policy.channel) {
    return Status::invalidArgument("queue \"" + spec.queue + "\" takes " +
                                       std::string(site::channelName(q->policy.channel)) + " contacts",
                                   "/channel");
  }
  if (spec.language.empty()) return Status::invalidArgument("must not be empty", "/language");
  if (spec.priority < 0 || spec.priority > 100) {
    return Status::invalidArgument("must be between 0 and 100", "/priority");
  }
  if (!(spec.intent_confidence >= 0 && spec.intent_confidence <= 1)) {
    return Status::invalidArgument("must be between 0 and 1", "/intent_confidence");
  }
  for (size_t i = 0; i < spec.skills.size(); ++i) {
    const std::string at = "/skills/" + std::to_string(i);
    if (spec.skills[i].skill_code.empty()) return Status::invalidArgument("must not be empty", at + "/skill");
    if (spec.skills[i].level < site::kMinSkillLevel || spec.skills[i].level > site::kMaxSkillLevel) {
      return Status::invalidArgument("must be between 1 and 5", at + "/level");
    }
  }
  if (spec.arrived_at == WallTime{} || spec.arrived_at > now_) spec.arrived_at = now_;
  // One hash lookup: claim the id, then fill in the slot.
  auto [id_it, added] = contact_ids_.try_emplace(spec.id, kNone);
  if (!added) return Status::alreadyExists("a live contact \"" + spec.id + "\" exists already", "/id");

  Contact& c = newContact();
  id_it->second = c.idx;
  c.view.spec = std::make_shared<const ContactSpec>(std::move(spec));
  c.queue = q->idx;
  prepareContact(c);
  q->unanswered.insert({toEpochMillis(c.view.spec->arrived_at), c.seq, c.idx});
  c.view.state = ContactState::kQueued;
  ++q->waiting;
  updateRing(c);

  // Decide first, so the queued event can say whether it waits; only a contact that
  // waits goes into the waiting indices.
  if (c.reqs.empty() && !any_skill_index_) {
    any_skill_index_ = true;
    refreshAllAgents();
  }
  AgentPick pick;
  if (c.low_risk && practiceOpen(*q)) pick = pickPracticeAgent(c);
  if (!pick.agent) pick = pickAgent(c);
  ContactQueued queued{c.view, 0, Millis(0)};
  if (!pick.agent) {
    indexWaiting(c);
    queued.position = positionOf(c);
    queued.estimated_wait = estimateWait(*q, queued.position);
  }
  emit(queued);
  if (pick.agent) {
    offer(c, *pick.agent, "contact_arrived", pick, false);
    queued.contact = c.view;
  } else {
    armRingTimer(c);
  }
  return queued;
}

// ====================================================================================
// offers

void Router::Impl::freeAgent(Agent& a, bool forced, std::string_view trigger) {
  // Not indexed meanwhile: nothing but this agent's own search runs until the end.
  hold_index_ = &a;
  settleAgent(a, forced);
  routeAgent(a, trigger);
  hold_index_ = nullptr;
  refreshAgent(a);
}

bool Router::Impl::routeContact(Contact& c, std::string_view trigger) {
  if (c.view.state != ContactState::kQueued) return false;
  if (c.reqs.empty() && !any_skill_index_) {
    any_skill_index_ = true;
    refreshAllAgents();
  }
  AgentPick pick;
  if (c.low_risk && practiceOpen(*queues_[c.queue])) pick = pickPracticeAgent(c);
  if (!pick.agent) pick = pickAgent(c);
  if (!pick.agent) return false;
  offer(c, *pick.agent, trigger, pick, false);
  return true;
}

void Router::Impl::routeAgent(Agent& a, std::string_view trigger) {
  // At most one offer per unit of capacity; the bound only guards against a bug.
  for (int guard = 0; guard < 16; ++guard) {
    if (!availableOn(a, 0) && !availableOn(a, 1)) return;
    ContactPick p = pickContact(a);
    if (!p.contact) p = pickPracticeContact(a);
    if (!p.contact) return;
    AgentPick ap;
    ap.agent = &a;
    ap.eligible = 1;
    ap.practice = p.practice;
    ap.fallback = p.fallback;
    ap.practice_skill = p.practice_skill;
    offer(*p.contact, a, trigger, ap, true);
  }
}

void Router::Impl::offer(Contact& c, Agent& a, std::string_view trigger, const AgentPick& pick,
                         bool agent_side) {
  QueueState& q = *queues_[c.queue];
  Decision d = makeDecision(c, a, trigger, pick, agent_side);
  dequeue(c);
  ++q.offered;
  c.view.state = ContactState::kOffered;
  c.view.agent_id = a.profile.id;
  c.view.offered_at = now_;
  ++c.view.offers;
  c.agent = a.idx;
  a.work.push_back(c.idx);
  ++a.offered[c.ch];
  ++q.offers;
  if (pick.practice) ++q.practice_offers;
  if (!pick.practice && q.policy.strategy == Strategy::kRewardWeighted) {
    global_pass_ = std::max(global_pass_, a.pass);
    a.pass += 1.0 / a.reward;
  }
  const Millis timeout = std::max(q.policy.offer_timeout, Millis(1));
  c.expires_at = now_ + timeout;
  const uint32_t idx = c.idx;
  const uint64_t seq = c.seq;
  c.offer_timer = schedule(timeout, internal::TimerKind::kOffer, idx, seq);
  if (c.decision) {
    *c.decision = d;
  } else {
    c.decision = std::make_unique<Decision>(d);
  }
  emit(ContactOffered{c.view, std::move(d), c.expires_at});
  settleAgent(a, false);
}

void Router::Impl::onOfferTimeout(uint32_t idx, uint64_t seq) {
  now_ = clock_.wallNow();
  if (idx >= contacts_.size() || !contacts_[idx] || contacts_[idx]->seq != seq) return;
  Contact& c = *contacts_[idx];
  c.offer_timer = 0;
  if (c.view.state != ContactState::kOffered || c.agent == kNone) return;
  declineOffer(c, *agents_[c.agent], "timed_out", options_.no_answer_delay);
}

void Router::Impl::declineOffer(Contact& c, Agent& a, std::string_view outcome, Millis delay) {
  QueueState& q = *queues_[c.queue];
  cancelTimer(c.offer_timer);
  --a.offered[c.ch];
  eraseValue(a.work, c.idx);
  c.declined.push_back(a.serial);
  ++a.view.missed_in_a_row;
  startDelay(a, delay);
  const bool missed_out =
      options_.max_missed_offers > 0 && a.view.missed_in_a_row >= options_.max_missed_offers;
  --q.offered;
  enqueue(c);
  emit(OfferEnded{c.view.spec->id, a.profile.id, std::string(outcome), now_});
  emitContact(c);
  std::vector<uint32_t> requeued;
  if (missed_out) {
    requeued = withdrawAll(a);
    forceNotReady(a);
  }
  settleAgent(a, missed_out);
  routeContact(c, "offer_declined");
  for (uint32_t idx : requeued) {
    if (contacts_[idx]) routeContact(*contacts_[idx], "offer_declined");
  }
  routeAgent(a, "agent_available");
}

void Router::Impl::withdrawOffer(Contact& c, Agent& a) {
  cancelTimer(c.offer_timer);
  --a.offered[c.ch];
  eraseValue(a.work, c.idx);
  --queues_[c.queue]->offered;
  enqueue(c);
  emit(OfferEnded{c.view.spec->id, a.profile.id, "withdrawn", now_});
  emitContact(c);
}

std::vector<uint32_t> Router::Impl::withdrawAll(Agent& a) {
  std::vector<uint32_t> offers;
  for (uint32_t idx : a.work) {
    if (contacts_[idx]->view.state == ContactState::kOffered) offers.push_back(idx);
  }
  for (uint32_t idx : offers) withdrawOffer(*contacts_[idx], a);
  return offers;
}

Status Router::Impl::accept(const std::string& contact_id, const std::string& agent_id) {
  now_ = clock_.wallNow();
  Contact* found = findContact(contact_id);
  if (!found) return Status::notFound("no live contact \"" + contact_id + "\"");
  Contact& c = *found;
  if (c.view.state != ContactState::kOffered) {
    return Status::failedPrecondition("contact \"" + contact_id + "\" has no offer out (it is " +
                                      std::string(contactStateName(c.view.state)) + ")");
  }
  if (c.view.agent_id != agent_id) {
    return Status::permissionDenied("contact \"" + contact_id + "\" is not offered to agent \"" + agent_id +
                                    "\"");
  }
  Agent& a = *agents_[c.agent];
  QueueState& q = *queues_[c.queue];
  cancelTimer(c.offer_timer);
  cancelTimer(c.ring_timer);
  --a.offered[c.ch];
  ++a.connected[c.ch];
  a.view.missed_in_a_row = 0;
  c.view.state = ContactState::kConnected;
  c.view.answered_at = now_;
  --q.offered;
  q.unanswered.erase({toEpochMillis(c.view.spec->arrived_at), c.seq, c.idx});
  const int64_t wait = std::max<int64_t>(0, (now_ - c.view.spec->arrived_at).count());
  ++q.answered;
  if (wait <= int64_t{q.policy.sl_threshold_s} * 1000) ++q.answered_in_threshold;
  q.answer_wait_ms += wait;
  if (q.last_answer) {
    const double dt =
        std::min(kMaxAnswerIntervalS, static_cast<double>((now_ - *q.last_answer).count()) / 1000.0);
    q.answer_interval_s = (1 - kAnswerIntervalAlpha) * q.answer_interval_s + kAnswerIntervalAlpha * dt;
  }
  q.last_answer = now_;
  emit(OfferEnded{contact_id, agent_id, "accepted", now_});
  emitContact(c);
  settleAgent(a, false);
  return Status::ok();
}

Status Router::Impl::reject(const std::string& contact_id, const std::string& agent_id) {
  now_ = clock_.wallNow();
  Contact* found = findContact(contact_id);
  if (!found) return Status::notFound("no live contact \"" + contact_id + "\"");
  Contact& c = *found;
  if (c.view.state != ContactState::kOffered) {
    return Status::failedPrecondition("contact \"" + contact_id + "\" has no offer out (it is " +
                                      std::string(contactStateName(c.view.state)) + ")");
  }
  if (c.view.agent_id != agent_id) {
    return Status::permissionDenied("contact \"" + contact_id + "\" is not offered to agent \"" + agent_id +
                                    "\"");
  }
  declineOffer(c, *agents_[c.agent], "rejected", options_.reject_delay);
  return Status::ok();
}

Status Router::Impl::complete(const std::string& contact_id, const std::string& agent_id, WrapUp wrap_up) {
  now_ = clock_.wallNow();
  Contact* found = findContact(contact_id);
  if (!found) return Status::notFound("no live contact \"" + contact_id + "\"");
  Contact& c = *found;
  if (c.view.state == ContactState::kConnected && c.view.agent_id != agent_id) {
    return Status::permissionDenied("contact \"" + contact_id + "\" is handled by another agent");
  }
  if (c.view.state != ContactState::kConnected) {
    return Status::failedPrecondition("contact \"" + contact_id + "\" is not connected (it is " +
                                      std::string(contactStateName(c.view.state)) + ")");
  }
  Agent& a = *agents_[c.agent];
  const QueueState& q = *queues_[c.queue];
  --a.connected[c.ch];
  ++a.wrapups;
  c.view.state = ContactState::kWrapUp;
  c.view.wrap_up = std::move(wrap_up);
  c.view.wrap_up_at = now_;
  if (q.policy.wrap_up_time > Millis(0)) {
    c.wrap_end = now_ + q.policy.wrap_up_time;
    const uint32_t idx = c.idx;
    const uint64_t seq = c.seq;
    c.wrap_timer = schedule(q.policy.wrap_up_time, internal::TimerKind::kWrapUp, idx, seq);
  }
  emitContact(c);
  settleAgent(a, false);
  return Status::ok();
}

Status Router::Impl::endWrapUp(const std::string& contact_id, const std::string& agent_id) {
  now_ = clock_.wallNow();
  Contact* found = findContact(contact_id);
  if (!found) return Status::notFound("no live contact \"" + contact_id + "\"");
  Contact& c = *found;
  if (c.view.state == ContactState::kWrapUp && c.view.agent_id != agent_id) {
    return Status::permissionDenied("contact \"" + contact_id + "\" is wrapped up by another agent");
  }
  if (c.view.state != ContactState::kWrapUp) {
    return Status::failedPrecondition("contact \"" + contact_id + "\" is not in wrap-up (it is " +
                                      std::string(contactStateName(c.view.state)) + ")");
  }
  finishWrapUp(c);
  return Status::ok();
}

void Router::Impl::onWrapUpEnd(uint32_t idx, uint64_t seq) {
  now_ = clock_.wallNow();
  if (idx >= contacts_.size() || !contacts_[idx] || contacts_[idx]->seq != seq) return;
  Contact& c = *contacts_[idx];
  c.wrap_timer = 0;
  if (c.view.state == ContactState::kWrapUp) finishWrapUp(c);
}

void Router::Impl::finishWrapUp(Contact& c) {
  cancelTimer(c.wrap_timer);
  Agent& a = *agents_[c.agent];
  --a.wrapups;
  eraseValue(a.work, c.idx);
  c.view.state = ContactState::kCompleted;
  c.view.ended_at = now_;
  emitContact(c);
  forget(c);
  freeAgent(a, false, "agent_available");
}

Status Router::Impl::abandonContact(const std::string& contact_id, bool cancelled) {
  now_ = clock_.wallNow();
  Contact* found = findContact(contact_id);
  if (!found) return Status::notFound("no live contact \"" + contact_id + "\"");
  Contact& c = *found;
  if (c.view.state != ContactState::kQueued && c.view.state != ContactState::kOffered) {
    return Status::failedPrecondition("contact \"" + contact_id + "\" is " +
                                      std::string(contactStateName(c.view.state)) +
                                      " with an agent; complete it instead");
  }
  QueueState& q = *queues_[c.queue];
  Agent* a = nullptr;
  if (c.view.state == ContactState::kOffered) {
    a = agents_[c.agent].get();
    cancelTimer(c.offer_timer);
    --a->offered[c.ch];
    eraseValue(a->work, c.idx);
    --q.offered;
    emit(OfferEnded{contact_id, a->profile.id, "withdrawn", now_});
  } else {
    dequeue(c);
  }
  c.agent = kNone;
  q.unanswered.erase({toEpochMillis(c.view.spec->arrived_at), c.seq, c.idx});
  if (!cancelled) {
    ++q.abandoned;
    if (now_ - c.view.spec->arrived_at > Millis(int64_t{q.policy.sl_threshold_s} * 1000)) {
      ++q.abandoned_after_threshold;
    }
  }
  c.view.state = cancelled ? ContactState::kCancelled : ContactState::kAbandoned;
  c.view.ended_at = now_;
  emitContact(c);
  forget(c);
  if (a) freeAgent(*a, false, "agent_available");
  return Status::ok();
}

// ====================================================================================
// restart

void Router::Impl::restorePresence(const std::string& agent_id, Presence presence) {
  now_ = clock_.wallNow();
  Agent* a = findAgent(agent_id);
  if (!a) a = &newAgent(agent_id);
  a->view.presence = presence;
  if (site::isRequestable(presence.state)) {
    a->base = presence;
  } else {
    // It was working: it had chosen ready. Its work comes back with its contacts.
    a->base = Presence{PresenceState::kReady, std::nullopt, presence.since, presence.changed_by};
  }
  a->view.available_since = presence.since;
  syncView(*a);
  refreshAgent(*a);
}

void Router::Impl::restoreContact(ContactView view) {
  now_ = clock_.wallNow();
  if (isTerminal(view.state) || view.spec->id.empty() || contact_ids_.count(view.spec->id)) return;
  QueueState& q = ensureQueue(view.spec->queue, view.spec->channel);
  if (view.spec->arrived_at == WallTime{}) {
    auto spec = std::make_shared<ContactSpec>(*view.spec);
    spec->arrived_at = now_;
    view.spec = std::move(spec);
  }
  Contact& c = newContact();
  c.view = std::move(view);
  c.queue = q.idx;
  prepareContact(c);
  contact_ids_.emplace(c.view.spec->id, c.idx);
  const bool handled =
      (c.view.state == ContactState::kConnected || c.view.state == ContactState::kWrapUp) && c.view.agent_id;
  if (!handled) {
    // Queued, or offered at the crash: it waits again and resume() offers it.
    q.unanswered.insert({toEpochMillis(c.view.spec->arrived_at), c.seq, c.idx});
    c.view.state = ContactState::kQueued;
    c.view.agent_id.reset();
    c.view.offered_at.reset();
    ++q.waiting;
    updateRing(c);
    indexWaiting(c);
    if (c.ch != internal::channelIndex(q.policy.channel)) updateStrategies();
    return;
  }
  Agent* a = findAgent(*c.view.agent_id);
  if (!a) a = &newAgent(*c.view.agent_id);
  c.agent = a->idx;
  a->work.push_back(c.idx);
  if (c.view.state == ContactState::kConnected) {
    ++a->connected[c.ch];
    if (!c.view.answered_at) c.view.answered_at = now_;
  } else {
    ++a->wrapups;
  }
  updateOccupancy(*a);
  syncView(*a);
  refreshAgent(*a);
}

void Router::Impl::resume() {
  now_ = clock_.wallNow();
  // Wrap-ups: the rest of their time (or all of it, when the start is unknown).
  std::vector<uint32_t> finished;
  for (auto& cp : contacts_) {
    if (!cp || cp->view.state != ContactState::kWrapUp || cp->wrap_timer != 0) continue;
    Contact& c = *cp;
    const Millis t = queues_[c.queue]->policy.wrap_up_time;
    if (t <= Millis(0)) continue;
    const WallTime end = c.view.wrap_up_at.value_or(now_) + t;
    c.wrap_end = end;
    if (end <= now_) {
      finished.push_back(c.idx);
      continue;
    }
    const uint32_t idx = c.idx;
    const uint64_t seq = c.seq;
    c.wrap_timer = schedule(end - now_, internal::TimerKind::kWrapUp, idx, seq);
  }
  for (auto& a : agents_) {
    if (a) settleAgent(*a, false);
  }
  // Rings from the original arrival, then offers in order of effective priority.
  std::vector<Contact*> queued;
  for (auto& cp : contacts_) {
    if (!cp || cp->view.state != ContactState::kQueued) continue;
    if (updateRing(*cp)) {
      unindexWaiting(*cp);
      indexWaiting(*cp);
    }
    if (cp->ring_timer == 0) armRingTimer(*cp);
    queued.push_back(cp.get());
  }
  std::sort(queued.begin(), queued.end(), [this](const Contact* a, const Contact* b) {
    const double ea = effective(*a);
    const double eb = effective(*b);
    return ea != eb ? ea > eb : a->seq < b->seq;
  });
  for (Contact* c : queued) routeContact(*c, "restart");
  for (uint32_t idx : finished) {
    if (contacts_[idx]) finishWrapUp(*contacts_[idx]);
  }
}

// ====================================================================================
// queries

const ContactView* Router::Impl::contact(const std::string& contact_id) const {
  const Contact* c = findContact(contact_id);
  return c ? &c->view : nullptr;
}

std::optional<Decision> Router::Impl::decision(const std::string& contact_id) const {
  const Contact* c = findContact(contact_id);
  if (!c || !c->decision) return std::nullopt;
  return *c->decision;
}

const AgentView* Router::Impl::agent(const std::string& agent_id) const {
  const Agent* a = findAgent(agent_id);
  return a ? &a->view : nullptr;
}

std::vector<AgentView> Router::Impl::agents() const {
  std::vector<AgentView> out;
  out.reserve(agent_ids_.size());
  for (const auto& a : agents_) {
    if (a) out.push_back(a->view);
  }
  std::sort(out.begin(), out.end(), [](const AgentView& x, const AgentView& y) { return x.id < y.id; });
  return out;
}

QueueStats Router::Impl::stats(const std::string& queue) const {
  QueueStats s;
  s.queue = queue;
  auto it = queue_ids_.find(queue);
  if (it == queue_ids_.end()) return s;
  const QueueState& q = *queues_[it->second];
  const WallTime now = clock_.wallNow();
  s.waiting = q.waiting;
  s.offered = q.offered;
  if (!q.unanswered.empty()) {
    s.longest_wait = std::max(Millis(0), now - fromEpochMillis(q.unanswered.front().at));
  }
  s.answered = static_cast<int>(q.answered);
  s.answered_in_threshold = static_cast<int>(q.answered_in_threshold);
  s.abandoned = static_cast<int>(q.abandoned);
  s.service_level = q.serviceLevel();
  s.average_speed_of_answer = q.answered ? Millis(q.answer_wait_ms / q.answered) : Millis(0);
  const int64_t ended = q.answered + q.abandoned;
  s.abandon_rate = ended ? static_cast<double>(q.abandoned) / static_cast<double>(ended) : 0.0;
  return s;
}

std::vector<QueueStats> Router::Impl::allStats() const {
  std::vector<QueueStats> out;
  out.reserve(queue_ids_.size());
  for (const auto& [code, idx] : queue_ids_) out.push_back(stats(code));
  return out;
}

// ====================================================================================
// Router: the public face

Router::Router(const Clock& clock, Timers& timers, EventSink& sink, RouterOptions options)
    : impl_(std::make_unique<Impl>(clock, timers, sink, std::move(options))) {}
Router::~Router() = default;

void Router::setQueue(QueuePolicy policy) { impl_->setQueue(std::move(policy)); }
void Router::setCandidateRanker(CandidateRanker* ranker) { impl_->ranker_ = ranker; }
void Router::upsertAgent(AgentProfile profile) { impl_->upsertAgent(std::move(profile)); }
Status Router::removeAgent(const std::string& agent_id) { return impl_->removeAgent(agent_id); }
void Router::restorePresence(const std::string& agent_id, site::Presence presence) {
  impl_->restorePresence(agent_id, std::move(presence));
}
void Router::restoreContact(ContactView contact) { impl_->restoreContact(std::move(contact)); }
void Router::resume() { impl_->resume(); }
Result<ContactQueued> Router::addContact(ContactSpec spec) { return impl_->addContact(std::move(spec)); }
Status Router::abandonContact(const std::string& contact_id, bool cancelled) {
  return impl_->abandonContact(contact_id, cancelled);
}
Status Router::accept(const std::string& contact_id, const std::string& agent_id) {
  return impl_->accept(contact_id, agent_id);
}
Status Router::reject(const std::string& contact_id, const std::string& agent_id) {
  return impl_->reject(contact_id, agent_id);
}
Status Router::complete(const std::string& contact_id, const std::string& agent_id, WrapUp wrap_up) {
  return impl_->complete(contact_id, agent_id, std::move(wrap_up));
}
Status Router::endWrapUp(const std::string& contact_id, const std::string& agent_id) {
  return impl_->endWrapUp(contact_id, agent_id);
}
Result<site::Presence> Router::requestPresence(const std::string& agent_id, site::PresenceState target,
                                               const std::optional<std::string>& reason,
                                               const std::string& actor, bool forced) {
  return impl_->requestPresence(agent_id, target, reason, actor, forced);
}
const ContactView* Router::contact(const std::string& contact_id) const { return impl_->contact(contact_id); }
std::optional<Decision> Router::decision(const std::string& contact_id) const {
  return impl_->decision(contact_id);
}
const AgentView* Router::agent(const std::string& agent_id) const { return impl_->agent(agent_id); }
std::vector<AgentView> Router::agents() const { return impl_->agents(); }
QueueStats Router::stats(const std::string& queue) const { return impl_->stats(queue); }
std::vector<QueueStats> Router::allStats() const { return impl_->allStats(); }
size_t Router::liveContacts() const { return impl_->liveContacts(); }
Status Router::checkInvariants() const { return impl_->checkInvariants(); }

}  // namespace outpost::routing
