#pragma once

// Config: typed settings described by a schema, read from a "key = value" file and
// command-line overrides. The schema (keys, types, defaults, limits, help) is the
// single source for validation, `--help` and docs/configuration.md.
//
// File format, one setting per line:
//   # comment
//   http.listen = 127.0.0.1:8080
//   log.level   = information
// Values may be quoted ("..."). An unknown key, a repeated key or a bad value is an
// error that names the source, line, key, value and what is allowed.
//
// No I/O here: callers read the file and pass its text.
// Thread-safety: immutable after loading; concurrent reads are safe.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace outpost {

enum class ConfigType {
  kString,    // any text (may be empty)
  kInt,       // decimal integer within [min, max]
  kBool,      // true/false, yes/no, on/off
  kDuration,  // number with unit: ms, s, m, h, d — e.g. 250ms, 15s, 8h; within [min, max] ms
  kEnum,      // one of `allowed`
  kHostPort,  // host:port, port 0–65535 (0 = any free port)
};

struct ConfigKeySpec {
  std::string key;
  ConfigType type = ConfigType::kString;
  std::string default_value;
  std::string help;
  int64_t min = std::numeric_limits<int64_t>::min();  // kInt: value, kDuration: ms
  int64_t max = std::numeric_limits<int64_t>::max();
  std::vector<std::string> allowed;  // kEnum
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

class ConfigSchema {
 public:
  ConfigSchema& add(ConfigKeySpec spec);
  const ConfigKeySpec* find(std::string_view key) const;
  const std::vector<ConfigKeySpec>& keys() const { return keys_; }
  // "allowed: 1..256" style description of what a key accepts.
  static std::string describeAllowed(const ConfigKeySpec& spec);

 private:
  std::vector<ConfigKeySpec> keys_;
};

class Config {
 public:
  // All keys at their defaults.
  explicit Config(const ConfigSchema& schema);

  // Parses a whole file's text. `source` names it in errors ("outpost.conf").
  Status loadText(std::string_view text, std::string_view source);
  // Sets one key; `origin` names where the value came from ("--listen", "line 3").
  Status set(std::string_view key, std::string_view value, std::string_view origin);

  const std::string& getString(std::string_view key) const;
  int64_t getInt(std::string_view key) const;
  bool getBool(std::string_view key) const;
  Millis getDuration(std::string_view key) const;
  HostPort getHostPort(std::string_view key) const;
  // Whether the value was set by a file or override rather than the default.
  bool isSet(std::string_view key) const;

  const ConfigSchema& schema() const { return schema_; }

 private:
  const ConfigKeySpec& spec(std::string_view key) const;

  const ConfigSchema& schema_;
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> origins_;
};

// Parsers shared with the validation above; exposed for tests and other inputs.
Result<Millis> parseDuration(std::string_view text);
Result<HostPort> parseHostPort(std::string_view text);
Result<bool> parseBool(std::string_view text);
Result<int64_t> parseInt(std::string_view text);

}  // namespace outpost
