#include "engine/engine.h"

#include <memory>

namespace outpost::engine {

void Engine::restorePresence(const std::string& agent_id, site::Presence presence) {
  board_.addAgent(agent_id, std::move(presence));
}

std::future<Result<site::Presence>> Engine::requestPresence(std::string agent_id, site::PresenceState target,
                                                            std::optional<std::string> reason,
                                                            std::string actor, bool forced) {
  auto promise = std::make_shared<std::promise<Result<site::Presence>>>();
  auto future = promise->get_future();
  const bool posted = loop_.post([this, promise, agent_id = std::move(agent_id), target,
                                  reason = std::move(reason), actor = std::move(actor), forced] {
    auto result = board_.request(agent_id, target, reason, actor, loop_.turnWallNow());
    if (!result.isOk()) return promise->set_value(result.status());
    if (!result->has_value()) return promise->set_value(*board_.find(agent_id));  // nothing to change
    PresenceChanged event{std::move(**result), forced};
    journal_.record({event}, [this, promise, event](const Status& committed) {
      if (!committed.isOk()) {
        loop_.post([this, change = event.change] { board_.undo(change); });
        return promise->set_value(Status::unavailable("presence not saved: " + committed.message()));
      }
      publish(event);
      promise->set_value(event.change.after);
    });
  });
  if (!posted) promise->set_value(Status::unavailable("outpostd is shutting down"));
  return future;
}

void Engine::agentAdded(std::string agent_id) {
  loop_.post([this, id = std::move(agent_id)] { board_.addAgent(id); });
}

void Engine::agentRemoved(std::string agent_id) {
  loop_.post([this, id = std::move(agent_id)] { board_.removeAgent(id); });
}

void Engine::publish(const DomainEvent& event) {
  for (const auto& l : listeners_) l(event);
}

}  // namespace outpost::engine
