// Chat transcripts through the real daemon (GET/POST /api/v1/contacts/{id}/messages):
// the channel side (supervisor role) posts the customer's messages, the agent the chat
// went to replies once connected; every 201 is on disk, every message is pushed over
// the WebSocket to that agent and to supervisors; roles and bad input.

#include <gtest/gtest.h>

#include "integration/support/contacts.h"

namespace outpost::itest {
namespace {

// A standard chat for online-chat; with only a09 (T3, chat capacity 3) ready, it goes to a09.
std::string chatBody(const std::string& id) {
  return R"({"id":")" + id +
         R"(","channel":"chat","language":"zh-CN","skills":[{"skill":"account","min_level":1}],)"
         R"("segment":"standard","value":100,"priority":50,"intent":{"code":"balance","confidence":0.8},)"
         R"("ivr_path":[],"attributes":{"customer_id":"cu-1"},"queue":"online-chat"})";
}

class ChatTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(logins_.loginAll(http(), daemon_));
  }
  Response say(const std::string& id, const std::string& token, const std::string& text) {
    return http().post("/api/v1/contacts/" + id + "/messages", R"({"text":")" + text + R"("})", token);
  }
  DemoLogins logins_;
};

TEST_F(ChatTest, CustomerAndAgentTalkAndBothSeeItLive) {
  auto agent_ws = openDesk(http(), logins_["a09"]);
  auto channel_ws = openDesk(http(), logins_["supervisor"]);
  auto other_ws = openDesk(http(), logins_["a07"]);
  ASSERT_TRUE(agent_ws && channel_ws && other_ws);

  ASSERT_EQ(http().post("/api/v1/contacts", chatBody("c-chat-1"), logins_["supervisor"]).status, 201);
  // The customer may write while the chat waits (nobody is ready yet).
  const Response first = say("c-chat-1", logins_["supervisor"], "你好，我想查余额");
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_EQ(first.str("from"), "customer");
  EXPECT_EQ(intField(first.json, "seq"), 1);
  EXPECT_EQ(getContact(http(), logins_, "c-chat-1")->getValue<std::string>("state"), "queued");
  ASSERT_TRUE(setPresence(http(), logins_, "a09", "ready"));
  ASSERT_TRUE(waitContactState(http(), logins_, "c-chat-1", "offered", "a09"));

  // Offered, not yet accepted: the agent reads but cannot reply.
  Response list = http().get("/api/v1/contacts/c-chat-1/messages", logins_["a09"]);
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.array("items")->size(), 1u);
  EXPECT_TRUE(isProblem(say("c-chat-1", logins_["a09"], "too early"), 422));

  ASSERT_EQ(http().post("/api/v1/contacts/c-chat-1/accept", "", logins_["a09"]).status, 204);
  const Response reply = say("c-chat-1", logins_["a09"], "您好，请稍等");
  ASSERT_EQ(reply.status, 201) << reply;
  EXPECT_EQ(reply.str("from"), "agent");
  EXPECT_EQ(reply.str("agent_id"), "a09");
  EXPECT_EQ(intField(reply.json, "seq"), 2);
  // Committed before the 201.
  const DbRows rows = queryDb(daemon_.dbPath(),
                              "SELECT seq, sender, author, body FROM contact_messages WHERE contact_id = 'c-chat-1' ORDER BY seq");
  ASSERT_TRUE(rows.error.empty()) << rows.error;
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[1], (std::vector<std::string>{"2", "agent", "agent09", "您好，请稍等"}));

  ASSERT_EQ(say("c-chat-1", logins_["supervisor"], "好的").status, 201);

  // Live: the agent gets the messages posted after the chat reached them, the channel side all of them.
  const auto isMessage = [](int64_t seq) {
    return [seq](const std::vector<Object::Ptr>& got) {
      for (const auto& m : got) {
        if (strField(m, "type") == "message" && intField(m, "seq") == seq) return true;
      }
      return false;
    };
  };
  auto to_agent = messagesOf(drain(*agent_ws, std::chrono::seconds(5), isMessage(3)), "message", "c-chat-1");
  ASSERT_EQ(to_agent.size(), 2u);
  EXPECT_EQ(strField(to_agent[0], "text"), "您好，请稍等");
  EXPECT_EQ(strField(to_agent[1], "from"), "customer");
  auto to_channel = messagesOf(drain(*channel_ws, std::chrono::seconds(5), isMessage(3)), "message", "c-chat-1");
  EXPECT_EQ(to_channel.size(), 3u);
  // Another agent sees nothing of it.
  EXPECT_TRUE(messagesOf(drain(*other_ws, std::chrono::milliseconds(300)), "message").empty());

  list = http().get("/api/v1/contacts/c-chat-1/messages", logins_["a09"]);
  ASSERT_EQ(list.status, 200) << list;
  auto items = list.array("items");
  ASSERT_EQ(items->size(), 3u);
  EXPECT_EQ(strField(items->getObject(0), "text"), "你好，我想查余额");
  EXPECT_EQ(strField(items->getObject(2), "text"), "好的");
  const Response after = http().get("/api/v1/contacts/c-chat-1/messages?after=2", logins_["supervisor"]);
  ASSERT_EQ(after.status, 200) << after;
  EXPECT_EQ(after.array("items")->size(), 1u);

  // Once the agent completes, replies stop; once it ends, the customer side too.
  ASSERT_EQ(http().post("/api/v1/contacts/c-chat-1/complete", R"({"code":"resolved","notes":""})", logins_["a09"]).status,
            204);
  EXPECT_TRUE(isProblem(say("c-chat-1", logins_["a09"], "one more"), 422));
  ASSERT_EQ(http().post("/api/v1/contacts/c-chat-1/end-wrap-up", "", logins_["a09"]).status, 204);
  EXPECT_TRUE(isProblem(say("c-chat-1", logins_["supervisor"], "hello?"), 422));
  // The transcript stays readable, also after a restart.
  EXPECT_EQ(http().get("/api/v1/contacts/c-chat-1/messages", logins_["a09"]).array("items")->size(), 3u);
  agent_ws.reset();
  channel_ws.reset();
  other_ws.reset();
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);  // a new port; the sessions are stored
  const Response kept = http().get("/api/v1/contacts/c-chat-1/messages", logins_["a09"]);
  ASSERT_EQ(kept.status, 200) << kept;
  ASSERT_EQ(kept.array("items")->size(), 3u) << kept;
  EXPECT_EQ(strField(kept.array("items")->getObject(1), "text"), "您好，请稍等");
}

TEST_F(ChatTest, RolesAndBadInput) {
  ASSERT_EQ(http().post("/api/v1/contacts", chatBody("c-chat-2"), logins_["supervisor"]).status, 201);
  ASSERT_EQ(http().post("/api/v1/contacts", contactBody("c-voice-2"), logins_["supervisor"]).status, 201);
  const auto before = snapshot();
  // Not theirs: as if missing, both ways.
  EXPECT_TRUE(isProblem(http().get("/api/v1/contacts/c-chat-2/messages", logins_["a07"]), 404));
  EXPECT_TRUE(isProblem(say("c-chat-2", logins_["a07"], "hi"), 404));
  EXPECT_EQ(say("c-chat-2", "", "hi").status, 401);
  EXPECT_TRUE(isProblem(say("nope", logins_["supervisor"], "hi"), 404));
  // Voice contacts have no transcript to write to.
  EXPECT_TRUE(isProblem(say("c-voice-2", logins_["supervisor"], "hi"), 422));
  // Bad bodies, each with where.
  const std::string path = "/api/v1/contacts/c-chat-2/messages";
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":""})", logins_["supervisor"]), 400, "/text"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":"   "})", logins_["supervisor"]), 400, "/text"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":"a\u0007b"})", logins_["supervisor"]), 400, "/text"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":")" + std::string(4001, 'x') + R"("})", logins_["supervisor"]),
                        400, "/text"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":"hi","extra":1})", logins_["supervisor"]), 400, "/extra"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"text":5})", logins_["supervisor"]), 400, "/text"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"body":"hi"})", logins_["supervisor"]), 400));
  EXPECT_TRUE(isProblem(http().post(path, "not json", logins_["supervisor"]), 400));
  EXPECT_TRUE(isProblem(http().get(path + "?after=x", logins_["supervisor"]), 400, "", "?after"));
  EXPECT_TRUE(isProblem(http().get(path + "?since=1", logins_["supervisor"]), 400));
  EXPECT_DB_UNCHANGED(before);
  // Multi-line text with tabs is fine.
  EXPECT_EQ(http().post(path, R"({"text":"line 1\n\tline 2"})", logins_["supervisor"]).status, 201);
}

}  // namespace
}  // namespace outpost::itest
