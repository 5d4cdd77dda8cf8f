#pragma once

// Value types of the contact router: agents as routing sees them, contacts, queue
// policies, decisions with their reasons, and the events the router emits.
//
// Domain room: depends on core and site only. Thread-safety: values.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/clock.h"
#include "site/directory.h"
#include "site/presence.h"

namespace outpost::routing {

// --- agents -----------------------------------------------------------------------

// What routing needs to know about an agent (from the directory and, later, KPIs).
struct AgentProfile {
  std::string id;
  int tier = 4;                           // 1 (highest) … 4
  std::vector<std::string> languages;     // "zh-CN", "en"
  int voice_capacity = 1;                 // 0 or 1
  int chat_capacity = 3;                  // 0 … 8
  std::vector<site::SkillLevel> skills;   // proficiency 1–5
  std::vector<std::string> practice_skills;  // skills on the agent's practice list
  double reward_score = 1.0;              // quality × efficiency, > 0; a higher score gets a larger share
};

// The live routing view of an agent.
struct AgentView {
  std::string id;
  site::Presence presence;   // offline/ready/not_ready as chosen, or reserved/busy/wrap_up while working
  bool not_ready_pending = false;  // asked for not_ready while working: applied when the work ends
  std::optional<std::string> pending_reason;
  std::optional<site::PresenceState> pending_state;  // the deferred target: not_ready or offline
  int voice_active = 0;      // connected or offered voice contacts
  int chat_active = 0;       // connected or offered chats
  int missed_in_a_row = 0;   // offers rejected or timed out since the last accept
  WallTime available_since{};  // when the agent last became free (longest-idle key)
  std::optional<WallTime> blocked_until;  // reject / no-answer delay or wrap-up end
};

// --- contacts ---------------------------------------------------------------------

enum class ContactState {
  kQueued,     // waiting for an agent
  kOffered,    // offered to one agent, waiting for accept/reject/time-out
  kConnected,  // an agent accepted and is handling it
  kWrapUp,     // handled; the agent is doing after-contact work
  kCompleted,  // terminal: handled and wrapped up
  kAbandoned,  // terminal: the customer left while waiting (or while offered)
  kCancelled,  // terminal: withdrawn by the channel or a supervisor
};
std::string_view contactStateName(ContactState state);
bool isTerminal(ContactState state);

struct ContactSpec {
  std::string id;  // unique; chosen by the caller
  site::Channel channel = site::Channel::kVoice;
  std::string language = "zh-CN";
  std::vector<site::SkillLevel> skills;  // required, with minimum level
  std::string segment = "standard";      // standard, vip, complaint, … (picks the tier rings)
  double value = 0;                      // customer value (for Lua rules and reports)
  int priority = 50;                     // 0 … 100
  std::string intent;                    // from the IVR
  double intent_confidence = 0;          // 0 … 1
  std::vector<std::string> ivr_path;     // the IVR nodes the customer went through
  std::string attributes_json = "{}";    // free attributes, a JSON object as text
  std::string queue;                     // the queue it waits in (must be configured)
  WallTime arrived_at{};                 // the original arrival; kept across restarts
};

struct WrapUp {
  std::string code;       // a wrap-up code
  bool resolved = false;
  bool first_contact_resolution = false;
  std::string notes;
};

struct ContactView {
  // What the contact asked for, fixed at arrival: every copy of the view and every event
  // shares it instead of copying its strings.
  std::shared_ptr<const ContactSpec> spec = std::make_shared<const ContactSpec>();
  ContactState state = ContactState::kQueued;
  std::optional<std::string> agent_id;  // offered to / handled by
  std::optional<WallTime> offered_at;
  std::optional<WallTime> answered_at;  // accepted
  std::optional<WallTime> wrap_up_at;   // completed by the agent: wrap-up began (restart resumes its timer)
  std::optional<WallTime> ended_at;     // completed, abandoned or cancelled
  std::optional<WrapUp> wrap_up;
  int offers = 0;                       // how many offers were made for it
};

// --- policies ---------------------------------------------------------------------

enum class Strategy {
  kLongestIdle,    // the agent free for the longest time
  kLeastOccupied,  // the agent with the lowest share of busy time in the recent window
  kRewardWeighted, // share of offers proportional to reward_score (stride scheduling)
};
std::string_view strategyName(Strategy s);
Result<Strategy> parseStrategy(std::string_view text);

// From `after` waiting time on, a contact may go to tiers [min_tier, max_tier].
// Steps are ordered by `after`; the first has after = 0.
struct RingStep {
  Millis after{0};
  int min_tier = 1;
  int max_tier = 4;
};

struct QueuePolicy {
  std::string code;
  site::Channel channel = site::Channel::kVoice;
  int sl_threshold_s = 20;    // service level: answered within …
  int sl_target_pct = 80;     // … for this share of contacts
  Millis offer_timeout = std::chrono::seconds(15);
  Millis wrap_up_time = std::chrono::seconds(10);  // after complete(); 0 = until the agent ends it
  Strategy strategy = Strategy::kLongestIdle;
  double weight = 1.0;        // queue weight when an agent frees up and several queues wait
  double aging_per_s = 1.0;   // priority points gained per second of waiting
  // Tier rings per customer segment; "*" is the default for other segments. The last
  // step of every ring list is followed by "any eligible" after `widen_to_any_after`.
  std::map<std::string, std::vector<RingStep>> rings;
  Millis widen_to_any_after = std::chrono::seconds(120);
  // Targeted practice: low-risk contacts (segment in practice_segments and priority at
  // most practice_max_priority) in a skill on an agent's practice list may go to that
  // agent — at most practice_max_share of this queue's offers, and only while the
  // queue meets its service level.
  bool practice_enabled = true;
  double practice_max_share = 0.2;
  int practice_max_priority = 40;
  std::vector<std::string> practice_segments = {"standard"};
};

struct RouterOptions {
  Millis reject_delay = std::chrono::seconds(5);      // after a reject, before the next offer
  Millis no_answer_delay = std::chrono::seconds(30);  // after a timed-out offer
  int max_missed_offers = 3;          // in a row → not_ready with reason missed_offers_reason
  std::string missed_offers_reason = "missed-offers";
  bool voice_blocks_chat = true;      // a voice contact takes the agent off chat too
  Millis occupancy_window = std::chrono::minutes(30);  // for least-occupied
};

// --- decisions --------------------------------------------------------------------

// Why a contact went where it went. Kept with the contact and emitted with the offer.
struct Decision {
  std::string contact_id;
  std::string agent_id;
  WallTime at{};
  std::string trigger;   // contact_arrived, agent_available, ring_widened, offer_declined, restart,
                         // queue_changed (setQueue widened a ring or opened practice)
  std::string queue;
  std::string strategy;  // longest_idle, least_occupied, reward_weighted, practice
  int ring_step = 0;     // index into the segment's ring steps; steps.size() = "any eligible"
  int ring_min_tier = 1;
  int ring_max_tier = 4;
  int eligible = 0;      // eligible agents in the ring at decision time (at least the chosen one);
                         // exact up to 16 candidates checked, else an upper bound (agents in the
                         // ring with the most selective required skill); 1 when an agent freed up
  bool practice = false;
  // The chosen agent's figures.
  int agent_tier = 0;
  int agent_level = 0;   // in the contact's first required skill (0 if none)
  Millis idle_for{0};
  double reward_score = 0;
  double occupancy = 0;  // 0 … 1
  double effective_priority = 0;
  std::string summary;   // one English line, e.g. "T1 agent a03 (cards 5), idle 42 s, longest idle of 3 in T1–T2"
};

// --- statistics -------------------------------------------------------------------

struct QueueStats {
  std::string queue;
  int waiting = 0;
  int offered = 0;             // contacts with an offer out
  Millis longest_wait{0};      // of those waiting now
  int answered = 0;            // since start of day (or restart of the counters)
  int answered_in_threshold = 0;
  int abandoned = 0;
  double service_level = 1.0;  // answered_in_threshold / (answered + abandoned after threshold); 1 when none
  Millis average_speed_of_answer{0};
  double abandon_rate = 0;     // abandoned / (answered + abandoned)
};

// --- events -----------------------------------------------------------------------

struct ContactQueued { ContactView contact; int position = 0; Millis estimated_wait{0}; };
struct ContactOffered { ContactView contact; Decision decision; WallTime expires_at{}; };
struct OfferEnded {
  std::string contact_id;
  std::string agent_id;
  std::string outcome;  // accepted, rejected, timed_out, withdrawn
  WallTime at{};
};
struct ContactChanged { ContactView contact; };  // connected, wrap_up, completed, abandoned, cancelled, requeued
struct AgentChanged { std::string agent_id; site::Presence before; site::Presence after; bool forced = false; };

using RouterEvent = std::variant<ContactQueued, ContactOffered, OfferEnded, ContactChanged, AgentChanged>;

}  // namespace outpost::routing
