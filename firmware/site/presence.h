#pragma once

// Agent presence: the state an agent is in and the rules for changing it on request.
//
// offline, ready and not_ready (with a reason) are asked for by the agent or forced
// by a supervisor. reserved, busy and wrap_up belong to the router: a request cannot
// set them, and an agent in one of them cannot be moved by a request until the
// contact is finished.
//
// Domain room: depends on core only. Thread-safety: values and a board owned by the
// engine loop (no locking inside).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace outpost::site {

enum class PresenceState { kOffline, kReady, kNotReady, kReserved, kBusy, kWrapUp };
std::string_view presenceName(PresenceState state);
Result<PresenceState> parsePresence(std::string_view text);
// True for the states a person may ask for (offline, ready, not_ready).
bool isRequestable(PresenceState state);

struct Presence {
  PresenceState state = PresenceState::kOffline;
  std::optional<std::string> reason;  // a not-ready reason code; set only in not_ready
  WallTime since{};
  std::string changed_by;  // username, or "system"
};

struct PresenceChange {
  std::string agent_id;
  Presence before;
  Presence after;
};

// The presence of every agent at the site.
class PresenceBoard {
 public:
  // Adds an agent (offline) or keeps its presence if already known.
  void addAgent(const std::string& agent_id, Presence initial = {});
  void removeAgent(const std::string& agent_id);
  const Presence* find(const std::string& agent_id) const;
  const std::map<std::string, Presence>& all() const { return board_; }

  // Checks a request and, if it changes anything, applies it and returns the change.
  // Returns nullopt when the agent is already in that state with that reason.
  // Errors: kNotFound (no such agent), kInvalidArgument (state not requestable, a
  // reason missing or not allowed), kConflict (the agent is with a contact).
  Result<std::optional<PresenceChange>> request(const std::string& agent_id, PresenceState target,
                                                const std::optional<std::string>& reason,
                                                const std::string& actor, WallTime now);
  // Puts a change back (its commit failed).
  void undo(const PresenceChange& change);

 private:
  std::map<std::string, Presence> board_;
};

}  // namespace outpost::site
