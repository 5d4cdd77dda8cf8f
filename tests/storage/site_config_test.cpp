#include "storage/site_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "signing/ed25519.h"
#include "signing/package.h"
#include "storage/directory_store.h"
#include "storage/migrations.h"
#include "storage/storage_test_util.h"
#include "storage/writer.h"

namespace outpost::storage {
namespace {
namespace fs = std::filesystem;
using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;

constexpr const char* kSite = "bj-01";

std::string queueJson(const std::string& code, int sl_target, const std::string& skill = "billing") {
  return R"({"code": ")" + code + R"(", "name": {"zh": "账单", "en": "Billing"}, "channel": "voice", "sl_target_pct": )" +
         std::to_string(sl_target) + R"(, "skills": [{"skill": ")" + skill + R"(", "min_level": 2}],
           "strategy": "least_occupied", "weight": 3})";
}

std::string document(const std::string& queues, const std::string& site_id = kSite) {
  return R"({"site_id": ")" + site_id + R"(",
    "site": {"time_zone": "Asia/Shanghai", "name": {"zh": "朝阳", "en": "Chaoyang"}},
    "skills": [{"code": "billing", "name": {"zh": "账单", "en": "Billing"}}],
    "queues": [)" + queues + R"(],
    "wrapup_codes": [{"code": "resolved", "name": {"zh": "已解决", "en": "Resolved"}}],
    "not_ready_reasons": [{"code": "lunch", "name": {"zh": "午餐", "en": "Lunch"}}]})";
}

class SiteConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = openOrDie(dir_.file("outpost.db"));
    ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
    ASSERT_TRUE(saveSite(*db, site::Site{kSite, {"北京", "Beijing"}}, WallTime{}).isOk());
    writer_ = std::make_unique<Writer>(std::move(db));
    writer_->start();
    read_ = openOrDie(dir_.file("outpost.db"), /*read_only=*/true);
    auto k = signing::generateKeyPair();
    ASSERT_TRUE(k.isOk());
    key_ = *k;
    ASSERT_TRUE(trust_.add("hq-config", key_.public_b64).isOk());
  }

  std::string makePackage(int version, const std::string& doc, const std::string& extra_manifest = "") {
    const std::string dir = dir_.file("pkg-" + std::to_string(++n_));
    fs::create_directories(dir);
    std::ofstream(dir + "/manifest.json")
        << R"({"kind": "config", "id": "site", "version": )" << version << extra_manifest << R"(, "files": []})";
    std::ofstream(dir + "/site-config.json") << doc;
    EXPECT_TRUE(signing::sealPackageDir(dir).isOk());
    EXPECT_TRUE(signing::signPackageDir(dir, key_.private_pem, "hq-config").isOk());
    return dir;
  }

  // Reads and applies a package in one writer job, as the appliance does.
  Result<AppliedSiteConfig> install(const std::string& dir) {
    auto pkg = readSiteConfigDir(dir, trust_, kSite);
    if (!pkg) return pkg.status();
    AppliedSiteConfig out;
    Status st = writer_->run([&](Database& db) -> Status {
      auto a = applySiteConfig(db, *pkg, WallTime{Millis{1000}}, "sync", "hub");
      if (!a) return a.status();
      out = *a;
      return Status::ok();
    });
    if (!st) return st;
    return out;
  }

  int64_t count(const std::string& sql) { return scalar(*read_, sql); }

  TempDir dir_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Database> read_;
  signing::KeyPair key_;
  signing::TrustStore trust_;
  int n_ = 0;
};

TEST_F(SiteConfigTest, AppliesEverySectionWithAuditRowsAndRecordsTheVersion) {
  auto applied = install(makePackage(3, document(queueJson("billing-voice", 90))));
  ASSERT_TRUE(applied.isOk()) << applied.status().toString();
  EXPECT_EQ(applied->version, 3);
  EXPECT_EQ(applied->created, 4);
  EXPECT_EQ(applied->updated, 1);  // the site settings
  ASSERT_EQ(applied->queues.size(), 1u);
  EXPECT_EQ(applied->queues[0].strategy, "least_occupied");
  auto q = find<site::Queue>(*read_, "billing-voice");
  ASSERT_TRUE(q.isOk() && q->has_value());
  EXPECT_EQ((*q)->sl_target_pct, 90);
  EXPECT_DOUBLE_EQ((*q)->weight, 3);
  auto s = loadSite(*read_);
  ASSERT_TRUE(s.isOk() && s->has_value());
  EXPECT_EQ((*s)->site_code, kSite);
  EXPECT_EQ((*s)->name.en, "Chaoyang");
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE actor = 'sync'"), 6);  // 5 entities + the install
  auto installed = loadInstalledSiteConfig(*read_);
  ASSERT_TRUE(installed.isOk() && installed->has_value());
  EXPECT_EQ((*installed)->version, 3);
  EXPECT_EQ((*installed)->installed_by, "sync");

  // The next version updates what changed and leaves the rest (and entries it omits).
  applied = install(makePackage(4, document(queueJson("billing-voice", 70))));
  ASSERT_TRUE(applied.isOk()) << applied.status().toString();
  EXPECT_EQ(applied->updated, 1);
  EXPECT_EQ(applied->unchanged, 4);
  q = find<site::Queue>(*read_, "billing-voice");
  EXPECT_EQ((*q)->sl_target_pct, 70);
}

TEST_F(SiteConfigTest, RefusesAnEqualOrOlderVersionWithTheReason) {
  ASSERT_TRUE(install(makePackage(5, document(queueJson("billing-voice", 90)))).isOk());
  for (int v : {5, 4}) {
    auto r = install(makePackage(v, document(queueJson("billing-voice", 10))));
    ASSERT_FALSE(r.isOk());
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().describe().find("is not above the installed configuration version 5"), std::string::npos)
        << r.status().describe();
  }
  EXPECT_EQ((*find<site::Queue>(*read_, "billing-voice"))->sl_target_pct, 90);
}

TEST_F(SiteConfigTest, ABadDocumentNamesTheJsonPath) {
  struct Case {
    std::string doc;
    std::string where;
  } cases[] = {
      {document(queueJson("a", 90) + "," + queueJson("b", 101)), "site-config.json /queues/1/sl_target_pct"},
      {document(queueJson("a", 90) + "," + queueJson("a", 80)), "site-config.json /queues/1/code"},
      {R"({"site_id": "bj-01", "site": {"site_code": "x"}})", "site-config.json /site/site_code"},
      {R"({"site_id": "bj-01", "agents": []})", "site-config.json /agents"},
      {R"({"site_id": "bj-01", "skills": [{"code": "Bad Code", "name": {"zh": "x", "en": "x"}}]})",
       "site-config.json /skills/0/code"},
      {document(queueJson("a", 90, "nope")), "site-config.json /queues/0/skills/0/skill"},
      {document(queueJson("a", 90), "sh-02"), "site-config.json /site_id"},
  };
  for (const auto& c : cases) {
    auto r = install(makePackage(1, c.doc));
    ASSERT_FALSE(r.isOk()) << c.doc;
    EXPECT_EQ(r.status().where(), c.where) << r.status().describe();
  }
  EXPECT_FALSE(loadInstalledSiteConfig(*read_)->has_value());
}

TEST_F(SiteConfigTest, NothingIsHalfApplied) {
  // Skills, the site settings and the first queue are written before the second queue
  // fails on its skill: the whole job rolls back.
  auto r = install(makePackage(1, document(queueJson("a", 90) + "," + queueJson("b", 90, "missing"))));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().where(), "site-config.json /queues/1/skills/0/skill");
  EXPECT_EQ(count("SELECT count(*) FROM skills"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM queues"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM site_config_state"), 0);
  EXPECT_EQ((*loadSite(*read_))->name.en, "Beijing");
}

TEST_F(SiteConfigTest, RefusesWhatIsNotASignedConfigurationPackage) {
  // Another key.
  auto other = signing::generateKeyPair();
  ASSERT_TRUE(other.isOk());
  const std::string dir = makePackage(1, document(queueJson("a", 90)));
  ASSERT_TRUE(signing::signPackageDir(dir, other->private_pem, "hq-config").isOk());
  auto r = install(dir);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().describe().find("signature"), std::string::npos) << r.status().describe();
  // Fields the kind does not have.
  r = install(makePackage(1, document(queueJson("a", 90)), R"(, "agents": true)"));
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().where(), "manifest.json /agents");
  // Too large.
  const std::string big = makePackage(1, document(queueJson("a", 90)));
  std::ofstream(big + "/site-config.json", std::ios::trunc) << std::string(kMaxSiteConfigBytes + 1, ' ');
  r = install(big);
  ASSERT_FALSE(r.isOk());
  EXPECT_NE(r.status().describe().find("more than"), std::string::npos) << r.status().describe();
  EXPECT_EQ(count("SELECT count(*) FROM queues"), 0);
}

}  // namespace
}  // namespace outpost::storage
