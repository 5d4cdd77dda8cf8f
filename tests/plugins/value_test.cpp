// parseJson (Poco's parser straight into a Value, the attributes' hook path) gives the
// same value as the Poco tree path (parse → fromJson) for every kind of JSON, the same
// depth rule, and a reason for text that is not JSON.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "plugins/value.h"

namespace outpost::plugins {
namespace {

Result<Value> viaPocoTree(const std::string& text, int max_depth) {
  Poco::JSON::Parser parser;
  return fromJson(parser.parse(text), max_depth);
}

TEST(ValueTest, ParseJsonMatchesThePocoTreePath) {
  const char* const texts[] = {
      R"({})",
      R"({"text": "hello", "n": 3, "vip": "true"})",
      R"({"a": null, "b": [1, null, "x", true, false], "c": {"d": {"e": -2.5e3}}})",
      R"({"big": 9007199254740993, "neg": -42, "u": 18446744073709551615, "f": 0.1})",
      R"({"dup": 1, "dup": 2, "esc": "\u6295\u8bc9 \"q\" \\ \n"})",
      R"({"中文": "投诉", "empty": "", "arr": [], "obj": {}})",
      R"([1, [2, [3, {"k": [4]}]]])",
  };
  for (const char* t : texts) {
    for (const int depth : {16, 8, 3, 2, 1}) {
      auto direct = parseJson(t, depth);
      auto tree = viaPocoTree(t, depth);
      ASSERT_EQ(direct.isOk(), tree.isOk()) << t << " depth " << depth << ": "
                                            << (direct ? tree.status().toString() : direct.status().toString());
      if (direct) {
        EXPECT_EQ(toJsonText(direct.value()), toJsonText(tree.value())) << t << " depth " << depth;
        EXPECT_TRUE(direct.value() == tree.value()) << t << " depth " << depth;
      }
    }
  }
}

TEST(ValueTest, ParseJsonRefusesTooDeepAndBrokenText) {
  // The 1 is two levels below the top object: it needs a depth of 3.
  EXPECT_TRUE(parseJson(R"({"a": {"b": 1}})", 3).isOk());
  auto deep = parseJson(R"({"a": {"b": 1}})", 2);
  ASSERT_FALSE(deep.isOk());
  EXPECT_NE(deep.status().message().find("nested too deeply"), std::string::npos);
  for (const char* bad : {"", "{", R"({"a": })", R"({"a": 1,})", "{'a': 1}", "nul"}) {
    auto r = parseJson(bad);
    ASSERT_FALSE(r.isOk()) << bad;
    EXPECT_NE(r.status().message().find("not valid JSON"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace outpost::plugins
