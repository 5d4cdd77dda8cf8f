#include "learning/drill.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

DrillScript script() {
  DrillScript s;
  s.customer_turns = {{"退款还没到!", "The refund still hasn't arrived!"}};
  s.key_points = {{{"表示理解", "acknowledge feelings"}, {"理解", "understand", "frustrat"}},
                  {{"道歉", "apologise"}, {"抱歉", "sorry", "apolog"}},
                  {{"给出下一步", "next step"}, {"工作日", "working day", "today", "now"}}};
  s.avoid = {{{"推责", "blame"}, {"不是我们的问题", "not our problem"}}};
  s.time_limit_seconds = 180;
  return s;
}

TEST(DrillTest, CoveredKeyPointsScoreAndMissedOnesAreFeedback) {
  auto r = scoreDrill(script(), {"I understand how frustrating this is.", "I'm SORRY about the delay."}, 60);
  EXPECT_NEAR(r.fraction, 2.0 / 3, 1e-9);
  ASSERT_EQ(r.missed.size(), 1u);
  EXPECT_EQ(r.missed[0].en, "next step");
  EXPECT_FALSE(r.over_time);
  auto zh = scoreDrill(script(), {"非常抱歉,我理解您的心情,3个工作日内到账。"}, 60);
  EXPECT_DOUBLE_EQ(zh.fraction, 1.0);
}

TEST(DrillTest, AvoidedPhrasesAndTimeLimitCost) {
  auto r = scoreDrill(script(), {"Sorry, I understand, but that's not our problem. I'll check now."}, 60);
  EXPECT_NEAR(r.fraction, 2.0 / 3, 1e-9);
  ASSERT_EQ(r.avoid_used.size(), 1u);
  auto slow = scoreDrill(script(), {"Sorry, I understand, I'll fix it now."}, 300);
  EXPECT_TRUE(slow.over_time);
  EXPECT_DOUBLE_EQ(slow.fraction, 0.5);
  EXPECT_DOUBLE_EQ(scoreDrill(script(), {}, 0).fraction, 0.0);
}

}  // namespace
}  // namespace outpost::learning
