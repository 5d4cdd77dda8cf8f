#pragma once

// Strict JSON input for the HTTP and WebSocket APIs.
//
// JsonReader walks one JSON object. Each accessor names a field; a present field
// of the wrong type, or a value out of its range, records an error with the field's
// path ("/skills/2/level"). finish() adds an error for any field nobody asked for
// (unknown fields are rejected) and returns the first error. Only the first problem
// is reported, so a client fixes one thing at a time with an exact pointer.
//
// `required` means: absent → error. For PATCH bodies pass required=false and the
// current values as the starting point, so the same code reads a create and a patch.
//
// Thread-safety: a reader is used by one thread.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::codec {

class JsonReader {
 public:
  // Parses `body`; it must be one JSON object. Errors name the line/column.
  static Result<Poco::JSON::Object::Ptr> parseObject(std::string_view body);

  JsonReader(Poco::JSON::Object::Ptr object, std::string path = "");

  JsonReader& string(const std::string& key, std::string& out, bool required);
  JsonReader& optionalString(const std::string& key, std::optional<std::string>& out, bool required);  // null ok
  JsonReader& integer(const std::string& key, int& out, bool required, int min, int max);
  JsonReader& number(const std::string& key, double& out, bool required, double min, double max);
  JsonReader& boolean(const std::string& key, bool& out, bool required);
  JsonReader& stringArray(const std::string& key, std::vector<std::string>& out, bool required, size_t max_items);
  // A nested object of free fields, kept as compact JSON text (at most max_bytes).
  JsonReader& freeObject(const std::string& key, std::string& out_json, bool required, size_t max_bytes);
  // A nested object read by `fn` with a reader whose paths are prefixed.
  JsonReader& object(const std::string& key, bool required, const std::function<void(JsonReader&)>& fn);
  // An array of objects; `fn` gets each item's reader and index.
  JsonReader& objectArray(const std::string& key, bool required, size_t max_items,
                          const std::function<void(JsonReader&, size_t)>& fn);

  // Whether the body has `key` at all (for PATCH semantics of nested values).
  bool has(const std::string& key) const { return object_->has(key); }
  // Records an error found by the caller (e.g. a domain validation) if none yet.
  void fail(Status status);
  bool ok() const { return error_.isOk(); }

  // Rejects fields that were never asked for; returns the first error.
  Status finish();

 private:
  std::string at(const std::string& key) const { return path_ + "/" + key; }
  bool present(const std::string& key, bool required);
  void typeError(const std::string& key, std::string_view expected);

  Poco::JSON::Object::Ptr object_;
  std::string path_;
  std::set<std::string> known_;
  Status error_;
};

// Serialises to compact JSON (UTF-8 kept as is, not \u-escaped).
std::string toJson(const Poco::JSON::Object::Ptr& object);
std::string toJson(const Poco::JSON::Array::Ptr& array);

}  // namespace outpost::codec
