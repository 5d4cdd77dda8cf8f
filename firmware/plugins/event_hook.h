#pragma once

// The on_event(event, ctx) hook: contact lifecycle events for incentive and alert rules
// (docs/plugin-api.md). Events (plain tables, `type` first):
//
//   completed     {type, contact, agent, outcome = {code, resolved, first_contact_resolution},
//                  wait_ms, handle_ms}
//   abandoned     {type, contact, wait_ms, offers}
//   cancelled     {type, contact}
//   offer_missed  {type, contact_id, agent, outcome ("rejected" | "timed_out")}
//
// The result is nil or a list (at most 16) of actions:
//   {kind = "points", agent = "<id>", points = -1000…1000 (whole), reason = "…"}
//   {kind = "alert", severity = "info"|"warning"|"critical", message = "…", agent = "<id>"?}
//
// Thread-safety: stateless functions.

#include <optional>
#include <string>
#include <vector>

#include "engine/events.h"
#include "plugins/value.h"

namespace outpost::plugins {

struct EventAction {
  std::string kind;      // points, alert
  std::string agent;     // points: required; alert: optional
  int points = 0;        // points
  std::string reason;    // points: optional
  std::string severity;  // alert
  std::string message;   // alert
};

// The event as the hook sees it, or nothing for events rules do not get.
std::optional<Value> eventValue(const engine::DomainEvent& event);
// Validation of on_event's result; errors name the item and field.
Result<std::vector<EventAction>> validateEventActions(const Value& result);
// Back to the plain form (vectors, the outbox record).
Value actionsValue(const std::vector<EventAction>& actions);

}  // namespace outpost::plugins
