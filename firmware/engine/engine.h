#pragma once

// Engine: the live domain state of the site, owned by the engine loop — today the
// contact router (agents' presence and work, contacts, offers).
//
// HTTP and WebSocket threads call the public methods; each posts a command to the
// loop and returns a future. On the loop the command runs against the router, the
// router's events are handed to the Journal as one record, and the future is
// fulfilled only after that record is committed. Commands that changed nothing still
// pass through the journal, so no answer can be based on a change that is not yet on
// disk (the journal commits in order). Router timers (offer time-outs, ring
// widening, wrap-up ends) run on the loop too and journal their events the same way.
//
// If a commit fails, memory is ahead of disk: the engine stops taking commands
// (kUnavailable, and healthy() turns false) until outpostd is restarted and rebuilds
// its state from what is on disk.
//
// Thread-safety: public methods are safe from any thread except where noted.
// Listeners run on the journal's completion thread and must be quick and thread-safe.

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/event_loop.h"
#include "core/status.h"
#include "engine/events.h"
#include "routing/router.h"

namespace outpost::engine {

// Persists events atomically. Implemented by storage.
class Journal {
 public:
  virtual ~Journal() = default;
  // Writes `events` (possibly none) in one transaction, after everything recorded
  // before; `done` runs (on any thread) after the commit with OK, or with the error
  // that prevented it (nothing of this record was written).
  virtual void record(std::vector<DomainEvent> events, std::function<void(const Status&)> done) = 0;
};

// A plugin's say where contacts enter (classify_contact, docs/plugin-api.md): runs on
// the loop before the router sees the contact. Returns the changed spec, or nullopt to
// keep it. If the router refuses the changed spec, the original is used and
// refused() is told why.
class ContactClassifier {
 public:
  virtual ~ContactClassifier() = default;
  virtual std::optional<routing::ContactSpec> classify(const routing::ContactSpec& spec, WallTime now) = 0;
  virtual void refused(const routing::ContactSpec& changed, const Status& why) = 0;
};

class Engine final : private routing::Timers, private routing::EventSink {
 public:
  using Listener = std::function<void(const DomainEvent&)>;
  using StatsListener = std::function<void(const std::vector<routing::QueueStats>&)>;

  Engine(EventLoop& loop, Journal& journal, routing::RouterOptions options = {});
  ~Engine() override;

  // --- before the loop starts (main thread) ---
  void addListener(Listener listener) { listeners_.push_back(std::move(listener)); }
  // Queue statistics, pushed at most once per `stats_interval` while they change.
  void addStatsListener(StatsListener listener) { stats_listeners_.push_back(std::move(listener)); }
  // Plugins (not owned; nullptr: none).
  void setContactClassifier(ContactClassifier* classifier) { classifier_ = classifier; }
  void setCandidateRanker(routing::CandidateRanker* ranker) { router_.setCandidateRanker(ranker); }
  void configureQueue(routing::QueuePolicy policy) { router_.setQueue(std::move(policy)); }
  void configureAgent(routing::AgentProfile profile) { router_.upsertAgent(std::move(profile)); }
  void restorePresence(const std::string& agent_id, site::Presence presence) {
    router_.restorePresence(agent_id, std::move(presence));
  }
  void restoreContact(routing::ContactView contact) { router_.restoreContact(std::move(contact)); }
  // Makes the offers possible after a restart and journals them; call once the loop runs.
  void resume();

  // --- commands: resolved after their events are committed ---
  std::future<Result<site::Presence>> requestPresence(std::string agent_id, site::PresenceState target,
                                                      std::optional<std::string> reason, std::string actor,
                                                      bool forced);
  std::future<Result<routing::ContactQueued>> addContact(routing::ContactSpec spec);
  std::future<Status> abandonContact(std::string contact_id, bool cancelled);
  std::future<Status> accept(std::string contact_id, std::string agent_id);
  std::future<Status> reject(std::string contact_id, std::string agent_id);
  std::future<Status> complete(std::string contact_id, std::string agent_id, routing::WrapUp wrap_up);
  std::future<Status> endWrapUp(std::string contact_id, std::string agent_id);

  // --- directory changes, after their commit ---
  void agentUpserted(routing::AgentProfile profile);
  void agentRemoved(std::string agent_id);
  void queueUpserted(routing::QueuePolicy policy);

  // --- live reads (answered on the loop) ---
  std::future<std::vector<routing::QueueStats>> queueStats();
  std::future<std::optional<routing::ContactView>> contact(std::string contact_id);
  std::future<std::optional<routing::Decision>> decision(std::string contact_id);

  // False once a commit failed; see above.
  bool healthy() const { return !failed_.load(); }

 private:
  // routing::Timers
  uint64_t after(Millis delay, std::function<void()> fn) override;
  void cancel(uint64_t id) override;
  // routing::EventSink
  void emit(routing::RouterEvent event) override;

  // Runs `fn` on the loop and resolves the future with its result once the events it
  // caused are committed.
  template <typename R>
  std::future<R> command(std::function<R()> fn);
  // Journals the events collected so far; `done` gets the commit's status.
  void flush(std::function<void(const Status&)> done);
  void scheduleStats();

  EventLoop& loop_;
  Journal& journal_;
  std::vector<Listener> listeners_;
  std::vector<StatsListener> stats_listeners_;
  routing::Router router_;                 // loop thread only
  ContactClassifier* classifier_ = nullptr;
  std::vector<DomainEvent> pending_;       // loop thread only: events not yet handed to the journal
  bool stats_dirty_ = false;               // loop thread only
  bool stats_timer_ = false;               // loop thread only
  std::atomic<bool> failed_{false};
};

}  // namespace outpost::engine
