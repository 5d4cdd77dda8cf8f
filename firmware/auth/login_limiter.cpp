#include "auth/login_limiter.h"

#include <algorithm>
#include <utility>

#include "auth/token.h"

namespace outpost::auth {
namespace {

LoginLimiter::Options sanitize(LoginLimiter::Options options) {
  options.max_failures_per_user = std::max(options.max_failures_per_user, 1);
  options.max_failures_per_address = std::max(options.max_failures_per_address, 1);
  options.window = std::max(options.window, Millis(1));
  options.max_tracked_keys = std::max<std::size_t>(options.max_tracked_keys, 2);
  return options;
}

std::string blockedMessage(std::string_view who, Millis wait) {
  const auto seconds = std::max<Millis::rep>((wait.count() + 999) / 1000, 1);
  std::string message = "too many failed logins ";
  message += who;
  message += "; try again in ";
  message += std::to_string(seconds);
  message += " s";
  return message;
}

}  // namespace

LoginLimiter::LoginLimiter(const Clock& clock) : LoginLimiter(clock, Options{}) {}

LoginLimiter::LoginLimiter(const Clock& clock, Options options)
    : clock_(clock), options_(sanitize(options)) {}

std::string LoginLimiter::makeKey(Kind kind, std::string_view text) {
  // Kind tag, then 'r' + the raw text or 'h' + its SHA-256: the two forms cannot collide.
  std::string key(1, static_cast<char>(kind));
  if (text.size() <= kMaxRawKeyBytes) {
    key += 'r';
    key += text;
  } else {
    key += 'h';
    key += tokenDigest(text);
  }
  return key;
}

int LoginLimiter::limitFor(Kind kind) const {
  return kind == Kind::kUser ? options_.max_failures_per_user : options_.max_failures_per_address;
}

Millis LoginLimiter::waitLocked(const std::string& key, int limit, MonoTime now) const {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return Millis(0);
  const std::deque<MonoTime>& failures = it->second.failures;
  if (failures.size() < static_cast<std::size_t>(limit)) return Millis(0);
  // The deque holds exactly the `limit` newest failures; the block lasts until the oldest
  // of them leaves the window.
  const MonoTime unblock = failures.front() + options_.window;
  if (now >= unblock) return Millis(0);
  return std::chrono::ceil<Millis>(unblock - now);
}

Status LoginLimiter::check(std::string_view username, std::string_view address) const {
  const std::string user_key = makeKey(Kind::kUser, username);
  const std::string address_key = makeKey(Kind::kAddress, address);
  Millis user_wait{0};
  Millis address_wait{0};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const MonoTime now = clock_.monoNow();
    user_wait = waitLocked(user_key, options_.max_failures_per_user, now);
    address_wait = waitLocked(address_key, options_.max_failures_per_address, now);
  }
  if (user_wait.count() == 0 && address_wait.count() == 0) return Status::ok();
  if (user_wait >= address_wait) {
    return Status::resourceExhausted(blockedMessage("for this user", user_wait));
  }
  return Status::resourceExhausted(blockedMessage("from this address", address_wait));
}

Millis LoginLimiter::retryAfter(std::string_view username, std::string_view address) const {
  const std::string user_key = makeKey(Kind::kUser, username);
  const std::string address_key = makeKey(Kind::kAddress, address);
  std::lock_guard<std::mutex> lock(mutex_);
  const MonoTime now = clock_.monoNow();
  return std::max(waitLocked(user_key, options_.max_failures_per_user, now),
                  waitLocked(address_key, options_.max_failures_per_address, now));
}

void LoginLimiter::recordFailure(std::string_view username, std::string_view address) {
  std::string user_key = makeKey(Kind::kUser, username);
  std::string address_key = makeKey(Kind::kAddress, address);
  std::lock_guard<std::mutex> lock(mutex_);
  const MonoTime now = clock_.monoNow();
  dropExpiredLocked(now);
  recordLocked(std::move(user_key), limitFor(Kind::kUser), now);
  recordLocked(std::move(address_key), limitFor(Kind::kAddress), now);
}

void LoginLimiter::recordSuccess(std::string_view username) {
  const std::string user_key = makeKey(Kind::kUser, username);
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = entries_.find(user_key);
  if (it != entries_.end()) eraseLocked(it);
}

std::size_t LoginLimiter::trackedKeys() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void LoginLimiter::recordLocked(std::string key, int limit, MonoTime now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    // Make room first: lru_.front() is the key whose latest failure is oldest.
    while (entries_.size() >= options_.max_tracked_keys && !lru_.empty()) {
      eraseLocked(entries_.find(*lru_.front()));
    }
    it = entries_.emplace(std::move(key), Entry{}).first;
    it->second.lru = lru_.insert(lru_.end(), &it->first);
  } else {
    lru_.splice(lru_.end(), lru_, it->second.lru);
  }
  std::deque<MonoTime>& failures = it->second.failures;
  failures.push_back(now);
  while (failures.size() > static_cast<std::size_t>(limit)) failures.pop_front();
}

void LoginLimiter::dropExpiredLocked(MonoTime now) {
  // lru_ is ordered by latest failure, so the fully expired keys are all at the front.
  while (!lru_.empty()) {
    const auto it = entries_.find(*lru_.front());
    if (it->second.failures.back() + options_.window > now) break;
    eraseLocked(it);
  }
}

void LoginLimiter::eraseLocked(std::unordered_map<std::string, Entry>::iterator it) {
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

}  // namespace outpost::auth
