#include "hub/hub_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "hub/hub_downlink.h"
#include "hub_db_fixture.h"

namespace outpost::hub {
namespace {

class HubStoreTest : public HubDbTest {
 protected:
  static sync::WireRecord rec(int64_t seq, std::string uuid, std::string payload = R"({"a":1})") {
    return sync::WireRecord{seq, std::move(uuid), 1000, "audit.login", 1, "audit", std::move(payload)};
  }
  static std::string uuid(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
    return buf;
  }
  int64_t count(const char* sql) {
    auto q = db_->query(sql);
    EXPECT_TRUE(q.isOk());
    auto row = q->step();
    EXPECT_TRUE(row.isOk() && *row);
    return q->columnInt(0);
  }
};

TEST_F(HubStoreTest, CommitsOnceAndAdvancesTheContiguousMark) {
  sync::WireBatch b{"s1", 5, {rec(1, uuid(1)), rec(2, uuid(2)), rec(4, uuid(4))}};
  auto out = commitBatch(*db_, b, fromEpochMillis(5));
  ASSERT_TRUE(out.isOk()) << out.status().toString();
  EXPECT_EQ(out->stored, 3);
  EXPECT_EQ(out->hwm, 2);  // 3 is missing
  // The same batch again: duplicates, nothing changes.
  out = commitBatch(*db_, b, fromEpochMillis(6));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->stored, 0);
  EXPECT_EQ(out->duplicates, 3);
  // The gap filled: the mark jumps over 4.
  out = commitBatch(*db_, sync::WireBatch{"s1", 5, {rec(3, uuid(3))}}, fromEpochMillis(7));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->hwm, 4);
  auto sites = listSites(*db_);
  ASSERT_TRUE(sites.isOk());
  ASSERT_EQ(sites->size(), 1u);
  EXPECT_EQ((*sites)[0].records, 4);
  EXPECT_EQ((*sites)[0].duplicates, 3);
  EXPECT_EQ((*sites)[0].backlog, 1);
  EXPECT_EQ((*sites)[0].last_seen, 7);
}

TEST_F(HubStoreTest, ConflictsAreLoggedAndKeptWithoutOverwriting) {
  ASSERT_TRUE(commitBatch(*db_, sync::WireBatch{"s1", 1, {rec(1, uuid(1))}}, fromEpochMillis(1)).isOk());
  // Same uuid, other content.
  auto out = commitBatch(*db_, sync::WireBatch{"s1", 1, {rec(1, uuid(1), R"({"a":2})")}}, fromEpochMillis(2));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->conflicts, 1);
  // Another uuid at a taken seq.
  out = commitBatch(*db_, sync::WireBatch{"s1", 1, {rec(1, uuid(9))}}, fromEpochMillis(3));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->conflicts, 1);
  // A known uuid at another seq / site.
  out = commitBatch(*db_, sync::WireBatch{"s2", 1, {rec(1, uuid(1))}}, fromEpochMillis(4));
  ASSERT_TRUE(out.isOk());
  EXPECT_EQ(out->conflicts, 1);
  EXPECT_EQ(count("SELECT count(*) FROM records"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM conflicts"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM records WHERE payload = '{\"a\":1}'"), 1);
}

TEST_F(HubStoreTest, RejectsAreCountedPerSite) {
  ASSERT_TRUE(recordReject(*db_, "outpost/v1/sites/s1/uplink", "s1", "bad json", fromEpochMillis(1)).isOk());
  ASSERT_TRUE(recordReject(*db_, "x", "", "unknown topic", fromEpochMillis(1)).isOk());
  auto sites = listSites(*db_);
  ASSERT_TRUE(sites.isOk());
  ASSERT_EQ(sites->size(), 1u);
  EXPECT_EQ((*sites)[0].rejected, 1);
  EXPECT_EQ(count("SELECT count(*) FROM records"), 0);
}


TEST_F(HubStoreTest, DownlinkViewFollowsTheSitesDownlinkRecords) {
  auto dl = [&](int64_t seq, const std::string& type, const std::string& payload) {
    return sync::WireRecord{seq, uuid(static_cast<int>(seq)), 1000 * seq, type, 1, "telemetry", payload};
  };
  auto view = siteDownlinkView(*db_, "s1");
  ASSERT_TRUE(view.isOk());
  EXPECT_FALSE(view->installed.present() || view->refused.present() || view->in_progress.present());
  const std::string rules = R"("kind":"rules","id":"bank","version":7,"sha256":"aa")";
  const std::string config = R"("kind":"config","id":"site","version":3,"sha256":"bb")";
  ASSERT_TRUE(commitBatch(*db_,
                          sync::WireBatch{"s1", 5,
                                          {dl(1, "downlink.queued", "{" + rules + R"(,"size":5000})"),
                                           dl(2, "downlink.progress", "{" + rules + R"(,"bytes_done":2048,"size":5000})"),
                                           rec(3, uuid(3))}},
                          fromEpochMillis(5))
                  .isOk());
  view = siteDownlinkView(*db_, "s1");
  ASSERT_TRUE(view.isOk());
  EXPECT_EQ(view->in_progress.label(), "rules bank v7");
  EXPECT_EQ(view->in_progress.bytes_done, 2048);
  EXPECT_EQ(view->in_progress.size, 5000);
  EXPECT_FALSE(view->installed.present());
  ASSERT_TRUE(commitBatch(*db_,
                          sync::WireBatch{"s1", 5,
                                          {dl(4, "downlink.installed", "{" + rules + R"(,"detail":"active"})"),
                                           dl(5, "downlink.refused", "{" + config + R"(,"reason":"install: too old"})")}},
                          fromEpochMillis(6))
                  .isOk());
  view = siteDownlinkView(*db_, "s1");
  ASSERT_TRUE(view.isOk());
  EXPECT_EQ(view->installed.label(), "rules bank v7");
  EXPECT_EQ(view->installed.event_time, 4000);
  EXPECT_EQ(view->refused.label(), "config site v3");
  EXPECT_EQ(view->refused.reason, "install: too old");
  EXPECT_FALSE(view->in_progress.present());
  // Another site's records are its own.
  EXPECT_FALSE(siteDownlinkView(*db_, "s2")->installed.present());
}

}  // namespace
}  // namespace outpost::hub
