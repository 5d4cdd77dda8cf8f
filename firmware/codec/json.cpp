#include "codec/json.h"

#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include <limits>
#include <sstream>

namespace outpost::codec {
namespace {

// JSON value kinds as a client would name them.
std::string_view kindOf(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return "null";
  if (v.type() == typeid(Poco::JSON::Object::Ptr)) return "an object";
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) return "an array";
  if (v.isString()) return "a string";
  if (v.isBoolean()) return "a boolean";
  if (v.isNumeric()) return "a number";
  return "another type";
}

bool isInteger(const Poco::Dynamic::Var& v) { return v.isInteger() && !v.isBoolean(); }

}  // namespace

Result<Poco::JSON::Object::Ptr> JsonReader::parseObject(std::string_view body) {
  if (body.empty()) return Status::invalidArgument("the request body is empty; a JSON object is expected");
  // Poco's parser cannot take a top-level scalar, so name the kind from its first
  // character; anything else that is not an object is simply not JSON.
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] != '{') {
    const char ch = body[first];
    const char* kind = ch == '[' ? "an array"
                       : ch == '"' ? "a string"
                       : (ch == 't' || ch == 'f') && (body.substr(first, 4) == "true" || body.substr(first, 5) == "false")
                           ? "a boolean"
                       : body.substr(first, 4) == "null"             ? "null"
                       : (ch == '-' || (ch >= '0' && ch <= '9')) ? "a number"
                                                                 : nullptr;
    if (kind != nullptr) return Status::invalidArgument(std::string("the body must be a JSON object, not ") + kind);
  }
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(std::string(body));
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("the body is not valid JSON: " + e.message());
  } catch (const std::exception& e) {
    return Status::invalidArgument(std::string("the body is not valid JSON: ") + e.what());
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) {
    return Status::invalidArgument("the body must be a JSON object, not " + std::string(kindOf(parsed)));
  }
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

JsonReader::JsonReader(Poco::JSON::Object::Ptr object, std::string path)
    : object_(std::move(object)), path_(std::move(path)) {}

void JsonReader::fail(Status status) {
  if (error_.isOk() && !status.isOk()) error_ = std::move(status);
}

void JsonReader::typeError(const std::string& key, std::string_view expected) {
  fail(Status::invalidArgument(
      "must be " + std::string(expected) + ", not " + std::string(kindOf(object_->get(key))), at(key)));
}

bool JsonReader::present(const std::string& key, bool required) {
  known_.insert(key);
  if (!error_.isOk()) return false;
  if (!object_->has(key)) {
    if (required) fail(Status::invalidArgument("is required", at(key)));
    return false;
  }
  return true;
}

JsonReader& JsonReader::string(const std::string& key, std::string& out, bool required) {
  if (!present(key, required)) return *this;
  const auto& v = object_->get(key);
  if (!v.isString()) {
    typeError(key, "a string");
    return *this;
  }
  out = v.extract<std::string>();
  return *this;
}

JsonReader& JsonReader::optionalString(const std::string& key, std::optional<std::string>& out, bool required) {
  if (!present(key, required)) return *this;
  const auto& v = object_->get(key);
  if (v.isEmpty()) {
    out.reset();
  } else if (v.isString()) {
    out = v.extract<std::string>();
  } else {
    typeError(key, "a string or null");
  }
  return *this;
}

JsonReader& JsonReader::integer(const std::string& key, int& out, bool required, int min, int max) {
  if (!present(key, required)) return *this;
  const auto& v = object_->get(key);
  if (!isInteger(v)) {
    typeError(key, "a whole number");
    return *this;
  }
  int64_t n = 0;
  try {
    n = v.convert<int64_t>();
  } catch (const Poco::Exception&) {  // beyond int64 (Poco keeps those as UInt64)
    n = std::numeric_limits<int64_t>::max();
  }
  if (n < min || n > max) {
    fail(Status::invalidArgument("must be between " + std::to_string(min) + " and " + std::to_string(max) +
                                     ", not " + std::to_string(n),
                                 at(key)));
    return *this;
  }
  out = static_cast<int>(n);
  return *this;
}

JsonReader& JsonReader::number(const std::string& key, double& out, bool required, double min, double max) {
  if (!present(key, required)) return *this;
  const auto& v = object_->get(key);
  if (!v.isNumeric() || v.isBoolean()) {
    typeError(key, "a number");
    return *this;
  }
  double n = 0;
  try {
    n = v.convert<double>();
  } catch (const Poco::Exception&) {
    n = std::numeric_limits<double>::infinity();
  }
  if (!(n >= min && n <= max)) {
    std::ostringstream msg;
    msg << "must be between " << min << " and " << max;
    fail(Status::invalidArgument(msg.str(), at(key)));
    return *this;
  }
  out = n;
  return *this;
}

JsonReader& JsonReader::boolean(const std::string& key, bool& out, bool required) {
  if (!present(key, required)) return *this;
  const auto& v = object_->get(key);
  if (!v.isBoolean()) {
    typeError(key, "true or false");
    return *this;
  }
  out = v.extract<bool>();
  return *this;
}

JsonReader& JsonReader::stringArray(const std::string& key, std::vector<std::string>& out, bool required,
                                    size_t max_items) {
  if (!present(key, required)) return *this;
  auto arr = object_->getArray(key);
  if (arr.isNull()) {
    typeError(key, "an array of strings");
    return *this;
  }
  if (arr->size() > max_items) {
    fail(Status::invalidArgument("must have at most " + std::to_string(max_items) + " items", at(key)));
    return *this;
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < arr->size(); ++i) {
    const auto v = arr->get(static_cast<unsigned>(i));
    if (!v.isString()) {
      fail(Status::invalidArgument("must be a string, not " + std::string(kindOf(v)), at(key) + "/" + std::to_string(i)));
      return *this;
    }
    items.push_back(v.extract<std::string>());
  }
  out = std::move(items);
  return *this;
}

JsonReader& JsonReader::freeObject(const std::string& key, std::string& out_json, bool required,
                                   size_t max_bytes) {
  if (!present(key, required)) return *this;
  auto obj = object_->getObject(key);
  if (obj.isNull()) {
    typeError(key, "an object");
    return *this;
  }
  std::string text = toJson(obj);
  if (text.size() > max_bytes) {
    fail(Status::invalidArgument("must be at most " + std::to_string(max_bytes) + " bytes as JSON", at(key)));
    return *this;
  }
  out_json = std::move(text);
  return *this;
}

JsonReader& JsonReader::object(const std::string& key, bool required, const std::function<void(JsonReader&)>& fn) {
  if (!present(key, required)) return *this;
  auto obj = object_->getObject(key);
  if (obj.isNull()) {
    typeError(key, "an object");
    return *this;
  }
  JsonReader nested(obj, at(key));
  fn(nested);
  fail(nested.finish());
  return *this;
}

JsonReader& JsonReader::objectArray(const std::string& key, bool required, size_t max_items,
                                    const std::function<void(JsonReader&, size_t)>& fn) {
  if (!present(key, required)) return *this;
  auto arr = object_->getArray(key);
  if (arr.isNull()) {
    typeError(key, "an array of objects");
    return *this;
  }
  if (arr->size() > max_items) {
    fail(Status::invalidArgument("must have at most " + std::to_string(max_items) + " items", at(key)));
    return *this;
  }
  for (size_t i = 0; i < arr->size() && error_.isOk(); ++i) {
    const std::string item_path = at(key) + "/" + std::to_string(i);
    auto obj = arr->getObject(static_cast<unsigned>(i));
    if (obj.isNull()) {
      fail(Status::invalidArgument("must be an object, not " + std::string(kindOf(arr->get(static_cast<unsigned>(i)))),
                                   item_path));
      break;
    }
    JsonReader nested(obj, item_path);
    fn(nested, i);
    fail(nested.finish());
  }
  return *this;
}

Status JsonReader::finish() {
  if (!error_.isOk()) return error_;
  for (const auto& [key, value] : *object_) {
    if (known_.count(key) == 0) {
      std::string allowed;
      for (const auto& k : known_) allowed += (allowed.empty() ? "" : ", ") + k;
      return Status::invalidArgument("unknown field; allowed fields here: " + allowed, at(key));
    }
  }
  return Status::ok();
}

std::string toJson(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  object->stringify(out);
  return out.str();
}

std::string toJson(const Poco::JSON::Array::Ptr& array) {
  std::ostringstream out;
  array->stringify(out);
  return out.str();
}

}  // namespace outpost::codec
