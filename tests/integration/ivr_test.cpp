// The IVR channel API through the real outpostd, with the shipped bank-branch flow and
// an intent model trained at start from the shipped data: full sessions in zh-CN and
// English ending in each outcome (self-served, transferred with a contact that carries
// the IVR's context, hung up), every step recorded, and bad input answered with
// problem+json.

#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <thread>
#include <unistd.h>
#include <vector>

#include "integration/support/contacts.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourcePath;

class IvrTest : public DemoSiteTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "ivr.flow=" + sourcePath("models/ivr/bank.flow.json"), "--set",
               "ivr.training_data=" + sourcePath("models/ivr/bank.train.tsv")};
    return o;
  }
  Response start(const std::string& language, const std::string& channel = "voice") {
    return http().post("/api/v1/ivr/sessions",
                       R"({"channel":")" + channel + R"(","caller_id":"+8613800001111","language":")" + language +
                           R"("})",
                       supervisor_);
  }
  Response dtmf(const std::string& id, const std::string& keys) {
    return http().post("/api/v1/ivr/sessions/" + id + "/input", R"({"dtmf":")" + keys + R"("})", supervisor_);
  }
  Response text(const std::string& id, const std::string& t) {
    return http().post("/api/v1/ivr/sessions/" + id + "/input", R"({"text":")" + t + R"("})", supervisor_);
  }
  static std::string firstSay(const Response& r) {
    auto a = r.array("say");
    return a && a->size() > 0 ? a->getElement<std::string>(0) : "";
  }
};

std::string knowledgePath(const std::string& q, const std::string& lang = "") {
  std::string enc;
  Poco::URI::encode(q, "&=+?#%", enc);
  return "/api/v1/knowledge?q=" + enc + (lang.empty() ? "" : "&lang=" + lang);
}

// The agent desktop's knowledge search over the flow's articles.
TEST_F(IvrTest, KnowledgeSearchFindsFlowArticles) {
  Response zh = http().get(knowledgePath("营业时间是几点"), agent_);
  ASSERT_EQ(zh.status, 200) << zh;
  EXPECT_EQ(zh.str("lang"), "zh-CN");
  auto items = zh.array("items");
  ASSERT_TRUE(items && items->size() > 0) << zh;
  auto first = items->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("id"), "branch_hours");
  EXPECT_EQ(first->getValue<std::string>("title"), "营业时间");
  EXPECT_GT(first->getValue<double>("score"), 0.0);

  Response en = http().get(knowledgePath("currency EXCHANGE", "en"), supervisor_);
  ASSERT_EQ(en.status, 200) << en;
  items = en.array("items");
  ASSERT_TRUE(items && items->size() > 0) << en;
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("id"), "exchange");
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("title"), "Currency exchange");

  EXPECT_EQ(http().get(knowledgePath("hours"), "").status, 401);
  for (const std::string& bad : {std::string("/api/v1/knowledge"), knowledgePath(""), knowledgePath("!!"),
                                 knowledgePath("hours", "fr"), knowledgePath("hours") + "&x=1",
                                 knowledgePath(std::string(201, 'a'))}) {
    Response r = http().get(bad, agent_);
    EXPECT_EQ(r.status, 400) << bad << " " << r;
    EXPECT_EQ(r.header("Content-Type").rfind("application/problem+json", 0), 0u) << bad << " " << r;
  }
}

TEST_F(IvrTest, ChineseSelfServedThroughAnAnswerAndSurvey) {
  Response s = start("zh-CN");
  ASSERT_EQ(s.status, 201) << s;
  const std::string id = s.str("id");
  EXPECT_EQ(s.header("Location"), "/api/v1/ivr/sessions/" + id);
  EXPECT_EQ(s.str("node"), "main");
  EXPECT_EQ(s.str("expects"), "dtmf");
  EXPECT_EQ(intField(s.json, "no_input_timeout_s"), 8);
  EXPECT_NE(firstSay(s).find("欢迎致电"), std::string::npos) << s;

  Response hours = dtmf(id, "3");
  ASSERT_EQ(hours.status, 200) << hours;
  EXPECT_EQ(hours.str("node"), "hours");
  EXPECT_NE(hours.body.find("9:00"), std::string::npos) << hours;
  Response survey = text(id, "有帮助，谢谢");
  ASSERT_EQ(survey.status, 200) << survey;
  EXPECT_EQ(survey.str("node"), "csat");
  Response end = dtmf(id, "5");
  ASSERT_EQ(end.status, 200) << end;
  EXPECT_EQ(end.str("state"), "self_served");
  EXPECT_EQ(end.str("expects"), "none");

  Response rec = http().get("/api/v1/ivr/sessions/" + id, supervisor_);
  ASSERT_EQ(rec.status, 200) << rec;
  EXPECT_EQ(rec.str("state"), "self_served");
  EXPECT_EQ(intField(rec.json, "csat"), 5);
  ASSERT_TRUE(rec.array("steps"));
  EXPECT_EQ(rec.array("steps")->size(), 4u) << rec;

  Response after = dtmf(id, "1");
  EXPECT_EQ(after.status, 409) << after;
  EXPECT_EQ(after.content_type.rfind("application/problem+json", 0), 0u) << after;
}

TEST_F(IvrTest, EnglishIntentThenCardNumberTransfersWithContext) {
  Response s = start("en");
  ASSERT_EQ(s.status, 201) << s;
  const std::string id = s.str("id");
  EXPECT_NE(firstSay(s).find("Welcome"), std::string::npos) << s;
  ASSERT_EQ(dtmf(id, "4").str("node"), "ask");
  Response intent = text(id, "I lost my bank card yesterday");
  ASSERT_EQ(intent.status, 200) << intent;
  EXPECT_EQ(intent.str("node"), "lost_card") << intent;
  EXPECT_EQ(intent.str("intent"), "card_lost");
  Response bad = dtmf(id, "4111111111111112#");
  EXPECT_EQ(bad.str("event"), "no_match") << bad;
  Response done = dtmf(id, "4111111111111111#");
  ASSERT_EQ(done.status, 200) << done;
  EXPECT_EQ(done.str("state"), "transferred");
  const std::string contact_id = done.str("contact_id");
  ASSERT_FALSE(contact_id.empty()) << done;
  auto transfer = objField(done.json, "transfer");
  ASSERT_TRUE(transfer);
  EXPECT_EQ(transfer->getValue<std::string>("queue"), "cards-voice");
  EXPECT_EQ(transfer->getValue<int>("priority"), 80);

  Response c = http().get("/api/v1/contacts/" + contact_id, supervisor_);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.str("queue"), "cards-voice");
  EXPECT_EQ(c.str("language"), "en");
  EXPECT_NE(c.body.find("card_lost"), std::string::npos) << c;
  EXPECT_NE(c.body.find("\"lost_card\""), std::string::npos) << "the IVR path";
  EXPECT_NE(c.body.find("************1111"), std::string::npos) << "the collected card number, masked";
  EXPECT_EQ(c.body.find("4111111111111111"), std::string::npos) << "the full card number is never stored";
  EXPECT_NE(c.body.find(id), std::string::npos) << "the IVR session id";

  Response rec = http().get("/api/v1/ivr/sessions/" + id, supervisor_);
  ASSERT_EQ(rec.status, 200) << rec;
  EXPECT_EQ(rec.str("contact_id"), contact_id);
  EXPECT_EQ(rec.body.find("4111111111111111"), std::string::npos) << rec;
}

TEST_F(IvrTest, ChatCallerAsksForAHumanFromTheMenu) {
  Response s = start("zh-CN", "chat");
  ASSERT_EQ(s.status, 201) << s;
  Response r = text(s.str("id"), "转人工");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.str("state"), "transferred");
  EXPECT_EQ(r.str("event"), "escape");
  Response c = http().get("/api/v1/contacts/" + r.str("contact_id"), supervisor_);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.str("channel"), "chat");
  EXPECT_EQ(c.str("queue"), "online-chat");
}

TEST_F(IvrTest, MenuNoMatchThreeTimesReachesAHuman) {
  Response s = start("zh-CN");
  const std::string id = s.str("id");
  Response first = dtmf(id, "7");
  EXPECT_EQ(first.str("event"), "no_match");
  EXPECT_NE(first.body.find("请按1到4"), std::string::npos) << first;
  EXPECT_EQ(dtmf(id, "").str("event"), "no_input") << "an empty input is a no-input";
  EXPECT_EQ(dtmf(id, "8").str("event"), "no_match");
  Response last = dtmf(id, "8");
  EXPECT_EQ(last.str("state"), "transferred") << last;
  EXPECT_EQ(objField(last.json, "transfer")->getValue<std::string>("reason"), "max_no_match");

  Response m = http().get("/api/v1/ivr/metrics", supervisor_);
  ASSERT_EQ(m.status, 200) << m;
  EXPECT_EQ(intField(m.json, "sessions"), 1);
  EXPECT_EQ(intField(objField(m.json, "by_state"), "transferred"), 1);
  auto main_node = objField(objField(m.json, "node_events"), "main");
  ASSERT_TRUE(main_node) << m;
  EXPECT_EQ(intField(main_node, "no_match"), 3) << m;
  EXPECT_EQ(intField(main_node, "no_input"), 1) << m;
  EXPECT_EQ(http().get("/api/v1/ivr/metrics", agent_).status, 403);
}

TEST_F(IvrTest, ARestartEndsLiveSessions) {
  const std::string id = start("zh-CN").str("id");
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  Response r = dtmf(id, "3");
  EXPECT_EQ(r.status, 409) << r;
  EXPECT_NE(r.body.find("expired"), std::string::npos) << r;
  EXPECT_EQ(http().get("/api/v1/ivr/sessions/" + id, supervisor_).str("state"), "expired");
}

TEST_F(IvrTest, EnglishGoodbyeHangsUp) {
  Response s = start("en");
  const std::string id = s.str("id");
  ASSERT_EQ(dtmf(id, "4").status, 200);
  Response r = text(id, "that's all, goodbye");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.str("state"), "hung_up");
}

TEST_F(IvrTest, BadInputGetsProblemJson) {
  const std::string id = start("en").str("id");
  auto expect = [&](const Response& r, int status, const std::string& field) {
    EXPECT_EQ(r.status, status) << r;
    EXPECT_EQ(r.content_type.rfind("application/problem+json", 0), 0u) << r;
    if (!field.empty()) {
      EXPECT_NE(r.body.find(field), std::string::npos) << r;
    }
  };
  const std::string input = "/api/v1/ivr/sessions/" + id + "/input";
  expect(http().post("/api/v1/ivr/sessions/ivr-nope/input", R"({"dtmf":"1"})", supervisor_), 404, "ivr-nope");
  expect(http().post(input, R"({"dtmf":)", supervisor_), 400, "");
  expect(http().post(input, R"({"dtmf":"1","text":"hi"})", supervisor_), 400, "exactly one");
  expect(http().post(input, R"({})", supervisor_), 400, "exactly one");
  expect(http().post(input, R"({"dtmf":"12a"})", supervisor_), 400, "/dtmf");
  expect(http().post(input, R"({"dtmf":1})", supervisor_), 400, "/dtmf");
  expect(http().post(input, R"({"text":")" + std::string(2000, 'a') + R"("})", supervisor_), 400, "/text");
  expect(http().post(input, "{\"text\":\"bad \xC3\x28\"}", supervisor_), 400, "");
  expect(http().post(input, R"({"dtmf":"1","speed":3})", supervisor_), 400, "/speed");
  expect(http().post("/api/v1/ivr/sessions", R"({"channel":"fax","caller_id":"1"})", supervisor_), 400, "/channel");
  expect(http().post("/api/v1/ivr/sessions", R"({"channel":"voice","caller_id":"1","language":"fr"})", supervisor_),
         400, "/language");
  expect(http().post("/api/v1/ivr/sessions", R"({"channel":"voice"})", supervisor_), 400, "/caller_id");
  expect(http().post(input, R"({"dtmf":"1"})", agent_), 403, "");
  expect(http().post(input, R"({"dtmf":"1"})"), 401, "");
  expect(http().get("/api/v1/ivr/sessions/ivr-nope", supervisor_), 404, "");
  // The session still works after all that.
  EXPECT_EQ(dtmf(id, "3").str("node"), "hours");
}

// 1,000 sessions live at once, driven by 8 client threads over loopback: half end
// self-served (menu → answer → survey), half hang up after an intent. Every step is
// committed; the metrics add up. (Throughput is printed for the report, not asserted.)
TEST_F(IvrTest, AThousandSessionsLiveAtOnce) {
  constexpr int kSessions = 1000;
  constexpr int kThreads = 8;
  std::vector<std::string> ids(kSessions);
  std::atomic<int> failures{0};
  const auto t0 = std::chrono::steady_clock::now();
  auto forEach = [&](const std::function<void(int)>& fn) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = t; i < kSessions; i += kThreads) fn(i);
      });
    }
    for (auto& th : threads) th.join();
  };
  forEach([&](int i) {
    Response r = start(i % 2 == 0 ? "zh-CN" : "en");
    if (r.status != 201) {
      ++failures;
      return;
    }
    ids[static_cast<size_t>(i)] = r.str("id");
  });
  ASSERT_EQ(failures.load(), 0);
  Response live = http().get("/api/v1/ivr/metrics", supervisor_);
  EXPECT_EQ(intField(objField(live.json, "by_state"), "active"), kSessions) << live;
  forEach([&](int i) {
    const std::string& id = ids[static_cast<size_t>(i)];
    if (i % 2 == 0) {
      if (dtmf(id, "3").str("node") != "hours") ++failures;
      if (text(id, "有帮助").str("node") != "csat") ++failures;
      if (dtmf(id, "4").str("state") != "self_served") ++failures;
    } else {
      if (dtmf(id, "4").str("node") != "ask") ++failures;
      if (text(id, "no thanks, goodbye").str("state") != "hung_up") ++failures;
    }
  });
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(failures.load(), 0);
  std::printf("%d IVR sessions, %d requests in %.1f s (%.0f requests/s) with %d client threads\n", kSessions,
              kSessions * 7 / 2, s, kSessions * 3.5 / s, kThreads);
  Response m = http().get("/api/v1/ivr/metrics", supervisor_);
  ASSERT_EQ(m.status, 200) << m;
  EXPECT_EQ(intField(m.json, "sessions"), kSessions);
  EXPECT_EQ(intField(objField(m.json, "by_state"), "self_served"), kSessions / 2);
  EXPECT_EQ(intField(objField(m.json, "by_state"), "hung_up"), kSessions / 2);
  EXPECT_NE(m.body.find("\"containment\":0.5"), std::string::npos) << m;
}

// A flow without intent nodes (no model needed) that hands every caller over at once,
// as a site might out of hours: the first answer already carries the contact.
class IvrDirectTransferTest : public DemoSiteTest {
 protected:
  DaemonOptions options() const override {
    const std::string path = ::testing::TempDir() + "outpost-ivr-direct-" + std::to_string(::getpid()) + ".json";
    std::ofstream(path) << R"({"id": "direct", "version": 3, "start": "hello", "human": "agent", "nodes": [
      {"id": "hello", "kind": "prompt", "prompt": {"zh-CN": "您好", "en": "Hello"}, "next": "agent"},
      {"id": "agent", "kind": "transfer", "queue": "retail-voice", "chat_queue": "online-chat", "priority": 70}]})";
    DaemonOptions o;
    o.extra = {"--set", "ivr.flow=" + path};
    return o;
  }
};

TEST_F(IvrDirectTransferTest, TheFirstStepCanBeATransfer) {
  Response s = http().post("/api/v1/ivr/sessions", R"({"channel":"chat","caller_id":"web-42"})", supervisor_);
  ASSERT_EQ(s.status, 201) << s;
  EXPECT_EQ(s.str("state"), "transferred");
  Response c = http().get("/api/v1/contacts/" + s.str("contact_id"), supervisor_);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.str("queue"), "online-chat");
  EXPECT_EQ(intField(c.json, "priority"), 70);
}

}  // namespace
}  // namespace outpost::itest
