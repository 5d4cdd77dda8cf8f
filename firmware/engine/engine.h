#pragma once

// Engine: the domain state of the site, owned by the engine loop.
//
// HTTP and WebSocket threads call the public methods, which post work to the loop
// and return a future. The loop applies the change in memory, hands the resulting
// events to the Journal, and fulfils the future only after the journal reports the
// commit — so an answer never acknowledges anything that is not on disk. Committed
// events then go to the listeners.
//
// Today the engine holds agent presence; the router, IVR sessions and offers join it.
//
// Thread-safety: public methods are safe from any thread. Listeners run on the
// journal's completion thread and must be quick and thread-safe.

#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/event_loop.h"
#include "core/status.h"
#include "engine/events.h"
#include "site/presence.h"

namespace outpost::engine {

// Persists events atomically. Implemented by storage.
class Journal {
 public:
  virtual ~Journal() = default;
  // Writes `events` in one transaction; `done` runs (on any thread) after the commit
  // with OK, or with the error that prevented it (nothing was written).
  virtual void record(std::vector<DomainEvent> events, std::function<void(const Status&)> done) = 0;
};

class Engine {
 public:
  using Listener = std::function<void(const DomainEvent&)>;

  Engine(EventLoop& loop, Journal& journal) : loop_(loop), journal_(journal) {}

  // Before the loop starts: listeners and the state read back from storage.
  void addListener(Listener listener) { listeners_.push_back(std::move(listener)); }
  void restorePresence(const std::string& agent_id, site::Presence presence);

  // A presence request by `actor` (a username); `forced` when a supervisor sets it.
  // Resolves to the agent's presence after the change was committed, or an error
  // (see PresenceBoard::request; kUnavailable when shutting down or storage failed).
  std::future<Result<site::Presence>> requestPresence(std::string agent_id, site::PresenceState target,
                                                      std::optional<std::string> reason, std::string actor,
                                                      bool forced);

  // Keeps the board in step with the directory after an agent was created/deleted.
  void agentAdded(std::string agent_id);
  void agentRemoved(std::string agent_id);

 private:
  void publish(const DomainEvent& event);
  void changePresence(const std::string& agent_id, site::PresenceState target,
                      const std::optional<std::string>& reason, const std::string& actor, bool forced,
                      const std::shared_ptr<std::promise<Result<site::Presence>>>& promise);
  // Runs `task` now, or after the agent's change in flight has been committed, so
  // an agent's requests are answered in order and never from an uncommitted state.
  void runForAgent(const std::string& agent_id, std::function<void()> task);
  // The agent's commit finished: runs the requests that waited for it.
  void agentSettled(const std::string& agent_id);

  EventLoop& loop_;
  Journal& journal_;
  std::vector<Listener> listeners_;
  site::PresenceBoard board_;  // loop thread only
  // Agents with a change being committed, and the requests waiting behind it.
  std::map<std::string, std::deque<std::function<void()>>> in_flight_;  // loop thread only
};

}  // namespace outpost::engine
