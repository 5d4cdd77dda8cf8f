#include "site/directory.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace outpost::site {
namespace {

// --- fixtures: one valid value of each entity; each test breaks one thing -----------

Site validSite() {
  return Site{"bj-chaoyang-01", {"北京朝阳支行", "Beijing Chaoyang"}, "Asia/Shanghai", "zh-CN"};
}

Agent validAgent() {
  Agent a;
  a.id = "a01";
  a.name = {"王芳", "Wang Fang"};
  a.languages = {"zh-CN", "en"};
  a.team = "team-a";
  a.tier = 1;
  a.voice_capacity = 1;
  a.chat_capacity = 3;
  a.skills = {{"account", 5}, {"cards", 3}, {"loans", 1}};
  return a;
}

Queue validQueue() {
  Queue q;
  q.code = "retail-voice";
  q.name = {"个人业务热线", "Retail line"};
  q.channel = Channel::kVoice;
  q.sl_target_pct = 80;
  q.sl_threshold_s = 20;
  q.offer_timeout_s = 15;
  q.skills = {{"account", 1}, {"cards", 2}};
  return q;
}

User validAgentUser() { return User{"agent01", Role::kAgent, std::string("a01"), "王芳", false}; }

// The first problem as (code, where, message).
void expectProblem(const Status& s, const std::string& where, const std::string& message_part = {}) {
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.toString();
  EXPECT_EQ(s.where(), where) << s.toString();
  if (!message_part.empty()) {
    EXPECT_NE(s.message().find(message_part), std::string::npos) << s.toString();
  }
}

// --- ids ----------------------------------------------------------------------------

TEST(ValidateIdTest, AcceptsLowercaseDigitsAndPunctuation) {
  for (const char* id : {"a", "0", "a01", "team-a", "x.y_z", "0abc", "bj-chaoyang-01", "a-", "a.", "a_"}) {
    EXPECT_TRUE(validateId(id, "id").isOk()) << id;
  }
}

TEST(ValidateIdTest, EmptyIsRejected) {
  const Status s = validateId("", "agent_id");
  expectProblem(s, "/agent_id");
  EXPECT_EQ(s.message(), "must not be empty");
}

TEST(ValidateIdTest, SixtyFourCharactersIsTheLimit) {
  EXPECT_TRUE(validateId(std::string(64, 'a'), "id").isOk());
  const Status s = validateId(std::string(65, 'a'), "id");
  expectProblem(s, "/id");
  EXPECT_EQ(s.message(), "must be at most 64 characters");
}

TEST(ValidateIdTest, UppercaseIsRejected) {
  const Status s = validateId("A01", "code");
  expectProblem(s, "/code", "is not a valid id");
  EXPECT_NE(s.message().find("\"A01\""), std::string::npos) << "the message quotes the value";
  expectProblem(validateId("aB", "code"), "/code", "lowercase");
}

TEST(ValidateIdTest, MustStartWithLetterOrDigit) {
  for (const char* id : {"-abc", ".abc", "_abc", "-"}) {
    expectProblem(validateId(id, "id"), "/id", "starting with a letter or digit");
  }
}

TEST(ValidateIdTest, OtherCharactersAreRejected) {
  for (const char* id : {"a b", "a/b", "a:b", "a@b", "a+b", "a\tb", "a%20", "é", "王芳", "a\nb", "a~"}) {
    expectProblem(validateId(id, "username"), "/username", "is not a valid id");
  }
  expectProblem(validateId(std::string("a\0b", 3), "id"), "/id", "is not a valid id");
}

// --- text ---------------------------------------------------------------------------

TEST(ValidateTextTest, EmptyAndWhitespaceOnlyAreRejectedUnlessAllowed) {
  expectProblem(validateText("", "zh"), "/zh", "must not be empty");
  expectProblem(validateText("   ", "zh"), "/zh", "must not be empty");
  expectProblem(validateText(" \t ", "en"), "/en", "must not be empty");
  EXPECT_TRUE(validateText("", "team", /*allow_empty=*/true).isOk());
  EXPECT_TRUE(validateText("  ", "team", /*allow_empty=*/true).isOk());
}

TEST(ValidateTextTest, TwoHundredBytesIsTheLimit) {
  EXPECT_TRUE(validateText(std::string(200, 'x'), "en").isOk());
  const Status s = validateText(std::string(201, 'x'), "en");
  expectProblem(s, "/en");
  EXPECT_EQ(s.message(), "must be at most 200 bytes");
}

TEST(ValidateTextTest, LimitCountsBytesNotCharacters) {
  std::string zh66, zh67;
  for (int i = 0; i < 66; ++i) zh66 += "王";  // 3 bytes each
  zh67 = zh66 + "王";
  EXPECT_EQ(zh66.size(), 198u);
  EXPECT_TRUE(validateText(zh66, "zh").isOk());
  expectProblem(validateText(zh67, "zh"), "/zh", "at most 200 bytes");
}

TEST(ValidateTextTest, ControlCharactersAreRejected) {
  for (const std::string text : {"a\nb", "a\rb", "tab\there", "\x01", "x\x1f", "bell\a"}) {
    expectProblem(validateText(text, "en"), "/en", "control characters");
  }
  expectProblem(validateText(std::string("a\0b", 3), "en"), "/en", "control characters");
  // With allow_empty a tab is still a control character.
  expectProblem(validateText("\t", "team", true), "/team", "control characters");
}

TEST(ValidateTextTest, InvalidUtf8IsRejected) {
  const std::vector<std::string> bad = {
      "\xC0\xAF",              // overlong '/'
      "\xE0\x80\xAF",          // overlong, 3 bytes
      "\xF0\x80\x80\xAF",      // overlong, 4 bytes
      "\xC1\xBF",              // overlong
      "\xED\xA0\x80",          // high surrogate U+D800
      "\xED\xBF\xBF",          // low surrogate U+DFFF
      "\xF4\x90\x80\x80",      // U+110000, past the last code point
      "\xF8\x88\x80\x80\x80",  // 5-byte form
      "\xFF",
      "\x80",  // lone continuation byte
      "abc\x80",
      "\xE4\xB8",  // truncated 3-byte sequence (中 is E4 B8 AD)
      "\xE4",
      "\xF0\x9F\x98",  // truncated emoji
      "a\xE4\xB8",     // truncated at the end after valid text
      "\xE4\x41\xAD",  // bad continuation byte
  };
  for (const auto& text : bad) {
    const Status s = validateText(text, "zh");
    expectProblem(s, "/zh");
    EXPECT_EQ(s.message(), "is not valid UTF-8") << testing::PrintToString(text);
    EXPECT_FALSE(isValidUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(ValidateTextTest, ValidUtf8IsAccepted) {
  for (const std::string text : {"北京朝阳支行", "示例银行 Demo Bank", "😀", "a😀b", "\xF4\x8F\xBF\xBF",
                                 "\xEF\xBF\xBD", "Ünïcödé", "日本語テキスト", "한국어"}) {
    EXPECT_TRUE(isValidUtf8(text)) << text;
    EXPECT_TRUE(validateText(text, "zh").isOk()) << text;
  }
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("\xC2\x80"));          // U+0080: the smallest 2-byte form
  EXPECT_TRUE(isValidUtf8("\xE0\xA0\x80"));      // U+0800: the smallest 3-byte form
  EXPECT_TRUE(isValidUtf8("\xF0\x90\x80\x80"));  // U+10000: the smallest 4-byte form
}

TEST(ValidateTextTest, Utf8IsCheckedBeforeLength) {
  const std::string long_and_bad = std::string(300, 'x') + "\xC0\xAF";
  EXPECT_EQ(validateText(long_and_bad, "en").message(), "is not valid UTF-8");
}

TEST(ValidateTextTest, DelIsAControlCharacter) {
  // Regression: validateText() only rejects bytes < 0x20; DEL (0x7F) and the C1 controls
  // U+0080..U+009F pass, although the header promises "without control characters".
  expectProblem(validateText("a\x7F"
                             "b",
                             "en"),
                "/en", "control characters");
  expectProblem(validateText("a\xC2\x85"
                             "b",
                             "en"),
                "/en", "control characters");  // U+0085 NEL
}

TEST(ValidateTextTest, FullWidthSpaceOnlyIsEmpty) {
  // Regression: the "whitespace only" check knows only ' ' and '\t'. A zh name made of the
  // ideographic space U+3000 (what a Chinese IME types) or NBSP passes as non-empty.
  expectProblem(validateText("\xE3\x80\x80", "zh"), "/zh", "must not be empty");
  expectProblem(validateText("\xC2\xA0", "zh"), "/zh", "must not be empty");
}

TEST(ValidateNameTest, PathNamesTheLanguage) {
  expectProblem(validateName({"", "x"}, "name"), "/name/zh", "must not be empty");
  expectProblem(validateName({"x", ""}, "name"), "/name/en", "must not be empty");
  expectProblem(validateName({"x", "\xC0\xAF"}, "name"), "/name/en", "UTF-8");
  EXPECT_TRUE(validateName({"王", "Wang"}, "name").isOk());
}

// --- enums --------------------------------------------------------------------------

TEST(RoleTest, ParseAndNameRoundTrip) {
  for (Role r : {Role::kAgent, Role::kSupervisor, Role::kAdmin}) {
    auto parsed = parseRole(roleName(r));
    ASSERT_TRUE(parsed.isOk());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(roleName(Role::kAgent), "agent");
  EXPECT_EQ(roleName(Role::kSupervisor), "supervisor");
  EXPECT_EQ(roleName(Role::kAdmin), "admin");
}

TEST(RoleTest, UnknownRolesAreRejected) {
  for (const char* text : {"", "Admin", "ADMIN", "root", "agent ", " agent", "supervisors"}) {
    auto r = parseRole(text);
    ASSERT_FALSE(r.isOk()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), "must be one of agent, supervisor, admin");
  }
}

TEST(RoleTest, AtLeastOrdersAgentSupervisorAdmin) {
  EXPECT_TRUE(atLeast(Role::kAdmin, Role::kAgent));
  EXPECT_TRUE(atLeast(Role::kAdmin, Role::kSupervisor));
  EXPECT_TRUE(atLeast(Role::kAdmin, Role::kAdmin));
  EXPECT_TRUE(atLeast(Role::kSupervisor, Role::kAgent));
  EXPECT_FALSE(atLeast(Role::kSupervisor, Role::kAdmin));
  EXPECT_FALSE(atLeast(Role::kAgent, Role::kSupervisor));
  EXPECT_TRUE(atLeast(Role::kAgent, Role::kAgent));
}

TEST(ChannelTest, ParseAndNameRoundTrip) {
  for (Channel c : {Channel::kVoice, Channel::kChat}) {
    auto parsed = parseChannel(channelName(c));
    ASSERT_TRUE(parsed.isOk());
    EXPECT_EQ(*parsed, c);
  }
  EXPECT_EQ(channelName(Channel::kVoice), "voice");
  EXPECT_EQ(channelName(Channel::kChat), "chat");
  for (const char* text : {"", "Voice", "email", "sms", "chat "}) {
    auto r = parseChannel(text);
    ASSERT_FALSE(r.isOk()) << text;
    EXPECT_EQ(r.status().message(), "must be one of voice, chat");
  }
}

TEST(LanguageTest, OnlyZhCnAndEn) {
  EXPECT_TRUE(isLanguage("zh-CN"));
  EXPECT_TRUE(isLanguage("en"));
  for (const char* tag : {"", "zh", "zh-cn", "ZH-CN", "en-US", "fr", "zh-TW"})
    EXPECT_FALSE(isLanguage(tag)) << tag;
}

// --- Site ---------------------------------------------------------------------------

TEST(ValidateSiteTest, ValidSitePasses) { EXPECT_TRUE(validate(validSite()).isOk()); }

TEST(ValidateSiteTest, FirstProblemHasItsPath) {
  Site s = validSite();
  s.site_code = "BJ";
  expectProblem(validate(s), "/site_code", "not a valid id");

  s = validSite();
  s.name.zh = "";
  expectProblem(validate(s), "/name/zh", "must not be empty");

  s = validSite();
  s.name.en = std::string(201, 'e');
  expectProblem(validate(s), "/name/en", "at most 200 bytes");

  s = validSite();
  s.time_zone = "";
  expectProblem(validate(s), "/time_zone", "must not be empty");

  s = validSite();
  s.time_zone = "Asia/ Shanghai";
  expectProblem(validate(s), "/time_zone", "IANA");

  s = validSite();
  s.time_zone = "../../etc/passwd";
  expectProblem(validate(s), "/time_zone", "IANA");

  s = validSite();
  s.default_language = "fr";
  expectProblem(validate(s), "/default_language", "zh-CN, en");

  s = validSite();
  s.default_language = "en";
  EXPECT_TRUE(validate(s).isOk());
}

TEST(ValidateSiteTest, OnlyTheFirstProblemIsReported) {
  Site s = validSite();
  s.site_code = "";
  s.name.zh = "";
  s.default_language = "fr";
  expectProblem(validate(s), "/site_code");
}

// --- Skill, WrapUpCode, NotReadyReason -----------------------------------------------

TEST(ValidateSkillTest, CodeAndName) {
  EXPECT_TRUE(validate(Skill{"account", {"账户服务", "Account services"}}).isOk());
  expectProblem(validate(Skill{"", {"账户服务", "Account"}}), "/code", "must not be empty");
  expectProblem(validate(Skill{"Account", {"账户服务", "Account"}}), "/code", "not a valid id");
  expectProblem(validate(Skill{"account", {" ", "Account"}}), "/name/zh", "must not be empty");
  expectProblem(validate(Skill{"account", {"账户", "a\nb"}}), "/name/en", "control characters");
}

TEST(ValidateWrapUpCodeTest, CodeAndName) {
  EXPECT_TRUE(validate(WrapUpCode{"resolved", {"已解决", "Resolved"}, true}).isOk());
  EXPECT_TRUE(validate(WrapUpCode{"resolved", {"已解决", "Resolved"}, false}).isOk());
  expectProblem(validate(WrapUpCode{"-resolved", {"已解决", "Resolved"}, true}), "/code");
  expectProblem(validate(WrapUpCode{"resolved", {"\xED\xA0\x80", "Resolved"}, true}), "/name/zh", "UTF-8");
}

TEST(ValidateNotReadyReasonTest, CodeAndName) {
  EXPECT_TRUE(validate(NotReadyReason{"lunch", {"午餐", "Lunch"}}).isOk());
  expectProblem(validate(NotReadyReason{std::string(65, 'l'), {"午餐", "Lunch"}}), "/code", "at most 64");
  expectProblem(validate(NotReadyReason{"lunch", {"午餐", ""}}), "/name/en", "must not be empty");
}

// --- Agent --------------------------------------------------------------------------

TEST(ValidateAgentTest, ValidAgentPasses) { EXPECT_TRUE(validate(validAgent()).isOk()); }

TEST(ValidateAgentTest, IdAndName) {
  Agent a = validAgent();
  a.id = "A01";
  expectProblem(validate(a), "/id", "not a valid id");
  a = validAgent();
  a.name.en = "\xC0\xAF";
  expectProblem(validate(a), "/name/en", "UTF-8");
}

TEST(ValidateAgentTest, Languages) {
  Agent a = validAgent();
  a.languages = {};
  expectProblem(validate(a), "/languages", "at least one language");

  a.languages = {"zh-CN", "fr"};
  expectProblem(validate(a), "/languages/1", "zh-CN, en");

  a.languages = {"en", "zh-CN", "en"};
  const Status dup = validate(a);
  expectProblem(dup, "/languages/2");
  EXPECT_EQ(dup.message(), "is listed twice");

  a.languages = {"zh-CN", "zh-CN"};
  expectProblem(validate(a), "/languages/1", "listed twice");

  a.languages = {"en"};
  EXPECT_TRUE(validate(a).isOk());
}

TEST(ValidateAgentTest, TeamMayBeEmptyButMustBeText) {
  Agent a = validAgent();
  a.team = "";
  EXPECT_TRUE(validate(a).isOk());
  a.team = "a\x01";
  expectProblem(validate(a), "/team", "control characters");
  a.team = std::string(201, 't');
  expectProblem(validate(a), "/team", "at most 200 bytes");
}

TEST(ValidateAgentTest, TierIsOneToFour) {
  Agent a = validAgent();
  for (int tier : {1, 2, 3, 4}) {
    a.tier = tier;
    EXPECT_TRUE(validate(a).isOk()) << tier;
  }
  for (int tier : {0, 5, -1, 100}) {
    a.tier = tier;
    const Status s = validate(a);
    expectProblem(s, "/tier");
    EXPECT_EQ(s.message(), "must be between 1 and 4");
  }
}

TEST(ValidateAgentTest, Capacities) {
  Agent a = validAgent();
  a.voice_capacity = 0;
  a.chat_capacity = 0;
  EXPECT_TRUE(validate(a).isOk());
  a.chat_capacity = 8;
  EXPECT_TRUE(validate(a).isOk());

  a = validAgent();
  a.voice_capacity = 2;
  expectProblem(validate(a), "/voice_capacity", "between 0 and 1");
  a.voice_capacity = -1;
  expectProblem(validate(a), "/voice_capacity", "between 0 and 1");

  a = validAgent();
  a.chat_capacity = 9;
  expectProblem(validate(a), "/chat_capacity", "between 0 and 8");
  a.chat_capacity = -1;
  expectProblem(validate(a), "/chat_capacity", "between 0 and 8");
}

TEST(ValidateAgentTest, SkillLevelOutOfRangeNamesTheItem) {
  Agent a = validAgent();
  a.skills[1].level = 6;
  const Status s = validate(a);
  expectProblem(s, "/skills/1/level");
  EXPECT_EQ(s.message(), "must be between 1 and 5");

  a = validAgent();
  a.skills[0].level = 0;
  expectProblem(validate(a), "/skills/0/level", "between 1 and 5");

  a = validAgent();
  a.skills[2].level = 5;
  EXPECT_TRUE(validate(a).isOk());
}

TEST(ValidateAgentTest, SkillCodeIsAnId) {
  Agent a = validAgent();
  a.skills[2].skill_code = "Loans";
  expectProblem(validate(a), "/skills/2/skill", "not a valid id");
  a.skills[2].skill_code = "";
  expectProblem(validate(a), "/skills/2/skill", "must not be empty");
}

TEST(ValidateAgentTest, DuplicateSkill) {
  Agent a = validAgent();
  a.skills.push_back({"cards", 1});
  const Status s = validate(a);
  expectProblem(s, "/skills/3/skill");
  EXPECT_EQ(s.message(), "skill \"cards\" is listed twice");
}

TEST(ValidateAgentTest, NoSkillsIsFine) {
  Agent a = validAgent();
  a.skills.clear();
  EXPECT_TRUE(validate(a).isOk());
}

TEST(ValidateAgentTest, DefaultsNeedOnlyIdAndName) {
  Agent a;
  a.id = "a99";
  a.name = {"新人", "New"};
  EXPECT_TRUE(validate(a).isOk());
}

// --- Queue --------------------------------------------------------------------------

TEST(ValidateQueueTest, ValidQueuePasses) {
  EXPECT_TRUE(validate(validQueue()).isOk());
  Queue q = validQueue();
  q.channel = Channel::kChat;
  EXPECT_TRUE(validate(q).isOk());
}

TEST(ValidateQueueTest, ServiceLevelTargetIsOneToHundredPercent) {
  Queue q = validQueue();
  for (int v : {1, 100}) {
    q.sl_target_pct = v;
    EXPECT_TRUE(validate(q).isOk()) << v;
  }
  for (int v : {0, 101, -5}) {
    q.sl_target_pct = v;
    const Status s = validate(q);
    expectProblem(s, "/sl_target_pct");
    EXPECT_EQ(s.message(), "must be between 1 and 100");
  }
}

TEST(ValidateQueueTest, ServiceLevelThresholdIsOneSecondToAnHour) {
  Queue q = validQueue();
  for (int v : {1, 3600}) {
    q.sl_threshold_s = v;
    EXPECT_TRUE(validate(q).isOk()) << v;
  }
  for (int v : {0, 3601}) {
    q.sl_threshold_s = v;
    expectProblem(validate(q), "/sl_threshold_s", "between 1 and 3600");
  }
}

TEST(ValidateQueueTest, OfferTimeoutIsThreeToThreeHundredSeconds) {
  Queue q = validQueue();
  for (int v : {3, 300}) {
    q.offer_timeout_s = v;
    EXPECT_TRUE(validate(q).isOk()) << v;
  }
  for (int v : {2, 301, 0}) {
    q.offer_timeout_s = v;
    expectProblem(validate(q), "/offer_timeout_s", "between 3 and 300");
  }
}

TEST(ValidateQueueTest, CodeNameAndSkills) {
  Queue q = validQueue();
  q.code = "Retail";
  expectProblem(validate(q), "/code");
  q = validQueue();
  q.name.zh = "";
  expectProblem(validate(q), "/name/zh");
  q = validQueue();
  q.skills[1].level = 6;
  expectProblem(validate(q), "/skills/1/level", "between 1 and 5");
  q = validQueue();
  q.skills.push_back({"account", 3});
  expectProblem(validate(q), "/skills/2/skill", "listed twice");
  q = validQueue();
  q.skills.clear();
  EXPECT_TRUE(validate(q).isOk());
}

TEST(ValidateQueueTest, ChecksInFieldOrder) {
  Queue q = validQueue();
  q.sl_target_pct = 0;
  q.sl_threshold_s = 0;
  q.offer_timeout_s = 0;
  expectProblem(validate(q), "/sl_target_pct");
  q.sl_target_pct = 50;
  expectProblem(validate(q), "/sl_threshold_s");
}

// --- User ---------------------------------------------------------------------------

TEST(ValidateUserTest, AgentLoginNeedsAnAgent) {
  EXPECT_TRUE(validate(validAgentUser()).isOk());
  User u = validAgentUser();
  u.agent_id.reset();
  const Status s = validate(u);
  expectProblem(s, "/agent_id");
  EXPECT_EQ(s.message(), "an agent login must name the agent it works as");
}

TEST(ValidateUserTest, SupervisorAndAdminNeedNoAgent) {
  EXPECT_TRUE(validate(User{"supervisor", Role::kSupervisor, std::nullopt, "主管", false}).isOk());
  EXPECT_TRUE(validate(User{"admin", Role::kAdmin, std::nullopt, "", true}).isOk());
  // … but may still work as one.
  EXPECT_TRUE(validate(User{"lead", Role::kSupervisor, std::string("a01"), "", false}).isOk());
}

TEST(ValidateUserTest, UsernameAgentIdAndDisplayName) {
  User u = validAgentUser();
  u.username = "Agent01";
  expectProblem(validate(u), "/username", "not a valid id");
  u = validAgentUser();
  u.username = "";
  expectProblem(validate(u), "/username", "must not be empty");
  u = validAgentUser();
  u.agent_id = "A 01";
  expectProblem(validate(u), "/agent_id", "not a valid id");
  u = validAgentUser();
  u.agent_id = "";
  expectProblem(validate(u), "/agent_id", "must not be empty");
  u = validAgentUser();
  u.display_name = "";
  EXPECT_TRUE(validate(u).isOk());
  u.display_name = "王\n芳";
  expectProblem(validate(u), "/display_name", "control characters");
  u.display_name = "\xE4\xB8";
  expectProblem(validate(u), "/display_name", "UTF-8");
}

}  // namespace
}  // namespace outpost::site
