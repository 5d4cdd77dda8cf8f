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

void PresenceBoard::addAgent(const std::string& agent_id, Presence initial) { board_.emplace(agent_id, std::move(initial)); }

void PresenceBoard::removeAgent(const std::string& agent_id) { board_.erase(agent_id); }

const Presence* PresenceBoard::find(const std::string& agent_id) const {
  auto it = board_.find(agent_id);
  return it == board_.end() ? nullptr : &it->second;
}

Result<std::optional<PresenceChange>> PresenceBoard::request(const std::string& agent_id, PresenceState target,
                                                             const std::optional<std::string>& reason,
                                                             const std::string& actor, WallTime now) {
  auto it = board_.find(agent_id);
  if (it == board_.end()) return Status::notFound("no agent \"" + agent_id + "\" at this site");
  if (!isRequestable(target)) {
    return Status::invalidArgument("\"" + std::string(presenceName(target)) +
                                       "\" is set by the router, not by a request; ask for offline, ready or not_ready",
                                   "/state");
  }
  if (target == PresenceState::kNotReady && !reason) {
    return Status::invalidArgument("not_ready needs a reason code", "/reason");
  }
  if (target != PresenceState::kNotReady && reason) {
    return Status::invalidArgument("a reason is only allowed with not_ready", "/reason");
  }
  Presence& cur = it->second;
  if (!isRequestable(cur.state)) {
    return Status::conflict("agent \"" + agent_id + "\" is " + std::string(presenceName(cur.state)) +
                            " with a contact; the change can be made when the contact is finished");
  }
  if (cur.state == target && cur.reason == reason) return std::optional<PresenceChange>{};
  PresenceChange change{agent_id, cur, Presence{target, reason, now, actor}};
  cur = change.after;
  return std::optional<PresenceChange>{std::move(change)};
}

void PresenceBoard::undo(const PresenceChange& change) {
  auto it = board_.find(change.agent_id);
  if (it != board_.end()) it->second = change.before;
}

}  // namespace outpost::site
