#pragma once

// Router::Impl: the router's state and logic behind the public Router (router.h).
//
//   router.cpp      requests, offers and their lifecycle, presence, timers, restart
//   decide.cpp      the decisions: best agent for a contact, best contact for an
//                   agent, practice, and the Decision record with its summary line
//   invariants.cpp  checkInvariants(): indices and counters against a brute-force
//                   recomputation (tests only)
//
// Internal to routing. Thread-safety: none (the owner's loop).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "routing/internal/agent_index.h"
#include "routing/internal/contact_index.h"
#include "routing/internal/ids.h"
#include "routing/internal/model.h"
#include "routing/internal/timer_queue.h"
#include "routing/router.h"

namespace outpost::routing {

class Router::Impl {
 public:
  Impl(const Clock& clock, Timers& timers, EventSink& sink, RouterOptions options);
  ~Impl();

  void setQueue(QueuePolicy policy);
  CandidateRanker* ranker_ = nullptr;  // plugins (rank_candidates); see pickAgent
  void upsertAgent(AgentProfile profile);
  Status removeAgent(const std::string& agent_id);
  void restorePresence(const std::string& agent_id, site::Presence presence);
  void restoreContact(ContactView contact);
  void resume();
  Result<ContactQueued> addContact(ContactSpec spec);
  Status abandonContact(const std::string& contact_id, bool cancelled);
  Status accept(const std::string& contact_id, const std::string& agent_id);
  Status reject(const std::string& contact_id, const std::string& agent_id);
  Status complete(const std::string& contact_id, const std::string& agent_id, WrapUp wrap_up);
  Status endWrapUp(const std::string& contact_id, const std::string& agent_id);
  Result<site::Presence> requestPresence(const std::string& agent_id, site::PresenceState target,
                                         const std::optional<std::string>& reason, const std::string& actor,
                                         bool forced);
  const ContactView* contact(const std::string& contact_id) const;
  std::optional<Decision> decision(const std::string& contact_id) const;
  const AgentView* agent(const std::string& agent_id) const;
  std::vector<AgentView> agents() const;
  QueueStats stats(const std::string& queue) const;
  std::vector<QueueStats> allStats() const;
  size_t liveContacts() const { return contact_ids_.size(); }
  Status checkInvariants() const;

 private:
  using Agent = internal::Agent;
  using Contact = internal::Contact;
  using QueueState = internal::QueueState;
  using SkillId = internal::SkillId;
  using LangId = internal::LangId;
  using SkillReq = internal::SkillReq;

  // --- decisions (decide.cpp) ---
  struct AgentPick {
    Agent* agent = nullptr;
    int eligible = 0;
    bool practice = false;
    bool fallback = false;  // only agents who declined it were eligible
    bool exact = true;      // `eligible` is exact (else an upper bound)
    SkillId practice_skill = internal::kNone;
  };
  struct ContactPick {
    Contact* contact = nullptr;
    double eff = 0;
    bool practice = false;
    bool fallback = false;  // the agent had declined it; nothing else fits
    SkillId practice_skill = internal::kNone;
  };
  AgentPick pickAgent(const Contact& c) const;
  AgentPick pickPracticeAgent(const Contact& c) const;
  ContactPick pickContact(const Agent& a) const;
  ContactPick pickPracticeContact(const Agent& a) const;
  bool practiceOpen(const QueueState& q) const;
  Decision makeDecision(const Contact& c, const Agent& a, std::string_view trigger, const AgentPick& pick,
                        bool agent_side) const;

  // --- routing and the offer lifecycle (router.cpp) ---
  // Tries to offer a queued contact; true if offered.
  bool routeContact(Contact& c, std::string_view trigger);
  // Gives an agent who can take more the best waiting contacts, up to its capacity.
  void routeAgent(Agent& a, std::string_view trigger);
  void offer(Contact& c, Agent& a, std::string_view trigger, const AgentPick& pick, bool agent_side);
  void onOfferTimeout(uint32_t idx, uint64_t seq);
  // An offer ended without an accept: the agent declined (rejected, timed out).
  void declineOffer(Contact& c, Agent& a, std::string_view outcome, Millis delay);
  // Takes the offer back from the agent without penalty; the contact is left queued
  // (not yet routed).
  void withdrawOffer(Contact& c, Agent& a);
  // Withdraws every offer out to `a`; returns the contacts requeued (to route later).
  std::vector<uint32_t> withdrawAll(Agent& a);
  void finishWrapUp(Contact& c);
  void onWrapUpEnd(uint32_t idx, uint64_t seq);
  void onRingTimer(uint32_t idx, uint64_t seq);
  void onDelayEnd(uint32_t idx, uint64_t serial);
  void startDelay(Agent& a, Millis delay);

  // --- contacts ---
  Contact& newContact();
  void forget(Contact& c);
  void prepareContact(Contact& c);  // interned requirements, key, low-risk, ring
  void enqueue(Contact& c);         // into the waiting indices and counters (state queued)
  void dequeue(Contact& c);         // out of them (offered or ended)
  void indexWaiting(Contact& c);
  void unindexWaiting(Contact& c);
  // Sets the ring step for the current wait; true if the tiers changed.
  bool updateRing(Contact& c);
  void armRingTimer(Contact& c);
  // Timers (see timer_queue.h): schedule() returns the id to keep in the owner's field;
  // cancelTimer() forgets it. One Timers timer is armed for the earliest deadline.
  uint64_t schedule(Millis delay, internal::TimerKind kind, uint32_t idx, uint64_t tag);
  void cancelTimer(uint64_t& id);
  bool timerLive(const internal::TimerEntry& e) const;
  void armTimer();
  void onTimers();
  double effective(const Contact& c) const;
  int positionOf(const Contact& c) const;
  Millis estimateWait(const QueueState& q, int position) const;
  void emitContact(const Contact& c);

  // --- agents ---
  Agent& newAgent(const std::string& id);
  void applyProfile(Agent& a, AgentProfile profile);
  bool availableOn(const Agent& a, int ch) const;
  // The index keys the agent should have now (per channel, whether available or not).
  internal::AgentIndexSpec indexSpec(const Agent& a) const;
  // Re-indexes the agent if its availability or keys changed.
  void refreshAgent(Agent& a);
  // After any change to an agent's work or choice: applies a deferred presence when
  // the work is over, updates the view, the index, and emits AgentChanged if needed.
  void settleAgent(Agent& a, bool forced);
  void syncView(Agent& a);
  void syncPresence(Agent& a, bool forced);
  void forceNotReady(Agent& a);
  double occupancy(const Agent& a, WallTime at) const;
  void updateOccupancy(Agent& a);
  void refreshAllAgents();
  // Recomputes which strategies are indexed on each channel; re-indexes if changed.
  void updateStrategies();
  // The agent's work or choice changed so that it may take more: settles it and gives
  // it waiting contacts, re-indexing it once at the end.
  void freeAgent(Agent& a, bool forced, std::string_view trigger);

  // --- helpers ---
  Agent* findAgent(const std::string& id);
  const Agent* findAgent(const std::string& id) const;
  Contact* findContact(const std::string& id);
  const Contact* findContact(const std::string& id) const;
  QueueState* findQueue(const std::string& code);
  QueueState& ensureQueue(const std::string& code, site::Channel channel);
  double seconds(WallTime t) const;  // since the epoch of this router
  uint32_t internSig(const std::vector<SkillReq>& extra);
  bool meetsSig(const Agent& a, uint32_t sig) const;
  void ringName(std::string& out, int step, int lo, int hi, const Contact& c) const;  // appends
  void emit(RouterEvent event) { sink_.emit(std::move(event)); }

  const Clock& clock_;
  Timers& timers_;
  EventSink& sink_;
  RouterOptions options_;
  WallTime epoch_;
  WallTime now_;  // read at the start of every call and timer callback

  internal::Interner skills_{1};  // 0 is kAnySkill
  internal::Interner langs_;
  std::vector<std::vector<SkillReq>> sigs_{{}};  // signature id → requirements (0 = none)
  std::map<std::vector<std::pair<SkillId, int>>, uint32_t> sig_ids_;

  std::vector<std::unique_ptr<Agent>> agents_;  // by slot; null = free
  std::vector<internal::SkillLevels> skill_levels_;  // by agent slot: its skills (see pickAgent)
  std::vector<uint32_t> free_agents_;
  std::unordered_map<std::string, uint32_t> agent_ids_;
  uint64_t next_agent_serial_ = 1;

  std::vector<std::unique_ptr<Contact>> contacts_;  // by slot; null = free
  std::vector<uint32_t> free_contacts_;
  std::unordered_map<std::string, uint32_t> contact_ids_;
  uint64_t next_seq_ = 1;

  std::vector<std::unique_ptr<QueueState>> queues_;
  std::map<std::string, uint32_t, std::less<>> queue_ids_;
  uint8_t strategies_[internal::kChannels] = {0, 0};  // per channel: bit per strategy its queues use
  // While an agent settles and picks its next contacts its index entries are left
  // alone and rebuilt once at the end (see freeAgent).
  const Agent* hold_index_ = nullptr;
  // Agents go into the kAnySkill buckets only once a contact that requires no skill
  // has been routed: they are the largest buckets, and many sites never need them.
  bool any_skill_index_ = false;

  internal::TimerQueue timer_queue_;
  uint64_t armed_ = 0;      // the Timers timer that runs onTimers (0: none)
  int64_t armed_due_ = 0;   // its deadline (ms since the Unix epoch)

  internal::AgentIndex agent_index_;
  internal::ContactIndex contact_index_;
  double global_pass_ = 0;  // reward-weighted: the pass of the last agent picked
};

}  // namespace outpost::routing
