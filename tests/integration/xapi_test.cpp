// The xAPI 1.0.3 Statements resource of the real outpostd (docs/learning.md "Learning
// records"): each test is named after the spec's MUST rule it checks over HTTP.

#include <gtest/gtest.h>

#include <string>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

constexpr const char* kPath = "/api/v1/learning/xapi/statements";
constexpr const char* kId1 = "11111111-1111-4111-8111-111111111111";
constexpr const char* kId2 = "22222222-2222-4222-8222-222222222222";

std::string statement(const std::string& id, const std::string& verb = "completed",
                      const std::string& activity = "http://example.com/fees") {
  std::string s = R"({)";
  if (!id.empty()) s += R"("id":")" + id + R"(",)";
  s += R"("actor":{"objectType":"Agent","account":{"homePage":"urn:outpost:site","name":"a01"}},)"
       R"("verb":{"id":"http://adlnet.gov/expapi/verbs/)" + verb + R"(","display":{"en-US":")" + verb + R"("}},)"
       R"("object":{"id":")" + activity + R"("},"result":{"score":{"scaled":0.5},"completion":true}})";
  return s;
}

class XapiTest : public DemoSiteTest {
 protected:
  Response call(const std::string& method, const std::string& path, const std::string& body,
                const std::string& token, bool version = true) {
    Headers h;
    if (version) h.emplace_back("X-Experience-API-Version", "1.0.3");
    return http().request(method, path, body, token, h);
  }
  Response put(const std::string& id, const std::string& body, const std::string& token) {
    return call("PUT", std::string(kPath) + "?statementId=" + id, body, token);
  }
  Response post(const std::string& body, const std::string& token) { return call("POST", kPath, body, token); }
  Response get(const std::string& query, const std::string& token) {
    return call("GET", std::string(kPath) + query, "", token);
  }
};

TEST_F(XapiTest, RequestsWithoutTheVersionHeaderAreRejectedWith400) {
  auto r = call("GET", kPath, "", agent_, false);
  EXPECT_TRUE(isProblem(r, 400, "", "X-Experience-API-Version"));
  EXPECT_EQ(r.header("X-Experience-API-Version"), "1.0.3");
  r = call("POST", kPath, statement(kId1), agent_, false);
  EXPECT_TRUE(isProblem(r, 400));
  Headers old{{"X-Experience-API-Version", "0.95"}};
  EXPECT_TRUE(isProblem(http().request("GET", kPath, "", agent_, old), 400, "", "X-Experience-API-Version"));
}

TEST_F(XapiTest, EveryResponseCarriesTheVersionHeader) {
  auto r = put(kId1, statement(kId1), agent_);
  EXPECT_EQ(r.status, 204) << r.describe();
  EXPECT_EQ(r.header("X-Experience-API-Version"), "1.0.3");
  r = get("?statementId=" + std::string(kId1), agent_);
  EXPECT_EQ(r.header("X-Experience-API-Version"), "1.0.3");
}

TEST_F(XapiTest, PutStoresTheStatementUnderStatementIdAnd204) {
  ASSERT_EQ(put(kId1, statement(""), agent_).status, 204);
  auto r = get("?statementId=" + std::string(kId1), agent_);
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.str("id"), kId1);
  EXPECT_FALSE(r.str("stored").empty());
  EXPECT_FALSE(r.header("Last-Modified").empty());
}

TEST_F(XapiTest, PutWithoutStatementIdIs400) {
  EXPECT_TRUE(isProblem(call("PUT", kPath, statement(kId1), agent_), 400, "", "?statementId"));
}

TEST_F(XapiTest, PutWithABodyIdOtherThanStatementIdIs400) {
  EXPECT_TRUE(isProblem(put(kId2, statement(kId1), agent_), 400, "/id"));
}

TEST_F(XapiTest, PostReturnsTheIdsInOrderAndAssignsMissingOnes) {
  auto r = post("[" + statement(kId1) + "," + statement("") + "]", agent_);
  ASSERT_EQ(r.status, 200) << r.describe();
  ASSERT_NE(r.body.find(kId1), std::string::npos);
  EXPECT_EQ(r.body.find(kId1), 2u);
  EXPECT_GT(r.body.size(), 2u + 36 + 3 + 36);
}

TEST_F(XapiTest, TheSameIdWithTheSameContentChangesNothing) {
  ASSERT_EQ(put(kId1, statement(kId1), agent_).status, 204);
  const auto before = snapshot();
  EXPECT_EQ(put(kId1, statement(kId1), agent_).status, 204);
  EXPECT_EQ(post(statement(kId1), agent_).status, 200);
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(XapiTest, OtherContentUnderAStoredIdIs409) {
  ASSERT_EQ(put(kId1, statement(kId1), agent_).status, 204);
  EXPECT_TRUE(isProblem(put(kId1, statement(kId1, "failed"), agent_), 409));
  EXPECT_TRUE(isProblem(post(statement(kId1, "failed"), agent_), 409));
}

TEST_F(XapiTest, ABatchWithTheSameIdTwiceIsRejectedWhole) {
  const auto before = snapshot();
  EXPECT_TRUE(isProblem(post("[" + statement(kId1) + "," + statement(kId1) + "]", agent_), 400));
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(XapiTest, ABatchWithOneBadStatementStoresNothing) {
  const auto before = snapshot();
  std::string bad = statement(kId2);
  bad.replace(bad.find("http://example.com/fees"), 23, "not an iri");
  EXPECT_TRUE(isProblem(post("[" + statement(kId1) + "," + bad + "]", agent_), 400, "/1/object/id"));
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(XapiTest, AVoidedStatementIsReturnedOnlyByVoidedStatementId) {
  ASSERT_EQ(put(kId1, statement(kId1), agent_).status, 204);
  const std::string voiding =
      R"({"actor":{"account":{"homePage":"urn:outpost:site","name":"a01"}},)"
      R"("verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":")" +
      std::string(kId1) + R"("}})";
  ASSERT_EQ(put(kId2, voiding, agent_).status, 204);
  EXPECT_TRUE(isProblem(get("?statementId=" + std::string(kId1), agent_), 404));
  auto r = get("?voidedStatementId=" + std::string(kId1), agent_);
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.str("id"), kId1);
  r = get("?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fcompleted&activity=http%3A%2F%2Fexample.com%2Ffees",
          agent_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.array("statements")->size(), 0u);
}

TEST_F(XapiTest, StatementIdCannotBeCombinedWithQueryParameters) {
  EXPECT_TRUE(isProblem(get("?statementId=" + std::string(kId1) + "&limit=3", agent_), 400, "", "?limit"));
}

TEST_F(XapiTest, QueriesCarryConsistentThroughAndAMoreLink) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(post(statement(""), agent_).status, 200);
  auto r = get("?limit=2&ascending=true", agent_);
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_FALSE(r.header("X-Experience-API-Consistent-Through").empty());
  EXPECT_EQ(r.array("statements")->size(), 2u);
  const std::string more = r.str("more");
  ASSERT_FALSE(more.empty());
  auto next = call("GET", more, "", agent_);
  ASSERT_EQ(next.status, 200) << next.describe();
  EXPECT_EQ(next.array("statements")->size(), 1u);
  EXPECT_EQ(next.str("more"), "");
}

TEST_F(XapiTest, SinceAndUntilFilterByStoredTime) {
  ASSERT_EQ(post(statement(kId1), agent_).status, 200);
  auto r = get("?since=2000-01-01T00:00:00Z&until=2000-01-02T00:00:00Z", agent_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.array("statements")->size(), 0u);
  r = get("?since=2000-01-01T00:00:00Z", agent_);
  EXPECT_EQ(r.array("statements")->size(), 1u);
  EXPECT_TRUE(isProblem(get("?since=yesterday", agent_), 400, "", "?since"));
}

TEST_F(XapiTest, TheAgentFilterMatchesTheActor) {
  ASSERT_EQ(post(statement(kId1), agent_).status, 200);
  auto r = get(R"(?agent=%7B%22account%22%3A%7B%22homePage%22%3A%22urn%3Aoutpost%3Asite%22%2C%22name%22%3A%22a01%22%7D%7D)",
               supervisor_);
  ASSERT_EQ(r.status, 200) << r.describe();
  EXPECT_EQ(r.array("statements")->size(), 1u);
  EXPECT_TRUE(isProblem(get("?agent=%7B%22name%22%3A%22x%22%7D", supervisor_), 400));
}

TEST_F(XapiTest, AgentsRecordAndReadOnlyTheirOwnStatements) {
  std::string other = statement(kId1);
  other.replace(other.find("\"a01\""), 5, "\"a02\"");
  EXPECT_TRUE(isProblem(post(other, agent_), 403));
  ASSERT_EQ(post(other, supervisor_).status, 200);
  EXPECT_TRUE(isProblem(get("?statementId=" + std::string(kId1), agent_), 404));
  EXPECT_EQ(get("", agent_).array("statements")->size(), 0u);
  EXPECT_EQ(get("", supervisor_).array("statements")->size(), 1u);
}

// With sync on (and no broker, so records stay in the outbox): every stored statement is
// a learning.statement record, committed with it; a refused batch leaves none.
class XapiOutboxTest : public XapiTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "sync.enabled=true", "--set", "sync.site_id=site-test", "--set", "sync.broker=127.0.0.1:9"};
    return o;
  }
};

TEST_F(XapiOutboxTest, EveryStoredStatementIsForwardedThroughTheOutbox) {
  ASSERT_EQ(post("[" + statement(kId1) + "," + statement(kId2) + "]", agent_).status, 200);
  auto rows = queryDb(daemon_.dbPath(),
                      "SELECT type, class, json_extract(payload, '$.id') FROM outbox WHERE type = 'learning.statement' "
                      "ORDER BY seq");
  ASSERT_TRUE(rows.error.empty()) << rows.error;
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.rows[0][1], "learning");
  EXPECT_EQ(rows.rows[0][2], kId1);
  EXPECT_EQ(rows.rows[1][2], kId2);
  // The same statements again, and a refused batch: no new records.
  EXPECT_EQ(post(statement(kId1), agent_).status, 200);
  EXPECT_TRUE(isProblem(post("[" + statement("") + "," + statement(kId1, "failed") + "]", agent_), 409));
  rows = queryDb(daemon_.dbPath(), "SELECT count(*) FROM outbox WHERE type = 'learning.statement'");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.rows[0][0], "2");
}

}  // namespace
}  // namespace outpost::itest
