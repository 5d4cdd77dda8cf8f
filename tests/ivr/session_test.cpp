// The flow engine under simulated time: menus, collection with validation, intent
// routing, answers and surveys, counters with escalating reprompts, escapes, expiry.

#include "ivr/session.h"

#include <gtest/gtest.h>

#include <memory>

namespace outpost::ivr {
namespace {

using namespace std::chrono_literals;

Text t(const std::string& zh, const std::string& en) { return Text{zh, en}; }

Flow testFlow() {
  Flow f;
  f.id = "test";
  f.start = "hello";
  f.human = "agent";
  f.no_input_timeout = 5s;
  f.session_ttl = 60s;
  f.articles = {{"hours", t("时间", "Hours"), t("九点到五点", "Nine to five")}};
  f.intents["card_lost"] = IntentRouting{{{"cards", 3}}, 80, ""};
  Node hello{.id = "hello", .kind = NodeKind::kPrompt, .prompt = t("您好", "Hello"), .next = "menu"};
  Node menu{.id = "menu", .kind = NodeKind::kMenu, .prompt = t("请选择", "Choose"),
            .reprompts = {t("再选一次", "Choose again"), t("最后一次", "Last time")}};
  menu.options = {{"1", "card", ""}, {"2", "hours", ""}, {"3", "ask", ""}, {"9", "ask", "vip"}};
  Node card{.id = "card", .kind = NodeKind::kCollect, .prompt = t("卡号", "Card number"), .next = "agent"};
  card.slot = "card_number";
  card.min_length = 16;
  card.max_length = 19;
  card.luhn = true;
  Node ask{.id = "ask", .kind = NodeKind::kIntent, .prompt = t("请说", "Say it")};
  ask.routes = {{"card_lost", "agent"}, {"goodbye", "bye"}};
  Node hours{.id = "hours", .kind = NodeKind::kAnswer, .prompt = t("营业时间", "Opening hours"), .next = "csat"};
  hours.article = "hours";
  Node csat{.id = "csat", .kind = NodeKind::kSurvey, .prompt = t("打分", "Rate us"), .human_escape = false,
            .next = "bye"};
  Node bye{.id = "bye", .kind = NodeKind::kHangup, .prompt = t("再见", "Bye")};
  Node agent{.id = "agent", .kind = NodeKind::kTransfer, .prompt = t("转人工", "Transferring")};
  agent.queue = "retail-voice";
  agent.skills = {{"account", 1}, {"cards", 1}};
  agent.priority = 50;
  f.nodes = {hello, menu, card, ask, hours, csat, bye, agent};
  return f;
}

std::shared_ptr<const IntentModel> tinyModel() {
  std::vector<Example> v;
  for (const char* s : {"卡丢了", "我的银行卡丢了", "挂失银行卡", "I lost my card", "my card is missing", "lost card",
                        "卡不见了", "report a lost card"}) {
    v.push_back({"card_lost", s, 0});
  }
  for (const char* s : {"再见", "拜拜", "没事了谢谢", "goodbye", "bye bye", "thanks that's all", "好的再见", "see you"}) {
    v.push_back({"goodbye", s, 0});
  }
  for (const char* s : {"查余额", "余额是多少", "check my balance", "what is my balance", "卡里还有多少钱", "余额查询",
                        "how much money do I have", "帮我查一下余额"}) {
    v.push_back({"balance_inquiry", s, 0});
  }
  auto m = IntentModel::train(v, TrainOptions{});
  return std::make_shared<const IntentModel>(std::move(m).value());
}

Input dtmf(std::string v) { return {Input::Kind::kDtmf, std::move(v)}; }
Input text(std::string v) { return {Input::Kind::kText, std::move(v)}; }

class SessionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Session> make(const std::string& lang = "zh-CN", Flow f = testFlow()) {
    EXPECT_TRUE(validateFlow(f).isOk()) << validateFlow(f).describe();
    return std::make_unique<Session>(std::make_shared<const Flow>(std::move(f)), model_, lang, clock_);
  }
  SimulatedClock clock_;
  std::shared_ptr<const IntentModel> model_ = tinyModel();
};

TEST_F(SessionTest, StartSaysPromptsUntilAWaitingNode) {
  auto s = make("en");
  Step st = s->start();
  EXPECT_EQ(st.node, "menu");
  EXPECT_EQ(st.expects, "dtmf");
  ASSERT_EQ(st.say.size(), 2u);
  EXPECT_EQ(st.say[0], "Hello");
  EXPECT_EQ(st.say[1], "Choose");
  EXPECT_EQ(s->path(), (std::vector<std::string>{"hello", "menu"}));
}

TEST_F(SessionTest, CollectValidatesLengthAndLuhnThenTransfersWithTheSlot) {
  auto s = make();
  s->start();
  ASSERT_EQ(s->input(dtmf("1"))->node, "card");
  Step short_number = *s->input(dtmf("1234"));
  EXPECT_EQ(short_number.event, "no_match");
  EXPECT_EQ(short_number.node, "card");
  Step bad_luhn = *s->input(dtmf("4111111111111112"));
  EXPECT_EQ(bad_luhn.event, "no_match");
  Step ok = *s->input(text("4111 1111 1111 1111"));
  EXPECT_EQ(ok.state, SessionState::kTransferred);
  ASSERT_TRUE(ok.transfer.has_value());
  EXPECT_EQ(ok.transfer->queue, "retail-voice");
  EXPECT_EQ(ok.transfer->reason, "flow");
  EXPECT_EQ(ok.transfer->segment, "standard");
  EXPECT_EQ(s->slots().at("card_number"), "4111111111111111");
  EXPECT_EQ(s->path(), (std::vector<std::string>{"hello", "menu", "card", "agent"}));
  EXPECT_EQ(s->counters().at("card").no_match, 2);
  EXPECT_EQ(s->input(dtmf("1")).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SessionTest, NoMatchEscalatesRepromptsThenGoesToAHuman) {
  auto s = make("en");
  s->start();
  Step first = *s->input(dtmf("7"));
  EXPECT_EQ(first.event, "no_match");
  EXPECT_EQ(first.say.back(), "Choose again");
  Step second = *s->input(dtmf("8"));
  EXPECT_EQ(second.say.back(), "Last time");
  Step third = *s->input(dtmf("8"));
  EXPECT_EQ(third.state, SessionState::kTransferred);
  ASSERT_TRUE(third.transfer);
  EXPECT_EQ(third.transfer->reason, "max_no_match");
  EXPECT_EQ(third.transfer->priority, 60) << "failing the menu raises the priority";
}

TEST_F(SessionTest, NoInputFiresOnTimeoutUnderSimulatedTime) {
  auto s = make("en");
  s->start();
  clock_.advance(4s);
  EXPECT_FALSE(s->tick().has_value());
  clock_.advance(1s);
  auto st = s->tick();
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->event, "no_input");
  EXPECT_EQ(st->say.front(), "Sorry, I didn't hear anything.");
  EXPECT_FALSE(s->tick().has_value()) << "the reprompt restarts the timer";
  clock_.advance(5s);
  ASSERT_TRUE(s->tick().has_value());
  // An empty input counts the same; the third event reaches a human.
  Step third = *s->input(dtmf(""));
  EXPECT_EQ(third.state, SessionState::kTransferred);
  EXPECT_EQ(third.transfer->reason, "max_no_input");
  EXPECT_EQ(s->counters().at("menu").no_input, 3);
  EXPECT_EQ(s->counters().at("menu").no_match, 0);
}

TEST_F(SessionTest, HumanEscapesFromAnywhereUnlessTurnedOff) {
  for (const Input& in : {dtmf("0"), text("转人工"), text("I want an agent"), text("HUMAN please")}) {
    auto s = make();
    s->start();
    Step st = *s->input(in);
    EXPECT_EQ(st.event, "escape") << in.value;
    EXPECT_EQ(st.state, SessionState::kTransferred);
    EXPECT_EQ(st.transfer->reason, "requested");
  }
  // "agents" inside a word is not an escape; "0" in the middle of digits neither.
  EXPECT_FALSE(isHumanEscape(text("reagent")));
  EXPECT_FALSE(isHumanEscape(dtmf("10")));

  Flow off = testFlow();
  off.human_escape = false;
  auto s = make("zh-CN", off);
  s->start();
  EXPECT_EQ(s->input(dtmf("0"))->event, "no_match");

  // The survey node turns escapes off: "0" is just a bad score there.
  auto s2 = make();
  s2->start();
  s2->input(dtmf("2")).value();
  ASSERT_EQ(s2->input(dtmf("1"))->node, "csat");
  EXPECT_EQ(s2->input(dtmf("0"))->event, "no_match");
}

TEST_F(SessionTest, AnswerThatHelpedThenSurveyIsSelfServed) {
  auto s = make("en");
  s->start();
  Step ans = *s->input(dtmf("2"));
  EXPECT_EQ(ans.node, "hours");
  EXPECT_EQ(ans.say[0], "Opening hours");
  EXPECT_EQ(ans.say[1], "Nine to five");
  EXPECT_NE(ans.say[2].find("Did that help"), std::string::npos);
  Step survey = *s->input(text("yes, thanks"));
  EXPECT_EQ(survey.node, "csat");
  EXPECT_EQ(s->input(dtmf("6"))->event, "no_match");
  Step end = *s->input(dtmf("5"));
  EXPECT_EQ(end.state, SessionState::kSelfServed);
  EXPECT_EQ(s->csat(), 5);
}

TEST_F(SessionTest, AnswerThatDidNotHelpGoesToAHuman) {
  auto s = make();
  s->start();
  s->input(dtmf("2")).value();
  Step st = *s->input(text("没有帮助"));
  EXPECT_EQ(st.state, SessionState::kTransferred);
  EXPECT_EQ(st.transfer->reason, "not_helped");
}

TEST_F(SessionTest, IntentRoutesAndCarriesSkillsPriorityAndSegment) {
  auto s = make();
  s->start();
  ASSERT_EQ(s->input(dtmf("9"))->node, "ask");
  EXPECT_EQ(s->input(dtmf("5"))->event, "no_match") << "keys do not classify";
  Step st = *s->input(text("我的银行卡丢了"));
  EXPECT_EQ(st.state, SessionState::kTransferred);
  EXPECT_EQ(s->intent(), "card_lost");
  EXPECT_GT(s->intentConfidence(), 0.3);
  ASSERT_TRUE(st.transfer);
  EXPECT_EQ(st.transfer->priority, 80);
  EXPECT_EQ(st.transfer->segment, "vip");
  ASSERT_EQ(st.transfer->skills.size(), 2u);
  EXPECT_EQ(st.transfer->skills[1].skill, "cards");
  EXPECT_EQ(st.transfer->skills[1].level, 3);
}

TEST_F(SessionTest, UnroutableOrUnsureIntentIsANoMatch) {
  auto s = make("en");
  s->start();
  s->input(dtmf("3")).value();
  EXPECT_EQ(s->input(text("check my balance"))->event, "no_match") << "no route for balance_inquiry";
  EXPECT_EQ(s->input(text("qwxz"))->event, "no_match") << "nothing known";
  Step bye = *s->input(text("goodbye"));
  EXPECT_EQ(bye.state, SessionState::kHungUp);
}

TEST_F(SessionTest, IdleSessionsExpire) {
  auto s = make();
  s->start();
  clock_.advance(59s);
  EXPECT_FALSE(s->idleExpired());
  s->input(dtmf("7")).value();
  clock_.advance(59s);
  EXPECT_FALSE(s->idleExpired()) << "input resets the idle time";
  clock_.advance(1s);
  EXPECT_TRUE(s->idleExpired());
  EXPECT_EQ(s->expire().state, SessionState::kExpired);
  EXPECT_FALSE(s->input(dtmf("1")).isOk());
}

TEST(FlowValidation, ErrorsNameNodeAndField) {
  auto where = [](Flow f) { return validateFlow(f).where(); };
  EXPECT_TRUE(validateFlow(testFlow()).isOk());
  Flow f = testFlow();
  f.nodes[1].options[0].next = "nowhere";
  EXPECT_EQ(where(f), "/nodes/menu/options/0/next");
  f = testFlow();
  f.nodes[1].options[1].digit = "1";
  EXPECT_EQ(where(f), "/nodes/menu/options/1/digit");
  f = testFlow();
  f.nodes[2].prompt.en.clear();
  EXPECT_EQ(where(f), "/nodes/card/prompt/en");
  f = testFlow();
  f.nodes[2].pattern = "([";
  EXPECT_EQ(where(f), "/nodes/card/pattern");
  f = testFlow();
  f.nodes[4].article = "missing";
  EXPECT_EQ(where(f), "/nodes/hours/article");
  f = testFlow();
  f.human = "bye";
  EXPECT_EQ(where(f), "/human");
  f = testFlow();
  f.nodes[0].next = "hello";
  EXPECT_EQ(where(f), "/nodes/hello/next");
  f = testFlow();
  f.nodes[7].priority = 101;
  EXPECT_EQ(where(f), "/nodes/agent/priority");
  f = testFlow();
  f.nodes.push_back(f.nodes[0]);
  EXPECT_EQ(where(f), "/nodes/hello");
}

TEST(Luhn, KnownNumbers) {
  EXPECT_TRUE(luhnValid("4111111111111111"));
  EXPECT_TRUE(luhnValid("79927398713"));
  EXPECT_FALSE(luhnValid("79927398710"));
  EXPECT_FALSE(luhnValid(""));
  EXPECT_FALSE(luhnValid("4111-1111"));
}

}  // namespace
}  // namespace outpost::ivr
