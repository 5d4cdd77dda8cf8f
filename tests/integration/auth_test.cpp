// Login, sessions (bearer and cookie), logout, the login rate limit and disabled users.

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

using AuthTest = DemoSiteTest;

constexpr const char* kWrongLogin = "wrong username or password, or the login is disabled";

std::set<std::string> keysOf(const Poco::JSON::Object::Ptr& o) {
  std::set<std::string> keys;
  if (o) {
    for (const auto& [k, v] : *o) keys.insert(k);
  }
  return keys;
}

// The exact problem every failed login gets, whatever the reason.
void expectWrongLoginProblem(const Response& r) {
  ASSERT_TRUE(isProblem(r, ProblemExpectation{.status = 401, .field_absent = true}));
  EXPECT_EQ(keysOf(r.json), (std::set<std::string>{"type", "title", "status", "detail", "instance"})) << r;
  EXPECT_EQ(r.str("type"), "urn:outpost:problem:unauthenticated") << r;
  EXPECT_EQ(r.str("title"), "Not logged in") << r;
  EXPECT_EQ(r.str("detail"), kWrongLogin) << r;
  EXPECT_EQ(r.str("instance"), "/api/v1/auth/login") << r;
  EXPECT_TRUE(r.headersNamed("Set-Cookie").empty()) << r;
  EXPECT_FALSE(r.header("WWW-Authenticate").empty()) << "a 401 should say how to authenticate";
}

TEST_F(AuthTest, LoginReturnsTokenExpiryUserAndSessionCookie) {
  const Response r = http().loginResponse("admin", daemon_.password("admin"));
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.content_type.rfind("application/json", 0), 0u) << r;
  const std::string token = r.str("token");
  EXPECT_TRUE(std::regex_match(token, std::regex("[A-Za-z0-9_-]{43}"))) << "token: " << token;
  EXPECT_TRUE(std::regex_search(r.str("expires_at"), std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)")))
      << "expires_at: " << r.str("expires_at");
  ASSERT_TRUE(r.json->has("user")) << r;
  const auto user = r.json->getObject("user");
  EXPECT_EQ(strField(user, "username"), "admin");
  EXPECT_EQ(strField(user, "role"), "admin");
  EXPECT_EQ(r.body.find("pbkdf2"), std::string::npos) << "the reply leaks a password hash: " << r;
  EXPECT_EQ(r.body.find(daemon_.password("admin")), std::string::npos) << "the reply leaks the password";

  const auto cookies = r.headersNamed("Set-Cookie");
  ASSERT_EQ(cookies.size(), 1u) << r;
  EXPECT_EQ(cookies[0].rfind("outpost_session=" + token, 0), 0u) << cookies[0];
  EXPECT_NE(cookies[0].find("HttpOnly"), std::string::npos) << cookies[0];
  EXPECT_NE(cookies[0].find("SameSite=Strict"), std::string::npos) << cookies[0];
  EXPECT_NE(cookies[0].find("Path=/"), std::string::npos) << cookies[0];
  EXPECT_EQ(cookies[0].find("Secure"), std::string::npos)
      << "plain HTTP cannot carry a Secure cookie: " << cookies[0];

  // Both the bearer token and the cookie authenticate.
  const Response by_bearer = http().get("/api/v1/auth/me", token);
  ASSERT_TRUE(hasStatus(by_bearer, 200));
  EXPECT_EQ(by_bearer.str("username"), "admin");
  EXPECT_EQ(by_bearer.str("role"), "admin");
  EXPECT_EQ(by_bearer.str("agent_id"), "<null>") << by_bearer;
  const Response by_cookie =
      http().request("GET", "/api/v1/auth/me", "", "", {{"Cookie", "outpost_session=" + token}});
  ASSERT_TRUE(hasStatus(by_cookie, 200));
  EXPECT_EQ(by_cookie.str("username"), "admin");

  // The session is on disk (as a digest, never the token itself).
  const DbRows rows = queryDb(daemon_.dbPath(), "SELECT token_hash FROM sessions WHERE username = 'admin'");
  ASSERT_TRUE(rows.error.empty()) << rows.error;
  EXPECT_GE(rows.rows.size(), 2u);  // the fixture's login and this one
  for (const auto& row : rows.rows) EXPECT_NE(row[0], token);
}

TEST_F(AuthTest, WrongPasswordGetsExactly401Problem) {
  const DbSnapshot before = snapshot();
  expectWrongLoginProblem(http().loginResponse("agent02", "definitely-not-it"));
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(AuthTest, UnknownUserGetsTheSameAnswerAsAWrongPassword) {
  const Response wrong = http().loginResponse("agent02", "definitely-not-it");
  const Response unknown = http().loginResponse("nobody-here", "definitely-not-it");
  expectWrongLoginProblem(unknown);
  EXPECT_EQ(unknown.body, wrong.body);
}

TEST_F(AuthTest, FiveFailuresForOneUserBlockIt429) {
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE("failure " + std::to_string(i + 1));
    expectWrongLoginProblem(http().loginResponse("agent02", "wrong-password-" + std::to_string(i)));
  }
  // Now even the right password is refused, with 429.
  const Response blocked = http().loginResponse("agent02", daemon_.password("agent02"));
  EXPECT_TRUE(isProblem(blocked, 429, "", "too many failed logins"));
  EXPECT_TRUE(queryDb(daemon_.dbPath(), "SELECT 1 FROM sessions WHERE username = 'agent02'").rows.empty())
      << "a blocked login created a session";
  // Another user from the same address is not affected.
  EXPECT_TRUE(hasStatus(http().loginResponse("agent03", daemon_.password("agent03")), 200));
}

TEST_F(AuthTest, LogoutRevokesTheSessionOnly) {
  const std::string first = loginDemo(http(), daemon_, "agent02");
  const std::string second = loginDemo(http(), daemon_, "agent02");
  ASSERT_FALSE(first.empty() || second.empty());
  ASSERT_NE(first, second);

  const Response out = http().post("/api/v1/auth/logout", "", first);
  ASSERT_TRUE(hasStatus(out, 204));
  EXPECT_TRUE(out.body.empty()) << out;
  const auto cookies = out.headersNamed("Set-Cookie");
  ASSERT_EQ(cookies.size(), 1u) << out;
  EXPECT_EQ(cookies[0].rfind("outpost_session=;", 0), 0u) << cookies[0];
  EXPECT_NE(cookies[0].find("Max-Age=0"), std::string::npos) << cookies[0];

  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", first), 401, "", "log in again"));
  EXPECT_TRUE(isProblem(http().post("/api/v1/auth/logout", "", first), 401));
  // The same user's other session is untouched.
  EXPECT_TRUE(hasStatus(http().get("/api/v1/auth/me", second), 200));

  const DbRows rows =
      queryDb(daemon_.dbPath(),
              "SELECT count(*) FROM sessions WHERE username = 'agent02' AND revoked_at IS NOT NULL");
  ASSERT_TRUE(rows.error.empty()) << rows.error;
  EXPECT_EQ(rows.rows.at(0).at(0), "1");
}

TEST_F(AuthTest, MalformedAndUnknownTokensAre401) {
  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", "garbage"), 401, "", "malformed"));
  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", std::string(43, 'A')), 401, "", "unknown session"));
  EXPECT_TRUE(isProblem(
      http().request("GET", "/api/v1/auth/me", "", "", {{"Authorization", "Basic YWRtaW46eA=="}}), 401));
  EXPECT_TRUE(
      isProblem(http().request("GET", "/api/v1/auth/me", "", "", {{"Cookie", "outpost_session=nope"}}), 401));
  const Response none = http().get("/api/v1/auth/me");
  EXPECT_TRUE(isProblem(none, 401));
  EXPECT_FALSE(none.header("WWW-Authenticate").empty()) << none;
}

TEST_F(AuthTest, MeForAnAgentIncludesAgentRecordAndPresence) {
  const Response me = http().get("/api/v1/auth/me", agent_);
  ASSERT_TRUE(hasStatus(me, 200));
  EXPECT_EQ(me.str("username"), "agent01");
  EXPECT_EQ(me.str("role"), "agent");
  EXPECT_EQ(me.str("agent_id"), "a01");
  EXPECT_EQ(me.str("display_name"), "王芳");
  ASSERT_TRUE(me.json->has("agent") && me.json->has("presence")) << me;
  const auto agent = me.json->getObject("agent");
  EXPECT_EQ(strField(agent, "id"), "a01");
  EXPECT_EQ(strField(agent->getObject("name"), "zh"), "王芳");
  EXPECT_EQ(strField(agent->getObject("name"), "en"), "Wang Fang");
  EXPECT_EQ(agent->getValue<int>("tier"), 1);
  const auto presence = me.json->getObject("presence");
  EXPECT_EQ(strField(presence, "agent_id"), "a01");
  EXPECT_EQ(strField(presence, "state"), "offline");

  // After a presence change, me shows it.
  ASSERT_TRUE(hasStatus(http().put("/api/v1/agents/a01/presence", R"({"state":"ready"})", agent_), 200));
  const Response again = http().get("/api/v1/auth/me", agent_);
  ASSERT_TRUE(hasStatus(again, 200));
  EXPECT_EQ(strField(again.json->getObject("presence"), "state"), "ready") << again;

  // A supervisor has no agent record.
  const Response sup = http().get("/api/v1/auth/me", supervisor_);
  ASSERT_TRUE(hasStatus(sup, 200));
  EXPECT_EQ(sup.str("role"), "supervisor");
  EXPECT_EQ(sup.str("agent_id"), "<null>");
  EXPECT_FALSE(sup.json->has("agent")) << sup;
}

TEST_F(AuthTest, DisabledUserCannotLogInAndLosesSessions) {
  const std::string session = loginDemo(http(), daemon_, "agent05");
  ASSERT_FALSE(session.empty());
  const Response disable = http().patch("/api/v1/users/agent05", R"({"disabled":true})", admin_);
  ASSERT_TRUE(hasStatus(disable, 200));
  EXPECT_TRUE(disable.json->getValue<bool>("disabled")) << disable;

  expectWrongLoginProblem(http().loginResponse("agent05", daemon_.password("agent05")));
  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", session), 401));

  ASSERT_TRUE(hasStatus(http().patch("/api/v1/users/agent05", R"({"disabled":false})", admin_), 200));
  EXPECT_TRUE(hasStatus(http().loginResponse("agent05", daemon_.password("agent05")), 200));
}

TEST_F(AuthTest, NewPasswordEndsOldSessionsAndReplacesTheOldPassword) {
  const std::string session = loginDemo(http(), daemon_, "agent06");
  ASSERT_FALSE(session.empty());
  ASSERT_TRUE(hasStatus(
      http().patch("/api/v1/users/agent06", R"({"password":"新的密码-new-pass-42"})", admin_), 200));
  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", session), 401));
  expectWrongLoginProblem(http().loginResponse("agent06", daemon_.password("agent06")));
  EXPECT_TRUE(hasStatus(http().loginResponse("agent06", "新的密码-new-pass-42"), 200));
}

TEST_F(AuthTest, SessionsSurviveARestart) {
  ASSERT_TRUE(daemon_.restart());
  HttpClient http(daemon_);
  const Response me = http.get("/api/v1/auth/me", agent_);
  ASSERT_TRUE(hasStatus(me, 200));
  EXPECT_EQ(me.str("username"), "agent01");
}

TEST_F(AuthTest, AdminCannotDisableOrDeleteTheirOwnLogin) {
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(http().patch("/api/v1/users/admin", R"({"disabled":true})", admin_), 409));
  EXPECT_TRUE(isProblem(http().patch("/api/v1/users/admin", R"({"role":"supervisor"})", admin_), 409));
  EXPECT_TRUE(isProblem(http().del("/api/v1/users/admin", admin_), 409));
  EXPECT_DB_UNCHANGED(before);
  EXPECT_TRUE(hasStatus(http().get("/api/v1/auth/me", admin_), 200));
}

}  // namespace
}  // namespace outpost::itest
