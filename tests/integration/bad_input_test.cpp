// Bad input on every route: malformed JSON, wrong types, unknown fields, bad values,
// oversized bodies, missing/garbage/revoked tokens, the wrong role, unknown ids and
// paths, unsupported methods and bad query parameters. Each case checks the exact
// status, the problem+json reply (status, title, and a detail/field naming the
// problem) and that the database did not change at all.

#include <gtest/gtest.h>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

enum class Need {
  kPublic,
  kAnyone,      // any logged-in user
  kOwnAgent,    // an agent only for their own agent id (paths below use a02, agent01 is a01)
  kSupervisor,  // supervisor or admin
  kAdmin,
};

// "*" as an expected field: some field must be named, whichever.
constexpr const char* kAnyField = "*";

struct BodyCase {
  std::string body;
  std::string field;  // "" = none expected/checked, kAnyField = any
};

struct RouteSpec {
  std::string method;
  std::string path;  // a concrete path to an existing entity
  Need need;
  std::string valid_body;  // "" when the route takes no body
  std::vector<BodyCase> wrong_types;
  std::vector<BodyCase> bad_values;
};

const std::vector<RouteSpec>& routes() {
  static const std::vector<RouteSpec> kRoutes = {
      {"GET", "/healthz", Need::kPublic, "", {}, {}},
      {"GET", "/readyz", Need::kPublic, "", {}, {}},
      {"POST",
       "/api/v1/auth/login",
       Need::kPublic,
       R"({"username":"agent03","password":"not-the-password"})",
       {{R"({"username":3,"password":"x"})", "/username"},
        {R"({"username":"agent03","password":["x"]})", "/password"}},
       {{R"({"username":")" + std::string(100, 'u') + R"(","password":"xxxxxxxx"})", ""},
        {R"({"username":"agent03"})", "/password"}}},
      {"POST", "/api/v1/auth/logout", Need::kAnyone, "", {}, {}},
      {"GET", "/api/v1/auth/me", Need::kAnyone, "", {}, {}},
      // Site.
      {"GET", "/api/v1/site", Need::kAnyone, "", {}, {}},
      {"PATCH",
       "/api/v1/site",
       Need::kAdmin,
       R"({"name":{"zh":"新的支行名称"}})",
       {{R"({"time_zone":8})", "/time_zone"}, {R"({"name":"示例"})", "/name"}},
       {{R"({"default_language":"fr"})", "/default_language"}}},
      // Agents.
      {"GET", "/api/v1/agents", Need::kSupervisor, "", {}, {}},
      {"POST",
       "/api/v1/agents",
       Need::kAdmin,
       R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":4})",
       {{R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":"4"})", "/tier"},
        {R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":4,"languages":"en"})", "/languages"},
        {R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":4,"skills":[{"skill":"cards","level":true}]})",
         "/skills/0/level"}},
       {{R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":9})", "/tier"},
        {R"({"id":"A 30","name":{"zh":"新人","en":"New"},"tier":4})", "/id"},
        {R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":4,"languages":["fr"]})", kAnyField},
        {R"({"id":"a30","name":{"zh":"新人","en":"New"},"tier":4,"skills":[{"skill":"cards","level":9}]})",
         "/skills/0/level"},
        {R"({"name":{"zh":"新人","en":"New"},"tier":4})", "/id"}}},
      {"GET", "/api/v1/agents/a02", Need::kOwnAgent, "", {}, {}},
      {"PATCH",
       "/api/v1/agents/a02",
       Need::kAdmin,
       R"({"team":"team-z"})",
       {{R"({"team":5})", "/team"}, {R"({"voice_capacity":1.5})", "/voice_capacity"}},
       {{R"({"chat_capacity":9})", "/chat_capacity"}, {R"({"tier":0})", "/tier"}}},
      {"DELETE", "/api/v1/agents/a02", Need::kAdmin, "", {}, {}},
      // An agent's skills.
      {"GET", "/api/v1/agents/a02/skills", Need::kOwnAgent, "", {}, {}},
      {"PUT",
       "/api/v1/agents/a02/skills/cards",
       Need::kAdmin,
       R"({"level":2})",
       {{R"({"level":"2"})", "/level"}, {R"({"level":null})", "/level"}},
       {{R"({"level":0})", "/level"}, {R"({})", "/level"}}},
      {"DELETE", "/api/v1/agents/a02/skills/loans", Need::kAdmin, "", {}, {}},
      // Skills.
      {"GET", "/api/v1/skills", Need::kAnyone, "", {}, {}},
      {"POST",
       "/api/v1/skills",
       Need::kAdmin,
       R"({"code":"new-skill","name":{"zh":"新技能","en":"New skill"}})",
       {{R"({"code":7,"name":{"zh":"新技能","en":"New skill"}})", "/code"},
        {R"({"code":"new-skill","name":{"zh":1,"en":"New skill"}})", "/name/zh"}},
       {{R"({"code":"Bad Code","name":{"zh":"新技能","en":"New skill"}})", "/code"},
        {R"({"code":"new-skill","name":{"zh":"新技能"}})", "/name/en"},
        {R"({"code":"new-skill","name":{"zh":")" + std::string(201, 'x') + R"(","en":"x"}})", kAnyField}}},
      {"GET", "/api/v1/skills/cards", Need::kAnyone, "", {}, {}},
      {"PATCH",
       "/api/v1/skills/cards",
       Need::kAdmin,
       R"({"name":{"en":"Cards!"}})",
       {{R"({"name":"cards"})", "/name"}},
       {{R"({"name":{"zh":""}})", kAnyField}, {R"({"code":"other"})", "/code"}}},
      {"DELETE", "/api/v1/skills/english", Need::kAdmin, "", {}, {}},
      // Queues.
      {"GET", "/api/v1/queues", Need::kAnyone, "", {}, {}},
      {"POST",
       "/api/v1/queues",
       Need::kAdmin,
       R"({"code":"new-q","name":{"zh":"新队列","en":"New"},"channel":"chat"})",
       {{R"({"code":"new-q","name":{"zh":"新队列","en":"New"},"channel":1})", "/channel"},
        {R"({"code":"new-q","name":{"zh":"新队列","en":"New"},"channel":"chat","skills":{}})", "/skills"}},
       {{R"({"code":"new-q","name":{"zh":"新队列","en":"New"},"channel":"fax"})", "/channel"},
        {R"({"code":"new-q","name":{"zh":"新队列","en":"New"},"channel":"chat","offer_timeout_s":1})",
         "/offer_timeout_s"}}},
      {"GET", "/api/v1/queues/cards-voice", Need::kAnyone, "", {}, {}},
      {"PATCH",
       "/api/v1/queues/cards-voice",
       Need::kAdmin,
       R"({"sl_target_pct":70})",
       {{R"({"sl_target_pct":"70"})", "/sl_target_pct"}},
       {{R"({"sl_target_pct":0})", "/sl_target_pct"}, {R"({"sl_threshold_s":3601})", "/sl_threshold_s"}}},
      {"DELETE", "/api/v1/queues/cards-voice", Need::kAdmin, "", {}, {}},
      // Wrap-up codes.
      {"GET", "/api/v1/wrapup-codes", Need::kAnyone, "", {}, {}},
      {"POST",
       "/api/v1/wrapup-codes",
       Need::kAdmin,
       R"({"code":"new-w","name":{"zh":"新代码","en":"New"}})",
       {{R"({"code":"new-w","name":{"zh":"新代码","en":"New"},"active":"yes"})", "/active"}},
       {{R"({"code":"UPPER","name":{"zh":"新代码","en":"New"}})", "/code"}}},
      {"GET", "/api/v1/wrapup-codes/resolved", Need::kAnyone, "", {}, {}},
      {"PATCH",
       "/api/v1/wrapup-codes/resolved",
       Need::kAdmin,
       R"({"active":false})",
       {{R"({"active":1})", "/active"}},
       {{R"({"code":"resolved2"})", "/code"}}},
      {"DELETE", "/api/v1/wrapup-codes/resolved", Need::kAdmin, "", {}, {}},
      // Not-ready reasons.
      {"GET", "/api/v1/not-ready-reasons", Need::kAnyone, "", {}, {}},
      {"POST",
       "/api/v1/not-ready-reasons",
       Need::kAdmin,
       R"({"code":"nap","name":{"zh":"午休","en":"Nap"}})",
       {{R"({"code":"nap","name":["午休","Nap"]})", "/name"}},
       {{R"({"code":"-nap","name":{"zh":"午休","en":"Nap"}})", "/code"}}},
      {"GET", "/api/v1/not-ready-reasons/lunch", Need::kAnyone, "", {}, {}},
      {"PATCH",
       "/api/v1/not-ready-reasons/lunch",
       Need::kAdmin,
       R"({"name":{"en":"Lunch break"}})",
       {{R"({"name":{"en":false}})", "/name/en"}},
       {{R"({"name":{"en":"bad\u0001control"}})", kAnyField}}},
      {"DELETE", "/api/v1/not-ready-reasons/lunch", Need::kAdmin, "", {}, {}},
      // Users.
      {"GET", "/api/v1/users", Need::kAdmin, "", {}, {}},
      {"POST",
       "/api/v1/users",
       Need::kAdmin,
       R"({"username":"new-user","role":"supervisor","password":"a-long-password-1"})",
       {{R"({"username":"new-user","role":5,"password":"a-long-password-1"})", "/role"},
        {R"({"username":"new-user","role":"supervisor","password":12345678})", "/password"},
        {R"({"username":"new-user","role":"supervisor","agent_id":7,"password":"a-long-password-1"})",
         "/agent_id"}},
       {{R"({"username":"new-user","role":"root","password":"a-long-password-1"})", "/role"},
        {R"({"username":"new-user","role":"supervisor","password":"short"})", "/password"},
        {R"({"username":"new-user","role":"supervisor","password":"aaaaaaaaaaaa"})", "/password"},
        {R"({"username":"new-user","role":"supervisor"})", "/password"}}},
      {"GET", "/api/v1/users/agent03", Need::kAdmin, "", {}, {}},
      {"PATCH",
       "/api/v1/users/agent03",
       Need::kAdmin,
       R"({"display_name":"新名字"})",
       {{R"({"disabled":"no"})", "/disabled"}},
       {{R"({"username":"agent99"})", "/username"}, {R"({"password":"short"})", "/password"}}},
      {"DELETE", "/api/v1/users/agent03", Need::kAdmin, "", {}, {}},
      // Presence and audit.
      {"GET", "/api/v1/presence", Need::kAnyone, "", {}, {}},
      {"GET", "/api/v1/agents/a02/presence", Need::kOwnAgent, "", {}, {}},
      {"PUT",
       "/api/v1/agents/a02/presence",
       Need::kOwnAgent,
       R"({"state":"ready"})",
       {{R"({"state":1})", "/state"}, {R"({"state":"not_ready","reason":5})", "/reason"}},
       {{R"({"state":"busy"})", "/state"},
        {R"({"state":"sleeping"})", "/state"},
        {R"({"state":"not_ready"})", "/reason"},
        {R"({"state":"not_ready","reason":"nap"})", "/reason"},
        {R"({"state":"ready","reason":"lunch"})", "/reason"}}},
      {"GET", "/api/v1/audit", Need::kAdmin, "", {}, {}},
  };
  return kRoutes;
}

// The valid body with one more member at the front.
std::string withExtraMember(const std::string& body, const std::string& member) {
  return "{" + member + (body == "{}" ? "" : ",") + body.substr(1);
}

class BadInputTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // Sanity: the database can be read next to the daemon.
    const DbSnapshot s = snapshot();
    ASSERT_TRUE(s.error.empty()) << s.error;
    ASSERT_GT(s.tables.size(), 5u);
  }

  // One request that must fail as `expect`, leaving the database as it was.
  // `early_reply`: send the body the way curl does, reading a reply that comes before
  // the body was taken (a 413 decided from Content-Length).
  void expectRejected(const std::string& method, const std::string& path, const std::string& body,
                      const std::string& token, ProblemExpectation expect, const Headers& headers = {},
                      bool early_reply = false) {
    SCOPED_TRACE(method + " " + path + (body.empty() ? "" : " " + body.substr(0, 200)));
    const DbSnapshot before = snapshot();
    const Response r = early_reply ? http().requestEarlyReply(method, path, body, token, headers)
                                   : http().request(method, path, body, token, headers);
    const bool any_field = expect.field == kAnyField;
    if (any_field) expect.field.clear();
    EXPECT_TRUE(isProblem(r, expect));
    if (any_field) {
      EXPECT_FALSE(r.str("field").empty() || r.str("field") == "<null>") << "no \"field\": " << r;
    }
    EXPECT_DB_UNCHANGED(before);
  }

  // The token that may call a route (admin can call everything).
  std::string allowedToken() const { return admin_; }
};

TEST_F(BadInputTest, NoTokenIs401OnEveryProtectedRoute) {
  for (const auto& r : routes()) {
    if (r.need == Need::kPublic) continue;
    expectRejected(r.method, r.path, r.valid_body, "", {.status = 401, .detail_contains = "log in"});
    const Response again = http().request(r.method, r.path, r.valid_body);
    EXPECT_FALSE(again.header("WWW-Authenticate").empty()) << again;
  }
}

TEST_F(BadInputTest, GarbageTokenIs401OnEveryProtectedRoute) {
  for (const auto& r : routes()) {
    if (r.need == Need::kPublic) continue;
    expectRejected(r.method, r.path, r.valid_body, "garbage", {.status = 401});
    expectRejected(r.method, r.path, r.valid_body, std::string(43, 'x'), {.status = 401});
    expectRejected(r.method, r.path, r.valid_body, "", {.status = 401},
                   {{"Authorization", "Basic YWRtaW46c2VjcmV0"}});
    expectRejected(r.method, r.path, r.valid_body, "", {.status = 401},
                   {{"Cookie", "outpost_session=garbage"}});
  }
}

TEST_F(BadInputTest, LoggedOutTokenIs401OnEveryProtectedRoute) {
  const std::string old_admin = loginDemo(http(), daemon_, "admin");
  ASSERT_FALSE(old_admin.empty());
  ASSERT_TRUE(hasStatus(http().post("/api/v1/auth/logout", "", old_admin), 204));
  for (const auto& r : routes()) {
    if (r.need == Need::kPublic) continue;
    expectRejected(r.method, r.path, r.valid_body, old_admin,
                   {.status = 401, .detail_contains = "log in again"});
  }
}

TEST_F(BadInputTest, WrongRoleIs403) {
  int checked = 0;
  for (const auto& r : routes()) {
    if (r.need == Need::kOwnAgent || r.need == Need::kSupervisor || r.need == Need::kAdmin) {
      expectRejected(r.method, r.path, r.valid_body, agent_, {.status = 403});
      ++checked;
    }
    if (r.need == Need::kAdmin) {
      expectRejected(r.method, r.path, r.valid_body, supervisor_,
                     {.status = 403, .detail_contains = "admin"});
      ++checked;
    }
  }
  EXPECT_GT(checked, 40);
}

TEST_F(BadInputTest, MalformedJsonIs400OnEveryRouteWithABody) {
  const std::vector<std::string> malformed = {
      R"({"code":)",        "not json", R"({"a":1,})", R"({'single':'quotes'})", "[1,2,3]",
      R"("just a string")", "42",       "null",        R"({"a":1}{"b":2})",      "{\"zh\":\"\xff\xfe\"}",
  };
  for (const auto& r : routes()) {
    if (r.valid_body.empty()) continue;
    for (const auto& body : malformed)
      expectRejected(r.method, r.path, body, allowedToken(), {.status = 400});
    // An empty body where an object is expected.
    expectRejected(r.method, r.path, "", allowedToken(), {.status = 400, .detail_contains = "empty"});
  }
}

TEST_F(BadInputTest, WrongTypesAre400NamingTheField) {
  for (const auto& r : routes()) {
    for (const auto& c : r.wrong_types) {
      expectRejected(r.method, r.path, c.body, allowedToken(), {.status = 400, .field = c.field});
    }
  }
}

TEST_F(BadInputTest, UnknownFieldsAre400NamingTheField) {
  for (const auto& r : routes()) {
    if (r.valid_body.empty()) continue;
    expectRejected(r.method, r.path, withExtraMember(r.valid_body, R"("colour":"red")"), allowedToken(),
                   {.status = 400, .field = "/colour"});
    // Also inside a nested object.
    if (r.valid_body.find(R"("name":{)") != std::string::npos) {
      std::string body = r.valid_body;
      body.replace(body.find(R"("name":{)"), 8, R"("name":{"fr":"Nom",)");
      expectRejected(r.method, r.path, body, allowedToken(), {.status = 400, .field = "/name/fr"});
    }
  }
  // And in an array item.
  expectRejected("PATCH", "/api/v1/agents/a02", R"({"skills":[{"skill":"cards","level":2,"since":"2020"}]})",
                 allowedToken(), {.status = 400, .field = "/skills/0/since"});
}

TEST_F(BadInputTest, BadValuesAre400NamingTheProblem) {
  for (const auto& r : routes()) {
    for (const auto& c : r.bad_values) {
      expectRejected(r.method, r.path, c.body, allowedToken(), {.status = 400, .field = c.field});
    }
  }
}

TEST_F(BadInputTest, OversizedBodyIs413OnEveryRouteWithABody) {
  const std::string big = R"({"pad":")" + std::string(70000, 'x') + R"("})";
  for (const auto& r : routes()) {
    if (r.valid_body.empty()) continue;
    expectRejected(r.method, r.path, big, allowedToken(), {.status = 413, .detail_contains = "65536"}, {},
                   true);
  }
  // Without a token too: the size is checked first, nothing is read.
  expectRejected("POST", "/api/v1/skills", big, "", {.status = 413}, {}, true);
}

TEST_F(BadInputTest, BodySizeLimitIsExact) {
  // 65536 bytes is still read (and rejected for its content); one more byte is 413.
  auto bodyOf = [](size_t size) {
    const std::string head = R"({"pad":")";
    const std::string tail = R"("})";
    return head + std::string(size - head.size() - tail.size(), 'x') + tail;
  };
  expectRejected("PATCH", "/api/v1/skills/cards", bodyOf(65536), admin_, {.status = 400, .field = "/pad"});
  expectRejected("PATCH", "/api/v1/skills/cards", bodyOf(65537), admin_, {.status = 413}, {}, true);
  // A chunked body (no Content-Length) over the limit too.
  expectRejected("PATCH", "/api/v1/skills/cards", bodyOf(70000), admin_, {.status = 413},
                 {{"Transfer-Encoding", "chunked"}}, true);
}

// A client that writes the whole body before reading (as POCO's HTTPClientSession
// does) should still get its 413, not a reset connection: the daemon has to drain (or
// half-close and linger) instead of closing a socket with unread data.
TEST_F(BadInputTest, OversizedBodyReplyReachesAClientThatSendsTheWholeBody) {
  const std::string big = R"({"pad":")" + std::string(70000, 'x') + R"("})";
  for (int i = 0; i < 5; ++i) {
    const Response r = http().request("PATCH", "/api/v1/skills/cards", big, admin_);
    EXPECT_TRUE(isProblem(r, 413)) << "attempt " << i;
  }
}

TEST_F(BadInputTest, NonJsonContentTypeIs415) {
  expectRejected("POST", "/api/v1/skills", R"({"code":"new-skill","name":{"zh":"新技能","en":"New skill"}})",
                 admin_, {.status = 415}, {{"Content-Type", "text/plain"}});
  expectRejected("POST", "/api/v1/auth/login", "username=admin&password=x", "", {.status = 415},
                 {{"Content-Type", "application/x-www-form-urlencoded"}});
}

TEST_F(BadInputTest, UnknownIdsAre404) {
  const std::vector<std::pair<std::string, std::string>> missing = {
      {"/api/v1/agents/a99", R"({"team":"x"})"},
      {"/api/v1/skills/astrology", R"({"name":{"en":"x"}})"},
      {"/api/v1/queues/no-queue", R"({"sl_target_pct":50})"},
      {"/api/v1/wrapup-codes/no-code", R"({"active":false})"},
      {"/api/v1/not-ready-reasons/no-reason", R"({"name":{"en":"x"}})"},
      {"/api/v1/users/nobody", R"({"display_name":"x"})"},
  };
  for (const auto& [path, patch] : missing) {
    expectRejected("GET", path, "", admin_, {.status = 404});
    expectRejected("PATCH", path, patch, admin_, {.status = 404});
    expectRejected("DELETE", path, "", admin_, {.status = 404});
  }
  expectRejected("GET", "/api/v1/agents/a99/skills", "", admin_, {.status = 404});
  expectRejected("PUT", "/api/v1/agents/a99/skills/cards", R"({"level":1})", admin_, {.status = 404});
  expectRejected("DELETE", "/api/v1/agents/a99/skills/cards", "", admin_, {.status = 404});
  expectRejected("DELETE", "/api/v1/agents/a02/skills/english", "", admin_, {.status = 404});  // a02 lacks it
  expectRejected("GET", "/api/v1/agents/a99/presence", "", admin_, {.status = 404});
  expectRejected("PUT", "/api/v1/agents/a99/presence", R"({"state":"ready"})", admin_, {.status = 404});
  expectRejected("GET", "/api/v1/nothing-here", "", admin_, {.status = 404});
  expectRejected("GET", "/api/v1/agents/a01/nothing", "", admin_, {.status = 404});
  expectRejected("GET", "/no-such-page", "", "", {.status = 404});
}

TEST_F(BadInputTest, UnsupportedMethodOnAKnownPathIs405) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"PUT", "/api/v1/skills"},
      {"DELETE", "/api/v1/skills"},
      {"POST", "/api/v1/skills/cards"},
      {"PUT", "/api/v1/agents/a01"},
      {"DELETE", "/api/v1/site"},
      {"POST", "/api/v1/site"},
      {"POST", "/healthz"},
      {"GET", "/api/v1/auth/login"},
      {"GET", "/api/v1/auth/logout"},
      {"PATCH", "/api/v1/presence"},
      {"POST", "/api/v1/agents/a01/presence"},
      {"DELETE", "/api/v1/audit"},
      {"POST", "/api/v1/agents/a01/skills"},
  };
  for (const auto& [method, path] : cases) {
    const bool body = method == "POST" || method == "PUT" || method == "PATCH";
    expectRejected(method, path, body ? "{}" : "", admin_, {.status = 405, .detail_contains = method});
  }
}

TEST_F(BadInputTest, BadQueryParametersAre400) {
  for (const char* list : {"/api/v1/agents", "/api/v1/skills", "/api/v1/queues", "/api/v1/wrapup-codes",
                           "/api/v1/not-ready-reasons", "/api/v1/users"}) {
    const std::string path = list;
    expectRejected("GET", path + "?limit=0", "", admin_, {.status = 400, .detail_contains = "?limit"});
    expectRejected("GET", path + "?limit=201", "", admin_, {.status = 400, .detail_contains = "?limit"});
    expectRejected("GET", path + "?limit=abc", "", admin_, {.status = 400, .detail_contains = "?limit"});
    expectRejected("GET", path + "?limit=-1", "", admin_, {.status = 400, .detail_contains = "?limit"});
    expectRejected("GET", path + "?colour=red", "", admin_, {.status = 400, .detail_contains = "?colour"});
    expectRejected("GET", path + "?limit=1&limit=2", "", admin_,
                   {.status = 400, .detail_contains = "?limit"});
  }
  expectRejected("GET", "/api/v1/audit?limit=0", "", admin_, {.status = 400, .detail_contains = "?limit"});
  expectRejected("GET", "/api/v1/audit?before=0", "", admin_, {.status = 400, .detail_contains = "?before"});
  expectRejected("GET", "/api/v1/audit?before=x", "", admin_, {.status = 400, .detail_contains = "?before"});
  expectRejected("GET", "/api/v1/skills/cards?verbose=1", "", admin_,
                 {.status = 400, .detail_contains = "?verbose"});
  expectRejected("PATCH", "/api/v1/skills/cards?dry_run=1", R"({"name":{"en":"x"}})", admin_,
                 {.status = 400, .detail_contains = "?dry_run"});
}

TEST_F(BadInputTest, ValidRequestsFromTheTableSucceed) {
  // The table's valid bodies really are valid: the failures above are about the one
  // thing each case changed. (Deletes last, they remove what others use.)
  for (const auto& r : routes()) {
    if (r.method == "DELETE" || r.path == "/api/v1/auth/logout" || r.path == "/api/v1/auth/login") continue;
    const Response resp = http().request(r.method, r.path, r.valid_body, allowedToken());
    EXPECT_GE(resp.status, 200) << resp;
    EXPECT_LT(resp.status, 300) << resp;
  }
}

}  // namespace
}  // namespace outpost::itest
