#pragma once

// Domain events: what the engine decided, in the order it decided it. The journal
// persists them (state tables, audit, later the outbox) in one transaction; once
// committed they are passed to listeners (the WebSocket hub, later MQTT sync).
//
// Thread-safety: values.

#include <variant>

#include "site/presence.h"

namespace outpost::engine {

struct PresenceChanged {
  site::PresenceChange change;
  bool forced = false;  // set by a supervisor rather than the agent
};

using DomainEvent = std::variant<PresenceChanged>;

}  // namespace outpost::engine
