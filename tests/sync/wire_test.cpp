#include "sync/wire.h"

#include <gtest/gtest.h>

namespace outpost::sync {
namespace {

storage::OutboxRecord record(int64_t seq) {
  return storage::OutboxRecord{seq, "s1", "0d9f1c2e-4a5b-4c6d-8e7f-001122334455", fromEpochMillis(1700000000123),
                               "contact.queued", 1, R"({"contact_id":"c\"1","n":[1,2]})", "contact", "pending"};
}

TEST(WireTest, BatchRoundTrips) {
  const std::string body = encodeBatch("s1", 9, {record(3), record(4)});
  auto b = decodeBatch("s1", body);
  ASSERT_TRUE(b.isOk()) << b.status().toString();
  EXPECT_EQ(b->site, "s1");
  EXPECT_EQ(b->head, 9);
  ASSERT_EQ(b->records.size(), 2u);
  EXPECT_EQ(b->records[1].seq, 4);
  EXPECT_EQ(b->records[0].event_time, 1700000000123);
  EXPECT_EQ(b->records[0].type, "contact.queued");
  EXPECT_NE(b->records[0].payload.find("c\\\"1"), std::string::npos);
}

TEST(WireTest, MalformedBatchesNameTheProblem) {
  struct Case {
    std::string body;
    std::string where;
  };
  const std::string ok = encodeBatch("s1", 1, {record(1)});
  const Case cases[] = {
      {"not json", ""},
      {R"({"v":2,"site":"s1","head":1,"records":[]})", "/v"},
      {R"({"v":1,"site":"other","head":1,"records":[]})", "/site"},
      {R"({"v":1,"site":"s1","head":1,"records":[]})", "/records"},
      {R"({"v":1,"site":"s1","head":1,"records":[{"seq":0}]})", "/records/0/seq"},
      {R"({"v":1,"site":"s1","head":1.5,"records":[]})", "/head"},
      {R"({"v":1,"site":"s1","head":1,"extra":1,"records":[]})", "/extra"},
  };
  for (const auto& c : cases) {
    auto b = decodeBatch("s1", c.body);
    ASSERT_FALSE(b.isOk()) << c.body;
    if (!c.where.empty()) {
      EXPECT_EQ(b.status().where(), c.where) << c.body << " → " << b.status().toString();
    }
  }
  std::string bad_uuid = ok;
  bad_uuid.replace(bad_uuid.find("0d9f"), 4, "XXXX");
  auto b = decodeBatch("s1", bad_uuid);
  ASSERT_FALSE(b.isOk());
  EXPECT_EQ(b.status().where(), "/records/0/uuid");
  EXPECT_FALSE(decodeBatch("s1", std::string(kMaxBatchBytes + 1, ' ')).isOk());
}

TEST(WireTest, TopicsAndMarks) {
  EXPECT_EQ(uplinkTopic("outpost/v1", "s1"), "outpost/v1/sites/s1/uplink");
  EXPECT_EQ(topicSite("outpost/v1", "outpost/v1/sites/s1/uplink", "uplink"), "s1");
  EXPECT_EQ(topicSite("outpost/v1", "outpost/v1/sites/s1/hwm", "uplink"), "");
  EXPECT_EQ(topicSite("outpost/v1", "outpost/v1/sites/a/b/uplink", "uplink"), "");
  EXPECT_EQ(topicSite("outpost/v1", "outpost/v1/sites/+/uplink", "uplink"), "");
  auto m = decodeHwm(encodeHwm(77));
  ASSERT_TRUE(m.isOk());
  EXPECT_EQ(*m, 77);
  EXPECT_FALSE(decodeHwm(R"({"seq":-1})").isOk());
  EXPECT_FALSE(decodeHwm("[]").isOk());
}

}  // namespace
}  // namespace outpost::sync
