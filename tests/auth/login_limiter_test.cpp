#include "auth/login_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "auth/token.h"
#include "core/clock.h"

namespace outpost::auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// "prefix<n>". (Built with += rather than "literal" + std::to_string(): GCC 12 at -O3
// reports a false -Wrestrict on the latter.)
std::string numbered(const char* prefix, long n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}

class LoginLimiterTest : public ::testing::Test {
 protected:
  SimulatedClock clock_;
};

TEST_F(LoginLimiterTest, FiveFailuresBlockTheSixthAttempt) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(limiter.check("alice", "10.0.0.1").isOk()) << "attempt " << i + 1;
    limiter.recordFailure("alice", "10.0.0.1");
    clock_.advance(seconds(1));
  }
  const Status s = limiter.check("alice", "10.0.0.1");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  // The first failure was 5 s ago: 15 min - 5 s remain.
  EXPECT_EQ(s.message(), "too many failed logins for this user; try again in 895 s");
  EXPECT_EQ(limiter.retryAfter("alice", "10.0.0.1"), seconds(895));
  // The user is blocked from any address; other users from the same address are not.
  EXPECT_EQ(limiter.check("alice", "192.168.1.9").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(limiter.check("bob", "10.0.0.1").isOk());
}

TEST_F(LoginLimiterTest, RetrySecondsRoundUp) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 5; ++i) limiter.recordFailure("alice", "a");
  clock_.advance(minutes(15) - milliseconds(1));
  EXPECT_EQ(limiter.retryAfter("alice", "a"), milliseconds(1));
  EXPECT_EQ(limiter.check("alice", "a").message(),
            "too many failed logins for this user; try again in 1 s");
  clock_.advance(milliseconds(1));
  EXPECT_TRUE(limiter.check("alice", "a").isOk());
  EXPECT_EQ(limiter.retryAfter("alice", "a"), milliseconds(0));
}

TEST_F(LoginLimiterTest, AllowedAgainAfterTheWindow) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 5; ++i) limiter.recordFailure("alice", "10.0.0.1");
  EXPECT_FALSE(limiter.check("alice", "10.0.0.1").isOk());
  clock_.advance(minutes(15));
  EXPECT_TRUE(limiter.check("alice", "10.0.0.1").isOk());
  // One more failure does not re-block: the old five have left the window.
  limiter.recordFailure("alice", "10.0.0.1");
  EXPECT_TRUE(limiter.check("alice", "10.0.0.1").isOk());
}

TEST_F(LoginLimiterTest, WindowSlides) {
  LoginLimiter limiter(clock_);
  limiter.recordFailure("alice", "a");  // t = 0
  clock_.advance(minutes(10));
  for (int i = 0; i < 4; ++i) limiter.recordFailure("alice", "a");  // t = 10 min
  EXPECT_EQ(limiter.retryAfter("alice", "a"), minutes(5));
  clock_.advance(minutes(5));  // the t = 0 failure leaves the window
  EXPECT_TRUE(limiter.check("alice", "a").isOk());
  limiter.recordFailure("alice", "a");  // back to five within 15 min
  EXPECT_EQ(limiter.retryAfter("alice", "a"), minutes(10));
  clock_.advance(minutes(10));
  EXPECT_TRUE(limiter.check("alice", "a").isOk());
}

TEST_F(LoginLimiterTest, SuccessClearsUserFailuresButNotAddress) {
  LoginLimiter limiter(clock_, {.max_failures_per_user = 5, .max_failures_per_address = 6});
  for (int i = 0; i < 4; ++i) limiter.recordFailure("alice", "10.0.0.1");
  limiter.recordSuccess("alice");
  for (int i = 0; i < 4; ++i) limiter.recordFailure("alice", "10.0.0.2");
  EXPECT_TRUE(limiter.check("alice", "10.0.0.2").isOk());  // 4, not 8
  limiter.recordFailure("alice", "10.0.0.2");
  EXPECT_FALSE(limiter.check("alice", "10.0.0.2").isOk());
  limiter.recordSuccess("alice");
  EXPECT_TRUE(limiter.check("alice", "10.0.0.2").isOk());
  // 10.0.0.2 still has 5 failures against a limit of 6.
  limiter.recordFailure("bob", "10.0.0.2");
  const Status s = limiter.check("carol", "10.0.0.2");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("from this address"), std::string::npos) << s.message();
  limiter.recordSuccess("nobody");  // unknown user: no effect, no crash
}

TEST_F(LoginLimiterTest, PerAddressLimitAcrossManyUsernames) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 20; ++i) {
    const std::string user = numbered("user", i);
    ASSERT_TRUE(limiter.check(user, "203.0.113.7").isOk()) << i;
    limiter.recordFailure(user, "203.0.113.7");
  }
  clock_.advance(seconds(30));
  const Status s = limiter.check("user999", "203.0.113.7");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "too many failed logins from this address; try again in 870 s");
  EXPECT_EQ(limiter.retryAfter("user999", "203.0.113.7"), seconds(870));
  // The same users from another address are fine (each has only one failure).
  EXPECT_TRUE(limiter.check("user0", "198.51.100.1").isOk());
}

TEST_F(LoginLimiterTest, ReportsTheLongerWaitWhenBothAreBlocked) {
  LoginLimiter limiter(clock_, {.max_failures_per_user = 2, .max_failures_per_address = 3});
  limiter.recordFailure("x", "addr");  // t = 0 (address)
  clock_.advance(minutes(1));
  limiter.recordFailure("alice", "addr");
  clock_.advance(minutes(1));
  limiter.recordFailure("alice", "addr");  // user blocked until 16 min, address until 15 min
  EXPECT_EQ(limiter.check("alice", "addr").message(),
            "too many failed logins for this user; try again in 840 s");
  EXPECT_EQ(limiter.retryAfter("alice", "addr"), minutes(14));
  EXPECT_EQ(limiter.check("bob", "addr").message(),
            "too many failed logins from this address; try again in 780 s");
}

TEST_F(LoginLimiterTest, UsesMonotonicTime) {
  LoginLimiter limiter(clock_, {.window = minutes(1)});
  for (int i = 0; i < 5; ++i) limiter.recordFailure("alice", "a");
  clock_.advance(seconds(59));
  EXPECT_FALSE(limiter.check("alice", "a").isOk());
  clock_.advance(seconds(1));
  EXPECT_TRUE(limiter.check("alice", "a").isOk());
}

TEST_F(LoginLimiterTest, KeyCapBoundsMemoryUnderSpray) {
  LoginLimiter limiter(clock_);  // default cap: 10,000 keys
  for (int i = 0; i < 50'000; ++i) {
    limiter.recordFailure(numbered("spray", i), numbered("10.1.", i % 7919));
    ASSERT_LE(limiter.trackedKeys(), 10'000u);
  }
  EXPECT_EQ(limiter.trackedKeys(), 10'000u);
}

TEST_F(LoginLimiterTest, KeyCapEvictsLeastRecentlyFailedFirst) {
  LoginLimiter limiter(clock_, {.max_tracked_keys = 100});
  for (int i = 0; i < 5; ++i) limiter.recordFailure("victim", "attacker");
  for (int i = 0; i < 1000; ++i) {
    clock_.advance(milliseconds(1));
    limiter.recordFailure(numbered("spray", i), "attacker");
    EXPECT_LE(limiter.trackedKeys(), 100u);
  }
  // "attacker" keeps failing, so it stays; the long-idle "victim" entry was evicted.
  EXPECT_EQ(limiter.check("new", "attacker").code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(limiter.check("victim", "elsewhere").isOk());
  // The most recent spray user is still tracked.
  limiter.recordFailure("spray999", "x");
  limiter.recordFailure("spray999", "x");
  limiter.recordFailure("spray999", "x");
  limiter.recordFailure("spray999", "x");
  EXPECT_FALSE(limiter.check("spray999", "y").isOk());
}

TEST_F(LoginLimiterTest, ExpiredKeysAreDropped) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 500; ++i) limiter.recordFailure(numbered("u", i), "a");
  EXPECT_EQ(limiter.trackedKeys(), 501u);
  clock_.advance(minutes(15));
  limiter.recordFailure("fresh", "b");
  EXPECT_EQ(limiter.trackedKeys(), 2u);
}

TEST_F(LoginLimiterTest, LongKeysAreHashedAndStayDistinct) {
  LoginLimiter limiter(clock_);
  const std::string long_a = std::string(1 << 20, 'x') + "a";
  const std::string long_b = std::string(1 << 20, 'x') + "b";
  for (int i = 0; i < 5; ++i) limiter.recordFailure(long_a, "a");
  EXPECT_FALSE(limiter.check(long_a, "b").isOk());
  EXPECT_TRUE(limiter.check(long_b, "b").isOk());
  // A short username that spells the digest a long one is stored under is a different key.
  EXPECT_TRUE(limiter.check(tokenDigest(long_a), "b").isOk());
  limiter.recordSuccess(long_a);
  EXPECT_TRUE(limiter.check(long_a, "b").isOk());
}

TEST_F(LoginLimiterTest, UserAndAddressNamespacesAreSeparate) {
  LoginLimiter limiter(clock_);
  for (int i = 0; i < 5; ++i) limiter.recordFailure("10.0.0.1", "somewhere");
  EXPECT_TRUE(limiter.check("bob", "10.0.0.1").isOk());
}

TEST_F(LoginLimiterTest, OptionsAreSanitised) {
  LoginLimiter limiter(clock_, {.max_failures_per_user = 0,
                                .max_failures_per_address = -3,
                                .window = Millis(0),
                                .max_tracked_keys = 0});
  EXPECT_EQ(limiter.options().max_failures_per_user, 1);
  EXPECT_EQ(limiter.options().max_failures_per_address, 1);
  EXPECT_EQ(limiter.options().window, Millis(1));
  EXPECT_EQ(limiter.options().max_tracked_keys, 2u);
  limiter.recordFailure("alice", "a");
  EXPECT_FALSE(limiter.check("alice", "z").isOk());
  clock_.advance(milliseconds(1));
  EXPECT_TRUE(limiter.check("alice", "a").isOk());
}

TEST_F(LoginLimiterTest, ConcurrentUseIsConsistent) {
  LoginLimiter limiter(clock_, {.max_failures_per_address = 1000});
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&limiter, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string user = numbered(numbered("t", t).append("-").c_str(), i % 50);
        (void)limiter.check(user, "shared");
        limiter.recordFailure(user, "shared");
        if (i % 7 == 0) limiter.recordSuccess(user);
        (void)limiter.retryAfter(user, "shared");
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_LE(limiter.trackedKeys(), static_cast<std::size_t>(kThreads * 50 + 1));
  EXPECT_EQ(limiter.check("anyone", "shared").code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace outpost::auth
