// Lua rule bundles through the real outpostd: admin-only routes, install of the shipped
// demo-bank bundle, refusals with their reason, and the active bundle back after a restart.

#include <Poco/JSON/Object.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "integration/support/fixtures.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourceDir;
using outpost::source_tree::slurp;

std::string installBody(const std::string& dir, const std::string& replace_main = "") {
  Poco::JSON::Object::Ptr files = new Poco::JSON::Object;
  for (const char* f : {"manifest.json", "manifest.sig", "main.lua", "vectors.json", "flow.json"}) {
    files->set(f, slurp(dir + "/" + f));
  }
  if (!replace_main.empty()) files->set("main.lua", replace_main);
  Poco::JSON::Object body;
  body.set("files", files);
  std::stringstream ss;
  body.stringify(ss);
  return ss.str();
}

class RulesApiTest : public DemoSiteTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "plugins.trust_file=" + sourceDir() + "/plugins/lua/demo-trust.txt",
               "--set", "plugins.site=demo",
               "--set", "http.max_body_bytes=1048576",
               // demo-bank carries an IVR flow with intent nodes: the appliance needs a model.
               "--set", "ivr.training_data=" + sourceDir() + "/models/ivr/bank.train.tsv"};
    return o;
  }
  const std::string bundle_ = sourceDir() + "/plugins/lua/demo-bank";
};

TEST_F(RulesApiTest, AdminOnly) {
  EXPECT_TRUE(isProblem(http().get("/api/v1/rules", agent_), {403}));
  EXPECT_TRUE(isProblem(http().get("/api/v1/rules", supervisor_), {403}));
  EXPECT_TRUE(isProblem(http().post("/api/v1/rules/install", installBody(bundle_), supervisor_), {403}));
  EXPECT_TRUE(isProblem(http().post("/api/v1/rules/rollback", "", agent_), {403}));
  auto r = http().get("/api/v1/rules", admin_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.json->getValue<int>("api_version"), 1);
  EXPECT_TRUE(r.json->isNull("active"));
}

TEST_F(RulesApiTest, InstallRefusalsAndRestart) {
  // A file changed after signing: refused, naming the file; nothing active.
  std::string changed = slurp(bundle_ + "/main.lua");
  changed[0] = changed[0] == '-' ? '=' : '-';
  auto bad = http().post("/api/v1/rules/install", installBody(bundle_, changed), admin_);
  EXPECT_TRUE(isProblem(bad, {400, "", "SHA-256"})) << bad;
  EXPECT_TRUE(http().get("/api/v1/rules", admin_).json->isNull("active"));

  auto ok = http().post("/api/v1/rules/install", installBody(bundle_), admin_);
  ASSERT_TRUE(hasStatus(ok, 200));
  EXPECT_EQ(ok.str("id"), "demo-bank");
  EXPECT_EQ(ok.json->getValue<int>("version"), 2);

  // The same version again: refused.
  EXPECT_TRUE(isProblem(http().post("/api/v1/rules/install", installBody(bundle_), admin_), {409}));
  // No previous bundle to roll back to.
  auto rb = http().post("/api/v1/rules/rollback", "", admin_);
  EXPECT_GE(rb.status, 400);

  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);  // a new port; the session is stored
  auto after = http().get("/api/v1/rules", admin_);
  ASSERT_TRUE(hasStatus(after, 200));
  ASSERT_FALSE(after.json->isNull("active")) << after;
  EXPECT_EQ(after.json->getObject("active")->getValue<std::string>("id"), "demo-bank");
  // When and by whom it was installed, for the admin view.
  EXPECT_EQ(after.json->getObject("active")->getValue<std::string>("installed_by"), "admin");
  EXPECT_FALSE(after.json->getObject("active")->getValue<std::string>("installed_at").empty());
}

}  // namespace
}  // namespace outpost::itest
