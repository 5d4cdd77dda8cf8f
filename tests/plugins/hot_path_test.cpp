// The classify_contact hot path (contact pushed straight into Lua, ctx built in Lua,
// the result read straight off the stack) answers exactly what the plain-data path
// (contactValue → Value → validateClassification) answers: the same classification
// for good results, the same error for bad ones.
#include <gtest/gtest.h>

#include "plugins/rules.h"

namespace outpost::plugins {
namespace {

std::shared_ptr<RuleSet> rulesReturning(const Clock& clock, const std::string& expr) {
  Bundle b;
  b.id = "hot";
  b.version = 1;
  b.hooks = {"classify_contact"};
  b.sources = {"main.lua"};
  b.files["main.lua"] = "function classify_contact(contact, ctx)\n  return " + expr + "\nend\n";
  auto rs = RuleSet::build(std::move(b), clock, Limits{}, 1);
  EXPECT_TRUE(rs.isOk()) << rs.status().toString();
  return rs ? rs.value() : nullptr;
}

routing::ContactSpec spec() {
  routing::ContactSpec s;
  s.id = "c1";
  s.queue = "cards";
  s.skills = {{"loans", 1}, {"cards", 2}};  // not sorted: pushed sorted all the same
  s.attributes_json = R"({"text": "hello", "n": 3, "vip": "true"})";
  s.value = 12.5;
  s.ivr_path = {"main", "ask"};
  return s;
}

std::string describe(const Result<Classification>& r) {
  if (!r) return "error: " + r.status().toString();
  std::string out;
  if (r->skills) {
    out += "skills:";
    for (const auto& s : *r->skills) out += s.skill_code + "=" + std::to_string(s.level) + ",";
  }
  if (r->segment) out += " segment:" + *r->segment;
  if (r->priority) out += " priority:" + std::to_string(*r->priority);
  if (r->queue) out += " queue:" + *r->queue;
  return out;
}

TEST(HotPath, ClassifyAnswersLikeThePlainDataPath) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  const std::vector<std::string> results = {
      "nil",
      "{}",
      "{segment = 'vip', priority = 95, skills = {fraud = 3, cards = 2, aml = 1}}",
      "{skills = {}}",
      "{queue = 'cards', priority = 0}",
      "{priority = 100.0}",
      // what the contact looked like, through the result
      "{segment = contact.attributes.text, priority = contact.attributes.n + #contact.ivr_path, "
      "queue = contact.queue .. '-' .. contact.skills.cards .. contact.skills.loans}",
      "{priority = ctx.now > 0 and ctx.config == nil and 1 or 2}",
      // bad ones: the plain-data path says what is wrong
      "{priority = 500}",
      "{priority = 2.5}",
      "{segment = 'Not Valid'}",
      "{segment = 3}",
      "{queue = ''}",
      "{colour = 'red', priority = 1}",
      "{skills = {fraud = 9}}",
      "{skills = {fraud = '3'}}",
      "{skills = {3}}",
      "{skills = 'fraud'}",
      "{skills = {a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1,m=1,n=1,o=1,p=1,q=1}}",
      "{[1] = 'x'}",
      "{segment = 'vip', [2] = true}",
      "{priority = function() end}",
      "'vip'",
  };
  for (const auto& expr : results) {
    SCOPED_TRACE(expr);
    auto rs = rulesReturning(clock, expr);
    ASSERT_NE(rs, nullptr);
    const auto s = spec();
    const auto fast = rs->classify(s, clock.wallNow());
    const auto plain = rs->classify(contactValue(s), clock.wallNow());
    EXPECT_EQ(describe(fast), describe(plain));
  }
}

TEST(HotPath, AttributesFollowTheContact) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto rs = rulesReturning(clock, "{segment = contact.attributes.text or 'none'}");
  ASSERT_NE(rs, nullptr);
  auto s = spec();
  for (const char* text : {"aa", "bb", "aa"}) {
    s.attributes_json = std::string(R"({"text": ")") + text + "\"}";
    auto c = rs->classify(s, clock.wallNow());
    ASSERT_TRUE(c.isOk()) << c.status().toString();
    EXPECT_EQ(c->segment, text);
  }
  s.attributes_json = "{}";
  EXPECT_EQ(rs->classify(s, clock.wallNow())->segment, "none");
  s.attributes_json = "not json";  // unreadable attributes: an empty table, as before
  EXPECT_EQ(rs->classify(s, clock.wallNow())->segment, "none");
}

TEST(HotPath, ARuleWritingToItsInputsDoesNotLeakIntoTheNextCall) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto rs = rulesReturning(clock,
                           "(function() local seen = ctx.seen or contact.attributes.seen; ctx.seen = true; "
                           "contact.attributes.seen = true; return {segment = seen and 'leaked' or 'fresh'} end)()");
  ASSERT_NE(rs, nullptr);
  const auto s = spec();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rs->classify(s, clock.wallNow())->segment, "fresh");
}

}  // namespace
}  // namespace outpost::plugins
