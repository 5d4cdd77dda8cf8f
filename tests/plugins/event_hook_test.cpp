// on_event(event, ctx): lifecycle events from a real engine reach the rules, their
// points and alerts reach the sink; bad results are errors that name the field.
#include "plugins/event_hook.h"

#include <gtest/gtest.h>

#include "hooks_fixture.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;
using testing::BundleDir;

const char* kIncentives = R"(
function classify_contact() return nil end
function rank_candidates() return nil end
function on_event(event, ctx)
  if event.type == 'completed' and event.outcome.resolved then
    return {{kind = 'points', agent = event.agent, points = event.outcome.first_contact_resolution and 3 or 1,
             reason = 'resolved ' .. event.contact.id}}
  elseif event.type == 'abandoned' then
    return {{kind = 'alert', severity = 'warning', message = event.contact.id .. ' abandoned after ' ..
             math.floor(event.wait_ms) .. ' ms'}}
  elseif event.type == 'offer_missed' then
    return {{kind = 'alert', severity = 'info', agent = event.agent, message = event.contact_id .. ' ' .. event.outcome}}
  elseif event.type == 'cancelled' then
    return {{kind = 'bogus'}}
  end
end
)";

class EventHookTest : public testing::HooksTest {
 protected:
  void run(std::future<Status> f) {
    loop.runDue();
    ASSERT_TRUE(f.get().isOk());
  }
};

TEST_F(EventHookTest, LifecycleEventsGiveValidatedActions) {
  BundleDir d("on-event");
  d.hooks = R"(["classify_contact", "rank_candidates", "on_event"])";
  auto host = makeHost(d);
  std::vector<std::string> got;
  host->setActionSink([&](const Bundle& b, const std::string& type, const std::vector<EventAction>& actions) {
    EXPECT_EQ(b.id, "demo");
    got.push_back(type + " " + toJsonText(actionsValue(actions)));
  });
  engine.addListener([&](const engine::DomainEvent& e) { host->onEvent(e, clock.wallNow()); });
  install(*host, d, kIncentives);
  EXPECT_TRUE(host->wantsEvents());

  ready("a02");
  ASSERT_TRUE(add(contact("c1")).isOk());
  clock.advance(4s);
  run(engine.accept("c1", "a02"));
  clock.advance(30s);
  run(engine.complete("c1", "a02", routing::WrapUp{"resolved", true, true, ""}));
  run(engine.endWrapUp("c1", "a02"));
  ASSERT_TRUE(add(contact("c2")).isOk());
  run(engine.reject("c2", "a02"));
  clock.advance(7s);
  run(engine.abandonContact("c2", false));
  ASSERT_TRUE(add(contact("c3")).isOk());
  run(engine.abandonContact("c3", true));  // cancelled: the rule returns a bad action

  ASSERT_EQ(got.size(), 3u) << ::testing::PrintToString(got);
  EXPECT_EQ(got[0], R"(completed [{"agent":"a02","kind":"points","points":3,"reason":"resolved c1"}])");
  EXPECT_EQ(got[1], R"(offer_missed [{"agent":"a02","kind":"alert","message":"c2 rejected","severity":"info"}])");
  EXPECT_EQ(got[2], R"(abandoned [{"kind":"alert","message":"c2 abandoned after 7000 ms","severity":"warning"}])");
  const auto counters = host->status().active->counters;
  EXPECT_EQ(counters.errors, 1u);
  bool logged = false;
  for (const auto& l : logs) logged = logged || l.find("on_event failed") != std::string::npos;
  EXPECT_TRUE(logged) << ::testing::PrintToString(logs);
}

TEST_F(EventHookTest, VectorsCoverOnEvent) {
  BundleDir d("on-event-vectors");
  d.hooks = R"(["classify_contact", "rank_candidates", "on_event"])";
  d.main_lua = kIncentives;
  d.vectors = R"({"vectors": [
    {"name": "resolved", "hook": "on_event",
     "event": {"type": "completed", "agent": "a01", "contact": {"id": "c9"},
               "outcome": {"code": "ok", "resolved": true, "first_contact_resolution": false}},
     "expect": [{"kind": "points", "agent": "a01", "points": 1, "reason": "resolved c9"}]},
    {"name": "nothing", "hook": "on_event", "event": {"type": "completed", "outcome": {"resolved": false}},
     "expect": []}
  ]})";
  d.build(1);
  auto host = makeHost(d);
  ASSERT_TRUE(host->installDir(d.path()).isOk());

  // A wrong expectation fails the install with the vector's name.
  d.vectors = R"({"vectors": [{"name": "wrong", "hook": "on_event",
     "event": {"type": "abandoned", "wait_ms": 5, "contact": {"id": "c1"}}, "expect": []}]})";
  d.build(2);
  auto bad = host->installDir(d.path());
  ASSERT_FALSE(bad.isOk());
  EXPECT_NE(bad.status().toString().find("(wrong)"), std::string::npos) << bad.status().toString();
  // An on_event vector without an event is refused at verification.
  d.vectors = R"({"vectors": [{"name": "no event", "hook": "on_event", "expect": []}]})";
  d.build(3);
  auto missing = host->installDir(d.path());
  ASSERT_FALSE(missing.isOk());
  EXPECT_NE(missing.status().toString().find("needs an \"event\""), std::string::npos) << missing.status().toString();
}

TEST(EventActions, ErrorsNameTheItemAndField) {
  struct Case {
    Value result;
    std::string field;
  };
  auto obj = [](Value::Object o) { return Value(std::move(o)); };
  const std::vector<Case> cases = {
      {Value("x"), ""},
      {Value(Value::Array{Value(1)}), "/1"},
      {Value(Value::Array{obj({{"kind", Value("gift")}})}), "/1/kind"},
      {Value(Value::Array{obj({{"kind", Value("points")}, {"points", Value(1)}})}), "/1/agent"},
      {Value(Value::Array{obj({{"kind", Value("points")}, {"agent", Value("a1")}, {"points", Value(1.5)}})}),
       "/1/points"},
      {Value(Value::Array{obj({{"kind", Value("points")}, {"agent", Value("a1")}, {"points", Value(5000)}})}),
       "/1/points"},
      {Value(Value::Array{obj({{"kind", Value("points")}, {"agent", Value("a1")}})}), "/1/points"},
      {Value(Value::Array{obj({{"kind", Value("alert")}, {"message", Value("m")}})}), "/1/severity"},
      {Value(Value::Array{obj({{"kind", Value("alert")}, {"severity", Value("loud")}, {"message", Value("m")}})}),
       "/1/severity"},
      {Value(Value::Array{obj({{"kind", Value("alert")}, {"severity", Value("info")}, {"message", Value("")}})}),
       "/1/message"},
      {Value(Value::Array{obj({{"kind", Value("alert")}, {"severity", Value("info")}, {"message", Value("m")},
                               {"points", Value(3)}})}),
       "/1/points"},
  };
  for (const auto& c : cases) {
    auto r = validateEventActions(c.result);
    ASSERT_FALSE(r.isOk()) << toJsonText(c.result);
    EXPECT_EQ(r.status().where(), c.field) << toJsonText(c.result) << ": " << r.status().toString();
  }
  Value::Array many(17, obj({{"kind", Value("alert")}, {"severity", Value("info")}, {"message", Value("m")}}));
  EXPECT_FALSE(validateEventActions(Value(many)).isOk());
  EXPECT_TRUE(validateEventActions(Value()).value().empty());
  EXPECT_TRUE(validateEventActions(Value(Value::Object{})).value().empty());  // {} from Lua
}

}  // namespace
}  // namespace outpost::plugins
