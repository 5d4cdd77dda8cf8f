#include "plugins/value.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

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

namespace {

// Poco's parser calls this for every token; it builds the Value as it goes. A value
// nested `max_depth` or more levels below the top is refused, as fromJson() does.
class ValueBuilder final : public Poco::JSON::Handler {
 public:
  explicit ValueBuilder(int max_depth) : max_depth_(max_depth) {}

  void reset() override {
    open_.clear();
    root_ = Value();
    too_deep_ = false;
  }
  void startObject() override { open(Value(Value::Object{})); }
  void endObject() override { close(); }
  void startArray() override { open(Value(Value::Array{})); }
  void endArray() override { close(); }
  void key(const std::string& k) override { key_ = k; }
  void null() override { put(Value()); }
  void value(int v) override { put(Value(static_cast<double>(v))); }
  void value(unsigned v) override { put(Value(static_cast<double>(v))); }
  void value(Poco::Int64 v) override { put(Value(static_cast<double>(v))); }
  void value(Poco::UInt64 v) override { put(Value(static_cast<double>(v))); }
  void value(const std::string& v) override { put(Value(v)); }
  void value(double d) override { put(Value(d)); }
  void value(bool b) override { put(Value(b)); }

  Result<Value> take() {
    if (too_deep_) return Status::invalidArgument("nested too deeply");
    return std::move(root_);
  }

 private:
  struct Open {
    Value value;
    std::string key;  // its field in the enclosing object
  };

  bool admit() {
    if (max_depth_ - static_cast<int>(open_.size()) <= 0) too_deep_ = true;
    return !too_deep_;
  }
  void open(Value container) {
    if (!admit()) return;
    open_.push_back(Open{std::move(container), key_});
  }
  void close() {
    if (too_deep_ || open_.empty()) return;
    Open done = std::move(open_.back());
    open_.pop_back();
    key_ = std::move(done.key);
    place(std::move(done.value));
  }
  void put(Value v) {
    if (admit()) place(std::move(v));
  }
  void place(Value v) {
    if (open_.empty()) {
      root_ = std::move(v);
    } else if (auto* a = std::get_if<Value::Array>(&open_.back().value.v)) {
      a->push_back(std::move(v));
    } else {
      open_.back().value.asObject().insert_or_assign(key_, std::move(v));
    }
  }

  const int max_depth_;
  std::vector<Open> open_;
  std::string key_;
  Value root_;
  bool too_deep_ = false;
};

}  // namespace

Result<Value> parseJson(const std::string& text, int max_depth) {
  Poco::SharedPtr<ValueBuilder> builder = new ValueBuilder(max_depth);
  try {
    Poco::JSON::Parser parser(builder);
    parser.parse(text);
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    return Status::invalidArgument(std::string("not valid JSON: ") + e.what());
  }
  return builder->take();
}

}  // namespace outpost::plugins
