// xAPI 1.0.3 statements: the format rules the LRS MUST enforce (each test is named
// after the rule, in the spec's words where short), and the store — id idempotency,
// voiding, queries, the outbox record in the same transaction.

#include "storage/xapi.h"

#include <gtest/gtest.h>

#include "codec/json.h"
#include "storage/migrations.h"
#include "storage/outbox.h"
#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;

constexpr const char* kGood = R"({
  "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
  "actor": {"objectType": "Agent", "name": "Li Na", "mbox": "mailto:li.na@example.com"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed", "zh-CN": "完成"}},
  "object": {"objectType": "Activity", "id": "http://example.com/courses/fees",
             "definition": {"name": {"en-US": "Explaining fees"}, "type": "http://adlnet.gov/expapi/activities/lesson"}},
  "result": {"score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10}, "success": true, "completion": true,
             "duration": "PT4M30S"},
  "context": {"registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7", "platform": "Outpost", "language": "zh-CN",
              "contextActivities": {"parent": [{"id": "http://example.com/courses"}]}},
  "timestamp": "2026-11-23T08:30:00.000+08:00"
})";

Poco::JSON::Object::Ptr parse(const std::string& text) {
  auto o = codec::JsonReader::parseObject(text);
  EXPECT_TRUE(o.isOk()) << o.status().toString();
  return o.isOk() ? *o : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
}

// The good statement with one property replaced (or removed when `value` is empty).
Poco::JSON::Object::Ptr with(const std::string& pointer, const std::string& value) {
  auto root = parse(kGood);
  Poco::JSON::Object::Ptr at = root;
  std::string rest = pointer.substr(1);
  for (size_t slash; (slash = rest.find('/')) != std::string::npos; rest = rest.substr(slash + 1)) {
    at = at->getObject(rest.substr(0, slash));
  }
  if (value.empty()) {
    at->remove(rest);
  } else {
    auto wrapped = parse("{\"v\":" + value + "}");
    at->set(rest, wrapped->get("v"));
  }
  return root;
}

// Refused with 400 (kInvalidArgument) naming the property.
::testing::AssertionResult refused(const Poco::JSON::Object::Ptr& s, const std::string& field) {
  auto r = readStatement(s);
  if (r.isOk()) return ::testing::AssertionFailure() << "accepted " << codec::toJson(s);
  if (r.status().code() != StatusCode::kInvalidArgument) return ::testing::AssertionFailure() << r.status().toString();
  if (r.status().where().rfind(field, 0) != 0) {
    return ::testing::AssertionFailure() << "names " << r.status().where() << ", not " << field << ": "
                                         << r.status().toString();
  }
  return ::testing::AssertionSuccess();
}

TEST(XapiFormatTest, AValidStatementIsAccepted) {
  auto r = readStatement(parse(kGood));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->id, "0f8fad5b-d9cb-469f-a165-70867728950e");
  EXPECT_EQ(r->actor, "agent|mbox|mailto:li.na@example.com");
  EXPECT_EQ(r->object_id, "http://example.com/courses/fees");
  EXPECT_FALSE(r->voiding);
}

TEST(XapiFormatTest, ActorVerbAndObjectAreRequired) {
  EXPECT_TRUE(refused(with("/actor", ""), "/actor"));
  EXPECT_TRUE(refused(with("/verb", ""), "/verb"));
  EXPECT_TRUE(refused(with("/object", ""), "/object"));
}

TEST(XapiFormatTest, StatementIdMustBeAUuid) {
  EXPECT_TRUE(refused(with("/id", "\"not-a-uuid\""), "/id"));
  EXPECT_TRUE(refused(with("/id", "\"0f8fad5b-d9cb-469f-a165-70867728950\""), "/id"));
}

TEST(XapiFormatTest, AnAgentHasExactlyOneInverseFunctionalIdentifier) {
  EXPECT_TRUE(refused(with("/actor", R"({"objectType":"Agent","name":"x"})"), "/actor"));
  EXPECT_TRUE(refused(with("/actor", R"({"mbox":"mailto:a@b.cn","openid":"http://id.example.com/a"})"), "/actor"));
  EXPECT_TRUE(readStatement(with("/actor", R"({"account":{"homePage":"urn:outpost:site","name":"agent01"}})")).isOk());
}

TEST(XapiFormatTest, MboxIsAMailtoIri) {
  EXPECT_TRUE(refused(with("/actor/mbox", "\"li.na@example.com\""), "/actor/mbox"));
}

TEST(XapiFormatTest, MboxSha1sumIsFortyHexDigits) {
  EXPECT_TRUE(refused(with("/actor", R"({"mbox_sha1sum":"xyz"})"), "/actor/mbox_sha1sum"));
  EXPECT_TRUE(readStatement(with("/actor", R"({"mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})")).isOk());
}

TEST(XapiFormatTest, AnAccountNeedsHomePageAndName) {
  EXPECT_TRUE(refused(with("/actor", R"({"account":{"name":"a"}})"), "/actor/account/homePage"));
  EXPECT_TRUE(refused(with("/actor", R"({"account":{"homePage":"http://x.example.com"}})"), "/actor/account/name"));
}

TEST(XapiFormatTest, AnAnonymousGroupListsItsMembers) {
  EXPECT_TRUE(refused(with("/actor", R"({"objectType":"Group","name":"team"})"), "/actor/member"));
  EXPECT_TRUE(readStatement(with("/actor", R"({"objectType":"Group","member":[{"mbox":"mailto:a@b.cn"}]})")).isOk());
  EXPECT_TRUE(refused(with("/actor", R"({"objectType":"Group","member":[{"name":"no id"}]})"), "/actor/member/0"));
}

TEST(XapiFormatTest, VerbAndActivityIdsAreIris) {
  EXPECT_TRUE(refused(with("/verb/id", "\"completed\""), "/verb/id"));
  EXPECT_TRUE(refused(with("/object/id", "\"fees course\""), "/object/id"));
}

TEST(XapiFormatTest, LanguageMapKeysAreLanguageTags) {
  EXPECT_TRUE(refused(with("/verb/display", R"({"en_US":"completed"})"), "/verb/display/en_US"));
  EXPECT_TRUE(refused(with("/verb/display", R"({"en-US":5})"), "/verb/display/en-US"));
}

TEST(XapiFormatTest, UnknownPropertiesAreRejected) {
  EXPECT_TRUE(refused(with("/mood", "\"happy\""), "/mood"));
  EXPECT_TRUE(refused(with("/result/grade", "\"A\""), "/result/grade"));
}

TEST(XapiFormatTest, NullAndEmptyValuesAreRejectedOutsideExtensions) {
  EXPECT_TRUE(refused(with("/result/success", "null"), "/result/success"));
  EXPECT_TRUE(refused(with("/result", "{}"), "/result"));
  EXPECT_TRUE(refused(with("/actor/name", "\"\""), "/actor/name"));
  EXPECT_TRUE(readStatement(with("/result/extensions", R"({"http://example.com/x": null})")).isOk());
}

TEST(XapiFormatTest, ExtensionKeysAreIris) {
  EXPECT_TRUE(refused(with("/result/extensions", R"({"speed": 3})"), "/result/extensions/speed"));
}

TEST(XapiFormatTest, ScaledScoreIsBetweenMinusOneAndOne) {
  EXPECT_TRUE(refused(with("/result/score/scaled", "1.5"), "/result/score/scaled"));
  EXPECT_TRUE(readStatement(with("/result/score/scaled", "-1")).isOk());
}

TEST(XapiFormatTest, RawScoreLiesBetweenMinAndMax) {
  EXPECT_TRUE(refused(with("/result/score/raw", "11"), "/result/score/raw"));
  EXPECT_TRUE(refused(with("/result/score/min", "10"), "/result/score/max"));
}

TEST(XapiFormatTest, SuccessAndCompletionAreBooleans) {
  EXPECT_TRUE(refused(with("/result/success", "\"yes\""), "/result/success"));
}

TEST(XapiFormatTest, DurationIsAnIso8601Duration) {
  EXPECT_TRUE(refused(with("/result/duration", "\"4 minutes\""), "/result/duration"));
  EXPECT_TRUE(refused(with("/result/duration", "\"PT\""), "/result/duration"));
  EXPECT_TRUE(readStatement(with("/result/duration", "\"P1DT2H3M4.5S\"")).isOk());
}

TEST(XapiFormatTest, TimestampIsIso8601WithATimeZone) {
  EXPECT_TRUE(refused(with("/timestamp", "\"2026-11-23 08:30\""), "/timestamp"));
  EXPECT_TRUE(refused(with("/timestamp", "\"2026-11-23T08:30:00\""), "/timestamp"));
}

TEST(XapiFormatTest, TimestampOffsetMinusZeroIsRejected) {
  EXPECT_TRUE(refused(with("/timestamp", "\"2026-11-23T08:30:00-00:00\""), "/timestamp"));
}

TEST(XapiFormatTest, TimestampsWithOffsetsAreConvertedToUtc) {
  auto a = parseXapiTimestamp("2026-11-23T08:30:00.250+08:00");
  auto b = parseXapiTimestamp("2026-11-23T00:30:00.25Z");
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(*a, *b);
}

TEST(XapiFormatTest, RegistrationIsAUuid) {
  EXPECT_TRUE(refused(with("/context/registration", "\"r-1\""), "/context/registration"));
}

TEST(XapiFormatTest, RevisionAndPlatformOnlyWhenTheObjectIsAnActivity) {
  auto s = with("/object", R"({"objectType":"Agent","mbox":"mailto:b@c.cn"})");
  EXPECT_TRUE(refused(s, "/context/platform"));
}

TEST(XapiFormatTest, VersionIsOnePointZero) {
  EXPECT_TRUE(refused(with("/version", "\"2.0.0\""), "/version"));
  EXPECT_TRUE(readStatement(with("/version", "\"1.0.3\"")).isOk());
}

TEST(XapiFormatTest, AVoidingStatementsObjectIsAStatementRef) {
  auto s = with("/verb/id", "\"http://adlnet.gov/expapi/verbs/voided\"");
  EXPECT_TRUE(refused(s, "/object/objectType"));
  s->set("object", parse(R"({"objectType":"StatementRef","id":"0f8fad5b-d9cb-469f-a165-70867728950e"})"));
  s->remove("context");  // platform is only for activities
  auto r = readStatement(s);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_TRUE(r->voiding);
}

TEST(XapiFormatTest, ASubStatementMustNotContainASubStatement) {
  auto s = parse(kGood);
  s->remove("context");
  auto sub = parse(R"({"objectType":"SubStatement","actor":{"mbox":"mailto:a@b.cn"},
    "verb":{"id":"http://example.com/will"},"object":{"objectType":"SubStatement","actor":{"mbox":"mailto:a@b.cn"},
    "verb":{"id":"http://example.com/v"},"object":{"id":"http://example.com/a"}}})");
  s->set("object", sub);
  EXPECT_TRUE(refused(s, "/object/object/objectType"));
}

TEST(XapiFormatTest, AnInteractionPropertyNeedsInteractionType) {
  EXPECT_TRUE(refused(with("/object/definition/choices", R"([{"id":"a"}])"), "/object/definition/choices"));
}

// The store.

class XapiStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = openOrDie(dir_.file("x.db"));
    ASSERT_TRUE(migrate(*db_, outpostMigrations()).isOk());
    ASSERT_TRUE(configureOutbox(*db_, "site-a", true, {}).isOk());
  }
  Result<bool> store(const Poco::JSON::Object::Ptr& json, int64_t at_ms = 1'000) {
    auto s = readStatement(json);
    if (!s.isOk()) return s.status();
    last_ = *s;
    OUTPOST_RETURN_IF_ERROR(db_->exec("BEGIN"));
    auto r = storeStatement(*db_, last_, fromEpochMillis(at_ms), "agent01");
    (void)db_->exec(r.isOk() ? "COMMIT" : "ROLLBACK");
    return r;
  }
  Poco::JSON::Object::Ptr statement(const std::string& id, const std::string& verb = "completed",
                                    const std::string& mbox = "a@b.cn") {
    return parse(R"({"id":")" + id + R"(","actor":{"mbox":"mailto:)" + mbox +
                 R"("},"verb":{"id":"http://adlnet.gov/expapi/verbs/)" + verb +
                 R"("},"object":{"id":"http://example.com/a"}})");
  }
  Poco::JSON::Object::Ptr voiding(const std::string& id, const std::string& target) {
    return parse(R"({"id":")" + id +
                 R"(","actor":{"mbox":"mailto:a@b.cn"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},)"
                 R"("object":{"objectType":"StatementRef","id":")" + target + R"("}})");
  }
  TempDir dir_;
  std::unique_ptr<Database> db_;
  XapiStatement last_;
};

constexpr const char* kId1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* kId2 = "22222222-2222-4222-8222-222222222222";
constexpr const char* kId3 = "33333333-3333-4333-8333-333333333333";

TEST_F(XapiStoreTest, TheLrsSetsStoredAuthorityVersionAndTimestamp) {
  ASSERT_TRUE(store(statement(kId1)).value());
  auto text = statementById(*db_, kId1, false);
  ASSERT_TRUE(text.isOk());
  auto s = parse(*text);
  EXPECT_EQ(s->getValue<std::string>("stored"), "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(s->getValue<std::string>("timestamp"), s->getValue<std::string>("stored"));
  EXPECT_EQ(s->getValue<std::string>("version"), "1.0.0");
  EXPECT_EQ(s->getObject("authority")->getObject("account")->getValue<std::string>("name"), "agent01");
}

TEST_F(XapiStoreTest, TheLrsAssignsAnIdWhenTheStatementHasNone) {
  auto s = statement(kId1);
  s->remove("id");
  ASSERT_TRUE(store(s).value());
  EXPECT_EQ(last_.id.size(), 36u);
  EXPECT_TRUE(statementById(*db_, last_.id, false).isOk());
}

TEST_F(XapiStoreTest, TheSameIdWithTheSameContentChangesNothing) {
  ASSERT_TRUE(store(statement(kId1), 1'000).value());
  auto again = store(statement(kId1), 2'000);
  ASSERT_TRUE(again.isOk());
  EXPECT_FALSE(*again);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM xapi_statements"), 1);
  EXPECT_EQ(scalar(*db_, "SELECT stored FROM xapi_statements"), 1'000);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM outbox"), 1);
}

TEST_F(XapiStoreTest, OtherContentUnderTheSameIdIsAConflict) {
  ASSERT_TRUE(store(statement(kId1)).value());
  auto other = store(statement(kId1, "failed"));
  EXPECT_EQ(other.status().code(), StatusCode::kConflict);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM xapi_statements"), 1);
}

TEST_F(XapiStoreTest, AVoidedStatementIsOnlyReturnedByVoidedStatementId) {
  ASSERT_TRUE(store(statement(kId1)).value());
  ASSERT_TRUE(store(voiding(kId2, kId1)).value());
  EXPECT_EQ(statementById(*db_, kId1, false).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(statementById(*db_, kId1, true).isOk());
  EXPECT_EQ(statementById(*db_, kId2, true).status().code(), StatusCode::kNotFound);
  auto page = queryStatements(*db_, {});
  ASSERT_TRUE(page.isOk());
  ASSERT_EQ(page->statements.size(), 1u);  // the voiding statement itself is returned
  EXPECT_NE(page->statements[0].find(kId2), std::string::npos);
}

TEST_F(XapiStoreTest, AVoidingStatementCannotBeVoided) {
  ASSERT_TRUE(store(statement(kId1)).value());
  ASSERT_TRUE(store(voiding(kId2, kId1)).value());
  EXPECT_EQ(store(voiding(kId3, kId2)).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(XapiStoreTest, VoidingAnUnknownStatementIsAcceptedAndAppliesWhenItArrives) {
  ASSERT_TRUE(store(voiding(kId2, kId1)).value());
  ASSERT_TRUE(store(statement(kId1)).value());
  EXPECT_TRUE(statementById(*db_, kId1, true).isOk());
}

TEST_F(XapiStoreTest, EveryStoredStatementIsAnOutboxRecordInTheSameTransaction) {
  ASSERT_TRUE(store(statement(kId1)).value());
  auto rows = readOutbox(*db_, 0, 10);
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].type, "learning.statement");
  EXPECT_EQ((*rows)[0].record_class, "learning");
  EXPECT_EQ(parse((*rows)[0].payload)->getValue<std::string>("id"), kId1);
  // A failed store (rolled back) leaves neither the statement nor the record.
  ASSERT_TRUE(db_->exec("BEGIN").isOk());
  auto s = readStatement(statement(kId2));
  ASSERT_TRUE(s.isOk());
  ASSERT_TRUE(storeStatement(*db_, *s, fromEpochMillis(5), "agent01").isOk());
  ASSERT_TRUE(db_->exec("ROLLBACK").isOk());
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM outbox"), 1);
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM xapi_statements"), 1);
}

TEST_F(XapiStoreTest, QueriesFilterByAgentVerbActivityAndStoredTime) {
  ASSERT_TRUE(store(statement(kId1, "completed", "a@b.cn"), 1'000).value());
  ASSERT_TRUE(store(statement(kId2, "passed", "c@d.cn"), 2'000).value());
  ASSERT_TRUE(store(statement(kId3, "completed", "c@d.cn"), 3'000).value());
  auto count = [&](const StatementQuery& q) {
    auto p = queryStatements(*db_, q);
    EXPECT_TRUE(p.isOk());
    return p.isOk() ? p->statements.size() : 0;
  };
  StatementQuery q;
  q.agent = "agent|mbox|mailto:c@d.cn";
  EXPECT_EQ(count(q), 2u);
  q.verb = "http://adlnet.gov/expapi/verbs/completed";
  EXPECT_EQ(count(q), 1u);
  StatementQuery t;
  t.since_ms = 1'000;
  t.until_ms = 2'000;
  EXPECT_EQ(count(t), 1u);
  StatementQuery r;
  r.registration = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  EXPECT_EQ(count(r), 0u);
  auto with_reg = parse(kGood);
  with_reg->set("id", "44444444-4444-4444-8444-444444444444");
  ASSERT_TRUE(store(with_reg, 4'000).value());
  EXPECT_EQ(count(r), 1u);
  StatementQuery a;
  a.activity = "http://example.com/a";
  EXPECT_EQ(count(a), 3u);  // not the fees course
  a.activity = "http://example.com/b";
  EXPECT_EQ(count(a), 0u);
}

TEST_F(XapiStoreTest, LimitAndCursorPageThroughInEitherOrder) {
  ASSERT_TRUE(store(statement(kId1), 1'000).value());
  ASSERT_TRUE(store(statement(kId2), 2'000).value());
  ASSERT_TRUE(store(statement(kId3), 3'000).value());
  StatementQuery q;
  q.limit = 2;
  auto p1 = queryStatements(*db_, q);
  ASSERT_TRUE(p1.isOk());
  ASSERT_EQ(p1->statements.size(), 2u);
  EXPECT_NE(p1->statements[0].find(kId3), std::string::npos);  // newest first
  ASSERT_GT(p1->next_cursor, 0);
  q.cursor = p1->next_cursor;
  auto p2 = queryStatements(*db_, q);
  ASSERT_TRUE(p2.isOk());
  ASSERT_EQ(p2->statements.size(), 1u);
  EXPECT_NE(p2->statements[0].find(kId1), std::string::npos);
  EXPECT_EQ(p2->next_cursor, 0);
  StatementQuery asc;
  asc.ascending = true;
  asc.limit = 1;
  auto p3 = queryStatements(*db_, asc);
  ASSERT_TRUE(p3.isOk());
  EXPECT_NE(p3->statements[0].find(kId1), std::string::npos);
}

TEST_F(XapiStoreTest, RelatedActivitiesAndAgentsBroadenTheFilters) {
  // kGood: object http://example.com/courses/fees, parent activity http://example.com/courses.
  auto s = parse(kGood);
  s->getObject("context")->set("instructor", parse(R"({"mbox":"mailto:teacher@example.com"})"));
  ASSERT_TRUE(store(s).value());
  auto count = [&](const StatementQuery& q) {
    auto p = queryStatements(*db_, q);
    EXPECT_TRUE(p.isOk());
    return p.isOk() ? p->statements.size() : 0;
  };
  StatementQuery a;
  a.activity = "http://example.com/courses";
  EXPECT_EQ(count(a), 0u);  // not the object
  a.related_activities = true;
  EXPECT_EQ(count(a), 1u);  // a context activity
  StatementQuery g;
  g.agent = "agent|mbox|mailto:teacher@example.com";
  EXPECT_EQ(count(g), 0u);
  g.related_agents = true;
  EXPECT_EQ(count(g), 1u);  // the instructor
  g.agent = "agent|account|urn:outpost:site|agent01";
  EXPECT_EQ(count(g), 1u);  // the authority
}

TEST(XapiFormatParameterTest, IdsKeepsIdentifiersAndCanonicalOneLanguage) {
  const std::string text = codec::toJson(parse(kGood));
  auto ids = parse(formatStatement(text, "ids", ""));
  EXPECT_FALSE(ids->getObject("actor")->has("name"));
  EXPECT_EQ(ids->getObject("actor")->getValue<std::string>("mbox"), "mailto:li.na@example.com");
  EXPECT_FALSE(ids->getObject("verb")->has("display"));
  EXPECT_FALSE(ids->getObject("object")->has("definition"));
  EXPECT_TRUE(ids->getObject("result")->has("score"));  // results are kept
  auto zh = parse(formatStatement(text, "canonical", "zh"));
  auto display = zh->getObject("verb")->getObject("display");
  EXPECT_EQ(display->size(), 1u);
  EXPECT_EQ(display->getValue<std::string>("zh-CN"), "完成");
  EXPECT_EQ(formatStatement(text, "exact", ""), text);
}

}  // namespace
}  // namespace outpost::storage
