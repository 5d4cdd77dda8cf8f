#include "codec/ivr_flow_codec.h"
#include "source_tree.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace outpost::codec {
namespace {

std::string shippedFlow() {
  std::ifstream in(outpost::source_tree::sourcePath("models/ivr/bank.flow.json"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(IvrFlowCodec, TheShippedBankFlowLoads) {
  auto f = decodeFlow(shippedFlow());
  ASSERT_TRUE(f.isOk()) << f.status().describe();
  EXPECT_EQ(f->id, "bank-branch");
  EXPECT_EQ(f->start, "welcome");
  EXPECT_TRUE(f->usesIntents());
  const ivr::Node* menu = f->node("main");
  ASSERT_NE(menu, nullptr);
  EXPECT_EQ(menu->kind, ivr::NodeKind::kMenu);
  EXPECT_EQ(menu->reprompts.size(), 2u);
  EXPECT_EQ(f->node("account_card")->luhn, true);
  EXPECT_EQ(f->node("to_cards")->chat_queue, "online-chat");
  EXPECT_EQ(f->intents.at("fraud_report").priority, 95);
  EXPECT_EQ(f->node("csat")->human_escape, false);
}

const char* kMinimal = R"({
  "id": "mini", "version": 1, "start": "m", "human": "h",
  "nodes": [
    {"id": "m", "kind": "menu", "prompt": {"zh-CN": "请选择", "en": "Choose"},
     "options": [{"digit": "1", "next": "h"}]},
    {"id": "h", "kind": "transfer", "queue": "retail-voice"}
  ]})";

TEST(IvrFlowCodec, ErrorsNameTheNodeAndField) {
  ASSERT_TRUE(decodeFlow(kMinimal).isOk()) << decodeFlow(kMinimal).status().describe();
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  auto where = [](const std::string& json) { return decodeFlow(json).status().where(); };
  EXPECT_EQ(where(replace(kMinimal, R"("next": "h"})", R"("next": "x"})")), "/nodes/m/options/0/next");
  EXPECT_EQ(where(replace(kMinimal, R"("digit": "1")", R"("digit": 1)")), "/nodes/m/options/0/digit");
  EXPECT_EQ(where(replace(kMinimal, R"("en": "Choose")", R"("english": "Choose")")), "/nodes/m/prompt/en");
  EXPECT_EQ(where(replace(kMinimal, R"("kind": "menu")", R"("kind": "menuu")")), "/nodes/m/kind");
  // A field that does not belong to the node's kind.
  EXPECT_EQ(where(replace(kMinimal, R"("queue": "retail-voice")", R"("queue": "retail-voice", "slot": "x")")),
            "/nodes/h/slot");
  EXPECT_EQ(where(replace(kMinimal, R"("human": "h")", R"("human": "m")")), "/human");
  EXPECT_FALSE(decodeFlow("{").isOk());
  EXPECT_FALSE(decodeFlow("[]").isOk());
}

}  // namespace
}  // namespace outpost::codec
