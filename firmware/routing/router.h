#pragma once

// Router: the tiered, skill-based, explainable contact router of a site.
//
// It owns agents' routing state (presence included) and every live contact, and
// decides who gets what:
//   1. eligible: ready (or with spare capacity on the channel), every required skill
//      at >= its minimum level, a shared language, not blocked (wrap-up or a delay);
//   2. tier rings: by the contact's segment, widening on the queue's waiting-time
//      steps (a timer per step, no polling) down to "any eligible";
//   3. within the ring, the queue's strategy (longest idle, least occupied,
//      reward-weighted) — or the practice rule for low-risk contacts;
//   4. when an agent frees up, the waiting contact with the highest effective
//      priority (priority + aging × wait, times the queue weight) they can take.
// Every offer carries a Decision saying why. Decisions touch indexed candidates only:
// never a scan of all agents or all contacts.
//
// Time comes from the injected Clock (read as "now" at each call) and timers from the
// injected Timers, so tests and the simulator run it under simulated time. The router
// keeps its many timers (offer time-outs, ring steps, wrap-ups, delays) in its own heap
// and holds at most one Timers timer, for the earliest deadline; timers due at the
// same moment run in deadline order, then creation order, and those a callback makes
// wait for the next turn of the loop, as with the loop's own timers. Effects
// go to the EventSink synchronously, in order, during the call that caused them (or
// the timer callback). The sink must not call back into the router.
//
// Details that callers see:
//   - Rings: a queue with no rings at all gets the built-in ladder: vip and complaint
//     T1–T2, T1–T3 after 30 s; every other segment T3–T4, T2–T4 after 20 s, T1–T4
//     after 60 s; then "any eligible" widen_to_any_after the last step. A queue with
//     rings but none for a segment (and no "*") gives it T1–T4.
//   - Capacity counts offered + connected contacts per channel; a contact in wrap-up
//     no longer counts, but any wrap-up (or reject/no-answer delay) keeps the agent
//     from new offers. A voice contact blocks new chats (voice_blocks_chat); chats
//     do not block voice. Presence shows busy while any contact is connected,
//     reserved while only offers are out, wrap_up while only wrap-ups remain.
//   - Longest idle and least occupied prefer agents with fewer active contacts, then
//     the longer idle (available_since: when the agent last finished work or became
//     ready; a declined offer does not reset it) or the lower occupancy (busy share,
//     exponentially weighted over occupancy_window). Reward-weighted is stride
//     scheduling: each offer adds 1/reward_score to the agent's pass, lowest first.
//   - A declined (rejected or timed-out) contact goes to others first; the decliner
//     gets it again only when no one else is eligible. Rejects and time-outs both
//     count as missed; at max_missed_offers the agent is made not_ready (forced) and
//     the count starts again. An accept resets it.
//   - Practice ignores tier rings; it applies when the queue's practice share stays
//     within practice_max_share counting this offer, and its service level meets
//     the target now. An agent who frees up takes a regular contact before practice.
//   - not_ready/offline while working: offers not yet answered are withdrawn and go
//     to others; the change applies when connected and wrap-up work is over. A
//     request for ready while the change is pending takes it back.
//   - Statistics count from construction: answered within sl_threshold_s counts for
//     the service level; abandoned after it counts against (abandoned within it is
//     left out of the service level, not of abandon_rate); cancelled counts in
//     neither. longest_wait covers queued and offered contacts.
//   - ContactQueued.position is 1-based in the queue by effective priority, 0 when
//     the contact was offered at once; estimated_wait is position × a moving average
//     of the time between answers in the queue (15 s until there are answers).
//   - Restart: restored contacts keep arrived_at (rings and statistics count from
//     it); a wrap-up restored with wrap_up_at ends at wrap_up_at + wrap_up_time.
//     Counters (answered, abandoned, …) start again from zero.
//   - The destructor cancels the router's pending timers.
//
// Thread-safety: none; the engine loop owns it.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "core/status.h"
#include "routing/types.h"

namespace outpost::routing {

// Timers on the owner's loop (the engine adapts its EventLoop).
class Timers {
 public:
  virtual ~Timers() = default;
  virtual uint64_t after(Millis delay, std::function<void()> fn) = 0;
  virtual void cancel(uint64_t id) = 0;
};

// Timers on an EventLoop (the engine's, or one that tests and benchmarks drive with
// runDue() under simulated time).
class LoopTimers final : public Timers {
 public:
  explicit LoopTimers(EventLoop& loop) : loop_(loop) {}
  uint64_t after(Millis delay, std::function<void()> fn) override { return loop_.runAfter(delay, std::move(fn)); }
  void cancel(uint64_t id) override { loop_.cancel(id); }

 private:
  EventLoop& loop_;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void emit(RouterEvent event) = 0;
};

// A plugin's say in the contact → agent choice (rank_candidates, docs/plugin-api.md).
// `candidates` are eligible agents for `contact` in the built-in strategy's order (at
// most kRankCandidates; asked only when there are at least two). Returns the index of
// the agent to offer to, or nullopt to keep the built-in choice. Runs on the router's
// thread and must not call back into the router.
class CandidateRanker {
 public:
  virtual ~CandidateRanker() = default;
  // False while there is nothing to ask (the router then keeps its fast path).
  virtual bool enabled() const = 0;
  virtual std::optional<size_t> choose(const ContactView& contact, const std::vector<const AgentProfile*>& candidates,
                                       WallTime now) = 0;
};
inline constexpr size_t kRankCandidates = 20;

class Router {
 public:
  Router(const Clock& clock, Timers& timers, EventSink& sink, RouterOptions options = {});
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // --- configuration (from the directory) ---
  // Adds or replaces a queue. Contacts already waiting keep their place.
  void setQueue(QueuePolicy policy);
  // Adds an agent (offline) or updates its profile (skills, tier, capacity …),
  // keeping its presence and work.
  void upsertAgent(AgentProfile profile);
  // kConflict while the agent has contacts or an offer.
  Status removeAgent(const std::string& agent_id);

  // A ranker asked on every contact → agent choice (nullptr: none). Not owned.
  void setCandidateRanker(CandidateRanker* ranker);

  // --- start-up: state rebuilt from storage, before any request ---
  void restorePresence(const std::string& agent_id, site::Presence presence);
  // A contact that was live at shutdown. kQueued and kOffered come back queued (an
  // outstanding offer is offered again); kConnected/kWrapUp come back with their agent.
  void restoreContact(ContactView contact);
  // After all restores: makes the offers that are possible now (trigger "restart").
  void resume();

  // --- requests; effects go to the sink ---
  // kInvalidArgument (bad spec: unknown queue → "/queue", duplicate id → kAlreadyExists).
  Result<ContactQueued> addContact(ContactSpec spec);
  // The customer hung up / the channel withdrew it: abandoned (while queued or
  // offered) or cancelled. kNotFound, kFailedPrecondition if already connected/ended.
  Status abandonContact(const std::string& contact_id, bool cancelled);
  // The offered agent answers. kNotFound, kPermissionDenied (not offered to this
  // agent), kFailedPrecondition (no offer out, e.g. it timed out).
  Status accept(const std::string& contact_id, const std::string& agent_id);
  Status reject(const std::string& contact_id, const std::string& agent_id);
  // Handling is over: the contact goes to wrap-up with the agent's wrap-up data.
  Status complete(const std::string& contact_id, const std::string& agent_id, WrapUp wrap_up);
  // The agent closes after-contact work (before the queue's wrap_up_time, or when it is 0).
  Status endWrapUp(const std::string& contact_id, const std::string& agent_id);
  // offline / ready / not_ready(reason). While the agent has work, not_ready and
  // offline are deferred until the work ends (not_ready_pending). Returns the
  // presence now. kNotFound, kInvalidArgument (router-owned state, reason rules).
  Result<site::Presence> requestPresence(const std::string& agent_id, site::PresenceState target,
                                         const std::optional<std::string>& reason, const std::string& actor,
                                         bool forced);

  // --- queries ---
  const ContactView* contact(const std::string& contact_id) const;
  std::optional<Decision> decision(const std::string& contact_id) const;  // the latest offer's
  const AgentView* agent(const std::string& agent_id) const;
  std::vector<AgentView> agents() const;
  QueueStats stats(const std::string& queue) const;
  std::vector<QueueStats> allStats() const;
  // Live contacts (not terminal). Terminal ones are forgotten once emitted.
  size_t liveContacts() const;

  // --- debugging ---
  // Compares every index and counter with a brute-force recomputation and checks that
  // no waiting contact could go to an agent who is free for it. O(agents × contacts):
  // for tests only. kInternal naming the first inconsistency.
  Status checkInvariants() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace outpost::routing
