#pragma once

// Agent presence: the state an agent is in.
//
// offline, ready and not_ready (with a reason) are asked for by the agent or forced
// by a supervisor. reserved, busy and wrap_up belong to the router (routing/), which
// owns every agent's live presence and the rules for changing it.
//
// Domain room: depends on core only. Thread-safety: values.

#include <optional>
#include <string>
#include <string_view>

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

}  // namespace outpost::site
