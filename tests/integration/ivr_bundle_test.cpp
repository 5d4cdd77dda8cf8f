// IVR flows and Lua hooks from a signed rule bundle, through the real outpostd: the
// shipped demo-bank bundle (signed, with flow.json and ivr_action) installed over
// HTTP replaces the configured flow for new sessions while a session in progress
// finishes on the flow it started with; its hook takes key 8 and fraud reports;
// rollback restores the configured flow; after a restart the bundle's flow is back.

#include <Poco/JSON/Object.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "integration/support/contacts.h"
#include "integration/support/db_snapshot.h"
#include "integration/support/fixtures.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourcePath;
using outpost::source_tree::slurp;

// The install request of a signed bundle folder: every regular file in it.
std::string installBody(const std::string& dir) {
  Poco::JSON::Object::Ptr files = new Poco::JSON::Object;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files->set(entry.path().filename().string(), slurp(entry.path().string()));
  }
  Poco::JSON::Object body;
  body.set("files", files);
  std::stringstream ss;
  body.stringify(ss);
  return ss.str();
}

namespace fs = std::filesystem;

// A throw-away key, trusted next to the demo key, signs a copy of the shipped
// `default` bundle (no flow): the bundle to roll back to.
const fs::path& scratch() {
  static const fs::path dir = fs::temp_directory_path() / ("outpost-ivr-bundle-" + std::to_string(::getpid()));
  return dir;
}

class IvrBundleTest : public DemoSiteTest {
 public:
  static void SetUpTestSuite() {
    fs::remove_all(scratch());
    fs::create_directories(scratch());
    const std::string ctl = OUTPOSTCTL_PATH;
    const std::string d = scratch().string();
    fs::copy(sourcePath("plugins/lua/default"), scratch() / "default", fs::copy_options::recursive);
    const std::string cmd = ctl + " keygen --id itest-rules --out " + d + "/keys >/dev/null && " + ctl +
                            " bundle build " + d + "/default >/dev/null && " + ctl + " bundle sign --key " + d +
                            "/keys/itest-rules.key " + d + "/default >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    // demo-bank with a menu option pointing nowhere, signed with the same key.
    fs::copy(sourcePath("plugins/lua/demo-bank"), scratch() / "broken", fs::copy_options::recursive);
    std::string flow = slurp(d + "/broken/flow.json");
    const std::string good = R"("next": "account_card")";
    ASSERT_NE(flow.find(good), std::string::npos);
    flow.replace(flow.find(good), good.size(), R"("next": "nowhere")");
    std::ofstream(scratch() / "broken" / "flow.json", std::ios::trunc) << flow;
    const std::string sign = ctl + " bundle build " + d + "/broken >/dev/null && " + ctl + " bundle sign --key " + d +
                             "/keys/itest-rules.key " + d + "/broken >/dev/null";
    ASSERT_EQ(std::system(sign.c_str()), 0) << sign;
    // demo-bank carrying its own training data (the shipped bank set), signed the same way.
    fs::copy(sourcePath("plugins/lua/demo-bank"), scratch() / "trained", fs::copy_options::recursive);
    fs::copy_file(sourcePath("models/ivr/bank.train.tsv"), scratch() / "trained" / "intents.tsv");
    std::string manifest = slurp(d + "/trained/manifest.json");
    const std::string flow_field = R"("flow": "flow.json")";
    ASSERT_NE(manifest.find(flow_field), std::string::npos) << manifest;
    manifest.replace(manifest.find(flow_field), flow_field.size(),
                     std::string(flow_field) + R"(, "training_data": "intents.tsv")");
    std::ofstream(scratch() / "trained" / "manifest.json", std::ios::trunc) << manifest;
    const std::string train = ctl + " bundle build " + d + "/trained >/dev/null && " + ctl + " bundle sign --key " + d +
                              "/keys/itest-rules.key " + d + "/trained >/dev/null";
    ASSERT_EQ(std::system(train.c_str()), 0) << train;
    std::ofstream(scratch() / "trust.txt") << slurp(sourcePath("plugins/lua/demo-trust.txt")) << "\n"
                                           << slurp(d + "/keys/itest-rules.pub") << "\n";
  }
  static void TearDownTestSuite() { fs::remove_all(scratch()); }

 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "ivr.flow=" + sourcePath("models/ivr/bank.flow.json"),
               "--set", "ivr.training_data=" + sourcePath("models/ivr/bank.train.tsv"),
               "--set", "plugins.trust_file=" + (scratch() / "trust.txt").string(),
               "--set", "plugins.site=demo",
               "--set", "http.max_body_bytes=1048576"};
    return o;
  }
  Response start(const std::string& language, const std::string& channel = "voice") {
    return http().post("/api/v1/ivr/sessions",
                       R"({"channel":")" + channel + R"(","caller_id":"+8613800002222","language":")" + language +
                           R"("})",
                       supervisor_);
  }
  Response input(const std::string& id, const std::string& field, const std::string& value) {
    return http().post("/api/v1/ivr/sessions/" + id + "/input", R"({")" + field + R"(":")" + value + R"("})",
                       supervisor_);
  }
  Response record(const std::string& id) { return http().get("/api/v1/ivr/sessions/" + id, supervisor_); }
};

TEST_F(IvrBundleTest, BundleFlowAndHookThenRollback) {
  // Before: the configured flow (version 1), no private banking line.
  Response before = start("en");
  ASSERT_EQ(before.status, 201) << before;
  const std::string old_id = before.str("id");
  EXPECT_EQ(before.body.find("private banking"), std::string::npos) << before;

  Response ok = http().post("/api/v1/rules/install", installBody(sourcePath("plugins/lua/demo-bank")), admin_);
  ASSERT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(ok.str("id"), "demo-bank");

  // The session in progress finishes on its own flow: 8 is no option there and the
  // flow has no hook.
  Response old8 = input(old_id, "dtmf", "8");
  ASSERT_EQ(old8.status, 200) << old8;
  EXPECT_EQ(old8.str("event"), "no_match") << old8;
  EXPECT_FALSE(old8.json->has("hook")) << old8;
  EXPECT_EQ(intField(record(old_id).json, "flow_version"), 1);

  // A new session starts on the bundle's flow; the hook takes key 8.
  Response s = start("zh-CN");
  ASSERT_EQ(s.status, 201) << s;
  const std::string id = s.str("id");
  EXPECT_NE(s.body.find("私人银行请按8"), std::string::npos) << s;
  Response pb = input(id, "dtmf", "8");
  ASSERT_EQ(pb.status, 200) << pb;
  EXPECT_EQ(pb.str("hook"), "applied") << pb;
  EXPECT_EQ(pb.str("event"), "hook");
  EXPECT_EQ(pb.str("state"), "transferred");
  EXPECT_NE(pb.body.find("私人银行专线"), std::string::npos) << pb;
  EXPECT_EQ(objField(pb.json, "transfer")->getValue<std::string>("queue"), "wealth-voice");
  Response rec = record(id);
  EXPECT_EQ(rec.str("flow"), "bank-branch");
  EXPECT_EQ(intField(rec.json, "flow_version"), 2);
  Response c = http().get("/api/v1/contacts/" + pb.str("contact_id"), supervisor_);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_NE(c.body.find("private_banking"), std::string::npos) << "the rule's slot reaches the agent: " << c;

  // Fraud at the free-text node: straight to a card specialist, ahead of the model.
  Response e = start("en", "chat");
  ASSERT_EQ(e.status, 201) << e;
  ASSERT_EQ(input(e.str("id"), "dtmf", "4").str("node"), "ask");
  Response fraud = input(e.str("id"), "text", "there is a fraud payment on my card");
  ASSERT_EQ(fraud.status, 200) << fraud;
  EXPECT_EQ(fraud.str("hook"), "applied") << fraud;
  auto t = objField(fraud.json, "transfer");
  ASSERT_TRUE(t) << fraud;
  EXPECT_EQ(t->getValue<std::string>("queue"), "online-chat") << "chat sessions use the rule's chat_queue";
  EXPECT_EQ(t->getValue<int>("priority"), 95);
  EXPECT_EQ(t->getValue<std::string>("segment"), "fraud");
  EXPECT_EQ(t->getValue<std::string>("reason"), "rule");

  // Other input at a hooked node: the rule declines, the node works as built.
  Response d = start("en");
  Response hours = input(d.str("id"), "dtmf", "3");
  EXPECT_EQ(hours.str("hook"), "declined") << hours;
  EXPECT_EQ(hours.str("node"), "hours");

  Response m = http().get("/api/v1/ivr/metrics", supervisor_);
  ASSERT_EQ(m.status, 200) << m;
  EXPECT_EQ(m.str("flow_source"), "bundle demo-bank v2");
  auto hook = objField(m.json, "hook");
  ASSERT_TRUE(hook) << m;
  EXPECT_EQ(hook->getValue<int>("calls"), 4) << "keys 8, 4 and 3 at the menu, the fraud text";
  EXPECT_EQ(hook->getValue<int>("fallbacks"), 0);

  // After a restart the bundle's flow is still the one new sessions get.
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  Response again = start("en");
  ASSERT_EQ(again.status, 201) << again;
  EXPECT_NE(again.body.find("private banking press 8"), std::string::npos) << again;
}

TEST_F(IvrBundleTest, RollbackRestoresTheConfiguredFlow) {
  Response plain = http().post("/api/v1/rules/install", installBody((scratch() / "default").string()), admin_);
  ASSERT_EQ(plain.status, 200) << plain;
  EXPECT_EQ(start("en").body.find("private banking"), std::string::npos) << "a bundle without a flow: configured";
  Response bank = http().post("/api/v1/rules/install", installBody(sourcePath("plugins/lua/demo-bank")), admin_);
  ASSERT_EQ(bank.status, 200) << bank;
  Response on_bank = start("en");
  EXPECT_NE(on_bank.body.find("private banking press 8"), std::string::npos) << on_bank;

  Response rb = http().post("/api/v1/rules/rollback", "", admin_);
  ASSERT_EQ(rb.status, 200) << rb;
  EXPECT_EQ(rb.str("id"), "default");
  Response after = start("en");
  ASSERT_EQ(after.status, 201) << after;
  EXPECT_EQ(after.body.find("private banking"), std::string::npos) << after;
  EXPECT_EQ(intField(record(after.str("id")).json, "flow_version"), 1);
  // The session that started on the bundle's flow still finishes on it, hook included.
  Response pb = input(on_bank.str("id"), "dtmf", "8");
  EXPECT_EQ(pb.str("state"), "transferred") << pb;
  EXPECT_EQ(pb.str("hook"), "applied") << pb;
}

// A signed bundle whose flow is invalid is refused with the node and field; the
// configured flow stays.
TEST_F(IvrBundleTest, InvalidFlowRefusesTheBundle) {
  Response bad = http().post("/api/v1/rules/install", installBody((scratch() / "broken").string()), admin_);
  EXPECT_TRUE(isProblem(bad, {400, "", "flow.json /nodes/main/options/0/next"})) << bad;
  EXPECT_NE(bad.body.find("nowhere"), std::string::npos) << bad;
  EXPECT_TRUE(http().get("/api/v1/rules", admin_).json->isNull("active"));
  Response s = start("en");
  EXPECT_EQ(s.body.find("private banking"), std::string::npos) << s;
}

class IvrMetricsTest : public IvrBundleTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o = IvrBundleTest::options();
    for (const char* kv : {"ivr.metrics_interval=1s", "sync.enabled=true", "sync.site_id=site-test",
                           "sync.broker=127.0.0.1:9"}) {  // no broker: records stay in the outbox
      o.extra.push_back("--set");
      o.extra.push_back(kv);
    }
    return o;
  }
};

// The figures of each interval reach the sync outbox as one ivr.metrics record.
TEST_F(IvrMetricsTest, MetricsGoToTheOutboxPerInterval) {
  Response s = start("en");
  ASSERT_EQ(s.status, 201) << s;
  EXPECT_EQ(input(s.str("id"), "dtmf", "7").str("event"), "no_match");
  Response human = input(s.str("id"), "dtmf", "0");
  ASSERT_EQ(human.str("state"), "transferred") << human;
  // Within a second or two; the steps may fall into two intervals (two records).
  std::string all;
  for (int i = 0; i < 100 && all.find(R"("transferred":1)") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    DbRows rows = queryDb(daemon_.dbPath(), "SELECT payload, class FROM outbox WHERE type = 'ivr.metrics' ORDER BY seq");
    ASSERT_TRUE(rows.error.empty()) << rows.error;
    all.clear();
    for (const auto& r : rows.rows) {
      EXPECT_EQ(r[1], "telemetry");
      all += r[0] + "\n";
    }
  }
  EXPECT_NE(all.find(R"("transferred":1)"), std::string::npos) << all;
  EXPECT_NE(all.find(R"("no_match":1)"), std::string::npos) << all;
  EXPECT_NE(all.find(R"("from":)"), std::string::npos) << all;
  EXPECT_NE(all.find(R"("containment":0)"), std::string::npos) << all;
  // Quiet intervals write nothing more.
  const std::string count_sql = "SELECT COUNT(*) FROM outbox WHERE type = 'ivr.metrics'";
  const std::string before = queryDb(daemon_.dbPath(), count_sql).rows[0][0];
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(queryDb(daemon_.dbPath(), count_sql).rows[0][0], before);
}

// An appliance without an intent model of its own (no ivr.model, ivr.training_data or
// ivr.flow): a bundle whose flow has intent nodes needs training data; with it, the
// appliance trains a model when the bundle becomes active, and free text is classified.
class IvrBundleModelTest : public IvrBundleTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "plugins.trust_file=" + (scratch() / "trust.txt").string(), "--set", "plugins.site=demo",
               "--set", "http.max_body_bytes=4194304"};
    return o;
  }
};

TEST_F(IvrBundleModelTest, TheBundlesTrainingDataGivesItsFlowAModel) {
  Response none = start("en");
  EXPECT_EQ(none.status, 503) << "no flow yet: " << none;
  Response refused = http().post("/api/v1/rules/install", installBody(sourcePath("plugins/lua/demo-bank")), admin_);
  EXPECT_GE(refused.status, 400) << refused;
  EXPECT_NE(refused.body.find("training_data"), std::string::npos) << refused;

  Response ok = http().post("/api/v1/rules/install", installBody((scratch() / "trained").string()), admin_);
  ASSERT_EQ(ok.status, 200) << ok;
  Response s = start("en", "chat");
  ASSERT_EQ(s.status, 201) << s;
  ASSERT_EQ(input(s.str("id"), "dtmf", "4").str("node"), "ask");
  Response intent = input(s.str("id"), "text", "I lost my bank card yesterday");
  ASSERT_EQ(intent.status, 200) << intent;
  EXPECT_EQ(intent.str("intent"), "card_lost") << intent;
  EXPECT_EQ(intent.str("node"), "lost_card") << intent;

  // After a restart the stored bundle is verified again and its model retrained.
  ASSERT_TRUE(daemon_.restart());
  http_ = std::make_unique<HttpClient>(daemon_);
  Response again = start("zh-CN", "chat");
  ASSERT_EQ(again.status, 201) << again;
  ASSERT_EQ(input(again.str("id"), "dtmf", "4").str("node"), "ask");
  EXPECT_EQ(input(again.str("id"), "text", "我的银行卡丢了").str("intent"), "card_lost");
}

}  // namespace
}  // namespace outpost::itest
