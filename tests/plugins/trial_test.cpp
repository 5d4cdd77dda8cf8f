// Trial activation: a newly installed bundle whose error-or-limit rate passes the
// threshold within its window is reverted (stored first), under simulated time.
#include <gtest/gtest.h>

#include "hooks_fixture.h"
#include "plugins/rules_store.h"
#include "storage/directory_store.h"
#include "storage/migrations.h"
#include "storage/outbox.h"

namespace outpost::plugins {
namespace {

using namespace std::chrono_literals;
using testing::BundleDir;

// (The fixture's manifest declares both hooks.)
const char* kGood = R"(
function rank_candidates() return nil end
function classify_contact(contact, ctx) return {priority = 60} end
)";
// Fails on every contact whose id starts with "x".
const char* kFlaky = R"(
function rank_candidates() return nil end
function classify_contact(contact, ctx)
  if contact.id:sub(1, 1) == 'x' then error('no rule for ' .. contact.id) end
  return {priority = 70}
end
)";
const char* kLooping = R"(
function rank_candidates() return nil end
function classify_contact(contact, ctx)
  if contact.id:sub(1, 1) == 'x' then while true do end end
  return {priority = 70}
end
)";

struct Reverts {
  std::vector<std::string> lines;
  Status result = Status::ok();
  RulesHost::RevertPersist persist() {
    return [this](const Bundle* active, const Bundle& reverted, const std::string& reason) {
      lines.push_back((active ? active->id + " v" + std::to_string(active->version) : std::string("none")) + " <- v" +
                      std::to_string(reverted.version) + ": " + reason);
      return result;
    };
  }
};

class TrialTest : public testing::HooksTest {
 protected:
  // 10 minutes, over 20 %, from 5 calls.
  std::unique_ptr<RulesHost> trialHost(const BundleDir& d) {
    auto h = makeHost(d, TrialPolicy{Millis(600'000), 0.2, 5});
    h->setTrialWatcher([this] { ++signals; });
    return h;
  }
  void contacts(const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) ASSERT_TRUE(add(contact(prefix + std::to_string(next++))).isOk());
  }
  int signals = 0;
  int next = 0;
  Reverts reverts;
};

TEST_F(TrialTest, FailingBundleRevertsToThePreviousOne) {
  BundleDir d("trial-revert");
  auto host = trialHost(d);
  install(*host, d, kGood, 1);
  EXPECT_EQ(host->status().state, "trial");
  clock.advance(11min);
  EXPECT_EQ(host->status().state, "active");  // the window passed quietly
  ASSERT_EQ(host->checkTrial(reverts.persist()).value(), false);
  EXPECT_EQ(host->status().state, "active");

  install(*host, d, kFlaky, 2);
  auto s = host->status();
  EXPECT_EQ(s.state, "trial");
  ASSERT_TRUE(s.trial_ends.has_value());
  EXPECT_EQ(*s.trial_ends, clock.wallNow() + 10min);
  contacts("ok", 4);
  contacts("x", 1);  // 1 in 5: 20 %, not above the threshold
  EXPECT_EQ(signals, 0);
  EXPECT_EQ(host->checkTrial(reverts.persist()).value(), false);
  contacts("x", 1);  // 2 in 6
  EXPECT_EQ(signals, 1);
  contacts("x", 3);
  EXPECT_EQ(signals, 1) << "signalled once per trial";

  auto r = host->checkTrial(reverts.persist());
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_TRUE(r.value());
  ASSERT_EQ(reverts.lines.size(), 1u);
  EXPECT_NE(reverts.lines[0].find("demo v1 <- v2: demo v2 failed its trial: 5 errors and 0 limit hits in 9 calls"),
            std::string::npos)
      << reverts.lines[0];
  s = host->status();
  EXPECT_EQ(s.state, "reverted");
  EXPECT_EQ(s.reverted_version, 2);
  EXPECT_NE(s.reason.find("reverted to demo v1"), std::string::npos) << s.reason;
  ASSERT_TRUE(s.active && s.previous);
  EXPECT_EQ(s.active->version, 1);
  EXPECT_EQ(s.previous->version, 2);
  // v1 decides again.
  ASSERT_TRUE(add(contact("x-after")).isOk());
  EXPECT_EQ(view("x-after").spec->priority, 60);
  // Nothing more to do.
  EXPECT_EQ(host->checkTrial(reverts.persist()).value(), false);
}

TEST_F(TrialTest, LimitHitsCountAndWithoutPreviousTheBuiltInBehaviourDecides) {
  BundleDir d("trial-limit");
  auto host = makeHost(d, TrialPolicy{Millis(600'000), 0.2, 5});
  // The watcher runs the check itself (the daemon posts it to the engine loop).
  host->setTrialWatcher([&] { ASSERT_TRUE(host->checkTrial(reverts.persist()).value()); });
  install(*host, d, kLooping, 1);
  contacts("x", 5);
  ASSERT_EQ(reverts.lines.size(), 1u);
  EXPECT_NE(reverts.lines[0].find("none <- v1: demo v1 failed its trial: 0 errors and 5 limit hits in 5 calls"),
            std::string::npos)
      << reverts.lines[0];
  auto s = host->status();
  EXPECT_EQ(s.state, "reverted");
  EXPECT_FALSE(s.active.has_value());
  EXPECT_NE(s.reason.find("built-in behaviour"), std::string::npos);
  ASSERT_TRUE(add(contact("x-after")).isOk());
  EXPECT_EQ(view("x-after").spec->priority, 50);  // untouched
}

TEST_F(TrialTest, FailuresAfterTheWindowDoNotRevert) {
  BundleDir d("trial-late");
  auto host = trialHost(d);
  install(*host, d, kFlaky, 1);
  contacts("ok", 5);
  clock.advance(10min);
  contacts("x", 5);
  EXPECT_EQ(signals, 0);
  EXPECT_EQ(host->checkTrial(reverts.persist()).value(), false);
  EXPECT_EQ(host->status().state, "active");
  EXPECT_TRUE(reverts.lines.empty());
}

TEST_F(TrialTest, FewCallsAreNotJudged) {
  BundleDir d("trial-few");
  auto host = trialHost(d);
  install(*host, d, kFlaky, 1);
  contacts("x", 4);  // 100 %, but under the 5 calls the rate needs
  EXPECT_EQ(signals, 0);
  EXPECT_EQ(host->checkTrial(reverts.persist()).value(), false);
  EXPECT_EQ(host->status().state, "trial");
}

TEST_F(TrialTest, AFailedStoreKeepsTheTrialAndTriesAgain) {
  BundleDir d("trial-store");
  auto host = trialHost(d);
  install(*host, d, kGood, 1);
  install(*host, d, kFlaky, 2);
  contacts("x", 5);
  EXPECT_EQ(signals, 1);
  reverts.result = Status::unavailable("disk full");
  auto r = host->checkTrial(reverts.persist());
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(host->status().state, "trial");
  EXPECT_EQ(host->active()->bundle().version, 2);
  contacts("x", 1);
  EXPECT_EQ(signals, 2);  // signalled again
  reverts.result = Status::ok();
  EXPECT_TRUE(host->checkTrial(reverts.persist()).value());
  EXPECT_EQ(host->active()->bundle().version, 1);
}

TEST_F(TrialTest, RollbackAndRestoreAreNotOnTrial) {
  BundleDir d("trial-rollback");
  auto host = trialHost(d);
  install(*host, d, kGood, 1);
  install(*host, d, kFlaky, 2);
  ASSERT_TRUE(host->rollback().isOk());
  EXPECT_EQ(host->status().state, "active");
  contacts("x", 5);  // v1 does not fail anyway; v2 is not active
  EXPECT_EQ(signals, 0);
  // A restore (activate without the version check) is active at once.
  d.main_lua = kFlaky;
  d.build(3);
  auto b = readBundleDir(d.path(), d.trust(), host->target());
  ASSERT_TRUE(b.isOk());
  ASSERT_TRUE(host->activate(std::move(*b), false).isOk());
  EXPECT_EQ(host->status().state, "active");
  contacts("x", 5);
  EXPECT_EQ(signals, 0);
}

TEST(TrialStore, RevertIsStoredAuditedAndInTheOutbox) {
  testing::BundleDir d("trial-db");
  const std::string db_path = d.path() + "-outpost.db";
  std::filesystem::remove(db_path);
  auto db = storage::Database::open(db_path);
  ASSERT_TRUE(db.isOk()) << db.status().toString();
  ASSERT_TRUE(storage::migrate(**db, storage::outpostMigrations()).isOk());
  ASSERT_TRUE(storage::configureOutbox(**db, "sz-01", true, {}).isOk());
  SimulatedClock clock;
  const InstallTarget target{"sz-01", {}, clock.wallNow()};
  d.build(1);
  auto v1 = readBundleDir(d.path(), d.trust(), target);
  ASSERT_TRUE(v1.isOk());
  ASSERT_TRUE(saveActivation(**db, *v1, nullptr, clock.wallNow(), "admin", "install", "127.0.0.1"));
  d.build(2);
  auto v2 = readBundleDir(d.path(), d.trust(), target);
  ASSERT_TRUE(v2.isOk());
  ASSERT_TRUE(saveActivation(**db, *v2, &*v1, clock.wallNow(), "admin", "install", "127.0.0.1"));
  ASSERT_TRUE(saveTrialRevert(**db, &*v1, *v2, clock.wallNow(), "too many errors"));

  auto stored = loadStoredRules(**db);
  ASSERT_TRUE(stored.isOk());
  ASSERT_TRUE(stored->active && stored->previous);
  EXPECT_EQ(verifyBundle(*stored->active, d.trust(), target)->version, 1);
  EXPECT_EQ(verifyBundle(*stored->previous, d.trust(), target)->version, 2);
  auto audit = storage::listAudit(**db, 0, 10);
  ASSERT_TRUE(audit.isOk());
  EXPECT_EQ(audit->front().action, "trial_revert");
  EXPECT_EQ(audit->front().actor, "outpostd");
  ASSERT_TRUE(audit->front().after_json.has_value());
  EXPECT_NE(audit->front().after_json->find("too many errors"), std::string::npos);
  {
    auto q = (*db)->query("SELECT payload FROM outbox WHERE type = 'rules.reverted'");
    ASSERT_TRUE(q.isOk());
    ASSERT_TRUE(q->step().value());
    EXPECT_NE(q->columnText(0).find(R"("reverted":{"id":"demo","version":2})"), std::string::npos) << q->columnText(0);
  }

  // Without a previous bundle: nothing active after a restart.
  ASSERT_TRUE(saveTrialRevert(**db, nullptr, *v1, clock.wallNow(), "boom"));
  EXPECT_FALSE(loadStoredRules(**db)->active.has_value());
  db.value().reset();
  std::filesystem::remove(db_path);
}

}  // namespace
}  // namespace outpost::plugins
