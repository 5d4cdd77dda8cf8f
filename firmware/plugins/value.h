#pragma once

// Value: the plain data that crosses the Lua boundary (hook inputs and results,
// bundle test vectors). nil, boolean, number, string, array, object — nothing else
// (no functions, userdata or metatables ever cross).
//
// Thread-safety: a value type.

#include <Poco/Dynamic/Var.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"

namespace outpost::plugins {

struct Value {
  using Array = std::vector<Value>;
  using Object = std::map<std::string, Value>;
  std::variant<std::monostate, bool, double, std::string, Array, Object> v;

  Value() = default;
  Value(bool b) : v(b) {}                        // NOLINT(google-explicit-constructor)
  Value(double d) : v(d) {}                      // NOLINT(google-explicit-constructor)
  Value(int i) : v(static_cast<double>(i)) {}    // NOLINT(google-explicit-constructor)
  Value(std::string s) : v(std::move(s)) {}      // NOLINT(google-explicit-constructor)
  Value(const char* s) : v(std::string(s)) {}    // NOLINT(google-explicit-constructor)
  Value(Array a) : v(std::move(a)) {}            // NOLINT(google-explicit-constructor)
  Value(Object o) : v(std::move(o)) {}           // NOLINT(google-explicit-constructor)

  bool isNil() const { return std::holds_alternative<std::monostate>(v); }
  bool isBool() const { return std::holds_alternative<bool>(v); }
  bool isNumber() const { return std::holds_alternative<double>(v); }
  bool isString() const { return std::holds_alternative<std::string>(v); }
  bool isArray() const { return std::holds_alternative<Array>(v); }
  bool isObject() const { return std::holds_alternative<Object>(v); }
  bool asBool() const { return std::get<bool>(v); }
  double asNumber() const { return std::get<double>(v); }
  const std::string& asString() const { return std::get<std::string>(v); }
  const Array& asArray() const { return std::get<Array>(v); }
  const Object& asObject() const { return std::get<Object>(v); }
  Object& asObject() { return std::get<Object>(v); }
  // The field of an object, or nil.
  const Value& operator[](const std::string& key) const;

  friend bool operator==(const Value& a, const Value& b) { return a.v == b.v; }
};

// Compact JSON (numbers that are whole print without a fraction); for logs and diffs.
std::string toJsonText(const Value& value);
// From a parsed JSON value (Poco); at most `max_depth` levels.
Result<Value> fromJson(const Poco::Dynamic::Var& json, int max_depth = 16);
// From JSON text, read by Poco's parser straight into a Value (no Poco::Dynamic tree in
// between: this is on the hook path for every contact's attributes). The same value as
// fromJson() of the parsed text, with the same depth rule.
Result<Value> parseJson(const std::string& text, int max_depth = 16);

}  // namespace outpost::plugins
