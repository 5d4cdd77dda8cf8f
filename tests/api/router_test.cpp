#include "api/router.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

namespace outpost::api {
namespace {

using Poco::JSON::Object;
using site::Role;

Object::Ptr bodyOf(const Reply& reply) {
  Poco::JSON::Parser parser;
  return parser.parse(reply.body).extract<Object::Ptr>();
}

std::string headerOf(const Reply& reply, const std::string& name) {
  for (const auto& [k, v] : reply.headers) {
    if (k == name) return v;
  }
  return {};
}

Reply okReply(const std::string& text) {
  Object::Ptr o = new Object;
  o->set("text", text);
  return Reply::json(200, o);
}

// A router with a fixed token table and handlers that echo what they saw.
class RouterTest : public testing::Test {
 protected:
  void SetUp() override {
    tokens["t-agent"] = Principal{"agent01", Role::kAgent, std::string("a01"), "王芳", "d-agent"};
    tokens["t-super"] = Principal{"supervisor", Role::kSupervisor, std::nullopt, "主管", "d-super"};
    tokens["t-admin"] = Principal{"admin", Role::kAdmin, std::nullopt, "管理员", "d-admin"};
    router.setAuthenticator([this](const std::string& token) -> Result<Principal> {
      ++auth_calls;
      auto it = tokens.find(token);
      if (it == tokens.end()) return Status::unauthenticated("the session has expired; log in again");
      return it->second;
    });
    auto echo = [this](Request& req) -> Result<Reply> {
      seen = req;
      std::string text = req.method + " " + req.path;
      for (const auto& [k, v] : req.params) text += " " + k + "=" + v;
      return okReply(text);
    };
    router.add("GET", "/api/v1/healthz", Access::kPublic, echo);
    router.add("GET", "/api/v1/agents", Access::kAgent, echo);
    router.add("POST", "/api/v1/agents", Access::kAdmin, echo);
    router.add("GET", "/api/v1/agents/me", Access::kAgent, echo);  // before {id}: wins
    router.add("GET", "/api/v1/agents/{id}", Access::kAgent, echo);
    router.add("PATCH", "/api/v1/agents/{id}", Access::kAdmin, echo);
    router.add("PUT", "/api/v1/agents/{id}/skills/{skill}", Access::kAdmin, echo);
    router.add("PUT", "/api/v1/presence/{agent_id}", Access::kSupervisor, echo);
    router.add("GET", "/api/v1/boom", Access::kPublic,
               [](Request&) -> Result<Reply> { throw std::runtime_error("boom"); });
    router.add("GET", "/api/v1/fail", Access::kPublic, [](Request&) -> Result<Reply> {
      return Status::invalidArgument("must be between 1 and 5", "/skills/1/level");
    });
    router.add("GET", "/api/v1/conflict", Access::kPublic,
               [](Request&) -> Result<Reply> { return Status::conflict("agent \"a01\" is busy"); });
    router.add("GET", "/api/v1/config", Access::kPublic, [](Request&) -> Result<Reply> {
      return Status::invalidArgument("bad value", "outpost.conf:3");
    });
    router.add("DELETE", "/api/v1/empty", Access::kPublic,
               [](Request&) -> Result<Reply> { return Reply::noContent(); });
  }

  Reply call(const std::string& method, const std::string& path, const std::string& token = "") {
    Request req;
    req.method = method;
    req.path = path;
    last = router.dispatch(req, token);
    last_request = req;
    return last;
  }

  void expectProblemReply(const Reply& r, int status, const std::string& title, const std::string& type) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto b = bodyOf(r);
    EXPECT_EQ(b->getValue<std::string>("type"), type);
    EXPECT_EQ(b->getValue<std::string>("title"), title);
    EXPECT_EQ(b->getValue<int>("status"), status);
    EXPECT_TRUE(b->has("detail"));
    EXPECT_TRUE(b->has("instance"));
  }

  Router router;
  std::map<std::string, Principal> tokens;
  int auth_calls = 0;
  Request seen;
  Request last_request;
  Reply last;
};

// --- matching -------------------------------------------------------------------------

TEST_F(RouterTest, MatchesLiteralRoutes) {
  const Reply r = call("GET", "/api/v1/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("text"), "GET /api/v1/healthz");
}

TEST_F(RouterTest, ExtractsParams) {
  const Reply r = call("PUT", "/api/v1/agents/a01/skills/cards", "t-admin");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(seen.params.at("id"), "a01");
  EXPECT_EQ(seen.params.at("skill"), "cards");
  EXPECT_EQ(seen.params.size(), 2u);
}

TEST_F(RouterTest, ParamsAreUrlDecoded) {
  ASSERT_EQ(call("GET", "/api/v1/agents/a%2D01", "t-agent").status, 200);
  EXPECT_EQ(seen.params.at("id"), "a-01");
  ASSERT_EQ(call("GET", "/api/v1/agents/%E7%8E%8B%E8%8A%B3", "t-agent").status, 200);
  EXPECT_EQ(seen.params.at("id"), "王芳");
  ASSERT_EQ(call("GET", "/api/v1/agents/a%2Fb", "t-agent").status, 200)
      << "an encoded slash stays in the segment";
  EXPECT_EQ(seen.params.at("id"), "a/b");
  ASSERT_EQ(call("GET", "/api/v1/agents/a%20b", "t-agent").status, 200);
  EXPECT_EQ(seen.params.at("id"), "a b");
}

TEST_F(RouterTest, FirstMatchingRouteWins) {
  ASSERT_EQ(call("GET", "/api/v1/agents/me", "t-agent").status, 200);
  EXPECT_TRUE(seen.params.empty()) << "the literal route was added first";
  EXPECT_EQ(bodyOf(last)->getValue<std::string>("text"), "GET /api/v1/agents/me");
}

TEST_F(RouterTest, UnknownPathIs404) {
  for (const char* path :
       {"/api/v1/nothing", "/api/v2/agents", "/api/v1/agents/a01/extra", "/", "/api/v1/agents/",
        "/api/v1/agents/a01/skills/", "/api/v1//agents", "/API/V1/AGENTS"}) {
    const Reply r = call("GET", path, "t-admin");
    expectProblemReply(r, 404, "Not found", "about:blank");
    EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), std::string("no API route ") + path);
    EXPECT_EQ(bodyOf(r)->getValue<std::string>("instance"), path);
  }
  EXPECT_EQ(auth_calls, 0) << "no route, no authentication";
}

TEST_F(RouterTest, EmptyParamDoesNotMatch) {
  EXPECT_EQ(call("GET", "/api/v1/agents/", "t-agent").status, 404);
  EXPECT_EQ(call("PUT", "/api/v1/agents//skills/cards", "t-admin").status, 404);
}

TEST_F(RouterTest, KnownPathWithOtherMethodIs405) {
  const Reply r = call("DELETE", "/api/v1/agents", "t-admin");
  expectProblemReply(r, 405, "Method not allowed", "about:blank");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"),
            "DELETE is not supported on /api/v1/agents; allowed: GET, POST");
  EXPECT_EQ(headerOf(r, "Allow"), "GET, POST");
  const Reply item = call("DELETE", "/api/v1/agents/a01", "t-admin");
  EXPECT_EQ(item.status, 405);
  EXPECT_EQ(headerOf(item, "Allow"), "GET, PATCH");
  EXPECT_EQ(call("POST", "/api/v1/healthz").status, 405);
  EXPECT_EQ(call("get", "/api/v1/healthz").status, 405) << "methods are case-sensitive";
  EXPECT_EQ(auth_calls, 0);
}

TEST_F(RouterTest, MethodIsMatchedAcrossRoutesWithTheSamePath) {
  EXPECT_EQ(call("GET", "/api/v1/agents", "t-agent").status, 200);
  EXPECT_EQ(call("POST", "/api/v1/agents", "t-admin").status, 200);
  EXPECT_EQ(call("PATCH", "/api/v1/agents/a01", "t-admin").status, 200);
}

// --- authentication and roles ----------------------------------------------------------

TEST_F(RouterTest, PublicRouteNeedsNoToken) {
  EXPECT_EQ(call("GET", "/api/v1/healthz").status, 200);
  EXPECT_FALSE(seen.principal.has_value());
  EXPECT_EQ(auth_calls, 0);
}

TEST_F(RouterTest, PublicRouteDoesNotAuthenticateAPresentedToken) {
  EXPECT_EQ(call("GET", "/api/v1/healthz", "not-a-token").status, 200);
  EXPECT_EQ(auth_calls, 0);
  EXPECT_FALSE(seen.principal.has_value());
}

TEST_F(RouterTest, NoTokenIs401WithChallenge) {
  const Reply r = call("GET", "/api/v1/agents");
  expectProblemReply(r, 401, "Not logged in", "urn:outpost:problem:unauthenticated");
  EXPECT_EQ(headerOf(r, "WWW-Authenticate"), "Bearer realm=\"outpost\"");
  const std::string detail = bodyOf(r)->getValue<std::string>("detail");
  EXPECT_NE(detail.find("Authorization: Bearer"), std::string::npos) << detail;
  EXPECT_NE(detail.find("POST /api/v1/auth/login"), std::string::npos) << detail;
  EXPECT_FALSE(bodyOf(r)->has("field"));
  EXPECT_EQ(auth_calls, 0);
}

TEST_F(RouterTest, BadTokenIs401WithTheAuthenticatorsReason) {
  const Reply r = call("GET", "/api/v1/agents", "t-expired");
  expectProblemReply(r, 401, "Not logged in", "urn:outpost:problem:unauthenticated");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), "the session has expired; log in again");
  EXPECT_EQ(headerOf(r, "WWW-Authenticate"), "Bearer realm=\"outpost\"");
  EXPECT_EQ(auth_calls, 1);
}

TEST_F(RouterTest, NoAuthenticatorMeansNoSessions) {
  Router bare;
  bare.add("GET", "/x", Access::kAgent, [](Request&) -> Result<Reply> { return Reply::noContent(); });
  Request req;
  req.method = "GET";
  req.path = "/x";
  const Reply r = bare.dispatch(req, "anything");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), "no sessions");
}

TEST_F(RouterTest, AuthenticatedRequestCarriesThePrincipalAndToken) {
  ASSERT_EQ(call("GET", "/api/v1/agents", "t-agent").status, 200);
  ASSERT_TRUE(seen.principal.has_value());
  EXPECT_EQ(seen.principal->username, "agent01");
  EXPECT_EQ(seen.principal->role, Role::kAgent);
  EXPECT_EQ(seen.principal->agent_id, std::optional<std::string>("a01"));
  EXPECT_EQ(seen.bearer_token, "t-agent");
}

TEST_F(RouterTest, WrongRoleIs403NamingBothRoles) {
  Reply r = call("POST", "/api/v1/agents", "t-agent");
  expectProblemReply(r, 403, "Not allowed", "urn:outpost:problem:permission-denied");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"),
            "this needs the admin role; you are logged in as agent");
  EXPECT_TRUE(headerOf(r, "WWW-Authenticate").empty());

  r = call("POST", "/api/v1/agents", "t-super");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"),
            "this needs the admin role; you are logged in as supervisor");

  r = call("PUT", "/api/v1/presence/a02", "t-agent");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"),
            "this needs the supervisor role; you are logged in as agent");
}

TEST_F(RouterTest, HigherRolesMayCallLowerRoutes) {
  for (const char* token : {"t-agent", "t-super", "t-admin"})
    EXPECT_EQ(call("GET", "/api/v1/agents", token).status, 200);
  for (const char* token : {"t-super", "t-admin"})
    EXPECT_EQ(call("PUT", "/api/v1/presence/a01", token).status, 200);
  EXPECT_EQ(call("POST", "/api/v1/agents", "t-admin").status, 200);
}

// --- handler results -------------------------------------------------------------------

TEST_F(RouterTest, ThrowingHandlerIs500Problem) {
  const Reply r = call("GET", "/api/v1/boom");
  expectProblemReply(r, 500, "Internal error", "urn:outpost:problem:internal");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), "unexpected error: boom");
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("instance"), "/api/v1/boom");
}

TEST_F(RouterTest, ErrorStatusBecomesProblemWithField) {
  const Reply r = call("GET", "/api/v1/fail");
  expectProblemReply(r, 400, "Bad request", "urn:outpost:problem:invalid-argument");
  auto b = bodyOf(r);
  EXPECT_EQ(b->getValue<std::string>("detail"), "/skills/1/level: must be between 1 and 5");
  EXPECT_EQ(b->getValue<std::string>("field"), "/skills/1/level");
  EXPECT_EQ(b->getValue<std::string>("instance"), "/api/v1/fail");
  EXPECT_EQ(b->size(), 6u) << r.body;
}

TEST_F(RouterTest, NonPointerWhereIsNotAField) {
  const Reply r = call("GET", "/api/v1/config");
  EXPECT_EQ(r.status, 400);
  EXPECT_FALSE(bodyOf(r)->has("field"));
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), "outpost.conf:3: bad value");
}

TEST_F(RouterTest, ConflictHasNoField) {
  const Reply r = call("GET", "/api/v1/conflict");
  expectProblemReply(r, 409, "Conflict", "urn:outpost:problem:conflict");
  EXPECT_FALSE(bodyOf(r)->has("field"));
  EXPECT_EQ(bodyOf(r)->size(), 5u);
}

TEST_F(RouterTest, HandlerReplyPassesThrough) {
  const Reply r = call("DELETE", "/api/v1/empty");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.content_type.empty());
}

TEST_F(RouterTest, RouteTableIsKeptInOrder) {
  ASSERT_GE(router.routes().size(), 3u);
  const Route& first = router.routes()[0];
  EXPECT_EQ(first.method, "GET");
  EXPECT_EQ(first.pattern, "/api/v1/healthz");
  EXPECT_EQ(first.access, Access::kPublic);
  EXPECT_EQ(first.segments, (std::vector<std::string>{"api", "v1", "healthz"}));
  EXPECT_EQ(router.routes()[6].segments,
            (std::vector<std::string>{"api", "v1", "agents", "{id}", "skills", "{skill}"}));
}

// --- status mapping ----------------------------------------------------------------------

TEST(HttpStatusTest, EveryStatusCodeHasAnHttpStatus) {
  const std::vector<std::pair<StatusCode, int>> cases = {
      {StatusCode::kOk, 200},
      {StatusCode::kInvalidArgument, 400},
      {StatusCode::kNotFound, 404},
      {StatusCode::kAlreadyExists, 409},
      {StatusCode::kConflict, 409},
      {StatusCode::kFailedPrecondition, 422},
      {StatusCode::kUnauthenticated, 401},
      {StatusCode::kPermissionDenied, 403},
      {StatusCode::kResourceExhausted, 429},
      {StatusCode::kUnavailable, 503},
      {StatusCode::kDataLoss, 500},
      {StatusCode::kInternal, 500},
  };
  for (const auto& [code, http] : cases) {
    EXPECT_EQ(httpStatusFor(Status(code, "x")), http) << statusCodeName(code);
  }
  EXPECT_EQ(httpStatusFor(Status::ok()), 200);
}

TEST(ProblemTest, EveryErrorCodeHasTypeAndTitle) {
  struct Case {
    StatusCode code;
    int http;
    const char* slug;
    const char* title;
  };
  const std::vector<Case> cases = {
      {StatusCode::kInvalidArgument, 400, "invalid-argument", "Bad request"},
      {StatusCode::kNotFound, 404, "not-found", "Not found"},
      {StatusCode::kAlreadyExists, 409, "already-exists", "Conflict"},
      {StatusCode::kConflict, 409, "conflict", "Conflict"},
      {StatusCode::kFailedPrecondition, 422, "failed-precondition", "Cannot be processed"},
      {StatusCode::kUnauthenticated, 401, "unauthenticated", "Not logged in"},
      {StatusCode::kPermissionDenied, 403, "permission-denied", "Not allowed"},
      {StatusCode::kResourceExhausted, 429, "resource-exhausted", "Too many requests"},
      {StatusCode::kUnavailable, 503, "unavailable", "Service unavailable"},
      {StatusCode::kDataLoss, 500, "data-loss", "Internal error"},
      {StatusCode::kInternal, 500, "internal", "Internal error"},
  };
  for (const auto& c : cases) {
    const Reply r = problem(Status(c.code, "what happened", "/field/0"), "/api/v1/x");
    EXPECT_EQ(r.status, c.http) << c.slug;
    EXPECT_EQ(r.content_type, "application/problem+json");
    auto b = bodyOf(r);
    EXPECT_EQ(b->getValue<std::string>("type"), std::string("urn:outpost:problem:") + c.slug);
    EXPECT_EQ(b->getValue<std::string>("title"), c.title) << c.slug;
    EXPECT_EQ(b->getValue<int>("status"), c.http);
    EXPECT_EQ(b->getValue<std::string>("detail"), "/field/0: what happened");
    EXPECT_EQ(b->getValue<std::string>("instance"), "/api/v1/x");
    EXPECT_EQ(b->getValue<std::string>("field"), "/field/0");
    EXPECT_EQ(headerOf(r, "WWW-Authenticate").empty(), c.http != 401) << c.slug;
  }
}

TEST(ProblemTest, PlainProblemHasAboutBlankType) {
  const Reply r = problem(413, "Request body too large", "at most 65536 bytes", "/api/v1/agents");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto b = bodyOf(r);
  EXPECT_EQ(b->getValue<std::string>("type"), "about:blank");
  EXPECT_EQ(b->getValue<std::string>("title"), "Request body too large");
  EXPECT_EQ(b->getValue<int>("status"), 413);
  EXPECT_EQ(b->getValue<std::string>("detail"), "at most 65536 bytes");
  EXPECT_EQ(b->getValue<std::string>("instance"), "/api/v1/agents");
  EXPECT_FALSE(b->has("field"));
}

TEST(ProblemTest, ChineseDetailStaysUtf8) {
  const Reply r = problem(Status::notFound("没有坐席 \"王芳\""), "/api/v1/agents/%E7%8E%8B");
  EXPECT_NE(r.body.find("没有坐席"), std::string::npos) << r.body;
  EXPECT_EQ(bodyOf(r)->getValue<std::string>("detail"), "没有坐席 \"王芳\"");
}

TEST(ReplyTest, JsonAndNoContent) {
  Object::Ptr o = new Object;
  o->set("a", 1);
  const Reply r = Reply::json(201, o);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"a":1})");
  const Reply n = Reply::noContent();
  EXPECT_EQ(n.status, 204);
  EXPECT_TRUE(n.body.empty());
  EXPECT_TRUE(n.headers.empty());
}

}  // namespace
}  // namespace outpost::api
