// IVR figures over all recorded sessions and over a time window (the periodic
// ivr.metrics outbox record): sessions counted by when they ended, node events by when
// they happened.

#include "storage/ivr_store.h"

#include <gtest/gtest.h>

#include "storage/migrations.h"
#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {

using test_util::openOrDie;
using test_util::TempDir;

IvrSessionRow session(const std::string& id, const std::string& state, int64_t ended_ms, const std::string& intent,
                      double confidence) {
  IvrSessionRow r;
  r.id = id;
  r.flow_id = "f";
  r.channel = "voice";
  r.caller_id = "1";
  r.language = "en";
  r.state = state;
  r.node = "n";
  r.intent = intent;
  r.intent_confidence = confidence;
  r.started_at = fromEpochMillis(ended_ms - 500);
  r.updated_at = fromEpochMillis(ended_ms);
  if (state != "active") r.ended_at = fromEpochMillis(ended_ms);
  return r;
}

IvrStepRow step(const std::string& session_id, int seq, int64_t at_ms, const std::string& node, const std::string& event) {
  IvrStepRow r;
  r.session_id = session_id;
  r.seq = seq;
  r.at = fromEpochMillis(at_ms);
  r.node = node;
  r.event = event;
  r.input_kind = "dtmf";
  r.state = "active";
  return r;
}

TEST(IvrStoreTest, MetricsOverAllSessionsAndOverAWindow) {
  TempDir dir;
  auto db = openOrDie(dir.file("i.db"));
  ASSERT_TRUE(migrate(*db, outpostMigrations()).isOk());
  ASSERT_TRUE(saveIvrSession(*db, session("a", "self_served", 1'000, "", 0)).isOk());
  ASSERT_TRUE(saveIvrSession(*db, session("b", "transferred", 2'000, "card_lost", 0.85)).isOk());
  ASSERT_TRUE(saveIvrSession(*db, session("c", "expired", 5'000, "", 0)).isOk());
  ASSERT_TRUE(saveIvrSession(*db, session("d", "active", 2'500, "", 0)).isOk());
  ASSERT_TRUE(insertIvrStep(*db, step("b", 1, 1'600, "menu", "no_match")).isOk());
  ASSERT_TRUE(insertIvrStep(*db, step("c", 1, 4'000, "menu", "no_input")).isOk());

  auto all = ivrMetrics(*db);
  ASSERT_TRUE(all.isOk()) << all.status().toString();
  EXPECT_EQ(all->sessions, 4);
  EXPECT_EQ(all->node_events.at("menu"), std::make_pair(int64_t{1}, int64_t{1}));

  auto w = ivrMetrics(*db, fromEpochMillis(1'500), fromEpochMillis(4'500));
  ASSERT_TRUE(w.isOk()) << w.status().toString();
  EXPECT_EQ(w->sessions, 1) << "only b ended in [1.5 s, 4.5 s); d has not ended";
  EXPECT_EQ(w->by_state.at("transferred"), 1);
  EXPECT_EQ(w->transfers_by_intent.at("card_lost"), 1);
  EXPECT_EQ(w->confidence_histogram[8], 1);
  EXPECT_EQ(w->node_events.at("menu"), std::make_pair(int64_t{1}, int64_t{1})) << "both steps fall in the window";

  auto empty = ivrMetrics(*db, fromEpochMillis(6'000), fromEpochMillis(7'000));
  ASSERT_TRUE(empty.isOk());
  EXPECT_EQ(empty->sessions, 0);
  EXPECT_TRUE(empty->node_events.empty());
}

}  // namespace
}  // namespace outpost::storage
