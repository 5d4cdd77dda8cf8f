// The sync outbox table: sequences, state changes, confirmation, quota policy.

#include "storage/outbox.h"

#include <gtest/gtest.h>

#include "storage/migrations.h"
#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;

std::unique_ptr<Database> openMigrated(const std::string& path) {
  auto db = openOrDie(path);
  EXPECT_TRUE(migrate(*db, outpostMigrations()).isOk());
  return db;
}

OutboxEntry entry(std::string_view cls = kClassContact, std::string payload = R"({"x":1})") {
  return OutboxEntry{fromEpochMillis(1'000), "test.event", 1, std::move(payload), cls};
}

TEST(OutboxTest, DisabledSyncAppendsNothing) {
  TempDir dir;
  auto db = openMigrated(dir.file("o.db"));
  ASSERT_TRUE(appendOutbox(*db, entry()).isOk());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox"), 0);
  ASSERT_TRUE(configureOutbox(*db, "site-a", false, {}).isOk());
  ASSERT_TRUE(appendOutbox(*db, entry()).isOk());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox"), 0);
}

TEST(OutboxTest, SequenceGrowsAcrossReopenAndConfirmation) {
  TempDir dir;
  {
    auto db = openMigrated(dir.file("o.db"));
    ASSERT_TRUE(configureOutbox(*db, "site-a", true, {}).isOk());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(appendOutbox(*db, entry()).isOk());
    auto confirmed = confirmOutbox(*db, 3);
    ASSERT_TRUE(confirmed.isOk());
    EXPECT_EQ(*confirmed, 3);
    EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox"), 0);
  }
  auto db = openMigrated(dir.file("o.db"));
  ASSERT_TRUE(configureOutbox(*db, "site-a", true, {}).isOk());
  ASSERT_TRUE(appendOutbox(*db, entry()).isOk());
  auto rows = readOutbox(*db, 0, 10);
  ASSERT_TRUE(rows.isOk());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].seq, 4);
  EXPECT_EQ((*rows)[0].site_id, "site-a");
  EXPECT_EQ((*rows)[0].uuid.size(), 36u);
  EXPECT_EQ((*rows)[0].uuid[14], '4');
  EXPECT_EQ((*rows)[0].state, "pending");
}

TEST(OutboxTest, SentThenConfirmedThenDeleted) {
  TempDir dir;
  auto db = openMigrated(dir.file("o.db"));
  ASSERT_TRUE(configureOutbox(*db, "s", true, {}).isOk());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(appendOutbox(*db, entry()).isOk());
  ASSERT_TRUE(markOutboxSent(*db, 1, 3).isOk());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 3);
  // A high-water mark beyond what was handed out is capped.
  auto c = confirmOutbox(*db, 2);
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(*c, 2);
  EXPECT_EQ(scalar(*db, "SELECT min(seq) FROM outbox"), 3);
  c = confirmOutbox(*db, 99);
  ASSERT_TRUE(c.isOk());
  EXPECT_EQ(*c, 5);
  auto st = outboxStatus(*db);
  ASSERT_TRUE(st.isOk());
  ASSERT_EQ(st->classes.size(), 1u);
  EXPECT_EQ(st->classes[0].appended, 5);
  EXPECT_EQ(st->classes[0].published, 5);
  EXPECT_EQ(st->classes[0].confirmed, 5);
  EXPECT_EQ(st->classes[0].pending, 0);
  EXPECT_EQ(st->classes[0].bytes, 0);
  EXPECT_EQ(st->confirmed_seq, 5);
}

TEST(OutboxTest, QuotaThinsTelemetryWithoutGapsAndAlarmsForNeverDrop) {
  TempDir dir;
  auto db = openMigrated(dir.file("o.db"));
  const std::string payload(90, 'x');
  ASSERT_TRUE(configureOutbox(*db, "s", true,
                              {ClassQuota{"telemetry", 250, QuotaPolicy::kThin},
                               ClassQuota{"contact", 250, QuotaPolicy::kNeverDrop}})
                  .isOk());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(appendOutbox(*db, entry(kClassTelemetry, payload)).isOk());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(appendOutbox(*db, entry(kClassContact, payload)).isOk());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox WHERE class = 'telemetry'"), 2);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM outbox WHERE class = 'contact'"), 4);
  // No gaps in the sequence.
  EXPECT_EQ(scalar(*db, "SELECT max(seq) - min(seq) + 1 - count(*) FROM outbox"), 0);
  auto st = outboxStatus(*db);
  ASSERT_TRUE(st.isOk());
  ASSERT_EQ(st->alarms(), std::vector<std::string>{"contact"});
  for (const auto& c : st->classes) {
    if (c.record_class == "telemetry") {
      EXPECT_EQ(c.dropped, 2);
    } else {
      EXPECT_EQ(c.dropped, 0);
    }
  }
  // Confirming everything clears the alarm.
  ASSERT_TRUE(confirmOutbox(*db, 100).isOk());
  st = outboxStatus(*db);
  ASSERT_TRUE(st.isOk());
  EXPECT_TRUE(st->alarms().empty());
}

}  // namespace
}  // namespace outpost::storage
