#include "site/presence.h"

namespace outpost::site {

std::string_view presenceName(PresenceState state) {
  switch (state) {
    case PresenceState::kOffline: return "offline";
    case PresenceState::kReady: return "ready";
    case PresenceState::kNotReady: return "not_ready";
    case PresenceState::kReserved: return "reserved";
    case PresenceState::kBusy: return "busy";
    case PresenceState::kWrapUp: return "wrap_up";
  }
  return "offline";
}

Result<PresenceState> parsePresence(std::string_view text) {
  for (auto s : {PresenceState::kOffline, PresenceState::kReady, PresenceState::kNotReady,
                 PresenceState::kReserved, PresenceState::kBusy, PresenceState::kWrapUp}) {
    if (presenceName(s) == text) return s;
  }
  return Status::invalidArgument("must be one of offline, ready, not_ready, reserved, busy, wrap_up");
}

bool isRequestable(PresenceState state) {
  return state == PresenceState::kOffline || state == PresenceState::kReady || state == PresenceState::kNotReady;
}

}  // namespace outpost::site
