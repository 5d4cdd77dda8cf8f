#include "engine/engine.h"

namespace outpost::engine {
namespace {

constexpr auto kStatsInterval = std::chrono::milliseconds(500);

bool changesStats(const DomainEvent& e) {
  return !std::holds_alternative<routing::AgentChanged>(e) && !std::holds_alternative<routing::OfferEnded>(e);
}

}  // namespace

Engine::Engine(EventLoop& loop, Journal& journal, routing::RouterOptions options)
    : loop_(loop), journal_(journal), router_(loop.clock(), *this, *this, std::move(options)) {}

Engine::~Engine() = default;

uint64_t Engine::after(Millis delay, std::function<void()> fn) {
  return loop_.runAfter(delay, [this, fn = std::move(fn)] {
    if (failed_) return;
    fn();
    flush(nullptr);
  });
}

void Engine::cancel(uint64_t id) { loop_.cancel(id); }

void Engine::emit(routing::RouterEvent event) {
  if (changesStats(event)) stats_dirty_ = true;
  pending_.push_back(std::move(event));
}

void Engine::flush(std::function<void(const Status&)> done) {
  std::vector<DomainEvent> events;
  events.swap(pending_);
  if (events.empty() && !done) return;
  if (stats_dirty_) scheduleStats();
  journal_.record(events, [this, events, done = std::move(done)](const Status& committed) {
    if (!committed.isOk()) {
      failed_ = true;  // memory is ahead of disk now; only a restart can make them agree
    } else {
      for (const auto& e : events) {
        for (const auto& l : listeners_) l(e);
      }
    }
    if (done) done(committed);
  });
}

void Engine::scheduleStats() {
  if (stats_timer_ || stats_listeners_.empty()) return;
  stats_timer_ = true;
  loop_.runAfter(kStatsInterval, [this] {
    stats_timer_ = false;
    if (!stats_dirty_) return;
    stats_dirty_ = false;
    const auto stats = router_.allStats();
    for (const auto& l : stats_listeners_) l(stats);
  });
}

template <typename R>
std::future<R> Engine::command(std::function<R()> fn) {
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  const bool posted = loop_.post([this, promise, fn = std::move(fn)] {
    if (failed_) {
      promise->set_value(R(Status::unavailable("a database commit failed; restart outpostd")));
      return;
    }
    auto result = std::make_shared<R>(fn());
    flush([promise, result](const Status& committed) {
      if (!committed.isOk()) {
        promise->set_value(R(Status::unavailable("not saved: " + committed.message())));
      } else {
        promise->set_value(std::move(*result));
      }
    });
  });
  if (!posted) promise->set_value(R(Status::unavailable("outpostd is shutting down")));
  return future;
}

void Engine::resume() {
  loop_.post([this] {
    router_.resume();
    flush(nullptr);
  });
}

std::future<Result<site::Presence>> Engine::requestPresence(std::string agent_id, site::PresenceState target,
                                                            std::optional<std::string> reason, std::string actor,
                                                            bool forced) {
  return command<Result<site::Presence>>([=, this] {
    return router_.requestPresence(agent_id, target, reason, actor, forced);
  });
}

std::future<Result<routing::ContactQueued>> Engine::addContact(routing::ContactSpec spec) {
  return command<Result<routing::ContactQueued>>([this, spec = std::move(spec)]() mutable {
    if (classifier_) {
      if (auto changed = classifier_->classify(spec, loop_.turnWallNow())) {
        auto queued = router_.addContact(*changed);
        if (queued.isOk() || queued.status().code() == StatusCode::kAlreadyExists) return queued;
        classifier_->refused(*changed, queued.status());  // fall back to the contact as it came
      }
    }
    return router_.addContact(std::move(spec));
  });
}

std::future<Status> Engine::abandonContact(std::string contact_id, bool cancelled) {
  return command<Status>([=, this] { return router_.abandonContact(contact_id, cancelled); });
}

std::future<Status> Engine::accept(std::string contact_id, std::string agent_id) {
  return command<Status>([=, this] { return router_.accept(contact_id, agent_id); });
}

std::future<Status> Engine::reject(std::string contact_id, std::string agent_id) {
  return command<Status>([=, this] { return router_.reject(contact_id, agent_id); });
}

std::future<Status> Engine::complete(std::string contact_id, std::string agent_id, routing::WrapUp wrap_up) {
  return command<Status>([=, this] { return router_.complete(contact_id, agent_id, wrap_up); });
}

std::future<Status> Engine::endWrapUp(std::string contact_id, std::string agent_id) {
  return command<Status>([=, this] { return router_.endWrapUp(contact_id, agent_id); });
}

void Engine::agentUpserted(routing::AgentProfile profile) {
  loop_.post([this, profile = std::move(profile)]() mutable {
    router_.upsertAgent(std::move(profile));
    flush(nullptr);
  });
}

void Engine::agentRemoved(std::string agent_id) {
  loop_.post([this, agent_id = std::move(agent_id)] {
    (void)router_.removeAgent(agent_id);  // the directory refuses deleting an agent at work
    flush(nullptr);
  });
}

void Engine::queueUpserted(routing::QueuePolicy policy) {
  loop_.post([this, policy = std::move(policy)]() mutable {
    router_.setQueue(std::move(policy));
    flush(nullptr);
  });
}

namespace {
// Runs a read on the loop; an unposted read (shutting down) yields `fallback`.
template <typename R, typename F>
std::future<R> readOnLoop(EventLoop& loop, F fn, R fallback) {
  auto promise = std::make_shared<std::promise<R>>();
  auto future = promise->get_future();
  if (!loop.post([promise, fn = std::move(fn)] { promise->set_value(fn()); })) {
    promise->set_value(std::move(fallback));
  }
  return future;
}
}  // namespace

std::future<std::vector<routing::QueueStats>> Engine::queueStats() {
  return readOnLoop<std::vector<routing::QueueStats>>(loop_, [this] { return router_.allStats(); }, {});
}

std::future<std::optional<routing::ContactView>> Engine::contact(std::string contact_id) {
  return readOnLoop<std::optional<routing::ContactView>>(
      loop_,
      [this, contact_id] {
        const auto* c = router_.contact(contact_id);
        return c ? std::optional<routing::ContactView>(*c) : std::nullopt;
      },
      std::nullopt);
}

std::future<std::optional<routing::Decision>> Engine::decision(std::string contact_id) {
  return readOnLoop<std::optional<routing::Decision>>(
      loop_, [this, contact_id] { return router_.decision(contact_id); }, std::nullopt);
}

}  // namespace outpost::engine
