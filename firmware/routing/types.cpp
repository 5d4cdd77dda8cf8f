#include "routing/types.h"

namespace outpost::routing {

std::string_view contactStateName(ContactState state) {
  switch (state) {
    case ContactState::kQueued: return "queued";
    case ContactState::kOffered: return "offered";
    case ContactState::kConnected: return "connected";
    case ContactState::kWrapUp: return "wrap_up";
    case ContactState::kCompleted: return "completed";
    case ContactState::kAbandoned: return "abandoned";
    case ContactState::kCancelled: return "cancelled";
  }
  return "queued";
}

bool isTerminal(ContactState state) {
  return state == ContactState::kCompleted || state == ContactState::kAbandoned ||
         state == ContactState::kCancelled;
}

std::string_view strategyName(Strategy s) {
  switch (s) {
    case Strategy::kLongestIdle: return "longest_idle";
    case Strategy::kLeastOccupied: return "least_occupied";
    case Strategy::kRewardWeighted: return "reward_weighted";
  }
  return "longest_idle";
}

Result<Strategy> parseStrategy(std::string_view text) {
  for (auto s : {Strategy::kLongestIdle, Strategy::kLeastOccupied, Strategy::kRewardWeighted}) {
    if (strategyName(s) == text) return s;
  }
  return Status::invalidArgument("must be one of longest_idle, least_occupied, reward_weighted");
}

}  // namespace outpost::routing
