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
  const bool posted = loop_.post([this, promise, agent_id, target, reason = std::move(reason),
                                  actor = std::move(actor), forced] {
    runForAgent(agent_id, [this, promise, agent_id, target, reason, actor, forced] {
      changePresence(agent_id, target, reason, actor, forced, promise);
    });
  });
  if (!posted) promise->set_value(Status::unavailable("outpostd is shutting down"));
  return future;
}

void Engine::changePresence(const std::string& agent_id, site::PresenceState target,
                            const std::optional<std::string>& reason, const std::string& actor, bool forced,
                            const std::shared_ptr<std::promise<Result<site::Presence>>>& promise) {
  auto result = board_.request(agent_id, target, reason, actor, loop_.turnWallNow());
  if (!result.isOk()) return promise->set_value(result.status());
  if (!result->has_value()) return promise->set_value(*board_.find(agent_id));  // nothing to change
  in_flight_[agent_id];  // later requests for this agent wait for this commit
  PresenceChanged event{std::move(**result), forced};
  journal_.record({event}, [this, promise, event](const Status& committed) {
    if (committed.isOk()) {
      publish(event);
      promise->set_value(event.change.after);
    } else {
      promise->set_value(Status::unavailable("presence not saved: " + committed.message()));
    }
    loop_.post([this, event, ok = committed.isOk()] {
      if (!ok) board_.undo(event.change);  // nothing else of this agent changed meanwhile
      agentSettled(event.change.agent_id);
    });
  });
}

void Engine::runForAgent(const std::string& agent_id, std::function<void()> task) {
  if (auto it = in_flight_.find(agent_id); it != in_flight_.end()) {
    it->second.push_back(std::move(task));
    return;
  }
  task();
}

void Engine::agentSettled(const std::string& agent_id) {
  auto it = in_flight_.find(agent_id);
  if (it == in_flight_.end()) return;
  std::deque<std::function<void()>> waiting = std::move(it->second);
  in_flight_.erase(it);
  while (!waiting.empty()) {
    auto task = std::move(waiting.front());
    waiting.pop_front();
    task();
    if (auto again = in_flight_.find(agent_id); again != in_flight_.end()) {
      // That request started a commit of its own; the rest wait for it, in order.
      for (auto& t : waiting) again->second.push_back(std::move(t));
      return;
    }
  }
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
