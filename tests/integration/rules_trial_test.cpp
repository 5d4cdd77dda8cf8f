// Trial activation through the real outpostd: a bundle signed with a key made by
// outpostctl, installed over HTTP, fails on real contacts and is reverted to the
// previous one; the revert is stored, audited, and survives a restart.

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ctl/ctl_run.h"
#include "integration/support/contacts.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// outpostctl through the shared runner (ctl/ctl_run.h): its output, and its exit code in `code`.
std::string ctl(const std::string& args, int* code) {
  CtlRun r = itest::ctl(args);
  *code = r.code;
  return r.output;
}

void writeFile(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class RulesTrialTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    OUTPOST_REQUIRE_DAEMON();
    dir_ = fs::temp_directory_path() / ("outpost-trial-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    int code = -1;
    const std::string out = ctl("keys generate --id trial-key --out " + (dir_ / "keys").string(), &code);
    ASSERT_EQ(code, 0) << out;
    DemoSiteTest::SetUp();
  }
  void TearDown() override { fs::remove_all(dir_); }
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "plugins.trust_file=" + (dir_ / "keys" / "trial-key.pub").string(),
               "--set", "plugins.site=demo",
               "--set", "plugins.trial_seconds=600",
               "--set", "plugins.trial_max_error_pct=20",
               "--set", "plugins.trial_min_calls=3"};
    return o;
  }
  // A signed bundle "trial" version `version` with `lua` as main.lua; its install body.
  std::string bundle(int version, const std::string& lua, const std::string& key = "trial-key") {
    const fs::path d = dir_ / ("v" + std::to_string(version));
    fs::create_directories(d);
    writeFile(d / "main.lua", lua);
    writeFile(d / "vectors.json", R"({"vectors": []})");
    writeFile(d / "manifest.json", R"({"kind": "rules", "id": "trial", "version": )" + std::to_string(version) +
                                       R"(, "site": "demo", "api": 1, "expires": "2030-01-01T00:00:00Z",
 "hooks": )" + hooks + R"(, "sources": ["main.lua"], "config": {}, "vectors": "vectors.json", "files": []})");
    int code = -1;
    std::string out = ctl("bundle build " + d.string(), &code);
    EXPECT_EQ(code, 0) << out;
    out = ctl("bundle sign --key " + (dir_ / "keys" / (key + ".key")).string() + " --key-id " + key + " " + d.string(),
              &code);
    EXPECT_EQ(code, 0) << out;
    Poco::JSON::Object::Ptr files = new Poco::JSON::Object;
    for (const char* f : {"manifest.json", "manifest.sig", "main.lua", "vectors.json"}) files->set(f, readFile(d / f));
    Poco::JSON::Object body;
    body.set("files", files);
    std::stringstream ss;
    body.stringify(ss);
    return ss.str();
  }
  Object::Ptr rules() {
    auto r = http().get("/api/v1/rules", admin_);
    EXPECT_EQ(r.status, 200) << r;
    return r.json;
  }

  fs::path dir_;
  std::string hooks = R"(["classify_contact"])";
};

TEST_F(RulesTrialTest, AFailingBundleIsRevertedAndSaysWhy) {
  auto v1 = http().post("/api/v1/rules/install", bundle(1, "function classify_contact(c, ctx) return nil end"), admin_);
  ASSERT_TRUE(hasStatus(v1, 200));
  EXPECT_EQ(rules()->getValue<std::string>("state"), "trial");
  EXPECT_TRUE(rules()->has("trial_ends"));

  auto v2 = http().post("/api/v1/rules/install",
                        bundle(2, "function classify_contact(c, ctx) error('trial boom ' .. c.id) end"), admin_);
  ASSERT_TRUE(hasStatus(v2, 200));
  EXPECT_EQ(rules()->getValue<std::string>("state"), "trial");
  for (int i = 0; i < 3; ++i) {
    const Response r = http().post("/api/v1/contacts", contactBody("c-trial-" + std::to_string(i)), supervisor_);
    ASSERT_EQ(r.status, 201) << r;  // the built-in behaviour decided
  }
  ASSERT_TRUE(eventually([&] { return rules()->getValue<std::string>("state") == "reverted"; }, 10s)) << rules();
  auto s = rules();
  EXPECT_NE(s->getValue<std::string>("reason").find("trial v2 failed its trial: 3 errors"), std::string::npos) << s;
  EXPECT_EQ(s->getObject("reverted")->getValue<int>("version"), 2);
  EXPECT_EQ(s->getObject("active")->getValue<int>("version"), 1);
  EXPECT_EQ(s->getObject("previous")->getValue<int>("version"), 2);

  const DbRows audit = queryDb(daemon_.dbPath(), "SELECT actor FROM audit WHERE action = 'trial_revert'");
  ASSERT_TRUE(audit.error.empty()) << audit.error;
  ASSERT_EQ(audit.rows.size(), 1u);
  EXPECT_EQ(audit.rows[0][0], "outpostd");

  // Stored: v1 is active after a restart.
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  s = rules();
  EXPECT_EQ(s->getValue<std::string>("state"), "active");
  EXPECT_EQ(s->getObject("active")->getValue<int>("version"), 1);
}

// outpostctl bundle install|list|rollback against the running appliance, admin login.
TEST_F(RulesTrialTest, OutpostctlInstallListRollback) {
  bundle(1, "function classify_contact(c, ctx) return nil end");
  bundle(2, "function classify_contact(c, ctx) return {priority = 60} end");
  const std::string pw = (dir_ / "pw").string();
  writeFile(pw, daemon_.password("admin") + "\n");
  const std::string remote = " --url " + daemon_.baseUrl() + " --password-file " + pw + " ";
  int code = -1;
  std::string out = ctl("bundle install" + remote + (dir_ / "v1").string(), &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("installed trial v1"), std::string::npos) << out;
  out = ctl("bundle install" + remote + (dir_ / "v2").string(), &code);
  ASSERT_EQ(code, 0) << out;
  // The same version again: refused with the appliance's reason.
  out = ctl("bundle install" + remote + (dir_ / "v2").string(), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("not above the active version 2"), std::string::npos) << out;

  out = ctl("bundle list" + remote, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("state:    trial"), std::string::npos) << out;
  EXPECT_NE(out.find("active:   trial v2"), std::string::npos) << out;
  EXPECT_NE(out.find("previous: trial v1"), std::string::npos) << out;

  out = ctl("bundle rollback" + remote, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("rolled back; active: trial v1"), std::string::npos) << out;
  auto s = rules();
  EXPECT_EQ(s->getObject("active")->getValue<int>("version"), 1);
  const DbRows audit = queryDb(daemon_.dbPath(), "SELECT action FROM audit WHERE entity = 'rule_bundle' ORDER BY id");
  ASSERT_EQ(audit.rows.size(), 3u);
  EXPECT_EQ(audit.rows[2][0], "rollback");
  out = ctl("bundle list --json" + remote, &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find(R"("state":"active")"), std::string::npos) << out;

  // A wrong password, a non-admin, plain HTTP to another host: refused, saying why.
  writeFile(pw, "wrong\n");
  out = ctl("bundle list" + remote, &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("login"), std::string::npos) << out;
  writeFile(pw, daemon_.password("supervisor") + "\n");
  out = ctl("bundle list --user supervisor" + remote, &code);
  EXPECT_EQ(code, 1) << out;
  out = ctl("bundle list --url http://192.0.2.1:8080 --password-file " + pw, &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("loopback"), std::string::npos) << out;
}

// Key rotation: a key set signed by the trusted key, made and installed with
// outpostctl; bundles signed by the old key are refused after it, the new key's are
// accepted, and both the rotation and the bundles installed before it survive a restart.
TEST_F(RulesTrialTest, KeyRotation) {
  ASSERT_TRUE(hasStatus(
      http().post("/api/v1/rules/install", bundle(1, "function classify_contact(c, ctx) return nil end"), admin_), 200));
  const fs::path keys = dir_ / "keys";
  int code = -1;
  std::string out = ctl("keys generate --id new-key --out " + keys.string(), &code);
  ASSERT_EQ(code, 0) << out;
  out = ctl("keys generate --id rogue --out " + keys.string(), &code);
  ASSERT_EQ(code, 0) << out;
  const std::string pw = (dir_ / "pw").string();
  writeFile(pw, daemon_.password("admin") + "\n");
  const std::string remote = " --url " + daemon_.baseUrl() + " --password-file " + pw + " ";

  // Signed by a key the appliance does not trust: refused.
  out = ctl("keys rotate --key " + (keys / "rogue.key").string() + " --version 1 --out " + (dir_ / "ks-rogue").string() +
                " " + (keys / "rogue.pub").string(),
            &code);
  ASSERT_EQ(code, 0) << out;
  out = ctl("keys install" + remote + (dir_ / "ks-rogue").string(), &code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("rogue"), std::string::npos) << out;

  out = ctl("keys rotate --key " + (keys / "trial-key.key").string() + " --version 1 --out " + (dir_ / "ks1").string() +
                " " + (keys / "new-key.pub").string(),
            &code);
  ASSERT_EQ(code, 0) << out;
  out = ctl("keys install" + remote + (dir_ / "ks1").string(), &code);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("key set v1 trusted (signed by trial-key): new-key"), std::string::npos) << out;
  // Replayed: refused (version not above).
  out = ctl("keys install" + remote + (dir_ / "ks1").string(), &code);
  EXPECT_EQ(code, 1) << out;

  // The old key no longer signs bundles; the new one does.
  auto old_key = http().post("/api/v1/rules/install", bundle(2, "function classify_contact() return nil end"), admin_);
  EXPECT_TRUE(isProblem(old_key, {403, "", "trial-key"})) << old_key;
  auto new_key =
      http().post("/api/v1/rules/install", bundle(3, "function classify_contact() return nil end", "new-key"), admin_);
  ASSERT_TRUE(hasStatus(new_key, 200));
  auto s = rules();
  EXPECT_EQ(s->getObject("keys")->getValue<int>("version"), 1);

  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  s = rules();
  EXPECT_EQ(s->getObject("keys")->getValue<int>("version"), 1);
  ASSERT_FALSE(s->isNull("active")) << s;
  EXPECT_EQ(s->getObject("active")->getValue<int>("version"), 3);
  ASSERT_FALSE(s->isNull("previous")) << s;
  EXPECT_EQ(s->getObject("previous")->getValue<int>("version"), 1);  // signed by the old key, kept
  const DbRows audit = queryDb(daemon_.dbPath(), "SELECT actor FROM audit WHERE action = 'rotate_keys'");
  EXPECT_EQ(audit.rows.size(), 1u);
}

// on_event through the daemon: committed lifecycle events reach the rules on the
// engine loop (a rule that fails on them is counted like any other).
TEST_F(RulesTrialTest, OnEventRunsForLifecycleEvents) {
  hooks = R"(["classify_contact", "on_event"])";
  ASSERT_TRUE(hasStatus(http().post("/api/v1/rules/install",
                                    bundle(1, "function classify_contact() return nil end\n"
                                              "function on_event(e, ctx) error('saw ' .. e.type) end"),
                                    admin_),
                        200));
  ASSERT_EQ(http().post("/api/v1/contacts", contactBody("c-ev-1"), supervisor_).status, 201);
  const Response ab = http().post("/api/v1/contacts/c-ev-1/abandon", "", supervisor_);
  ASSERT_LT(ab.status, 300) << ab;
  ASSERT_TRUE(eventually(
      [&] {
        auto a = objField(rules(), "active");
        return a && intField(objField(a, "counters"), "errors") >= 1;
      },
      10s))
      << rules();
}

// on_event points count with the agent's learning points (the progress API), stored in
// SQLite; points for an agent the site does not have are ignored.
TEST_F(RulesTrialTest, OnEventPointsReachTheAgentsProgress) {
  hooks = R"(["classify_contact", "on_event"])";
  ASSERT_TRUE(hasStatus(http().post("/api/v1/rules/install",
                                    bundle(1, "function classify_contact() return nil end\n"
                                              "function on_event(e, ctx)\n"
                                              "  if e.type == 'abandoned' then\n"
                                              "    return {{kind = 'points', agent = 'a01', points = 7, reason = 'cover'},\n"
                                              "            {kind = 'points', agent = 'nobody', points = 5}}\n"
                                              "  end\n"
                                              "end"),
                                    admin_),
                        200));
  const Response before = http().get("/api/v1/learning/agents/a01/progress", agent_);
  ASSERT_EQ(before.status, 200) << before;
  const int points = intField(before.json, "points");
  ASSERT_EQ(http().post("/api/v1/contacts", contactBody("c-pts-1"), supervisor_).status, 201);
  ASSERT_LT(http().post("/api/v1/contacts/c-pts-1/abandon", "", supervisor_).status, 300);
  ASSERT_TRUE(eventually(
      [&] { return intField(http().get("/api/v1/learning/agents/a01/progress", agent_).json, "points") == points + 7; },
      10s))
      << http().get("/api/v1/learning/agents/a01/progress", agent_);
  const DbRows rows = queryDb(daemon_.dbPath(), "SELECT agent_id, points, reason, bundle, event FROM rule_points");
  ASSERT_EQ(rows.rows.size(), 1u) << "the unknown agent's points are not stored";
  EXPECT_EQ(rows.rows[0], (std::vector<std::string>{"a01", "7", "cover", "trial v1", "abandoned"}));
}

// outpostctl over HTTPS: the appliance's self-signed certificate given with --ca is
// verified; without it the connection is refused.
TEST(RulesCtlTls, ListOverHttpsWithTheSitesCertificate) {
  OUTPOST_REQUIRE_DAEMON();
  if (!fs::exists("/usr/bin/openssl")) GTEST_SKIP() << "no openssl command to make a test certificate";
  const fs::path dir = fs::temp_directory_path() / ("outpost-ctl-tls-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string cmd = "/usr/bin/openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -addext "
                          "subjectAltName=IP:127.0.0.1,DNS:localhost -days 1 -keyout " +
                          key + " -out " + cert + " > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  Daemon daemon;
  ASSERT_TRUE(daemon.start(DaemonOptions{.extra = {"--set", "http.tls.cert=" + cert, "--set", "http.tls.key=" + key}}));
  const std::string pw = (dir / "pw").string();
  writeFile(pw, daemon.password("admin") + "\n");
  const std::string url = daemon.baseUrl();
  ASSERT_EQ(url.rfind("https://", 0), 0u) << url;
  int code = -1;
  std::string out = ctl("bundle list --url " + url + " --ca " + cert + " --password-file " + pw, &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("state:    none"), std::string::npos) << out;
  out = ctl("bundle list --url " + url + " --password-file " + pw, &code);  // the system's CAs do not know it
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("cannot reach the appliance"), std::string::npos) << out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace outpost::itest
