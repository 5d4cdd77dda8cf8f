// Routing state survives kill -9: contacts waiting in a queue, an offer outstanding at
// the crash and a contact an agent is handling all come back after the restart. Waiting
// time counts from the original arrival, the outstanding offer is made again (trigger
// "restart"), and the connected contact stays with its agent, who stays busy.

#include <gtest/gtest.h>

#include "integration/support/contacts.h"

namespace outpost::itest {
namespace {

constexpr auto kWsWait = std::chrono::seconds(5);

class RestartTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(logins_.loginAll(http(), daemon_));
  }

  Response action(const std::string& who, const std::string& contact_id, const std::string& verb,
                  const std::string& body = "") {
    return http().post("/api/v1/contacts/" + contact_id + "/" + verb, body, logins_[who]);
  }
  std::string presence(const std::string& agent) { return presenceState(http(), logins_, agent); }

  // kill -9, start again on the same data directory, and talk to the new port.
  void crashAndRestart() {
    daemon_.kill9();
    ASSERT_TRUE(daemon_.restart());
    http_ = std::make_unique<HttpClient>(daemon_);
    ASSERT_TRUE(hasStatus(http().get("/readyz"), 200));
  }

  DemoLogins logins_;  // sessions are stored, so the tokens outlive the restart
};

TEST_F(RestartTest, QueuedOfferedAndConnectedContactsSurviveKill9) {
  // a10 takes a contact and is on it (connected).
  auto a10_ws = openDesk(http(), logins_["a10"]);
  ASSERT_TRUE(a10_ws);
  ASSERT_TRUE(setPresence(http(), logins_, "a10", "ready"));
  ASSERT_TRUE(hasStatus(http().post("/api/v1/contacts", contactBody("r-conn"), logins_["supervisor"]), 201));
  ASSERT_TRUE(waitOffer(*a10_ws, "r-conn", kWsWait)) << "a10 got no offer";
  ASSERT_TRUE(hasStatus(action("a10", "r-conn", "accept"), 204));

  // a07 has an offer out when the power goes.
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ASSERT_TRUE(setPresence(http(), logins_, "a07", "ready"));
  ASSERT_TRUE(hasStatus(http().post("/api/v1/contacts", contactBody("r-offered"), logins_["supervisor"]), 201));
  ASSERT_TRUE(waitOffer(*a07_ws, "r-offered", kWsWait)) << "a07 got no offer";

  // Two more wait: nobody else is ready.
  const auto first_wait_started = std::chrono::steady_clock::now();
  const Response q1 = http().post("/api/v1/contacts", contactBody("r-q1"), logins_["supervisor"]);
  ASSERT_TRUE(hasStatus(q1, 201));
  EXPECT_EQ(q1.str("state"), "queued");
  const Response q2 =
      http().post("/api/v1/contacts", contactBody("r-q2", "retail-voice", R"("priority":20)"), logins_["supervisor"]);
  ASSERT_TRUE(hasStatus(q2, 201));

  std::map<std::string, Object::Ptr> before;
  for (const std::string id : {"r-conn", "r-offered", "r-q1", "r-q2"}) {
    before[id] = getContact(http(), logins_, id);
    ASSERT_TRUE(before[id]) << id;
  }
  EXPECT_EQ(strField(before["r-conn"], "state"), "connected");
  EXPECT_EQ(strField(before["r-offered"], "state"), "offered");
  EXPECT_EQ(strField(before["r-q1"], "state"), "queued");
  EXPECT_EQ(presence("a10"), "busy");
  EXPECT_EQ(presence("a07"), "reserved");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));

  a07_ws.reset();
  a10_ws.reset();
  crashAndRestart();
  if (HasFatalFailure()) return;

  // Every contact is back, arrival times as they were.
  for (const auto& [id, old] : before) {
    SCOPED_TRACE(id);
    auto now = getContact(http(), logins_, id);
    ASSERT_TRUE(now);
    EXPECT_EQ(strField(now, "arrived_at"), strField(old, "arrived_at"));
    EXPECT_EQ(strField(now, "queue"), "retail-voice");
    EXPECT_EQ(strField(objField(now, "intent"), "code"), "card-lost");
  }

  // The connected contact stays with its agent, who stays busy.
  auto conn = getContact(http(), logins_, "r-conn");
  ASSERT_TRUE(conn);
  EXPECT_EQ(strField(conn, "state"), "connected");
  EXPECT_EQ(strField(conn, "agent_id"), "a10");
  EXPECT_EQ(strField(conn, "answered_at"), strField(before["r-conn"], "answered_at"));
  EXPECT_EQ(presence("a10"), "busy");

  // The outstanding offer is made again, with trigger "restart".
  ASSERT_TRUE(waitContactState(http(), logins_, "r-offered", "offered", "a07"));
  History h;
  EXPECT_TRUE(eventually(
      [&] {
        h = historyOf(http(), logins_["supervisor"], "r-offered");
        return h.offers.size() >= 2;
      },
      std::chrono::seconds(5)))
      << "no second offer after the restart: " << join(h.steps);
  ASSERT_GE(h.offers.size(), 2u) << h.reply;
  EXPECT_EQ(strField(h.offers.back(), "trigger"), "restart") << toJson(h.offers.back());
  EXPECT_EQ(strField(h.offers.back(), "agent_id"), "a07");
  EXPECT_EQ(presence("a07"), "reserved");

  // The two others still wait; the longest wait counts from the original arrival.
  EXPECT_EQ(strField(getContact(http(), logins_, "r-q1"), "state"), "queued");
  EXPECT_EQ(strField(getContact(http(), logins_, "r-q2"), "state"), "queued");
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - first_wait_started);
  auto stats = queueStatsOf(http(), logins_["supervisor"], "retail-voice");
  ASSERT_TRUE(stats);
  EXPECT_EQ(intField(stats, "waiting"), 2) << toJson(stats);
  EXPECT_GE(intField(stats, "longest_wait_ms"), waited.count() - 250)
      << "waiting time restarted with the daemon: " << toJson(stats);

  // The re-offered contact can be answered; the connected one finished; then a10 takes
  // the oldest waiting contact.
  auto a10_again = openDesk(http(), logins_["a10"]);
  ASSERT_TRUE(a10_again);
  ASSERT_TRUE(hasStatus(action("a07", "r-offered", "accept"), 204));
  EXPECT_EQ(presence("a07"), "busy");
  ASSERT_TRUE(hasStatus(action("a10", "r-conn", "complete", R"({"code":"resolved","resolved":true})"), 204));
  ASSERT_TRUE(hasStatus(action("a10", "r-conn", "end-wrap-up"), 204));
  EXPECT_EQ(strField(getContact(http(), logins_, "r-conn"), "state"), "completed");
  auto next = waitOffer(*a10_again, "r-q1", kWsWait);
  ASSERT_TRUE(next) << "a10, free again, was not offered the oldest waiting contact";
  EXPECT_EQ(strField(objField(next, "decision"), "trigger"), "agent_available") << toJson(next);
}

// A clean restart (SIGTERM) keeps them too, and a second crash right after a restart
// does not lose or duplicate anything.
TEST_F(RestartTest, TwoRestartsInARowKeepTheQueue) {
  for (const std::string id : {"r2-a", "r2-b", "r2-c"}) {
    ASSERT_TRUE(hasStatus(http().post("/api/v1/contacts", contactBody(id), logins_["supervisor"]), 201));
  }
  const std::string arrived = strField(getContact(http(), logins_, "r2-a"), "arrived_at");
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  crashAndRestart();
  if (HasFatalFailure()) return;
  auto stats = queueStatsOf(http(), logins_["supervisor"], "retail-voice");
  ASSERT_TRUE(stats);
  EXPECT_EQ(intField(stats, "waiting"), 3) << toJson(stats);
  EXPECT_EQ(strField(getContact(http(), logins_, "r2-a"), "arrived_at"), arrived);
  const DbRows rows = queryDb(daemon_.dbPath(), "SELECT count(*) FROM contacts WHERE state = 'queued'");
  ASSERT_EQ(rows.rows.size(), 1u) << rows.error;
  EXPECT_EQ(rows.rows[0][0], "3");

  // A ready agent gets them in arrival order.
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ASSERT_TRUE(setPresence(http(), logins_, "a07", "ready"));
  auto offer = a07_ws->receiveType("offer", kWsWait);
  ASSERT_TRUE(offer);
  EXPECT_EQ(strField(objField(offer, "contact"), "id"), "r2-a");
}

}  // namespace
}  // namespace outpost::itest
