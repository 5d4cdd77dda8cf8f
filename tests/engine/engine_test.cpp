#include "engine/engine.h"

#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <string>
#include <vector>

namespace outpost::engine {
namespace {

using site::Presence;
using site::PresenceState;
using namespace std::chrono_literals;

// A journal that records what it was given and completes each record the way the
// test says: at once with OK, at once with an error, or only when the test releases it.
class FakeJournal final : public Journal {
 public:
  enum class Mode { kCommit, kFail, kHold };

  void record(std::vector<DomainEvent> events, std::function<void(const Status&)> done) override {
    batches.push_back(events);
    Mode m = mode;
    if (!script.empty()) {
      m = script.front();
      script.pop_front();
    }
    switch (m) {
      case Mode::kCommit:
        done(Status::ok());
        break;
      case Mode::kFail:
        done(Status::unavailable("disk I/O error"));
        break;
      case Mode::kHold:
        held.push_back(std::move(done));
        break;
    }
  }

  // Completes the oldest held record with `result`.
  void release(const Status& result = Status::ok()) {
    ASSERT_FALSE(held.empty()) << "nothing held";
    auto done = std::move(held.front());
    held.pop_front();
    done(result);
  }

  Mode mode = Mode::kCommit;
  std::deque<Mode> script;  // per-record modes, used before `mode`
  std::vector<std::vector<DomainEvent>> batches;
  std::deque<std::function<void(const Status&)>> held;
};

template <typename T>
bool isReady(const std::future<T>& f) {
  return f.wait_for(0s) == std::future_status::ready;
}

template <typename E>
std::vector<E> eventsOf(const std::vector<std::vector<DomainEvent>>& batches) {
  std::vector<E> out;
  for (const auto& b : batches) {
    for (const auto& e : b) {
      if (const auto* x = std::get_if<E>(&e)) out.push_back(*x);
    }
  }
  return out;
}

class EngineTest : public testing::Test {
 protected:
  EngineTest() {
    engine.addListener([this](const DomainEvent& e) { published.push_back(e); });
    routing::QueuePolicy q;
    q.code = "retail";
    q.channel = site::Channel::kVoice;
    q.offer_timeout = 15s;
    q.rings["*"] = {routing::RingStep{0ms, 1, 4}};
    engine.configureQueue(q);
    for (const char* id : {"a01", "a02"}) {
      routing::AgentProfile p;
      p.id = id;
      p.tier = 3;
      p.languages = {"zh-CN"};
      p.skills = {{"account", 3}};
      engine.configureAgent(p);
    }
  }
  // Tasks still queued run in stop(); do it while the engine is alive.
  ~EngineTest() override { loop.stop(); }

  std::future<Result<Presence>> request(const std::string& agent, PresenceState target,
                                        std::optional<std::string> reason = std::nullopt,
                                        const std::string& actor = "agent01", bool forced = false) {
    return engine.requestPresence(agent, target, std::move(reason), actor, forced);
  }

  routing::ContactSpec contact(const std::string& id) {
    routing::ContactSpec s;
    s.id = id;
    s.queue = "retail";
    s.skills = {{"account", 1}};
    s.arrived_at = clock.wallNow();
    return s;
  }

  SimulatedClock clock;
  EventLoop loop{clock};
  FakeJournal journal;
  Engine engine{loop, journal};
  std::vector<DomainEvent> published;
};

TEST_F(EngineTest, NothingHappensUntilTheLoopRuns) {
  auto f = request("a01", PresenceState::kReady);
  EXPECT_FALSE(isReady(f));
  EXPECT_TRUE(journal.batches.empty());
  loop.runDue();
  ASSERT_TRUE(isReady(f));
  EXPECT_TRUE(f.get().isOk());
}

TEST_F(EngineTest, CommittedRequestResolvesToTheNewPresence) {
  auto f = request("a01", PresenceState::kReady, std::nullopt, "agent01");
  loop.runDue();
  ASSERT_TRUE(isReady(f));
  auto r = f.get();
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->state, PresenceState::kReady);
  EXPECT_EQ(r->changed_by, "agent01");
  EXPECT_EQ(r->since, clock.wallNow());

  const auto changes = eventsOf<routing::AgentChanged>(journal.batches);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].agent_id, "a01");
  EXPECT_EQ(changes[0].before.state, PresenceState::kOffline);
  EXPECT_EQ(changes[0].after.state, PresenceState::kReady);
  EXPECT_FALSE(changes[0].forced);
}

TEST_F(EngineTest, RequestResolvesOnlyAfterTheJournalCompletes) {
  journal.mode = FakeJournal::Mode::kHold;
  auto f = request("a01", PresenceState::kNotReady, "lunch");
  loop.runDue();
  EXPECT_EQ(journal.batches.size(), 1u) << "handed to the journal in the turn";
  EXPECT_FALSE(isReady(f)) << "must not answer before the commit";
  EXPECT_TRUE(published.empty()) << "listeners hear of it only after the commit";
  journal.release();
  ASSERT_TRUE(isReady(f));
  auto r = f.get();
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->reason, std::optional<std::string>("lunch"));
  EXPECT_EQ(published.size(), 1u);
}

TEST_F(EngineTest, ForcedFlagReachesJournalAndListeners) {
  auto f = request("a01", PresenceState::kReady, std::nullopt, "supervisor", /*forced=*/true);
  loop.runDue();
  ASSERT_TRUE(f.get().isOk());
  const auto changes = eventsOf<routing::AgentChanged>(journal.batches);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].forced);
  ASSERT_EQ(published.size(), 1u);
  EXPECT_TRUE(std::get<routing::AgentChanged>(published[0]).forced);
}

TEST_F(EngineTest, FailedCommitIsUnavailableAndStopsTheEngine) {
  journal.mode = FakeJournal::Mode::kFail;
  auto f = request("a01", PresenceState::kReady);
  loop.runDue();
  auto r = f.get();
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(published.empty()) << "nothing uncommitted reaches listeners";
  EXPECT_FALSE(engine.healthy());
  // Memory is ahead of disk now: nothing more is accepted until a restart.
  journal.mode = FakeJournal::Mode::kCommit;
  const size_t batches = journal.batches.size();
  auto g = request("a02", PresenceState::kReady);
  loop.runDue();
  EXPECT_EQ(g.get().status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(journal.batches.size(), batches);
}

TEST_F(EngineTest, ListenersGetCommittedEventsInOrder) {
  request("a01", PresenceState::kReady);
  request("a01", PresenceState::kNotReady, "break");
  request("a01", PresenceState::kOffline);
  loop.runDue();
  ASSERT_EQ(published.size(), 3u);
  EXPECT_EQ(std::get<routing::AgentChanged>(published[0]).after.state, PresenceState::kReady);
  EXPECT_EQ(std::get<routing::AgentChanged>(published[1]).after.state, PresenceState::kNotReady);
  EXPECT_EQ(std::get<routing::AgentChanged>(published[2]).after.state, PresenceState::kOffline);
}

// Regression: a request that finds the state already as asked must not be answered
// before the change that made it so is on disk.
TEST_F(EngineTest, NoOpRequestWaitsForAPendingCommit) {
  journal.mode = FakeJournal::Mode::kHold;
  auto first = request("a01", PresenceState::kReady);
  auto again = request("a01", PresenceState::kReady);
  loop.runDue();
  EXPECT_FALSE(isReady(first));
  EXPECT_FALSE(isReady(again)) << "answered from an uncommitted state";
  journal.release();
  EXPECT_TRUE(isReady(first));
  journal.release();
  ASSERT_TRUE(isReady(again));
  EXPECT_EQ(again.get()->state, PresenceState::kReady);
}

TEST_F(EngineTest, ErrorsAreAnsweredInOrderToo) {
  auto f = request("nobody", PresenceState::kReady);
  loop.runDue();
  EXPECT_EQ(f.get().status().code(), StatusCode::kNotFound);
  auto g = request("a01", PresenceState::kBusy);
  loop.runDue();
  EXPECT_EQ(g.get().status().code(), StatusCode::kInvalidArgument);
}

TEST_F(EngineTest, RequestAfterStopIsUnavailable) {
  loop.stop();
  auto f = request("a01", PresenceState::kReady);
  ASSERT_TRUE(isReady(f));
  EXPECT_EQ(f.get().status().code(), StatusCode::kUnavailable);
}

TEST_F(EngineTest, RequestPostedBeforeStopIsStillAnswered) {
  auto f = request("a01", PresenceState::kReady);
  loop.stop();
  ASSERT_TRUE(isReady(f));
  EXPECT_TRUE(f.get().isOk());
}

TEST_F(EngineTest, ContactIsQueuedAndOfferedInOneRecord) {
  request("a01", PresenceState::kReady);
  loop.runDue();
  journal.batches.clear();
  auto f = engine.addContact(contact("c1"));
  loop.runDue();
  auto queued = f.get();
  ASSERT_TRUE(queued.isOk()) << queued.status().toString();
  ASSERT_EQ(journal.batches.size(), 1u);
  EXPECT_EQ(eventsOf<routing::ContactQueued>(journal.batches).size(), 1u);
  const auto offers = eventsOf<routing::ContactOffered>(journal.batches);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].decision.agent_id, "a01");
  EXPECT_FALSE(offers[0].decision.summary.empty());
}

TEST_F(EngineTest, TimerDrivenEventsAreJournaledWithoutAWaiter) {
  request("a01", PresenceState::kReady);
  loop.runDue();
  engine.addContact(contact("c1"));
  loop.runDue();
  journal.batches.clear();
  clock.advance(15s);  // the queue's offer time-out
  loop.runDue();
  const auto ended = eventsOf<routing::OfferEnded>(journal.batches);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].outcome, "timed_out");
}

TEST_F(EngineTest, AcceptAndCompleteGoThroughTheJournal) {
  request("a01", PresenceState::kReady);
  loop.runDue();
  engine.addContact(contact("c1"));
  loop.runDue();
  auto a = engine.accept("c1", "a01");
  loop.runDue();
  ASSERT_TRUE(a.get().isOk());
  auto wrong = engine.accept("c1", "a02");
  loop.runDue();
  EXPECT_FALSE(wrong.get().isOk());
  auto c = engine.complete("c1", "a01", routing::WrapUp{"resolved", true, true, "ok"});
  loop.runDue();
  ASSERT_TRUE(c.get().isOk());
  auto view = engine.contact("c1");
  loop.runDue();
  auto v = view.get();
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->state, routing::ContactState::kWrapUp);
}

TEST_F(EngineTest, StatsListenersHearOfChangesAtMostEveryInterval) {
  std::vector<std::vector<routing::QueueStats>> seen;
  engine.addStatsListener([&](const std::vector<routing::QueueStats>& s) { seen.push_back(s); });
  engine.addContact(contact("c1"));
  engine.addContact(contact("c2"));
  loop.runDue();
  EXPECT_TRUE(seen.empty());
  clock.advance(500ms);
  loop.runDue();
  ASSERT_EQ(seen.size(), 1u);
  ASSERT_FALSE(seen[0].empty());
  EXPECT_EQ(seen[0][0].waiting, 2);
  clock.advance(2s);
  loop.runDue();
  EXPECT_EQ(seen.size(), 1u) << "nothing changed, nothing sent";
}

}  // namespace
}  // namespace outpost::engine
