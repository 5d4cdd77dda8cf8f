#include "plugins/value.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>
#include <cstdio>


// GCC 12 at -O2 reports std::variant members of Value as maybe-uninitialized when a
// Value is moved into a Result (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace outpost::plugins {

const Value& Value::operator[](const std::string& key) const {
  static const Value kNil;
  if (!isObject()) return kNil;
  const auto& o = asObject();
  auto it = o.find(key);
  return it == o.end() ? kNil : it->second;
}

namespace {

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
}

void write(std::string& out, const Value& v) {
  if (v.isNil()) {
    out += "null";
  } else if (v.isBool()) {
    out += v.asBool() ? "true" : "false";
  } else if (v.isNumber()) {
    const double d = v.asNumber();
    char buf[40];
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      std::snprintf(buf, sizeof buf, "%.0f", d);
    } else if (std::isfinite(d)) {
      std::snprintf(buf, sizeof buf, "%.17g", d);
    } else {
      std::snprintf(buf, sizeof buf, "null");
    }
    out += buf;
  } else if (v.isString()) {
    quote(out, v.asString());
  } else if (v.isArray()) {
    out += '[';
    bool first = true;
    for (const auto& e : v.asArray()) {
      if (!first) out += ',';
      first = false;
      write(out, e);
    }
    out += ']';
  } else {
    out += '{';
    bool first = true;
    for (const auto& [k, e] : v.asObject()) {
      if (!first) out += ',';
      first = false;
      quote(out, k);
      out += ':';
      write(out, e);
    }
    out += '}';
  }
}

}  // namespace

std::string toJsonText(const Value& value) {
  std::string out;
  write(out, value);
  return out;
}

Result<Value> fromJson(const Poco::Dynamic::Var& json, int max_depth) {
  if (max_depth <= 0) return Status::invalidArgument("nested too deeply");
  if (json.isEmpty()) return Value();
  if (json.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = json.extract<Poco::JSON::Object::Ptr>();
    Value::Object out;
    for (const auto& [k, e] : *obj) {
      auto v = fromJson(e, max_depth - 1);
      if (!v) return v.status().under("/" + k);
      out.emplace(k, std::move(v.value()));
    }
    return Value(std::move(out));
  }
  if (json.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto arr = json.extract<Poco::JSON::Array::Ptr>();
    Value::Array out;
    for (size_t i = 0; i < arr->size(); ++i) {
      auto v = fromJson(arr->get(static_cast<unsigned>(i)), max_depth - 1);
      if (!v) return v.status().under("/" + std::to_string(i));
      out.push_back(std::move(v.value()));
    }
    return Value(std::move(out));
  }
  if (json.isBoolean()) return Value(json.convert<bool>());
  if (json.isNumeric()) return Value(json.convert<double>());
  if (json.isString()) return Value(json.convert<std::string>());
  return Status::invalidArgument("unsupported JSON value");
}

}  // namespace outpost::plugins
