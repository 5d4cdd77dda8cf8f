// Contacts through the real daemon: a supervisor (the channel adapter) posts a contact,
// the router offers it to an eligible agent over the agent's WebSocket with its context
// and the reasons for the choice, and the agent accepts, completes with a wrap-up code
// and ends the wrap-up — or rejects it, or lets the offer time out, and it moves on to
// the next agent. Abandon while queued or offered, who may see a decision, queue
// statistics over HTTP and the WebSocket, and bad input on every new route (exact
// status and problem, and the database unchanged).
//
// The demo site as routing sees it is summarised in support/contacts.h.

#include <gtest/gtest.h>

#include <set>

#include "integration/support/contacts.h"

namespace outpost::itest {
namespace {

constexpr auto kWsWait = std::chrono::seconds(5);

class ContactsTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(logins_.loginAll(http(), daemon_));
  }

  Response postContact(const std::string& body) { return http().post("/api/v1/contacts", body, logins_["supervisor"]); }
  Response action(const std::string& who, const std::string& contact_id, const std::string& verb,
                  const std::string& body = "") {
    return http().post("/api/v1/contacts/" + contact_id + "/" + verb, body, logins_[who]);
  }
  // Makes agents ready one after another, so the first listed has been idle longest.
  void ready(const std::vector<std::string>& agents) {
    for (const auto& a : agents) {
      ASSERT_TRUE(setPresence(http(), logins_, a, "ready"));
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
  }
  std::string presence(const std::string& agent) { return presenceState(http(), logins_, agent); }

  // Posts a contact that must be created; returns the reply.
  Response create(const std::string& id, const std::string& extra = "") {
    Response r = postContact(contactBody(id, "retail-voice", extra));
    EXPECT_EQ(r.status, 201) << r;
    return r;
  }

  DemoLogins logins_;
};

// --- the whole life of a contact -----------------------------------------------------

TEST_F(ContactsTest, OfferAcceptCompleteAndEndWrapUp) {
  auto supervisor_ws = openDesk(http(), logins_["supervisor"]);
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(supervisor_ws && a07_ws);
  ready({"a07", "a10"});

  const Response created = create("c-life-1");
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.header("Location"), "/api/v1/contacts/c-life-1");
  EXPECT_EQ(created.str("id"), "c-life-1");
  EXPECT_EQ(created.str("queue"), "retail-voice");
  EXPECT_EQ(created.str("channel"), "voice");
  EXPECT_EQ(created.str("segment"), "standard");
  EXPECT_TRUE(created.json->has("position")) << created;
  EXPECT_GE(intField(created.json, "estimated_wait_s"), 0) << created;
  EXPECT_FALSE(created.str("arrived_at").empty());
  const std::set<std::string> early_states = {"queued", "offered"};
  EXPECT_TRUE(early_states.count(created.str("state"))) << created;

  // The longest-idle T3–T4 agent with the skill gets the offer, with context and reasons.
  std::vector<Object::Ptr> skipped;
  auto offer = waitOffer(*a07_ws, "c-life-1", kWsWait, &skipped);
  ASSERT_TRUE(offer) << "a07 got no offer";
  auto contact = objField(offer, "contact");
  EXPECT_EQ(strField(objField(contact, "intent"), "code"), "card-lost") << toJson(offer);
  ASSERT_TRUE(contact->getArray("ivr_path")) << toJson(offer);
  EXPECT_EQ(contact->getArray("ivr_path")->size(), 3u);
  EXPECT_EQ(contact->getArray("ivr_path")->getElement<std::string>(2), "lost-or-stolen");
  EXPECT_EQ(strField(contact, "segment"), "standard");
  EXPECT_EQ(strField(objField(contact, "attributes"), "note"), "挂失");
  EXPECT_FALSE(strField(offer, "expires_at").empty());
  auto decision = objField(offer, "decision");
  ASSERT_TRUE(decision) << toJson(offer);
  EXPECT_EQ(strField(decision, "agent_id"), "a07");
  EXPECT_EQ(strField(decision, "contact_id"), "c-life-1");
  EXPECT_EQ(strField(decision, "trigger"), "contact_arrived");
  EXPECT_EQ(strField(decision, "queue"), "retail-voice");
  EXPECT_EQ(strField(decision, "strategy"), "longest_idle");
  auto ring = objField(decision, "ring");
  ASSERT_TRUE(ring) << toJson(decision);
  EXPECT_EQ(intField(ring, "step"), 0);
  EXPECT_EQ(intField(ring, "min_tier"), 3);
  EXPECT_EQ(intField(ring, "max_tier"), 4);
  EXPECT_EQ(intField(decision, "eligible"), 2) << "a07 and a10 are ready: " << toJson(decision);
  EXPECT_EQ(intField(objField(decision, "agent"), "tier"), 3) << toJson(decision);
  EXPECT_EQ(intField(objField(decision, "agent"), "level"), 3) << toJson(decision);
  EXPECT_NE(strField(decision, "summary").find("a07"), std::string::npos) << toJson(decision);

  auto c = getContact(http(), logins_, "c-life-1");
  ASSERT_TRUE(c);
  EXPECT_EQ(strField(c, "state"), "offered");
  EXPECT_EQ(strField(c, "agent_id"), "a07");
  EXPECT_EQ(intField(c, "offers"), 1);
  EXPECT_EQ(presence("a07"), "reserved");
  EXPECT_EQ(presence("a10"), "ready");

  // Who may see the decision: supervisors and the agent it went to.
  const History by_agent = historyOf(http(), logins_["a07"], "c-life-1");
  ASSERT_EQ(by_agent.reply.status, 200) << by_agent.reply;
  EXPECT_EQ(strField(objField(by_agent.reply.json, "decision"), "agent_id"), "a07");
  EXPECT_EQ(join(by_agent.steps), "queued offered:a07");
  EXPECT_TRUE(hasStatus(http().get("/api/v1/contacts/c-life-1/decision", logins_["supervisor"]), 200));
  EXPECT_TRUE(hasStatus(http().get("/api/v1/contacts/c-life-1", logins_["a07"]), 200));
  EXPECT_TRUE(isProblem(http().get("/api/v1/contacts/c-life-1/decision", logins_["a10"]), 404));
  EXPECT_TRUE(isProblem(http().get("/api/v1/contacts/c-life-1", logins_["a10"]), 404));

  // Accept: connected, the agent busy.
  ASSERT_TRUE(hasStatus(action("a07", "c-life-1", "accept"), 204));
  c = getContact(http(), logins_, "c-life-1");
  ASSERT_TRUE(c);
  EXPECT_EQ(strField(c, "state"), "connected");
  EXPECT_EQ(strField(c, "agent_id"), "a07");
  EXPECT_FALSE(strField(c, "answered_at").empty() || strField(c, "answered_at") == "<null>") << toJson(c);
  EXPECT_EQ(presence("a07"), "busy");
  auto ended = a07_ws->receiveType("offer.ended", kWsWait, &skipped);
  ASSERT_TRUE(ended);
  EXPECT_EQ(strField(ended, "contact_id"), "c-life-1");
  EXPECT_EQ(strField(ended, "outcome"), "accepted");

  // Complete with a wrap-up code: wrap_up for contact and agent.
  ASSERT_TRUE(hasStatus(action("a07", "c-life-1", "complete",
                               R"({"code":"resolved","resolved":true,"first_contact_resolution":true,)"
                               R"("notes":"已挂失并补卡 card blocked"})"),
                        204));
  c = getContact(http(), logins_, "c-life-1");
  ASSERT_TRUE(c);
  EXPECT_EQ(strField(c, "state"), "wrap_up");
  auto wrap = objField(c, "wrap_up");
  ASSERT_TRUE(wrap) << toJson(c);
  EXPECT_EQ(strField(wrap, "code"), "resolved");
  EXPECT_TRUE(wrap->getValue<bool>("resolved"));
  EXPECT_TRUE(wrap->getValue<bool>("first_contact_resolution"));
  EXPECT_EQ(strField(wrap, "notes"), "已挂失并补卡 card blocked");
  EXPECT_EQ(presence("a07"), "wrap_up");

  // End the wrap-up: completed, the agent ready again.
  ASSERT_TRUE(hasStatus(action("a07", "c-life-1", "end-wrap-up"), 204));
  c = getContact(http(), logins_, "c-life-1");
  ASSERT_TRUE(c);
  EXPECT_EQ(strField(c, "state"), "completed");
  EXPECT_FALSE(strField(c, "ended_at").empty() || strField(c, "ended_at") == "<null>") << toJson(c);
  EXPECT_EQ(presence("a07"), "ready");
  // Nothing more to do on it: only live contacts can be acted on.
  EXPECT_TRUE(isProblem(action("a07", "c-life-1", "end-wrap-up"), 404, "", "no live contact"));

  const History h = historyOf(http(), logins_["supervisor"], "c-life-1");
  ASSERT_EQ(h.reply.status, 200) << h.reply;
  EXPECT_TRUE(inOrder(h.steps, {"queued", "offered:a07", "accepted:a07", "connected:a07", "wrap_up:a07",
                                "completed:a07"}))
      << join(h.steps);

  // The agent's socket saw its contact change; the supervisor's saw all of it, and the
  // queue statistics.
  auto agent_msgs = drain(*a07_ws, std::chrono::seconds(2), [](const std::vector<Object::Ptr>& m) {
    for (const auto& x : messagesOf(m, "contact", "c-life-1"))
      if (strField(objField(x, "contact"), "state") == "completed") return true;
    return false;
  });
  agent_msgs.insert(agent_msgs.begin(), skipped.begin(), skipped.end());
  std::set<std::string> agent_states;
  for (const auto& m : messagesOf(agent_msgs, "contact", "c-life-1"))
    agent_states.insert(strField(objField(m, "contact"), "state"));
  EXPECT_TRUE(agent_states.count("connected") && agent_states.count("wrap_up") && agent_states.count("completed"))
      << "the agent's contact messages: " << agent_states.size();

  // The statistics item of retail-voice in a queue.stats message (null if none).
  auto retailOf = [](const Object::Ptr& m) -> Object::Ptr {
    auto items = m->getArray("items");
    for (size_t i = 0; items && i < items->size(); ++i) {
      auto s = items->getObject(static_cast<unsigned>(i));
      if (strField(s, "queue") == "retail-voice") return s;
    }
    return nullptr;
  };
  auto sup = drain(*supervisor_ws, std::chrono::seconds(3), [&](const std::vector<Object::Ptr>& m) {
    bool stats = false, done = false;
    for (const auto& x : m) {
      if (strField(x, "type") == "queue.stats" && retailOf(x) && intField(retailOf(x), "answered") >= 1) stats = true;
      if (strField(x, "type") == "contact" && strField(objField(x, "contact"), "state") == "completed") done = true;
    }
    return stats && done;
  });
  const auto sup_contacts = messagesOf(sup, "contact", "c-life-1");
  ASSERT_FALSE(sup_contacts.empty()) << "the supervisor got no contact messages";
  EXPECT_TRUE(sup_contacts.front()->has("position")) << "a new contact comes with its position: "
                                                     << toJson(sup_contacts.front());
  EXPECT_EQ(messagesOf(sup, "offer", "c-life-1").size(), 1u);
  ASSERT_EQ(messagesOf(sup, "offer.ended", "c-life-1").size(), 1u);
  EXPECT_EQ(strField(messagesOf(sup, "offer.ended", "c-life-1")[0], "outcome"), "accepted");
  const auto stats = messagesOf(sup, "queue.stats");
  ASSERT_FALSE(stats.empty()) << "the supervisor got no queue.stats";
  auto retail = retailOf(stats.back());
  ASSERT_TRUE(retail) << toJson(stats.back());
  EXPECT_EQ(intField(retail, "answered"), 1) << toJson(retail);
  EXPECT_EQ(intField(retail, "waiting"), 0) << toJson(retail);
}

// --- reject and time-out: the next eligible agent -------------------------------------

TEST_F(ContactsTest, RejectOffersItToTheNextEligibleAgent) {
  auto a07_ws = openDesk(http(), logins_["a07"]);
  auto a10_ws = openDesk(http(), logins_["a10"]);
  ASSERT_TRUE(a07_ws && a10_ws);
  ready({"a07", "a10"});
  ASSERT_EQ(create("c-rej-1").status, 201);
  ASSERT_TRUE(waitOffer(*a07_ws, "c-rej-1", kWsWait)) << "a07 got no offer";

  // Only the agent it is offered to may answer.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(action("a10", "c-rej-1", "accept"), 403));
  EXPECT_TRUE(isProblem(action("a10", "c-rej-1", "reject"), 403));
  EXPECT_DB_UNCHANGED(before);

  ASSERT_TRUE(hasStatus(action("a07", "c-rej-1", "reject"), 204));
  auto ended = a07_ws->receiveType("offer.ended", kWsWait);
  ASSERT_TRUE(ended);
  EXPECT_EQ(strField(ended, "outcome"), "rejected");

  auto offer = waitOffer(*a10_ws, "c-rej-1", kWsWait);
  ASSERT_TRUE(offer) << "the rejected contact did not go to a10";
  auto decision = objField(offer, "decision");
  EXPECT_EQ(strField(decision, "agent_id"), "a10");
  EXPECT_EQ(intField(objField(decision, "agent"), "tier"), 4) << toJson(decision);
  EXPECT_FALSE(strField(decision, "summary").empty());
  EXPECT_TRUE(waitContactState(http(), logins_, "c-rej-1", "offered", "a10"));

  const History h = historyOf(http(), logins_["supervisor"], "c-rej-1");
  ASSERT_EQ(h.reply.status, 200) << h.reply;
  EXPECT_TRUE(inOrder(h.steps, {"queued", "offered:a07", "rejected:a07", "offered:a10"})) << join(h.steps);
  EXPECT_EQ(h.offers.size(), 2u) << join(h.steps);
  EXPECT_EQ(strField(objField(h.reply.json, "decision"), "agent_id"), "a10");
  EXPECT_EQ(intField(getContact(http(), logins_, "c-rej-1"), "offers"), 2);

  // Now a10's: a07 can no longer answer it, nor see it; a10 can.
  EXPECT_TRUE(isProblem(action("a07", "c-rej-1", "accept"), 403));
  EXPECT_TRUE(isProblem(http().get("/api/v1/contacts/c-rej-1/decision", logins_["a07"]), 404));
  EXPECT_TRUE(hasStatus(http().get("/api/v1/contacts/c-rej-1/decision", logins_["a10"]), 200));
  ASSERT_TRUE(hasStatus(action("a10", "c-rej-1", "accept"), 204));
  EXPECT_EQ(presence("a10"), "busy");
}

TEST_F(ContactsTest, OfferTimeOutMovesItToTheNextAgent) {
  const Response patched = http().patch("/api/v1/queues/retail-voice", R"({"offer_timeout_s":3})", logins_["admin"]);
  ASSERT_TRUE(hasStatus(patched, 200));
  EXPECT_EQ(intField(patched.json, "offer_timeout_s"), 3);

  auto a07_ws = openDesk(http(), logins_["a07"]);
  auto a10_ws = openDesk(http(), logins_["a10"]);
  ASSERT_TRUE(a07_ws && a10_ws);
  ready({"a07", "a10"});
  ASSERT_EQ(create("c-tmo-1").status, 201);
  auto first = waitOffer(*a07_ws, "c-tmo-1", kWsWait);
  ASSERT_TRUE(first) << "a07 got no offer";
  const auto offered_at = std::chrono::steady_clock::now();

  // Nobody answers: after 3 s the offer times out and a10 gets it (bounded wait).
  auto second = waitOffer(*a10_ws, "c-tmo-1", std::chrono::seconds(10));
  ASSERT_TRUE(second) << "no offer to a10 within 10 s of a 3 s offer time-out";
  const auto waited = std::chrono::steady_clock::now() - offered_at;
  EXPECT_GE(waited, std::chrono::milliseconds(2500)) << "the offer moved on before its time-out";
  EXPECT_LE(waited, std::chrono::milliseconds(7000)) << "the time-out took far longer than 3 s";
  auto ended = a07_ws->receiveType("offer.ended", kWsWait);
  ASSERT_TRUE(ended);
  EXPECT_EQ(strField(ended, "outcome"), "timed_out");

  const History h = historyOf(http(), logins_["supervisor"], "c-tmo-1");
  ASSERT_EQ(h.reply.status, 200) << h.reply;
  EXPECT_TRUE(inOrder(h.steps, {"queued", "offered:a07", "timed_out:a07", "offered:a10"})) << join(h.steps);
  // The late answer of the first agent is refused.
  EXPECT_TRUE(isProblem(action("a07", "c-tmo-1", "accept"), 403));
}

// --- abandon --------------------------------------------------------------------------

TEST_F(ContactsTest, AbandonWhileQueuedAndQueueStatistics) {
  // Nobody ready: both wait.
  const Response first = create("c-ab-1");
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(first.str("state"), "queued");
  EXPECT_EQ(intField(first.json, "position"), 1) << first;
  EXPECT_EQ(first.str("agent_id"), "<null>");
  EXPECT_EQ(intField(first.json, "offers"), 0);
  const Response second = create("c-ab-2", R"("priority":40)");
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(intField(second.json, "position"), 2) << second;

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  auto stats = queueStatsOf(http(), logins_["a01"], "retail-voice");  // any logged-in user
  ASSERT_TRUE(stats);
  EXPECT_EQ(intField(stats, "waiting"), 2) << toJson(stats);
  EXPECT_EQ(intField(stats, "offered"), 0) << toJson(stats);
  EXPECT_GE(intField(stats, "longest_wait_ms"), 1000) << toJson(stats);
  EXPECT_LT(intField(stats, "longest_wait_ms"), 60000) << toJson(stats);
  auto other = queueStatsOf(http(), logins_["supervisor"], "cards-voice");
  ASSERT_TRUE(other);
  EXPECT_EQ(intField(other, "waiting"), 0) << toJson(other);

  // Only a supervisor abandons.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(action("a07", "c-ab-1", "abandon"), 403));
  EXPECT_DB_UNCHANGED(before);

  ASSERT_TRUE(hasStatus(action("supervisor", "c-ab-1", "abandon"), 204));
  auto c = getContact(http(), logins_, "c-ab-1");
  ASSERT_TRUE(c);
  EXPECT_EQ(strField(c, "state"), "abandoned");
  EXPECT_FALSE(strField(c, "ended_at").empty() || strField(c, "ended_at") == "<null>") << toJson(c);
  EXPECT_EQ(strField(c, "arrived_at"), first.str("arrived_at"));

  ASSERT_TRUE(hasStatus(action("supervisor", "c-ab-2", "abandon", R"({"cancelled":true})"), 204));
  EXPECT_EQ(strField(getContact(http(), logins_, "c-ab-2"), "state"), "cancelled");

  stats = queueStatsOf(http(), logins_["supervisor"], "retail-voice");
  ASSERT_TRUE(stats);
  EXPECT_EQ(intField(stats, "waiting"), 0) << toJson(stats);
  EXPECT_EQ(intField(stats, "longest_wait_ms"), 0) << toJson(stats);
  EXPECT_GE(intField(stats, "abandoned"), 1) << toJson(stats);

  // An ended contact cannot be abandoned again: only live contacts can be acted on.
  const DbSnapshot after = snapshot();
  EXPECT_TRUE(isProblem(action("supervisor", "c-ab-1", "abandon"), 404, "", "no live contact"));
  EXPECT_DB_UNCHANGED(after);

  // A ready agent now gets nothing: they are gone.
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ready({"a07"});
  auto offer = a07_ws->receiveType("offer", std::chrono::milliseconds(700));
  EXPECT_FALSE(offer) << "an abandoned contact was offered: " << toJson(offer);
  EXPECT_TRUE(isProblem(http().get("/api/v1/contacts/c-ab-1/decision", logins_["supervisor"]), 404));
}

TEST_F(ContactsTest, AbandonWhileOfferedWithdrawsTheOffer) {
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ready({"a07"});
  ASSERT_EQ(create("c-ab-3").status, 201);
  ASSERT_TRUE(waitOffer(*a07_ws, "c-ab-3", kWsWait));
  ASSERT_TRUE(hasStatus(action("supervisor", "c-ab-3", "abandon"), 204));
  auto ended = a07_ws->receiveType("offer.ended", kWsWait);
  ASSERT_TRUE(ended);
  EXPECT_EQ(strField(ended, "contact_id"), "c-ab-3");
  EXPECT_EQ(strField(ended, "outcome"), "withdrawn");
  EXPECT_EQ(strField(getContact(http(), logins_, "c-ab-3"), "state"), "abandoned");
  EXPECT_TRUE(eventually([&] { return presence("a07") == "ready"; }, std::chrono::seconds(3)))
      << "a07 is " << presence("a07") << " after the offer was withdrawn";
  EXPECT_TRUE(isProblem(action("a07", "c-ab-3", "accept"), 404, "", "no live contact"));
  const History h = historyOf(http(), logins_["supervisor"], "c-ab-3");
  EXPECT_TRUE(inOrder(h.steps, {"queued", "offered:a07", "withdrawn:a07", "abandoned"}) ||
              inOrder(h.steps, {"queued", "offered:a07", "withdrawn:a07", "abandoned:a07"}))
      << join(h.steps);
}

// A contact with a language or a skill nobody ready has waits; a channel's own id makes
// a retried POST detectable; without an id the daemon picks one.
TEST_F(ContactsTest, IdsAndEligibility) {
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ready({"a07"});
  // English: a07 speaks only zh-CN.
  const Response en = postContact(R"({"id":"c-en-1","channel":"voice","language":"en","queue":"retail-voice"})");
  ASSERT_EQ(en.status, 201) << en;
  EXPECT_EQ(en.str("language"), "en");
  // Wealth 2: a07 has none.
  const Response wealth = postContact(R"({"id":"c-wl-1","channel":"voice","queue":"retail-voice",)"
                                      R"("skills":[{"skill":"wealth","min_level":2}]})");
  ASSERT_EQ(wealth.status, 201) << wealth;
  auto offer = a07_ws->receiveType("offer", std::chrono::milliseconds(700));
  EXPECT_FALSE(offer) << "offered to an agent without the language or skill: " << toJson(offer);
  EXPECT_EQ(strField(getContact(http(), logins_, "c-en-1"), "state"), "queued");
  EXPECT_EQ(strField(getContact(http(), logins_, "c-wl-1"), "state"), "queued");

  // Defaults: the queue's skills, zh-CN, standard, priority 50.
  const Response minimal = postContact(R"({"channel":"voice","queue":"retail-voice"})");
  ASSERT_EQ(minimal.status, 201) << minimal;
  const std::string id = minimal.str("id");
  EXPECT_EQ(id.rfind("c-", 0), 0u) << minimal;
  EXPECT_EQ(minimal.header("Location"), "/api/v1/contacts/" + id);
  EXPECT_EQ(minimal.str("language"), "zh-CN");
  EXPECT_EQ(minimal.str("segment"), "standard");
  EXPECT_EQ(intField(minimal.json, "priority"), 50);
  ASSERT_TRUE(minimal.array("skills") && minimal.array("skills")->size() == 1) << minimal;
  EXPECT_EQ(strField(minimal.array("skills")->getObject(0), "skill"), "account");
  ASSERT_TRUE(waitOffer(*a07_ws, id, kWsWait)) << "the contact with the queue's skills went nowhere";

  // The same id again: 409, nothing written.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(postContact(contactBody("c-en-1")), 409));
  EXPECT_DB_UNCHANGED(before);
}

// A channel that retries a POST after the contact ended (or reuses an id) gets 409 like
// for a live one, and routing goes on.
TEST_F(ContactsTest, IdOfAnEndedContactCannotBeTakenAgain) {
  ASSERT_EQ(create("c-dup-1").status, 201);
  ASSERT_TRUE(hasStatus(action("supervisor", "c-dup-1", "abandon"), 204));
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(postContact(contactBody("c-dup-1")), 409)) << "the id of an ended contact was taken again";
  EXPECT_DB_UNCHANGED(before);
  EXPECT_TRUE(hasStatus(http().get("/readyz"), 200)) << "routing stopped after a duplicate id";
  EXPECT_EQ(strField(getContact(http(), logins_, "c-dup-1"), "state"), "abandoned");
  // Routing still works.
  auto a07_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(a07_ws);
  ready({"a07"});
  ASSERT_EQ(create("c-dup-2").status, 201);
  EXPECT_TRUE(waitOffer(*a07_ws, "c-dup-2", kWsWait));
}

// --- bad input on every new route -----------------------------------------------------

class ContactsBadInputTest : public ContactsTest {
 protected:
  void SetUp() override {
    ContactsTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // No time-outs while the cases run: the database must stay still.
    ASSERT_TRUE(hasStatus(
        http().patch("/api/v1/queues/retail-voice", R"({"offer_timeout_s":300})", logins_["admin"]), 200));
    auto a07_ws = openDesk(http(), logins_["a07"]);
    ASSERT_TRUE(a07_ws);
    ready({"a07"});
    ASSERT_EQ(create("c-offered").status, 201);  // offered to a07 (the only one ready)
    ASSERT_TRUE(waitOffer(*a07_ws, "c-offered", kWsWait));
    ASSERT_EQ(create("c-queued").status, 201);  // waits: a07 is reserved
    ASSERT_TRUE(waitContactState(http(), logins_, "c-offered", "offered", "a07"));
    ASSERT_EQ(strField(getContact(http(), logins_, "c-queued"), "state"), "queued");
  }

  // One request that must fail as `expect`, leaving the database as it was.
  void rejected(const std::string& method, const std::string& path, const std::string& body,
                const std::string& who, ProblemExpectation expect, const Headers& headers = {}) {
    SCOPED_TRACE(method + " " + path + " as " + (who.empty() ? "nobody" : who) + " " + body.substr(0, 160));
    const DbSnapshot before = snapshot();
    const Response r = http().request(method, path, body, who.empty() ? "" : logins_[who], headers);
    EXPECT_TRUE(isProblem(r, expect));
    EXPECT_DB_UNCHANGED(before);
  }
};

TEST_F(ContactsBadInputTest, CreateContact) {
  const std::string p = "/api/v1/contacts";
  const std::string ok = contactBody("c-new");
  // Malformed JSON, empty body, not an object.
  for (const std::string body : {R"({"queue":)", "not json", R"({"a":1,})", "[1,2]", "null", R"("s")"})
    rejected("POST", p, body, "supervisor", {.status = 400});
  rejected("POST", p, "", "supervisor", {.status = 400, .detail_contains = "empty"});
  // Unknown fields, at the top and nested.
  rejected("POST", p, R"({"colour":"red",)" + ok.substr(1), "supervisor", {.status = 400, .field = "/colour"});
  rejected("POST", p, contactBody("c-new", "retail-voice", "").replace(ok.find(R"("code")"), 6, R"("mood":"sad","code")"),
           "supervisor", {.status = 400, .field = "/intent/mood"});
  rejected("POST", p, R"({"channel":"voice","queue":"retail-voice","skills":[{"skill":"account","min_level":1,"x":1}]})",
           "supervisor", {.status = 400, .field = "/skills/0/x"});
  // Wrong types.
  const std::vector<std::pair<std::string, std::string>> wrong_types = {
      {R"({"channel":"voice","queue":"retail-voice","priority":"high"})", "/priority"},
      {R"({"channel":"voice","queue":"retail-voice","priority":50.5})", "/priority"},
      {R"({"channel":"voice","queue":"retail-voice","value":"big"})", "/value"},
      {R"({"channel":"voice","queue":"retail-voice","skills":"account"})", "/skills"},
      {R"({"channel":"voice","queue":"retail-voice","skills":["account"]})", "/skills/0"},
      {R"({"channel":"voice","queue":"retail-voice","skills":[{"skill":"account","min_level":"1"}]})",
       "/skills/0/min_level"},
      {R"({"channel":"voice","queue":"retail-voice","intent":"card-lost"})", "/intent"},
      {R"({"channel":"voice","queue":"retail-voice","intent":{"code":5}})", "/intent/code"},
      {R"({"channel":"voice","queue":"retail-voice","intent":{"code":"x","confidence":"high"}})",
       "/intent/confidence"},
      {R"({"channel":"voice","queue":"retail-voice","ivr_path":"main"})", "/ivr_path"},
      {R"({"channel":"voice","queue":"retail-voice","ivr_path":["main",7]})", "/ivr_path/1"},
      {R"({"channel":"voice","queue":"retail-voice","attributes":[1]})", "/attributes"},
      {R"({"channel":"voice","queue":"retail-voice","attributes":"x"})", "/attributes"},
      {R"({"channel":5,"queue":"retail-voice"})", "/channel"},
      {R"({"channel":"voice","queue":["retail-voice"]})", "/queue"},
      {R"({"channel":"voice","queue":"retail-voice","language":1})", "/language"},
      {R"({"channel":"voice","queue":"retail-voice","segment":true})", "/segment"},
      {R"({"id":42,"channel":"voice","queue":"retail-voice"})", "/id"},
  };
  for (const auto& [body, field] : wrong_types) rejected("POST", p, body, "supervisor", {.status = 400, .field = field});
  // Bad values and missing members.
  const std::vector<std::pair<std::string, std::string>> bad_values = {
      {R"({"queue":"retail-voice"})", "/channel"},
      {R"({"channel":"voice"})", "/queue"},
      {R"({"channel":"fax","queue":"retail-voice"})", "/channel"},
      {R"({"channel":"voice","queue":"retail-voice","priority":101})", "/priority"},
      {R"({"channel":"voice","queue":"retail-voice","priority":-1})", "/priority"},
      {R"({"channel":"voice","queue":"retail-voice","value":-5})", "/value"},
      {R"({"channel":"voice","queue":"retail-voice","intent":{"code":"x","confidence":1.5}})", "/intent/confidence"},
      {R"({"channel":"voice","queue":"retail-voice","intent":{"confidence":0.5}})", "/intent/code"},
      {R"({"channel":"voice","queue":"retail-voice","skills":[{"skill":"account","min_level":6}]})",
       "/skills/0/min_level"},
      {R"({"channel":"voice","queue":"retail-voice","skills":[{"min_level":1}]})", "/skills/0/skill"},
      {R"({"channel":"voice","queue":"retail-voice","language":"fr"})", "/language"},
      {R"({"channel":"voice","queue":"retail-voice","segment":"VIP customers"})", "/segment"},
      {R"({"id":"Bad Id","channel":"voice","queue":"retail-voice"})", "/id"},
      {R"({"channel":"voice","queue":"retail-voice","ivr_path":["main","bad\u0001node"]})", "/ivr_path/1"},
      {R"({"channel":"voice","queue":"retail-voice","attributes":{"pad":")" + std::string(5000, 'x') + R"("}})",
       "/attributes"},
  };
  for (const auto& [body, field] : bad_values) rejected("POST", p, body, "supervisor", {.status = 400, .field = field});
  // References.
  rejected("POST", p, contactBody("c-new", "no-such-queue"), "supervisor",
           {.status = 422, .field = "/queue", .detail_contains = "no-such-queue"});
  rejected("POST", p, contactBody("c-new", "online-chat"), "supervisor",
           {.status = 400, .field = "/channel", .detail_contains = "chat"});
  rejected("POST", p, R"({"channel":"voice","queue":"retail-voice","skills":[{"skill":"mortgage","min_level":1}]})",
           "supervisor", {.status = 422, .field = "/skills/0/skill", .detail_contains = "mortgage"});
  rejected("POST", p, contactBody("c-queued"), "supervisor", {.status = 409});
  // Who may post, media type, query.
  rejected("POST", p, ok, "", {.status = 401});
  rejected("POST", p, ok, "a07", {.status = 403});
  rejected("POST", p, ok, "supervisor", {.status = 415}, {{"Content-Type", "text/plain"}});
  rejected("POST", p + "?debug=1", ok, "supervisor", {.status = 400});
  // The admin may (roles above supervisor).
  EXPECT_TRUE(hasStatus(http().post(p, contactBody("c-by-admin"), logins_["admin"]), 201));
}

TEST_F(ContactsBadInputTest, ReadContactAndDecision) {
  for (const std::string suffix : {"", "/decision"}) {
    const std::string p = "/api/v1/contacts/c-offered" + suffix;
    rejected("GET", "/api/v1/contacts/c-nothing" + suffix, "", "supervisor", {.status = 404});
    rejected("GET", p, "", "", {.status = 401});
    rejected("GET", p, "", "a10", {.status = 404});  // not offered to them: as if it did not exist
    rejected("GET", p + "?verbose=1", "", "supervisor", {.status = 400});
    EXPECT_TRUE(hasStatus(http().get(p, logins_["a07"]), 200));
    EXPECT_TRUE(hasStatus(http().get(p, logins_["supervisor"]), 200));
  }
  // Not offered to anyone yet: no decision.
  rejected("GET", "/api/v1/contacts/c-queued/decision", "", "supervisor", {.status = 404});
  rejected("GET", "/api/v1/contacts/c-queued", "", "a07", {.status = 404});
  EXPECT_TRUE(hasStatus(http().get("/api/v1/contacts/c-queued", logins_["supervisor"]), 200));
}

TEST_F(ContactsBadInputTest, Abandon) {
  const std::string p = "/api/v1/contacts/c-queued/abandon";
  rejected("POST", "/api/v1/contacts/c-nothing/abandon", "", "supervisor", {.status = 404});
  rejected("POST", p, R"({"cancelled":)", "supervisor", {.status = 400});
  rejected("POST", p, "[true]", "supervisor", {.status = 400});
  rejected("POST", p, R"({"colour":"red"})", "supervisor", {.status = 400, .field = "/colour"});
  rejected("POST", p, R"({"cancelled":"yes"})", "supervisor", {.status = 400, .field = "/cancelled"});
  rejected("POST", p, "", "", {.status = 401});
  rejected("POST", p, "", "a07", {.status = 403});
  rejected("POST", p + "?now=1", "", "supervisor", {.status = 400});
}

TEST_F(ContactsBadInputTest, AcceptRejectAndEndWrapUp) {
  for (const std::string verb : {"accept", "reject", "end-wrap-up"}) {
    SCOPED_TRACE(verb);
    const std::string p = "/api/v1/contacts/c-offered/" + verb;
    rejected("POST", "/api/v1/contacts/c-nothing/" + verb, "", "a07", {.status = 404});
    rejected("POST", p, R"({"x":)", "a07", {.status = 400});
    rejected("POST", p, R"({"x":1})", "a07", {.status = 400, .field = "/x"});
    rejected("POST", p, "", "", {.status = 401});
    rejected("POST", p, "", "supervisor", {.status = 403});  // no agent record
    rejected("POST", p, "", "admin", {.status = 403});
    // Offered to a07: another agent may not answer (end-wrap-up: it is not in wrap-up).
    rejected("POST", p, "", "a10", {.status = verb == "end-wrap-up" ? 422 : 403});
    rejected("POST", p + "?fast=1", "", "a07", {.status = 400});
  }
  // Nothing offered (c-queued waits): 422; not in wrap-up: 422.
  rejected("POST", "/api/v1/contacts/c-queued/accept", "", "a07", {.status = 422});
  rejected("POST", "/api/v1/contacts/c-queued/reject", "", "a07", {.status = 422});
  rejected("POST", "/api/v1/contacts/c-offered/end-wrap-up", "", "a07", {.status = 422});
  // An empty object is fine as "no body".
  EXPECT_TRUE(hasStatus(action("a07", "c-offered", "accept", "{}"), 204));
  rejected("POST", "/api/v1/contacts/c-offered/accept", "", "a07", {.status = 422});  // already accepted
}

TEST_F(ContactsBadInputTest, Complete) {
  ASSERT_TRUE(hasStatus(action("a07", "c-offered", "accept"), 204));
  const std::string p = "/api/v1/contacts/c-offered/complete";
  const std::string ok = R"({"code":"resolved","resolved":true})";
  rejected("POST", "/api/v1/contacts/c-nothing/complete", ok, "a07", {.status = 404});
  for (const std::string body : {R"({"code":)", "not json", "[]"}) rejected("POST", p, body, "a07", {.status = 400});
  rejected("POST", p, "", "a07", {.status = 400, .detail_contains = "empty"});
  rejected("POST", p, R"({"code":"resolved","mood":"happy"})", "a07", {.status = 400, .field = "/mood"});
  rejected("POST", p, R"({"resolved":true})", "a07", {.status = 400, .field = "/code"});
  rejected("POST", p, R"({"code":7})", "a07", {.status = 400, .field = "/code"});
  rejected("POST", p, R"({"code":"resolved","resolved":"yes"})", "a07", {.status = 400, .field = "/resolved"});
  rejected("POST", p, R"({"code":"resolved","first_contact_resolution":1})", "a07",
           {.status = 400, .field = "/first_contact_resolution"});
  rejected("POST", p, R"({"code":"resolved","notes":["x"]})", "a07", {.status = 400, .field = "/notes"});
  rejected("POST", p, R"({"code":"resolved","notes":"bad\u0001"})", "a07", {.status = 400, .field = "/notes"});
  rejected("POST", p, R"({"code":"no-such-code"})", "a07",
           {.status = 422, .field = "/code", .detail_contains = "no-such-code"});
  rejected("POST", p, ok, "", {.status = 401});
  rejected("POST", p, ok, "supervisor", {.status = 403});
  rejected("POST", p, ok, "a10", {.status = 403});
  rejected("POST", p, ok, "a07", {.status = 415}, {{"Content-Type", "text/plain"}});
  // Not connected (c-queued waits): 422.
  rejected("POST", "/api/v1/contacts/c-queued/complete", ok, "a07", {.status = 422});
  // An inactive code is refused like an unknown one.
  ASSERT_TRUE(hasStatus(http().patch("/api/v1/wrapup-codes/callback", R"({"active":false})", logins_["admin"]), 200));
  rejected("POST", p, R"({"code":"callback"})", "a07", {.status = 422, .field = "/code"});
  EXPECT_TRUE(hasStatus(action("a07", "c-offered", "complete", ok), 204));
}

TEST_F(ContactsBadInputTest, QueueStats) {
  rejected("GET", "/api/v1/queue-stats", "", "", {.status = 401});
  rejected("GET", "/api/v1/queue-stats?queue=retail-voice", "", "supervisor", {.status = 400});
  rejected("POST", "/api/v1/queue-stats", "", "supervisor", {.status = 405});
  const Response r = http().get("/api/v1/queue-stats", logins_["a03"]);
  ASSERT_TRUE(hasStatus(r, 200));
  ASSERT_TRUE(r.array("items"));
  EXPECT_EQ(r.array("items")->size(), 4u) << r;  // the demo site's four queues
  auto retail = queueStatsOf(http(), logins_["a03"], "retail-voice");
  ASSERT_TRUE(retail);
  EXPECT_EQ(intField(retail, "waiting"), 1) << toJson(retail);
  EXPECT_EQ(intField(retail, "offered"), 1) << toJson(retail);
}

}  // namespace
}  // namespace outpost::itest
