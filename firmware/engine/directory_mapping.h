#pragma once

// The router's view of directory entities: what a site::Agent and a site::Queue mean
// for routing. Used at start-up and after every directory change.

#include "routing/types.h"
#include "site/directory.h"

namespace outpost::engine {

routing::AgentProfile agentProfile(const site::Agent& agent);
routing::QueuePolicy queuePolicy(const site::Queue& queue);

}  // namespace outpost::engine
