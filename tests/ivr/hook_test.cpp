// Lua hooks at flow nodes, seen from the session engine with a scripted hook under
// simulated time: what the hook sees, each kind of answer, and every way it can fail
// falling back to the node's built-in behaviour.

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "ivr/session.h"

namespace outpost::ivr {
namespace {

using namespace std::chrono_literals;

Text t(const std::string& zh, const std::string& en) { return Text{zh, en}; }
Input dtmf(std::string v) { return {Input::Kind::kDtmf, std::move(v)}; }

class ScriptedHook final : public ActionHook {
 public:
  std::function<Result<HookAction>(const HookCall&)> answer;
  std::vector<HookCall> calls;
  Result<HookAction> run(const std::string& hook, const HookCall& call) override {
    EXPECT_EQ(hook, "ivr_action");
    calls.push_back(call);
    return answer(call);
  }
  HookStats stats() const override { return HookStats{"scripted", calls.size(), 0, 0, 0}; }
  void refused(const Status&) override { ++refusals; }
  int refusals = 0;
};

Flow hookedFlow() {
  Flow f;
  f.id = "hooked";
  f.start = "menu";
  f.human = "agent";
  Node menu{.id = "menu", .kind = NodeKind::kMenu, .prompt = t("请选择", "Choose"), .hook = "ivr_action"};
  menu.options = {{"1", "bye", ""}};
  Node vip{.id = "vip", .kind = NodeKind::kPrompt, .prompt = t("贵宾您好", "Hello VIP"), .next = "bye"};
  Node bye{.id = "bye", .kind = NodeKind::kHangup, .prompt = t("再见", "Bye"), .outcome = "self_served"};
  Node agent{.id = "agent", .kind = NodeKind::kTransfer, .prompt = t("转人工", "Transferring")};
  agent.queue = "retail-voice";
  f.nodes = {menu, vip, bye, agent};
  return f;
}

class HookTest : public ::testing::Test {
 protected:
  std::unique_ptr<Session> make(const std::string& lang = "en") {
    Flow f = hookedFlow();
    EXPECT_TRUE(validateFlow(f).isOk()) << validateFlow(f).describe();
    auto s = std::make_unique<Session>(std::make_shared<const Flow>(std::move(f)), nullptr, lang, clock_);
    s->setId("s-1");
    s->setHook(hook_);
    s->start();
    return s;
  }
  SimulatedClock clock_{fromEpochMillis(1'795'000'000'000)};
  std::shared_ptr<ScriptedHook> hook_ = std::make_shared<ScriptedHook>();
};

TEST_F(HookTest, TheHookSeesSessionInputAndTime) {
  hook_->answer = [](const HookCall&) { return HookAction{}; };
  auto s = make("zh-CN");
  clock_.advance(2s);
  Step st = *s->input(dtmf(" 1 "));
  ASSERT_EQ(hook_->calls.size(), 1u);
  const HookCall& c = hook_->calls[0];
  EXPECT_EQ(c.session_id, "s-1");
  EXPECT_EQ(c.language, "zh-CN");
  EXPECT_EQ(c.node, "menu");
  EXPECT_EQ(c.path, (std::vector<std::string>{"menu"}));
  EXPECT_EQ(c.input_kind, "dtmf");
  EXPECT_EQ(c.input, "1");
  EXPECT_EQ(toEpochMillis(c.now), 1'795'000'002'000);
  EXPECT_EQ(st.hook, "declined");
  EXPECT_EQ(st.node, "bye") << "nothing to do: the menu's own option applies";
  EXPECT_EQ(st.state, SessionState::kSelfServed);
}

TEST_F(HookTest, NextSayAndSlotsReplaceTheBuiltInStep) {
  hook_->answer = [](const HookCall&) {
    HookAction a;
    a.next = "vip";
    a.say = t("您是贵宾", "You are a VIP");
    a.slots["tier"] = "gold";
    return a;
  };
  auto s = make();
  Step st = *s->input(dtmf("1"));
  EXPECT_EQ(st.hook, "applied");
  EXPECT_EQ(st.event, "hook");
  EXPECT_EQ(st.say, (std::vector<std::string>{"You are a VIP", "Hello VIP", "Bye"}));
  EXPECT_EQ(s->slots().at("tier"), "gold");
  EXPECT_EQ(s->path(), (std::vector<std::string>{"menu", "vip", "bye"}));
}

TEST_F(HookTest, SayAloneThenTheNodeHandlesTheInput) {
  hook_->answer = [](const HookCall&) {
    HookAction a;
    a.say = t("请稍等", "One moment");
    return a;
  };
  auto s = make();
  Step st = *s->input(dtmf("7"));
  EXPECT_EQ(st.hook, "applied");
  EXPECT_EQ(st.event, "no_match");
  ASSERT_FALSE(st.say.empty());
  EXPECT_EQ(st.say.front(), "One moment");
}

TEST_F(HookTest, TransferGoesToAHumanWithTheRulesQueueAndPriority) {
  hook_->answer = [](const HookCall&) {
    HookAction a;
    a.transfer = HookTransfer{"fraud-voice", "", 95, "fraud", {{"fraud", 3}}};
    return a;
  };
  auto s = make();
  Step st = *s->input(dtmf("5"));
  EXPECT_EQ(st.state, SessionState::kTransferred);
  ASSERT_TRUE(st.transfer);
  EXPECT_EQ(st.transfer->queue, "fraud-voice");
  EXPECT_EQ(st.transfer->priority, 95);
  EXPECT_EQ(st.transfer->segment, "fraud");
  EXPECT_EQ(st.transfer->reason, "rule");
  ASSERT_EQ(st.transfer->skills.size(), 1u);
  EXPECT_EQ(st.transfer->skills[0].level, 3);
}

TEST_F(HookTest, FailuresFallBackToTheBuiltInBehaviour) {
  struct Case {
    const char* name;
    std::function<Result<HookAction>(const HookCall&)> answer;
    const char* error;
  };
  std::vector<Case> cases = {
      {"error", [](const HookCall&) -> Result<HookAction> { return Status::resourceExhausted("instruction budget"); },
       "instruction budget"},
      {"unknown node", [](const HookCall&) -> Result<HookAction> { HookAction a; a.next = "nowhere"; return a; },
       "/next"},
      {"bad slot", [](const HookCall&) -> Result<HookAction> { HookAction a; a.slots["Bad Name"] = "x"; return a; },
       "/slots/Bad Name"},
      {"one language", [](const HookCall&) -> Result<HookAction> { HookAction a; a.say = t("只有中文", ""); return a; },
       "/say/en"},
      {"both", [](const HookCall&) -> Result<HookAction> {
         HookAction a;
         a.next = "bye";
         a.transfer = HookTransfer{"q", "", {}, {}, {}};
         return a;
       }, "not both"},
      {"bad queue", [](const HookCall&) -> Result<HookAction> {
         HookAction a;
         a.transfer = HookTransfer{"", "", {}, {}, {}};
         return a;
       }, "/transfer/queue"},
  };
  for (const Case& c : cases) {
    hook_->answer = c.answer;
    auto s = make();
    Step st = *s->input(dtmf("1"));
    EXPECT_EQ(st.hook, "failed") << c.name;
    EXPECT_NE(st.hook_error.find(c.error), std::string::npos) << c.name << ": " << st.hook_error;
    EXPECT_EQ(st.node, "bye") << c.name << ": the menu option applied";
    EXPECT_TRUE(s->slots().empty()) << c.name << ": nothing of a bad answer is kept";
  }
  EXPECT_EQ(hook_->refusals, 5) << "answers the flow cannot take are reported back to the hook";
}

TEST_F(HookTest, WithoutAHookTheNodeWorksAsBuiltIn) {
  Flow f = hookedFlow();
  auto s = std::make_unique<Session>(std::make_shared<const Flow>(std::move(f)), nullptr, "en", clock_);
  s->start();
  Step st = *s->input(dtmf("1"));
  EXPECT_EQ(st.hook, "failed");
  EXPECT_NE(st.hook_error.find("no bundle"), std::string::npos);
  EXPECT_EQ(st.state, SessionState::kSelfServed);
}

TEST_F(HookTest, EscapesAndNoInputDoNotAskTheHook) {
  hook_->answer = [](const HookCall&) { return HookAction{}; };
  auto s = make();
  Step none = *s->input(dtmf(""));
  EXPECT_EQ(none.event, "no_input");
  Step human = *s->input(dtmf("0"));
  EXPECT_EQ(human.event, "escape");
  EXPECT_TRUE(hook_->calls.empty());
}

TEST(HookValidation, OnlyIvrActionOnWaitingNodes) {
  Flow f = hookedFlow();
  f.nodes[0].hook = "on_event";
  Status s = validateFlow(f);
  EXPECT_EQ(s.where(), "/nodes/menu/hook");
  f = hookedFlow();
  f.nodes[1].hook = "ivr_action";  // a prompt
  s = validateFlow(f);
  EXPECT_EQ(s.where(), "/nodes/vip/hook");
  EXPECT_NE(s.message().find("waits for input"), std::string::npos);
}

}  // namespace
}  // namespace outpost::ivr
