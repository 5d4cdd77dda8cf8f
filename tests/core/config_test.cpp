#include "core/config.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

ConfigSchema testSchema() {
  ConfigSchema s;
  s.add({.key = "http.listen", .type = ConfigType::kHostPort, .default_value = "127.0.0.1:8080", .help = "listen"});
  s.add({.key = "http.threads", .type = ConfigType::kInt, .default_value = "16", .help = "threads", .min = 1, .max = 256});
  s.add({.key = "auth.session_ttl", .type = ConfigType::kDuration, .default_value = "8h", .help = "ttl", .min = 60'000, .max = 2'592'000'000});
  s.add({.key = "log.level", .type = ConfigType::kEnum, .default_value = "information", .help = "level",
         .allowed = {"error", "warning", "information", "debug"}});
  s.add({.key = "http.allow_plain", .type = ConfigType::kBool, .default_value = "false", .help = "plain"});
  s.add({.key = "site.name", .type = ConfigType::kString, .default_value = "", .help = "name"});
  return s;
}

TEST(ConfigTest, DefaultsApplyWithoutAFile) {
  auto schema = testSchema();
  Config c(schema);
  EXPECT_EQ(c.getHostPort("http.listen").port, 8080);
  EXPECT_EQ(c.getInt("http.threads"), 16);
  EXPECT_EQ(c.getDuration("auth.session_ttl"), std::chrono::hours(8));
  EXPECT_FALSE(c.getBool("http.allow_plain"));
  EXPECT_FALSE(c.isSet("http.threads"));
}

TEST(ConfigTest, EveryDefaultIsValid) {
  auto schema = testSchema();
  Config c(schema);
  for (const auto& k : schema.keys()) EXPECT_TRUE(c.set(k.key, k.default_value, "default").isOk()) << k.key;
}

TEST(ConfigTest, ParsesFileWithCommentsAndQuotes) {
  auto schema = testSchema();
  Config c(schema);
  const char* text =
      "# Outpost\n"
      "\n"
      "http.listen = [::1]:9443\n"
      "  http.threads=4   # four\n"
      "site.name = \"北京分行 # 1\"\n"
      "log.level = debug\r\n";
  ASSERT_TRUE(c.loadText(text, "outpost.conf").isOk());
  EXPECT_EQ(c.getHostPort("http.listen").host, "::1");
  EXPECT_EQ(c.getHostPort("http.listen").port, 9443);
  EXPECT_EQ(c.getInt("http.threads"), 4);
  EXPECT_EQ(c.getString("site.name"), "北京分行 # 1");
  EXPECT_EQ(c.getString("log.level"), "debug");
  EXPECT_TRUE(c.isSet("http.threads"));
}

TEST(ConfigTest, UnknownKeyNamesKeyLineAndSuggestion) {
  auto schema = testSchema();
  Config c(schema);
  Status s = c.loadText("http.threads = 4\nhttp.lisen = 1.2.3.4:80\n", "site.conf");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.where(), "site.conf:2");
  EXPECT_NE(s.message().find("unknown config key \"http.lisen\""), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("did you mean \"http.listen\""), std::string::npos) << s.message();
}

TEST(ConfigTest, BadValueNamesKeyValueAndWhatIsAllowed) {
  auto schema = testSchema();
  Config c(schema);
  Status s = c.set("http.threads", "999", "--threads");
  EXPECT_EQ(s.where(), "--threads");
  EXPECT_EQ(s.message(), "http.threads = \"999\": out of range; allowed: a whole number 1..256");
  s = c.set("log.level", "loud", "x");
  EXPECT_NE(s.message().find("one of error, warning, information, debug"), std::string::npos);
  s = c.set("auth.session_ttl", "8", "x");
  EXPECT_NE(s.message().find("unit"), std::string::npos);
  s = c.set("http.listen", "localhost", "x");
  EXPECT_FALSE(s.isOk());
  s = c.set("http.allow_plain", "maybe", "x");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(c.getInt("http.threads"), 16);  // unchanged after failures
}

TEST(ConfigTest, RepeatedKeyAndMissingEqualsAreErrors) {
  auto schema = testSchema();
  Config c(schema);
  Status s = c.loadText("http.threads = 4\nhttp.threads = 5\n", "f");
  EXPECT_EQ(s.where(), "f:2");
  EXPECT_NE(s.message().find("set twice (first on line 1)"), std::string::npos);
  Config d(schema);
  s = d.loadText("just some words\n", "f");
  EXPECT_EQ(s.where(), "f:1");
}

TEST(ConfigParsersTest, Durations) {
  EXPECT_EQ(*parseDuration("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(*parseDuration("1d"), std::chrono::hours(24));
  EXPECT_FALSE(parseDuration("").isOk());
  EXPECT_FALSE(parseDuration("ms").isOk());
  EXPECT_FALSE(parseDuration("5 s").isOk());
  EXPECT_FALSE(parseDuration("99999999999999999999d").isOk());
  EXPECT_FALSE(parseDuration("9999999999999999d").isOk());
}

TEST(ConfigParsersTest, HostPorts) {
  EXPECT_EQ(parseHostPort("0.0.0.0:0")->port, 0);
  EXPECT_FALSE(parseHostPort(":80").isOk());
  EXPECT_FALSE(parseHostPort("host:65536").isOk());
  EXPECT_FALSE(parseHostPort("::1:80").isOk());
  EXPECT_FALSE(parseHostPort("[::1]80").isOk());
  EXPECT_FALSE(parseHostPort("host:-1").isOk());
}

}  // namespace
}  // namespace outpost
