#pragma once

// Shared pieces of the integration tests: a fixture with a running demo site and the
// usual logins, and assertions for RFC 9457 problem replies and "nothing changed".

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "integration/support/daemon.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/http.h"

namespace outpost::itest {

// The title the API uses for each error status.
inline std::string_view problemTitle(int status) {
  switch (status) {
    case 400:
      return "Bad request";
    case 401:
      return "Not logged in";
    case 403:
      return "Not allowed";
    case 404:
      return "Not found";
    case 405:
      return "Method not allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Request body too large";
    case 415:
      return "Unsupported media type";
    case 422:
      return "Cannot be processed";
    case 429:
      return "Too many requests";
    case 503:
      return "Service unavailable";
    default:
      return "Internal error";
  }
}

struct ProblemExpectation {
  int status = 400;
  std::string field;            // expected "field" member ("" = not checked)
  std::string detail_contains;  // substring of "detail" ("" = only non-empty)
  bool field_absent = false;    // the problem must have no "field"
};

// Checks an RFC 9457 problem reply: the HTTP status, Content-Type
// application/problem+json, members type/title/status/detail/instance (instance = the
// request path without its query), the title for the status, and the field/detail.
inline ::testing::AssertionResult isProblem(const Response& r, const ProblemExpectation& e) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << "\n  reply: " << r;
  };
  if (r.status != e.status) return fail("expected HTTP " + std::to_string(e.status));
  if (r.content_type.rfind("application/problem+json", 0) != 0)
    return fail("expected application/problem+json");
  if (!r.json) return fail("the body is not a JSON object");
  if (!r.json->has("status") || !r.json->get("status").isInteger() ||
      r.json->getValue<int>("status") != e.status) {
    return fail("\"status\" member is not " + std::to_string(e.status));
  }
  if (r.str("title") != problemTitle(e.status)) {
    return fail("\"title\" is not \"" + std::string(problemTitle(e.status)) + "\"");
  }
  if (r.str("type").empty() || r.str("type") == "<null>") return fail("\"type\" missing");
  const std::string detail = r.str("detail");
  if (detail.empty() || detail == "<null>") return fail("\"detail\" missing or empty");
  const std::string path = r.path.substr(0, r.path.find('?'));
  if (r.str("instance") != path) return fail("\"instance\" is not \"" + path + "\"");
  if (!e.field.empty() && r.str("field") != e.field) return fail("\"field\" is not \"" + e.field + "\"");
  if (e.field_absent && r.json->has("field")) return fail("unexpected \"field\"");
  if (!e.detail_contains.empty() && detail.find(e.detail_contains) == std::string::npos) {
    return fail("\"detail\" does not mention \"" + e.detail_contains + "\"");
  }
  return ::testing::AssertionSuccess();
}

inline ::testing::AssertionResult isProblem(const Response& r, int status, std::string field = "",
                                            std::string detail_contains = "") {
  return isProblem(r, ProblemExpectation{status, std::move(field), std::move(detail_contains)});
}

inline ::testing::AssertionResult hasStatus(const Response& r, int status) {
  if (r.status == status) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected HTTP " << status << "\n  reply: " << r;
}

// A demo site running for the test, with admin, supervisor and agent01 logged in.
class DemoSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OUTPOST_REQUIRE_DAEMON();
    ASSERT_TRUE(daemon_.start(options()));
    http_ = std::make_unique<HttpClient>(daemon_);
    admin_ = loginDemo(*http_, daemon_, "admin");
    supervisor_ = loginDemo(*http_, daemon_, "supervisor");
    agent_ = loginDemo(*http_, daemon_, "agent01");
    ASSERT_FALSE(admin_.empty() || supervisor_.empty() || agent_.empty());
  }
  virtual DaemonOptions options() const { return {}; }

  HttpClient& http() { return *http_; }
  DbSnapshot snapshot() const { return snapshotDb(daemon_.dbPath()); }

  Daemon daemon_;
  std::unique_ptr<HttpClient> http_;
  std::string admin_;
  std::string supervisor_;
  std::string agent_;  // agent01, who works as a01
};

// Asserts that the database is the same as `before`.
#define EXPECT_DB_UNCHANGED(before)                                   \
  do {                                                                \
    const std::string diff_ = diffSnapshots((before), snapshot());    \
    EXPECT_TRUE(diff_.empty()) << "the database changed:\n" << diff_; \
  } while (false)

}  // namespace outpost::itest
