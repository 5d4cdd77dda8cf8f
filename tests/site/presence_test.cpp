#include "site/presence.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace outpost::site {
namespace {

TEST(PresenceNameTest, ParseAndNameRoundTrip) {
  for (auto s : {PresenceState::kOffline, PresenceState::kReady, PresenceState::kNotReady,
                 PresenceState::kReserved, PresenceState::kBusy, PresenceState::kWrapUp}) {
    auto parsed = parsePresence(presenceName(s));
    ASSERT_TRUE(parsed.isOk()) << presenceName(s);
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(presenceName(PresenceState::kNotReady), "not_ready");
  EXPECT_EQ(presenceName(PresenceState::kWrapUp), "wrap_up");
  for (const char* bad : {"", "Ready", "not-ready", "notready", "away"}) {
    auto r = parsePresence(bad);
    ASSERT_FALSE(r.isOk()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PresenceNameTest, OnlyOfflineReadyNotReadyAreRequestable) {
  EXPECT_TRUE(isRequestable(PresenceState::kOffline));
  EXPECT_TRUE(isRequestable(PresenceState::kReady));
  EXPECT_TRUE(isRequestable(PresenceState::kNotReady));
  EXPECT_FALSE(isRequestable(PresenceState::kReserved));
  EXPECT_FALSE(isRequestable(PresenceState::kBusy));
  EXPECT_FALSE(isRequestable(PresenceState::kWrapUp));
}

}  // namespace
}  // namespace outpost::site
