// The ivr_action hook and IVR flows in rule bundles: answers validated field by field,
// test vectors for ivr_action, a bundle's flow decoded and checked at verification
// (an invalid flow refuses the bundle naming the node and field), the IVR's listener
// refusing or following activations and rollbacks, and a broken rule falling back.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plugins/ivr_actions.h"
#include "plugins/rules.h"
#include "signing/ed25519.h"
#include "signing/package.h"

namespace outpost::plugins {
namespace {

namespace fs = std::filesystem;

const char* kLua = R"(
function ivr_action(session, input, ctx)
  if input.dtmf == '9' then
    return {transfer = {queue = 'vip-voice', priority = 90, segment = 'vip', skills = {wealth = 2}}}
  end
  if input.text and string.find(input.text, 'boom', 1, true) then error('boom') end
  if input.text == 'loop' then while true do end end
  if input.text == 'bad' then return {next = 42} end
  if session.slots.card and input.dtmf == '1' then
    return {next = 'bye', say = {zh = '已核实', en = 'Verified'}, slots = {checked = 1}}
  end
  return nil
end
)";

const char* kVectors = R"({"vectors": [
  {"name": "vip key", "hook": "ivr_action", "session": {"id": "s", "node": "menu", "slots": {}},
   "input": {"dtmf": "9"},
   "expect": {"transfer": {"queue": "vip-voice", "priority": 90, "segment": "vip", "skills": {"wealth": 2}}}},
  {"name": "verified", "hook": "ivr_action", "session": {"id": "s", "node": "menu", "slots": {"card": "1234"}},
   "input": {"dtmf": "1"},
   "expect": {"next": "bye", "say": {"zh": "已核实", "en": "Verified"}, "slots": {"checked": "1"}}},
  {"name": "nothing", "hook": "ivr_action", "session": {"id": "s", "node": "menu", "slots": {}},
   "input": {"dtmf": "1"}, "expect": {}}
]})";

const char* kFlow = R"({"id": "bundle-flow", "version": 3, "start": "menu", "human": "agent",
  "nodes": [
    {"id": "menu", "kind": "menu", "hook": "ivr_action", "prompt": {"zh-CN": "请选择", "en": "Choose"},
     "options": [{"digit": "1", "next": "bye"}]},
    {"id": "bye", "kind": "hangup", "prompt": {"zh-CN": "再见", "en": "Bye"}, "outcome": "self_served"},
    {"id": "agent", "kind": "transfer", "queue": "retail-voice"}
  ]})";

class Dir {
 public:
  explicit Dir(const std::string& name) {
    dir_ = fs::temp_directory_path() / ("outpost-ivr-actions-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    key_ = signing::generateKeyPair().value();
    EXPECT_TRUE(trust_.add("hq-rules", key_.public_b64).isOk());
  }
  ~Dir() { fs::remove_all(dir_); }
  void build(int version, const std::string& flow, const std::string& hooks = R"(["ivr_action"])",
             const std::string& training = "") {
    write("main.lua", kLua);
    write("vectors.json", kVectors);
    std::string manifest = R"({"kind": "rules", "id": "ivr-demo", "version": )" + std::to_string(version) +
                           R"(, "site": "sz-01", "api": 1, "expires": "2030-01-01T00:00:00Z", "hooks": )" + hooks +
                           R"(, "sources": ["main.lua"], "vectors": "vectors.json")";
    if (!flow.empty()) {
      write("flow.json", flow);
      manifest += R"(, "flow": "flow.json")";
    } else {
      fs::remove(dir_ / "flow.json");
    }
    if (!training.empty()) {
      write("intents.tsv", training);
      manifest += R"(, "training_data": "intents.tsv")";
    }
    write("manifest.json", manifest + R"(, "files": []})");
    ASSERT_TRUE(signing::sealPackageDir(dir_.string()).isOk());
    ASSERT_TRUE(signing::signPackageDir(dir_.string(), key_.private_pem, "hq-rules").isOk());
  }
  void write(const std::string& rel, const std::string& bytes) const {
    std::ofstream(dir_ / rel, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string path() const { return dir_.string(); }
  const signing::TrustStore& trust() const { return trust_; }

 private:
  fs::path dir_;
  signing::KeyPair key_;
  signing::TrustStore trust_;
};

class IvrActionsTest : public ::testing::Test {
 protected:
  IvrActionsTest() : dir_(::testing::UnitTest::GetInstance()->current_test_info()->name()) {}
  RulesHost host() { return RulesHost(clock_, dir_.trust(), RulesOptions{"sz-01", {}, {}, 7}); }
  SimulatedClock clock_{fromEpochMillis(1'795'000'000'000)};
  Dir dir_;
};

TEST_F(IvrActionsTest, BundleWithFlowVerifiesAndItsVectorsPass) {
  dir_.build(1, kFlow);
  auto b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  ASSERT_TRUE(b->flow);
  EXPECT_EQ(b->flow->id, "bundle-flow");
  EXPECT_EQ(b->flow->node("menu")->hook, "ivr_action");
  auto rs = RuleSet::build(*b, clock_, Limits{}, 1);
  ASSERT_TRUE(rs.isOk()) << rs.status().toString();
  for (const auto& o : rs.value()->runVectors()) EXPECT_TRUE(o.passed) << o.where << " " << o.got << " " << o.error;
}

TEST_F(IvrActionsTest, InvalidFlowRefusesTheBundleNamingNodeAndField) {
  std::string bad = kFlow;
  bad.replace(bad.find(R"("next": "bye")"), 13, R"("next": "nowhere")");
  dir_.build(1, bad);
  auto b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().where(), "flow.json /nodes/menu/options/0/next") << b.status().toString();
  EXPECT_NE(b.status().message().find("the IVR flow is invalid"), std::string::npos);
}

TEST_F(IvrActionsTest, TrainingDataIsParsedAtVerificationAndBadDataRefusesTheBundle) {
  dir_.build(1, kFlow, R"(["ivr_action"])", "card_lost\tI lost my card\nbalance_inquiry\t查余额\n");
  auto b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  ASSERT_EQ(b->training.size(), 2u);
  EXPECT_EQ(b->training[1].intent, "balance_inquiry");

  dir_.build(2, kFlow, R"(["ivr_action"])", "card_lost\tI lost my card\nno tab on this line\n");
  b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_FALSE(b.isOk());
  EXPECT_NE(b.status().toString().find("intents.tsv:2"), std::string::npos) << b.status().toString();

  dir_.build(3, kFlow, R"(["ivr_action"])", "card_lost\tI lost my card\ncard_lost\tmy card is gone\n");
  b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().message(), "the training data needs at least two intents") << b.status().toString();
}

TEST_F(IvrActionsTest, FlowHookWithoutTheDeclaredHookIsRefused) {
  dir_.build(1, kFlow, R"([])");
  auto b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_FALSE(b.isOk());
  // The vectors name ivr_action too, but the flow is checked first.
  EXPECT_EQ(b.status().where(), "flow.json /nodes/menu/hook") << b.status().toString();
}

TEST_F(IvrActionsTest, HookAnswersAndFailuresThroughTheActionHook) {
  dir_.build(1, "");
  auto b = readBundleDir(dir_.path(), dir_.trust(), InstallTarget{"sz-01", {}, clock_.wallNow()});
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  std::vector<std::string> logs;
  Limits limits;
  limits.instructions = 100'000;
  auto hook = IvrActions::build(*b, clock_, limits, 1, [&](const std::string& l) { logs.push_back(l); });
  ASSERT_TRUE(hook.isOk()) << hook.status().toString();
  ivr::HookCall call;
  call.session_id = "s-1";
  call.node = "menu";
  call.input_kind = "dtmf";
  call.input = "9";
  auto vip = hook.value()->run("ivr_action", call);
  ASSERT_TRUE(vip.isOk()) << vip.status().toString();
  ASSERT_TRUE(vip->transfer);
  EXPECT_EQ(vip->transfer->queue, "vip-voice");
  EXPECT_EQ(vip->transfer->priority, 90);

  call.input_kind = "text";
  call.input = "bad";
  auto bad = hook.value()->run("ivr_action", call);
  ASSERT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().where(), "/next");
  call.input = "boom";
  EXPECT_FALSE(hook.value()->run("ivr_action", call).isOk());
  call.input = "loop";
  auto loop = hook.value()->run("ivr_action", call);
  EXPECT_EQ(loop.status().code(), StatusCode::kResourceExhausted);
  call.input = "fine";
  EXPECT_TRUE(hook.value()->run("ivr_action", call).isOk()) << "the sandbox is rebuilt after a limit";
  const RuleCounters c = hook.value()->counters();
  EXPECT_EQ(c.calls, 5u);
  EXPECT_EQ(c.errors, 2u);
  EXPECT_EQ(c.limit_hits, 1u);
  EXPECT_EQ(c.fallbacks, 3u);
  ASSERT_FALSE(logs.empty());
  bool named = false;
  for (const auto& l : logs) named = named || l.find("ivr_action at node menu failed") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST_F(IvrActionsTest, ListenerCanRefuseAndFollowsActivationAndRollback) {
  RulesHost h = host();
  std::vector<std::string> seen;
  bool refuse = true;
  h.setListener({[&](const Bundle& b) -> Status {
                   if (refuse && b.flow) return Status::failedPrecondition("no intent model", "ivr.model");
                   return Status::ok();
                 },
                 [&](const std::shared_ptr<RuleSet>& rs) {
                   seen.push_back(rs->bundle().flow ? rs->bundle().flow->id : "configured");
                 }});
  dir_.build(1, "");
  ASSERT_TRUE(h.installDir(dir_.path()).isOk());
  dir_.build(2, kFlow);
  auto refused = h.installDir(dir_.path());
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().where(), "ivr.model");
  EXPECT_EQ(h.active()->bundle().version, 1);
  refuse = false;
  ASSERT_TRUE(h.installDir(dir_.path()).isOk());
  ASSERT_TRUE(h.rollback().isOk());
  EXPECT_EQ(seen, (std::vector<std::string>{"configured", "bundle-flow", "configured"}));
}

TEST(IvrActionValidation, ErrorsNameTheField) {
  auto check = [](Value v, const std::string& where) {
    auto r = validateIvrAction(v);
    ASSERT_FALSE(r.isOk()) << toJsonText(v);
    EXPECT_EQ(r.status().where(), where) << r.status().toString();
  };
  check(Value(Value::Object{{"next", Value(3)}}), "/next");
  check(Value(Value::Object{{"say", Value(Value::Object{{"zh", Value("好")}})}}), "/say/en");
  check(Value(Value::Object{{"say", Value(Value::Object{{"fr", Value("oui")}})}}), "/say/fr");
  check(Value(Value::Object{{"slots", Value(Value::Object{{"a", Value(true)}})}}), "/slots/a");
  check(Value(Value::Object{{"transfer", Value(Value::Object{{"priority", Value(101)}})}}), "/transfer/priority");
  check(Value(Value::Object{{"transfer", Value(Value::Object{})}}), "/transfer/queue");
  check(Value(Value::Object{{"hangup", Value(true)}}), "/hangup");
  check(Value("x"), "");
  EXPECT_TRUE(validateIvrAction(Value()).isOk());
  EXPECT_TRUE(validateIvrAction(Value(Value::Array{}))->empty());
}

}  // namespace
}  // namespace outpost::plugins
