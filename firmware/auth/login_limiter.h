#pragma once

// LoginLimiter: throttles password guessing, per username and per client address.
//
// The login handler asks check(username, address) before verifying a password, and then
// reports the outcome with recordFailure(username, address) or recordSuccess(username).
// A key (a username, or an address) is blocked while it has at least its limit of
// failures within the last `window` (a sliding window; a failure exactly `window` old no
// longer counts). recordSuccess clears the user's failures, not the address's.
//
// Keys are compared byte for byte: pass the canonical username (as stored, e.g. after
// case-folding if logins are case-insensitive), or an attacker can dodge the per-user
// limit by varying its spelling. Usernames/addresses longer than kMaxRawKeyBytes are
// tracked by their SHA-256, so a huge username costs no more memory than a short one.
//
// Time comes from the injected Clock's monoNow(), so wall-clock jumps do not unblock or
// extend blocks, and tests drive it with SimulatedClock.
//
// Memory is bounded: each key keeps at most its limit of timestamps, fully expired keys
// are dropped as new failures arrive, and at most Options::max_tracked_keys keys (users
// and addresses together) are kept; beyond that the key whose latest failure is oldest is
// evicted (forgetting its failures — under a large enough spray of fresh keys a blocked
// key can be forgotten early; that is the price of the bound).
//
// Thread-safety: all methods are safe to call concurrently (one internal mutex; each call
// is O(1) amortised apart from hashing an over-long key). The Clock must outlive this.

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/status.h"

namespace outpost::auth {

class LoginLimiter {
 public:
  struct Options {
    int max_failures_per_user = 5;
    int max_failures_per_address = 20;
    Millis window = std::chrono::minutes(15);
    // Users and addresses together. Values below 2 are raised to 2.
    std::size_t max_tracked_keys = 10'000;
  };

  // Keys longer than this many bytes are stored as their SHA-256.
  static constexpr std::size_t kMaxRawKeyBytes = 128;

  // With default Options.
  explicit LoginLimiter(const Clock& clock);
  // Limits below 1 are raised to 1; a window below 1 ms is raised to 1 ms.
  LoginLimiter(const Clock& clock, Options options);

  LoginLimiter(const LoginLimiter&) = delete;
  LoginLimiter& operator=(const LoginLimiter&) = delete;

  // OK if a login attempt may proceed; otherwise kResourceExhausted with
  //   "too many failed logins for this user; try again in N s"  or
  //   "too many failed logins from this address; try again in N s"
  // (N = whole seconds, rounded up; when both are blocked, the one with the longer wait).
  Status check(std::string_view username, std::string_view address) const;

  // How long until check() would pass: zero if it passes now, else the longer of the
  // user's and the address's remaining block (rounded up to whole milliseconds).
  Millis retryAfter(std::string_view username, std::string_view address) const;

  // Counts one failed attempt against both the user and the address.
  void recordFailure(std::string_view username, std::string_view address);

  // Forgets the user's failures (the address's failures are kept).
  void recordSuccess(std::string_view username);

  // Number of users plus addresses currently tracked (for tests and metrics).
  std::size_t trackedKeys() const;

  const Options& options() const { return options_; }

 private:
  enum class Kind : char { kUser = 'u', kAddress = 'a' };

  struct Entry {
    std::deque<MonoTime> failures;            // oldest first, at most the key's limit
    std::list<const std::string*>::iterator lru;  // position in lru_
  };

  static std::string makeKey(Kind kind, std::string_view text);
  int limitFor(Kind kind) const;
  Millis waitLocked(const std::string& key, int limit, MonoTime now) const;
  void recordLocked(std::string key, int limit, MonoTime now);
  void dropExpiredLocked(MonoTime now);
  void eraseLocked(std::unordered_map<std::string, Entry>::iterator it);

  const Clock& clock_;
  const Options options_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  // Keys of entries_, least recently failed first (the pointers refer to the map's keys,
  // which stay put across rehashing).
  std::list<const std::string*> lru_;
};

}  // namespace outpost::auth
