#pragma once

// Status and Result<T>: how every module boundary in Outpost reports failure.
//
// A Status is a code, a message a person can act on, and optionally the place the
// problem was found (a JSON field path such as "/skills/2/level", a config key, a
// file and line). Adapters (HTTP, MQTT, storage) turn library exceptions into a
// Status at their edge; domain code never throws for expected failures.
//
// Thread-safety: values; safe to copy between threads.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace outpost {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is malformed or violates a rule
  kNotFound,            // the addressed thing does not exist
  kAlreadyExists,       // a create collided with an existing id
  kConflict,            // the change clashes with the current state
  kFailedPrecondition,  // the system is not in a state that allows this
  kUnauthenticated,     // no or bad credentials
  kPermissionDenied,    // credentials fine, role not enough
  kResourceExhausted,   // rate limit, quota, size limit
  kUnavailable,         // try again later (storage down, shutting down)
  kDataLoss,            // on-disk data is corrupt
  kInternal,            // a bug or an unexpected library failure
};

std::string_view statusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string where = {})
      : code_(code), message_(std::move(message)), where_(std::move(where)) {}

  static Status ok() { return {}; }
  static Status invalidArgument(std::string msg, std::string where = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(where)};
  }
  static Status notFound(std::string msg, std::string where = {}) {
    return {StatusCode::kNotFound, std::move(msg), std::move(where)};
  }
  static Status alreadyExists(std::string msg, std::string where = {}) {
    return {StatusCode::kAlreadyExists, std::move(msg), std::move(where)};
  }
  static Status conflict(std::string msg, std::string where = {}) {
    return {StatusCode::kConflict, std::move(msg), std::move(where)};
  }
  static Status failedPrecondition(std::string msg, std::string where = {}) {
    return {StatusCode::kFailedPrecondition, std::move(msg), std::move(where)};
  }
  static Status unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status permissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status resourceExhausted(std::string msg, std::string where = {}) {
    return {StatusCode::kResourceExhausted, std::move(msg), std::move(where)};
  }
  static Status unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status dataLoss(std::string msg) { return {StatusCode::kDataLoss, std::move(msg)}; }
  static Status internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool isOk() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Where the problem is: a field path, config key or file:line; may be empty.
  const std::string& where() const { return where_; }

  // "<message>" or "<where>: <message>".
  std::string describe() const;
  // "NOT_FOUND: <where>: <message>" — for logs.
  std::string toString() const;

  // A copy whose `where` is prefixed: nesting errors as they bubble up,
  // e.g. Status(..., "/level").under("/skills/2") → "/skills/2/level".
  Status under(std::string_view prefix) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_ && a.where_ == b.where_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string where_;
};

// Either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).isOk() && "Result built from an OK status");
  }

  bool isOk() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return isOk(); }

  const Status& status() const {
    static const Status kOk;
    return isOk() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace outpost

// Early return of a failed Status from a function that returns Status or Result.
// (A unique local name per use, so nested uses inside lambdas do not shadow.)
#define OUTPOST_STATUS_CONCAT_(a, b) a##b
#define OUTPOST_STATUS_CONCAT(a, b) OUTPOST_STATUS_CONCAT_(a, b)
#define OUTPOST_RETURN_IF_ERROR(expr) \
  OUTPOST_RETURN_IF_ERROR_IMPL_(OUTPOST_STATUS_CONCAT(outpost_status_, __COUNTER__), expr)
#define OUTPOST_RETURN_IF_ERROR_IMPL_(name, expr) \
  do {                                            \
    ::outpost::Status name = (expr);              \
    if (!name.isOk()) return name;                \
  } while (false)
