#pragma once

// Domain events: what the engine decided, in the order it decided it. The journal
// persists them (state tables, contact history, audit, later the sync outbox) in one
// transaction; once committed they go to listeners (the WebSocket hub, later MQTT).
//
// Today every domain event comes from the router.
//
// Thread-safety: values.

#include "routing/types.h"

namespace outpost::engine {

using DomainEvent = routing::RouterEvent;

}  // namespace outpost::engine
