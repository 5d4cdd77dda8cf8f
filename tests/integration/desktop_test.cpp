// What outpostd adds for the agent desktop, through the real daemon: the built app
// served from http.static_dir (types, cache headers, app routes, no way out of the
// folder, the API untouched), and "my day" (GET /api/v1/agents/{id}/day): roles, bad
// input, and the figures after a contact's whole life.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "integration/support/contacts.h"

namespace outpost::itest {
namespace {

namespace fs = std::filesystem;

// A built app in the daemon's data folder's sibling: index.html and one asset.
std::string writeApp(const std::string& data_dir) {
  const fs::path root = fs::path(data_dir).parent_path() / (fs::path(data_dir).filename().string() + "-app");
  fs::create_directories(root / "assets");
  std::ofstream(root / "index.html") << "<!doctype html><title>desk</title>";
  std::ofstream(root / "assets" / "app-1a2b.js") << "console.log('desk')";
  std::ofstream(fs::path(root).parent_path() / "secret.txt") << "secret";
  return root.string();
}

class DesktopServingTest : public DemoSiteTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "http.static_dir=" + writeApp(daemon_.dataDir())};
    return o;
  }
};

TEST_F(DesktopServingTest, ServesTheAppAndLeavesTheApiAlone) {
  const Response index = http().get("/");
  ASSERT_EQ(index.status, 200) << index;
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><title>desk</title>");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  EXPECT_FALSE(index.header("Content-Security-Policy").empty());
  for (const char* route : {"/agent", "/supervisor", "/admin"}) {
    const Response r = http().get(route);
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, index.body) << route;
  }
  const Response js = http().get("/assets/app-1a2b.js");
  ASSERT_EQ(js.status, 200) << js;
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js.header("X-Content-Type-Options"), "nosniff");

  for (const char* bad : {"/assets/gone.js", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/.hidden"}) {
    const Response r = http().get(bad);
    EXPECT_EQ(r.status, 404) << r;
    EXPECT_EQ(r.body.find("secret\n"), std::string::npos) << r;
    EXPECT_NE(r.body.find("\"status\":404"), std::string::npos) << r;
  }
  // The API keeps its own answers: an unknown API path is a problem, not the app.
  const Response api = http().get("/api/v1/nothing-here", agent_);
  EXPECT_EQ(api.status, 404) << api;
  EXPECT_EQ(api.content_type.rfind("application/problem+json", 0), 0u) << api;
  EXPECT_EQ(http().get("/healthz").status, 200);
  // Only GET is served from the folder.
  EXPECT_NE(http().post("/agent", "{}").status, 200);
}

TEST(DesktopConfigTest, AStaticDirWithoutIndexFailsStartUp) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon daemon;
  const std::string empty = daemon.dataDir() + "-empty-app";
  fs::create_directories(empty);
  const ProcessResult r = daemon.runToExit(
      {"--data-dir", daemon.dataDir(), "--listen", "127.0.0.1:0", "--set", "http.static_dir=" + empty});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE(r.err.find("http.static_dir"), std::string::npos) << r.describe();
  EXPECT_NE(r.err.find("has no index.html"), std::string::npos) << r.describe();
  fs::remove_all(empty);
}

class MyDayTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(logins_.loginAll(http(), daemon_));
  }
  DemoLogins logins_;
};

TEST_F(MyDayTest, RolesAndBadInput) {
  const Response own = http().get("/api/v1/agents/a01/day", agent_);
  ASSERT_EQ(own.status, 200) << own;
  EXPECT_EQ(own.str("agent_id"), "a01");
  EXPECT_EQ(intField(own.json, "handled"), 0);
  EXPECT_FALSE(own.str("since").empty());
  EXPECT_EQ(http().get("/api/v1/agents/a02/day", agent_).status, 403);
  EXPECT_EQ(http().get("/api/v1/agents/a02/day", supervisor_).status, 200);
  EXPECT_EQ(http().get("/api/v1/agents/a99/day", supervisor_).status, 404);
  EXPECT_EQ(http().get("/api/v1/agents/a01/day").status, 401);
  for (const char* q : {"?since_ms=abc", "?since_ms=-5", "?since_ms=99999999999999", "?since_ms=", "?since=1"}) {
    const Response r = http().get(std::string("/api/v1/agents/a01/day") + q, agent_);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_NE(r.body.find("since"), std::string::npos) << r;
  }
  EXPECT_EQ(http().get("/api/v1/agents/a01/day?since_ms=0", agent_).status, 200);
}

TEST_F(MyDayTest, CountsCompletedContacts) {
  ASSERT_TRUE(setPresence(http(), logins_, "a07", "ready"));
  const auto post = [&](const std::string& id) {
    const Response r = http().post("/api/v1/contacts", contactBody(id), logins_["supervisor"]);
    ASSERT_EQ(r.status, 201) << r;
  };
  const auto handle = [&](const std::string& id, bool fcr, int handled_before) {
    ASSERT_TRUE(waitContactState(http(), logins_, id, "offered", "a07"));
    const std::string base = "/api/v1/contacts/" + id;
    ASSERT_EQ(http().post(base + "/accept", "", logins_["a07"]).status, 204);
    const std::string wrap = std::string(R"({"code":"resolved","resolved":true,"first_contact_resolution":)") +
                             (fcr ? "true" : "false") + R"(,"notes":"ok"})";
    ASSERT_EQ(http().post(base + "/complete", wrap, logins_["a07"]).status, 204);
    // Wrap-up still open: not counted yet.
    const Response mid = http().get("/api/v1/agents/a07/day", logins_["a07"]);
    ASSERT_EQ(mid.status, 200) << mid;
    EXPECT_EQ(intField(mid.json, "handled"), handled_before) << mid;
    ASSERT_EQ(http().post(base + "/end-wrap-up", "", logins_["a07"]).status, 204);
  };
  post("c-day-1");
  handle("c-day-1", true, 0);
  Response day = http().get("/api/v1/agents/a07/day", logins_["a07"]);
  ASSERT_EQ(day.status, 200) << day;
  EXPECT_EQ(intField(day.json, "handled"), 1) << day;
  EXPECT_EQ(intField(day.json, "first_contact_resolved"), 1) << day;
  post("c-day-2");
  handle("c-day-2", false, 1);
  day = http().get("/api/v1/agents/a07/day", logins_["a07"]);
  EXPECT_EQ(intField(day.json, "handled"), 2) << day;
  EXPECT_EQ(intField(day.json, "resolved"), 2) << day;
  EXPECT_EQ(intField(day.json, "first_contact_resolved"), 1) << day;
  ASSERT_TRUE(day.json && day.json->has("fcr_rate"));
  EXPECT_DOUBLE_EQ(day.json->getValue<double>("fcr_rate"), 0.5);
  EXPECT_GE(day.json->getValue<double>("average_handling_s"), 0.0);
  // Other agents' days are untouched.
  EXPECT_EQ(intField(http().get("/api/v1/agents/a01/day", agent_).json, "handled"), 0);
}

TEST_F(MyDayTest, EarlierContactsOfTheSameCustomer) {
  ASSERT_TRUE(setPresence(http(), logins_, "a07", "ready"));
  const auto post = [&](const std::string& id, const std::string& attributes) {
    std::string body = contactBody(id);
    const auto at = body.find(R"("attributes":{)");
    ASSERT_NE(at, std::string::npos);
    const auto end = body.find('}', at);
    body.replace(at, end - at + 1, R"("attributes":)" + attributes);
    const Response r = http().post("/api/v1/contacts", body, logins_["supervisor"]);
    ASSERT_EQ(r.status, 201) << r;
  };
  post("c-old-1", R"({"ani":"+8613800000001"})");
  ASSERT_TRUE(waitContactState(http(), logins_, "c-old-1", "offered", "a07"));
  ASSERT_EQ(http().post("/api/v1/contacts/c-old-1/accept", "", logins_["a07"]).status, 204);
  ASSERT_EQ(http().post("/api/v1/contacts/c-old-1/complete", R"({"code":"callback","notes":""})", logins_["a07"]).status,
            204);
  ASSERT_EQ(http().post("/api/v1/contacts/c-old-1/end-wrap-up", "", logins_["a07"]).status, 204);
  post("c-other", R"({"ani":"+8613800000002"})");
  post("c-new", R"({"ani":"+8613800000001"})");
  post("c-anon", R"({})");

  const Response r = http().get("/api/v1/contacts/c-new/earlier", logins_["supervisor"]);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.str("matched_on"), "ani");
  auto items = r.array("items");
  ASSERT_TRUE(items);
  ASSERT_EQ(items->size(), 1u) << r;
  auto first = items->getObject(0);
  EXPECT_EQ(strField(first, "id"), "c-old-1");
  EXPECT_EQ(strField(first, "state"), "completed");
  EXPECT_EQ(strField(first, "agent_id"), "a07");
  EXPECT_EQ(strField(objField(first, "wrap_up"), "code"), "callback");

  const Response anon = http().get("/api/v1/contacts/c-anon/earlier", logins_["supervisor"]);
  ASSERT_EQ(anon.status, 200) << anon;
  EXPECT_EQ(anon.str("matched_on"), "<null>");
  EXPECT_EQ(anon.array("items")->size(), 0u);
  // Agents see only their own contacts' history; others answer as if missing.
  EXPECT_EQ(http().get("/api/v1/contacts/c-new/earlier", agent_).status, 404);
  EXPECT_EQ(http().get("/api/v1/contacts/nope/earlier", logins_["supervisor"]).status, 404);
  EXPECT_EQ(http().get("/api/v1/contacts/c-new/earlier?x=1", logins_["supervisor"]).status, 400);
}

}  // namespace
}  // namespace outpost::itest
