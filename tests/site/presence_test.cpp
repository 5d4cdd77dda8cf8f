#include "site/presence.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace outpost::site {
namespace {

const WallTime kT0 = fromEpochMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z
const WallTime kT1 = kT0 + Millis(90'000);

std::optional<std::string> none() { return std::nullopt; }
std::optional<std::string> reason(const char* r) { return std::string(r); }

class PresenceBoardTest : public testing::Test {
 protected:
  void SetUp() override {
    board.addAgent("a01");
    board.addAgent("a02");
  }
  PresenceBoard board;
};

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

TEST_F(PresenceBoardTest, NewAgentsStartOffline) {
  const Presence* p = board.find("a01");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->state, PresenceState::kOffline);
  EXPECT_FALSE(p->reason.has_value());
  EXPECT_EQ(board.find("nobody"), nullptr);
  EXPECT_EQ(board.all().size(), 2u);
}

TEST_F(PresenceBoardTest, AddAgentKeepsAKnownAgentsPresence) {
  ASSERT_TRUE(board.request("a01", PresenceState::kReady, none(), "agent01", kT0).isOk());
  board.addAgent("a01");  // already known: unchanged
  EXPECT_EQ(board.find("a01")->state, PresenceState::kReady);
}

TEST_F(PresenceBoardTest, ReadyRequestReturnsTheChangeAndAppliesIt) {
  auto r = board.request("a01", PresenceState::kReady, none(), "agent01", kT1);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_TRUE(r->has_value());
  const PresenceChange& c = **r;
  EXPECT_EQ(c.agent_id, "a01");
  EXPECT_EQ(c.before.state, PresenceState::kOffline);
  EXPECT_EQ(c.after.state, PresenceState::kReady);
  EXPECT_FALSE(c.after.reason.has_value());
  EXPECT_EQ(c.after.since, kT1);
  EXPECT_EQ(c.after.changed_by, "agent01");
  const Presence* p = board.find("a01");
  EXPECT_EQ(p->state, PresenceState::kReady);
  EXPECT_EQ(p->since, kT1);
  EXPECT_EQ(p->changed_by, "agent01");
  EXPECT_EQ(board.find("a02")->state, PresenceState::kOffline) << "other agents are untouched";
}

TEST_F(PresenceBoardTest, NotReadyWithReason) {
  ASSERT_TRUE(board.request("a01", PresenceState::kReady, none(), "agent01", kT0).isOk());
  auto r = board.request("a01", PresenceState::kNotReady, reason("lunch"), "supervisor", kT1);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->before.state, PresenceState::kReady);
  EXPECT_EQ((*r)->after.state, PresenceState::kNotReady);
  EXPECT_EQ((*r)->after.reason, reason("lunch"));
  EXPECT_EQ((*r)->after.changed_by, "supervisor");
  EXPECT_EQ(board.find("a01")->reason, reason("lunch"));
}

TEST_F(PresenceBoardTest, AnotherReasonIsAChange) {
  ASSERT_TRUE(board.request("a01", PresenceState::kNotReady, reason("break"), "agent01", kT0).isOk());
  auto r = board.request("a01", PresenceState::kNotReady, reason("lunch"), "agent01", kT1);
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->before.reason, reason("break"));
  EXPECT_EQ((*r)->after.reason, reason("lunch"));
}

TEST_F(PresenceBoardTest, OfflineRequest) {
  ASSERT_TRUE(board.request("a01", PresenceState::kNotReady, reason("break"), "agent01", kT0).isOk());
  auto r = board.request("a01", PresenceState::kOffline, none(), "agent01", kT1);
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->after.state, PresenceState::kOffline);
  EXPECT_FALSE(board.find("a01")->reason.has_value()) << "the reason goes with not_ready";
}

TEST_F(PresenceBoardTest, NotReadyWithoutReasonIsRejected) {
  auto r = board.request("a01", PresenceState::kNotReady, none(), "agent01", kT0);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().where(), "/reason");
  EXPECT_EQ(r.status().message(), "not_ready needs a reason code");
  EXPECT_EQ(board.find("a01")->state, PresenceState::kOffline);
}

TEST_F(PresenceBoardTest, ReasonIsOnlyAllowedWithNotReady) {
  for (auto target : {PresenceState::kReady, PresenceState::kOffline}) {
    auto r = board.request("a01", target, reason("lunch"), "agent01", kT0);
    ASSERT_FALSE(r.isOk()) << presenceName(target);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().where(), "/reason");
    EXPECT_EQ(r.status().message(), "a reason is only allowed with not_ready");
  }
  EXPECT_EQ(board.find("a01")->state, PresenceState::kOffline);
}

TEST_F(PresenceBoardTest, RouterOwnedStatesCannotBeRequested) {
  for (auto target : {PresenceState::kReserved, PresenceState::kBusy, PresenceState::kWrapUp}) {
    auto r = board.request("a01", target, none(), "agent01", kT0);
    ASSERT_FALSE(r.isOk()) << presenceName(target);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().where(), "/state");
    EXPECT_NE(r.status().message().find("set by the router"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find(std::string(presenceName(target))), std::string::npos);
  }
  EXPECT_EQ(board.find("a01")->state, PresenceState::kOffline);
}

TEST_F(PresenceBoardTest, UnknownAgentIsNotFound) {
  auto r = board.request("a99", PresenceState::kReady, none(), "agent99", kT0);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("\"a99\""), std::string::npos);
  // Not found wins over a bad request for that agent.
  EXPECT_EQ(board.request("a99", PresenceState::kBusy, none(), "x", kT0).status().code(),
            StatusCode::kNotFound);
}

TEST_F(PresenceBoardTest, AgentWithAContactCannotBeMovedByARequest) {
  for (auto with_contact : {PresenceState::kReserved, PresenceState::kBusy, PresenceState::kWrapUp}) {
    PresenceBoard b;
    b.addAgent("a01", Presence{with_contact, std::nullopt, kT0, "system"});
    for (auto target : {PresenceState::kReady, PresenceState::kOffline}) {
      auto r = b.request("a01", target, none(), "supervisor", kT1);
      ASSERT_FALSE(r.isOk());
      EXPECT_EQ(r.status().code(), StatusCode::kConflict) << presenceName(with_contact);
      EXPECT_NE(r.status().message().find(std::string(presenceName(with_contact))), std::string::npos);
    }
    auto r = b.request("a01", PresenceState::kNotReady, reason("break"), "supervisor", kT1);
    EXPECT_EQ(r.status().code(), StatusCode::kConflict);
    EXPECT_EQ(b.find("a01")->state, with_contact);
    EXPECT_EQ(b.find("a01")->changed_by, "system");
  }
}

TEST_F(PresenceBoardTest, RequestForTheCurrentStateIsANoOp) {
  ASSERT_TRUE(board.request("a01", PresenceState::kReady, none(), "agent01", kT0).isOk());
  auto r = board.request("a01", PresenceState::kReady, none(), "supervisor", kT1);
  ASSERT_TRUE(r.isOk());
  EXPECT_FALSE(r->has_value());
  EXPECT_EQ(board.find("a01")->since, kT0) << "a no-op keeps the original time";
  EXPECT_EQ(board.find("a01")->changed_by, "agent01");

  // Offline → offline (the initial state) is a no-op too.
  auto off = board.request("a02", PresenceState::kOffline, none(), "agent02", kT1);
  ASSERT_TRUE(off.isOk());
  EXPECT_FALSE(off->has_value());

  ASSERT_TRUE(board.request("a01", PresenceState::kNotReady, reason("break"), "agent01", kT0).isOk());
  auto same = board.request("a01", PresenceState::kNotReady, reason("break"), "agent01", kT1);
  ASSERT_TRUE(same.isOk());
  EXPECT_FALSE(same->has_value());
}

TEST_F(PresenceBoardTest, UndoRestoresTheStateBefore) {
  ASSERT_TRUE(board.request("a01", PresenceState::kNotReady, reason("break"), "agent01", kT0).isOk());
  auto r = board.request("a01", PresenceState::kReady, none(), "supervisor", kT1);
  ASSERT_TRUE(r.isOk());
  ASSERT_TRUE(r->has_value());
  board.undo(**r);
  const Presence* p = board.find("a01");
  EXPECT_EQ(p->state, PresenceState::kNotReady);
  EXPECT_EQ(p->reason, reason("break"));
  EXPECT_EQ(p->since, kT0);
  EXPECT_EQ(p->changed_by, "agent01");
  // After the undo the same request is a change again.
  auto again = board.request("a01", PresenceState::kReady, none(), "supervisor", kT1);
  ASSERT_TRUE(again.isOk());
  EXPECT_TRUE(again->has_value());
}

TEST_F(PresenceBoardTest, UndoForARemovedAgentDoesNotBringItBack) {
  auto r = board.request("a01", PresenceState::kReady, none(), "agent01", kT0);
  ASSERT_TRUE(r.isOk());
  board.removeAgent("a01");
  board.undo(**r);
  EXPECT_EQ(board.find("a01"), nullptr);
}

TEST_F(PresenceBoardTest, RemovedAgentIsNotFound) {
  board.removeAgent("a01");
  board.removeAgent("a01");  // twice is harmless
  board.removeAgent("nobody");
  EXPECT_EQ(board.find("a01"), nullptr);
  EXPECT_EQ(board.request("a01", PresenceState::kReady, none(), "x", kT0).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(board.all().size(), 1u);
}

TEST_F(PresenceBoardTest, RestoredPresenceIsKept) {
  PresenceBoard b;
  b.addAgent("a05", Presence{PresenceState::kNotReady, reason("training"), kT0, "admin"});
  const Presence* p = b.find("a05");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->state, PresenceState::kNotReady);
  EXPECT_EQ(p->reason, reason("training"));
  EXPECT_EQ(p->since, kT0);
}

}  // namespace
}  // namespace outpost::site
