// Presence over HTTP (the agent themself, a supervisor forcing it) and the live
// presence stream over the WebSocket: authentication (header, cookie, first frame),
// the snapshot, events and who may see them, and closing on bad tokens and logout.

#include <gtest/gtest.h>

#include <set>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

using Poco::JSON::Object;

constexpr auto kWsWait = std::chrono::seconds(5);

std::string presenceOf(const HttpClient& http, const std::string& token, const std::string& agent) {
  const Response r = http.get("/api/v1/agents/" + agent + "/presence", token);
  EXPECT_EQ(r.status, 200) << r;
  return r.str("state");
}

class PresenceTest : public DemoSiteTest {
 protected:
  Response setPresence(const std::string& token, const std::string& agent, const std::string& body) {
    return http().put("/api/v1/agents/" + agent + "/presence", body, token);
  }

  // Connects, then expects the hello and the snapshot; returns the snapshot's agent ids.
  std::unique_ptr<WsClient> connectAndGreet(const std::string& token, const Headers& headers,
                                            std::set<std::string>* snapshot_ids = nullptr) {
    auto c = WsClient::connect(http(), token, headers);
    EXPECT_EQ(c.status, 101) << c.error;
    if (!c.ws) return nullptr;
    expectGreeting(*c.ws, snapshot_ids);
    return std::move(c.ws);
  }

  void expectGreeting(WsClient& ws, std::set<std::string>* snapshot_ids) {
    const auto hello = ws.receiveJson(kWsWait);
    ASSERT_TRUE(hello) << "no hello (closed=" << ws.closed() << ", code " << ws.closeCode() << ")";
    EXPECT_EQ(strField(hello, "type"), "hello") << toJson(hello);
    const auto snap = ws.receiveJson(kWsWait);
    ASSERT_TRUE(snap) << "no snapshot";
    ASSERT_EQ(strField(snap, "type"), "presence.snapshot") << toJson(snap);
    ASSERT_TRUE(snap->has("items")) << toJson(snap);
    auto items = snap->getArray("items");
    std::set<std::string> ids;
    for (size_t i = 0; i < items->size(); ++i) {
      auto item = items->getObject(static_cast<unsigned>(i));
      EXPECT_FALSE(strField(item, "state").empty()) << toJson(item);
      ids.insert(strField(item, "agent_id"));
    }
    if (snapshot_ids) *snapshot_ids = ids;
  }

  // The next presence event (other message types are skipped).
  Object::Ptr nextPresence(WsClient& ws) { return ws.receiveType("presence", kWsWait); }
};

TEST_F(PresenceTest, AgentGoesReadyNotReadyAndOffline) {
  const Response ready = setPresence(agent_, "a01", R"({"state":"ready"})");
  ASSERT_TRUE(hasStatus(ready, 200));
  EXPECT_EQ(ready.str("agent_id"), "a01");
  EXPECT_EQ(ready.str("state"), "ready");
  EXPECT_EQ(ready.str("reason"), "<null>");
  EXPECT_EQ(ready.str("changed_by"), "agent01");
  EXPECT_FALSE(ready.str("since").empty());
  EXPECT_EQ(presenceOf(http(), agent_, "a01"), "ready");

  const Response lunch = setPresence(agent_, "a01", R"({"state":"not_ready","reason":"lunch"})");
  ASSERT_TRUE(hasStatus(lunch, 200));
  EXPECT_EQ(lunch.str("state"), "not_ready");
  EXPECT_EQ(lunch.str("reason"), "lunch");
  const Response mine = http().get("/api/v1/presence", agent_);
  ASSERT_TRUE(hasStatus(mine, 200));
  ASSERT_EQ(mine.array("items")->size(), 1u) << "an agent sees only their own presence: " << mine;
  EXPECT_EQ(strField(mine.array("items")->getObject(0), "reason"), "lunch");

  // The same state again is fine and changes nothing.
  EXPECT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"not_ready","reason":"lunch"})"), 200));

  const Response off = setPresence(agent_, "a01", R"({"state":"offline"})");
  ASSERT_TRUE(hasStatus(off, 200));
  EXPECT_EQ(off.str("state"), "offline");
  EXPECT_EQ(off.str("reason"), "<null>");
  const DbRows row =
      queryDb(daemon_.dbPath(), "SELECT state, coalesce(reason_code,'') FROM presence WHERE agent_id='a01'");
  ASSERT_EQ(row.rows.size(), 1u) << row.error;
  EXPECT_EQ(row.rows[0][0], "offline");
  EXPECT_EQ(row.rows[0][1], "");
}

TEST_F(PresenceTest, NotReadyNeedsAKnownReason) {
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(setPresence(agent_, "a01", R"({"state":"not_ready"})"), 400, "/reason"));
  EXPECT_TRUE(isProblem(setPresence(agent_, "a01", R"({"state":"not_ready","reason":"nap"})"), 400, "/reason",
                        "nap"));
  EXPECT_TRUE(isProblem(setPresence(agent_, "a01", R"({"state":"ready","reason":"lunch"})"), 400, "/reason"));
  EXPECT_TRUE(isProblem(setPresence(agent_, "a01", R"({"state":"busy"})"), 400, "/state"));
  EXPECT_TRUE(isProblem(setPresence(agent_, "a01", R"({"state":"away"})"), 400, "/state"));
  EXPECT_DB_UNCHANGED(before);
  EXPECT_EQ(presenceOf(http(), agent_, "a01"), "offline");
}

TEST_F(PresenceTest, AgentCannotSeeOrChangeAnotherAgent) {
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(setPresence(agent_, "a02", R"({"state":"ready"})"), 403));
  EXPECT_TRUE(isProblem(http().get("/api/v1/agents/a02/presence", agent_), 403));
  EXPECT_DB_UNCHANGED(before);
  EXPECT_EQ(presenceOf(http(), supervisor_, "a02"), "offline");
}

TEST_F(PresenceTest, SupervisorForcesPresenceAndItIsAudited) {
  const Response forced = setPresence(supervisor_, "a02", R"({"state":"not_ready","reason":"meeting"})");
  ASSERT_TRUE(hasStatus(forced, 200));
  EXPECT_EQ(forced.str("state"), "not_ready");
  EXPECT_EQ(forced.str("changed_by"), "supervisor");

  const Response all = http().get("/api/v1/presence", supervisor_);
  ASSERT_TRUE(hasStatus(all, 200));
  EXPECT_EQ(all.array("items")->size(), 12u);

  const Response audit = http().get("/api/v1/audit?limit=200", admin_);
  ASSERT_TRUE(hasStatus(audit, 200));
  Object::Ptr entry;
  auto items = audit.array("items");
  for (size_t i = 0; i < items->size(); ++i) {
    auto e = items->getObject(static_cast<unsigned>(i));
    if (strField(e, "action") == "presence" && strField(e, "entity_id") == "a02") entry = e;
  }
  ASSERT_TRUE(entry) << "no presence audit entry for a02: " << audit;
  EXPECT_EQ(strField(entry, "actor"), "supervisor");
  EXPECT_EQ(strField(entry, "entity"), "agent");
  ASSERT_TRUE(entry->getObject("before") && entry->getObject("after")) << toJson(entry);
  EXPECT_EQ(strField(entry->getObject("before"), "state"), "offline");
  EXPECT_EQ(strField(entry->getObject("after"), "state"), "not_ready");
  EXPECT_EQ(strField(entry->getObject("after"), "reason"), "meeting");

  // An admin may force too.
  EXPECT_TRUE(hasStatus(setPresence(admin_, "a02", R"({"state":"ready"})"), 200));
  EXPECT_EQ(presenceOf(http(), agent_, "a01"), "offline");
}

TEST_F(PresenceTest, PresenceSurvivesARestart) {
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"not_ready","reason":"training"})"), 200));
  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a04", R"({"state":"ready"})"), 200));
  ASSERT_TRUE(daemon_.restart());
  HttpClient http(daemon_);
  const Response a01 = http.get("/api/v1/agents/a01/presence", supervisor_);
  ASSERT_TRUE(hasStatus(a01, 200));
  EXPECT_EQ(a01.str("state"), "not_ready");
  EXPECT_EQ(a01.str("reason"), "training");
  EXPECT_EQ(presenceOf(http, supervisor_, "a04"), "ready");
  // The engine took the state back too: the same request is not a change.
  const Response again = http.put("/api/v1/agents/a04/presence", R"({"state":"ready"})", supervisor_);
  ASSERT_TRUE(hasStatus(again, 200));
  EXPECT_EQ(again.str("since"), http.get("/api/v1/agents/a04/presence", supervisor_).str("since"));
}

// --- WebSocket ---------------------------------------------------------------------------

TEST_F(PresenceTest, SupervisorSocketGetsSnapshotThenEvents) {
  std::set<std::string> ids;
  auto ws = connectAndGreet(supervisor_, {}, &ids);
  ASSERT_TRUE(ws);
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_TRUE(ids.count("a01") && ids.count("a12"));

  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"not_ready","reason":"break"})"), 200));
  auto e = nextPresence(*ws);
  ASSERT_TRUE(e) << "no presence event";
  EXPECT_EQ(strField(e, "agent_id"), "a01");
  EXPECT_EQ(strField(e, "state"), "not_ready");
  EXPECT_EQ(strField(e, "reason"), "break");
  EXPECT_FALSE(strField(e, "since").empty());

  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a07", R"({"state":"ready"})"), 200));
  e = nextPresence(*ws);
  ASSERT_TRUE(e);
  EXPECT_EQ(strField(e, "agent_id"), "a07");
  EXPECT_EQ(strField(e, "state"), "ready");
  EXPECT_EQ(strField(e, "reason"), "<null>");

  // A request that changes nothing sends nothing; the next event is the next change.
  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a07", R"({"state":"ready"})"), 200));
  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a08", R"({"state":"ready"})"), 200));
  e = nextPresence(*ws);
  ASSERT_TRUE(e);
  EXPECT_EQ(strField(e, "agent_id"), "a08");
}

// A change acknowledged before the socket connected is in the snapshot; it must not
// also come afterwards as an event (a client applying events on top of the snapshot
// would briefly show an older state).
TEST_F(PresenceTest, ChangesFromBeforeTheSnapshotAreNotSentAgain) {
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"ready"})"), 200));
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"not_ready","reason":"break"})"), 200));
  auto c = WsClient::connect(http(), supervisor_);
  ASSERT_EQ(c.status, 101) << c.error;
  ASSERT_TRUE(c.ws->receiveType("hello", kWsWait));
  auto snap = c.ws->receiveType("presence.snapshot", kWsWait);
  ASSERT_TRUE(snap);
  auto items = snap->getArray("items");
  for (size_t i = 0; i < items->size(); ++i) {
    auto item = items->getObject(static_cast<unsigned>(i));
    if (strField(item, "agent_id") == "a01") {
      EXPECT_EQ(strField(item, "state"), "not_ready");
      EXPECT_EQ(strField(item, "reason"), "break");
    }
  }
  auto stale = c.ws->receiveJson(std::chrono::milliseconds(500));
  EXPECT_FALSE(stale) << "an event from before the snapshot came after it: " << toJson(stale);
}

TEST_F(PresenceTest, AdminSocketBySessionCookie) {
  auto ws = connectAndGreet("", {{"Cookie", "outpost_session=" + admin_}});
  ASSERT_TRUE(ws);
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"ready"})"), 200));
  auto e = nextPresence(*ws);
  ASSERT_TRUE(e);
  EXPECT_EQ(strField(e, "agent_id"), "a01");
}

TEST_F(PresenceTest, AgentSocketSeesOnlyTheirOwnAgent) {
  std::set<std::string> ids;
  auto ws = connectAndGreet(agent_, {}, &ids);
  ASSERT_TRUE(ws);
  EXPECT_EQ(ids, (std::set<std::string>{"a01"}));

  // Someone else's change first, then the agent's own: only the second arrives.
  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a02", R"({"state":"ready"})"), 200));
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"ready"})"), 200));
  std::vector<Object::Ptr> skipped;
  auto e = ws->receiveType("presence", kWsWait, &skipped);
  ASSERT_TRUE(e);
  EXPECT_EQ(strField(e, "agent_id"), "a01") << toJson(e);
  for (const auto& s : skipped) EXPECT_EQ(toJson(s).find("\"a02\""), std::string::npos) << toJson(s);
  // And nothing else is pending about a02.
  ASSERT_TRUE(hasStatus(setPresence(supervisor_, "a03", R"({"state":"ready"})"), 200));
  auto none = ws->receiveJson(std::chrono::milliseconds(500));
  EXPECT_FALSE(none) << "an agent received " << toJson(none);
}

TEST_F(PresenceTest, FirstFrameAuthentication) {
  auto c = WsClient::connect(http());
  ASSERT_EQ(c.status, 101) << c.error;
  ASSERT_TRUE(c.ws->sendText(R"({"type":"auth","token":")" + agent_ + R"("})"));
  std::set<std::string> ids;
  expectGreeting(*c.ws, &ids);
  EXPECT_EQ(ids, (std::set<std::string>{"a01"}));
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"ready"})"), 200));
  auto e = nextPresence(*c.ws);
  ASSERT_TRUE(e);
  EXPECT_EQ(strField(e, "state"), "ready");
}

TEST_F(PresenceTest, BadTokenInFirstFrameClosesTheSocket) {
  for (const std::string& frame : {std::string(R"({"type":"auth","token":"garbage"})"),
                                   R"({"type":"auth","token":")" + std::string(43, 'A') + R"("})"}) {
    SCOPED_TRACE(frame);
    auto c = WsClient::connect(http());
    ASSERT_EQ(c.status, 101) << c.error;
    ASSERT_TRUE(c.ws->sendText(frame));
    std::vector<Object::Ptr> seen;
    EXPECT_TRUE(c.ws->waitClosed(kWsWait, &seen)) << "the socket stayed open";
    for (const auto& m : seen) {
      EXPECT_NE(strField(m, "type"), "hello") << toJson(m);
      EXPECT_NE(strField(m, "type"), "presence.snapshot") << toJson(m);
    }
  }
}

TEST_F(PresenceTest, BadTokenOnTheUpgradeIsRefused) {
  for (const auto& [token, headers] : std::vector<std::pair<std::string, Headers>>{
           {"garbage", {}}, {std::string(43, 'A'), {}}, {"", {{"Cookie", "outpost_session=garbage"}}}}) {
    auto c = WsClient::connect(http(), token, headers);
    if (!c.ws) {
      EXPECT_NE(c.status, 101);
      continue;  // refused at the upgrade: fine
    }
    std::vector<Object::Ptr> seen;
    EXPECT_TRUE(c.ws->waitClosed(kWsWait, &seen)) << "the socket with a bad token stayed open";
    for (const auto& m : seen) EXPECT_NE(strField(m, "type"), "hello") << toJson(m);
  }
}

TEST_F(PresenceTest, LogoutClosesThatSessionsSockets) {
  const std::string session = loginDemo(http(), daemon_, "supervisor");
  ASSERT_FALSE(session.empty());
  auto doomed = connectAndGreet(session, {});
  auto other = connectAndGreet(supervisor_, {});
  ASSERT_TRUE(doomed && other);

  ASSERT_TRUE(hasStatus(http().post("/api/v1/auth/logout", "", session), 204));
  EXPECT_TRUE(doomed->waitClosed(kWsWait)) << "the logged-out session's socket stayed open";

  // The other session's socket still gets events.
  ASSERT_TRUE(hasStatus(setPresence(agent_, "a01", R"({"state":"ready"})"), 200));
  auto e = nextPresence(*other);
  ASSERT_TRUE(e) << "the other session's socket lost its events";
  EXPECT_EQ(strField(e, "agent_id"), "a01");
}

TEST_F(PresenceTest, SocketFromAnotherOriginIsRefused) {
  auto c = WsClient::connect(http(), "",
                             {{"Cookie", "outpost_session=" + admin_}, {"Origin", "http://evil.example"}});
  if (c.ws) {
    std::vector<Object::Ptr> seen;
    EXPECT_TRUE(c.ws->waitClosed(kWsWait, &seen)) << "a cross-origin socket was served";
    for (const auto& m : seen) EXPECT_NE(strField(m, "type"), "hello") << toJson(m);
  } else {
    EXPECT_NE(c.status, 101);
  }
}

class ShortWsAuthTimeoutTest : public PresenceTest {
 protected:
  DaemonOptions options() const override { return DaemonOptions{.extra = {"--set", "ws.auth_timeout=1s"}}; }
};

TEST_F(ShortWsAuthTimeoutTest, SocketWithoutCredentialsIsClosedAfterTheAuthTimeout) {
  auto c = WsClient::connect(http());
  ASSERT_EQ(c.status, 101) << c.error;
  const auto start = std::chrono::steady_clock::now();
  std::vector<Object::Ptr> seen;
  EXPECT_TRUE(c.ws->waitClosed(kWsWait, &seen)) << "still open 5 s after a 1 s auth timeout";
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(800))
      << "closed before the timeout";
  for (const auto& m : seen) EXPECT_NE(strField(m, "type"), "hello") << toJson(m);
}

}  // namespace
}  // namespace outpost::itest
