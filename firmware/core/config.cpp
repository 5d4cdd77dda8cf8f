#include "core/config.h"

#include <algorithm>
#include <cassert>
#include <charconv>

namespace outpost {
namespace {

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Levenshtein distance, for "did you mean" on unknown keys.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

Result<int64_t> parseInt(std::string_view text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end) {
    return Status::invalidArgument("not a whole number");
  }
  return v;
}

Result<bool> parseBool(std::string_view text) {
  if (text == "true" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "no" || text == "off") return false;
  return Status::invalidArgument("not a boolean (use true/false)");
}

Result<Millis> parseDuration(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return Status::invalidArgument("not a duration (use e.g. 250ms, 15s, 5m, 8h, 1d)");
  int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + digits, n);
  if (ec != std::errc()) return Status::invalidArgument("duration out of range");
  const std::string_view unit = text.substr(digits);
  int64_t mult = 0;
  if (unit == "ms") mult = 1;
  else if (unit == "s") mult = 1000;
  else if (unit == "m") mult = 60'000;
  else if (unit == "h") mult = 3'600'000;
  else if (unit == "d") mult = 86'400'000;
  else return Status::invalidArgument("duration needs a unit: ms, s, m, h or d");
  if (n > std::numeric_limits<int64_t>::max() / mult) return Status::invalidArgument("duration out of range");
  return Millis(n * mult);
}

Result<HostPort> parseHostPort(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {  // [::1]:8080
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::invalidArgument("not host:port (IPv6 as [addr]:port)");
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return Status::invalidArgument("not host:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Status::invalidArgument("IPv6 addresses need brackets: [addr]:port");
    }
  }
  if (host.empty()) return Status::invalidArgument("host is empty");
  auto p = parseInt(port);
  if (!p || *p < 0 || *p > 65535) return Status::invalidArgument("port must be 0..65535");
  return HostPort{std::string(host), static_cast<uint16_t>(*p)};
}

ConfigSchema& ConfigSchema::add(ConfigKeySpec spec) {
  assert(find(spec.key) == nullptr && "duplicate config key");
  keys_.push_back(std::move(spec));
  return *this;
}

const ConfigKeySpec* ConfigSchema::find(std::string_view key) const {
  for (const auto& k : keys_) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

std::string ConfigSchema::describeAllowed(const ConfigKeySpec& spec) {
  auto range = [&](const std::string& unit) {
    std::string s;
    const bool has_min = spec.min != std::numeric_limits<int64_t>::min();
    const bool has_max = spec.max != std::numeric_limits<int64_t>::max();
    if (has_min && has_max) s = std::to_string(spec.min) + unit + ".." + std::to_string(spec.max) + unit;
    else if (has_min) s = ">= " + std::to_string(spec.min) + unit;
    else if (has_max) s = "<= " + std::to_string(spec.max) + unit;
    return s;
  };
  switch (spec.type) {
    case ConfigType::kString: return "any text";
    case ConfigType::kInt: {
      const auto r = range("");
      return r.empty() ? "a whole number" : "a whole number " + r;
    }
    case ConfigType::kBool: return "true or false";
    case ConfigType::kDuration: {
      const auto r = range("ms");
      return "a duration such as 250ms, 15s, 5m, 8h" + (r.empty() ? "" : ", " + r);
    }
    case ConfigType::kEnum: {
      std::string s = "one of ";
      for (size_t i = 0; i < spec.allowed.size(); ++i) s += (i ? ", " : "") + spec.allowed[i];
      return s;
    }
    case ConfigType::kHostPort: return "host:port, e.g. 127.0.0.1:8080 or [::1]:8443";
  }
  return "?";
}

Config::Config(const ConfigSchema& schema) : schema_(schema) {
  for (const auto& k : schema.keys()) values_[k.key] = k.default_value;
}

Status Config::set(std::string_view key, std::string_view value, std::string_view origin) {
  const ConfigKeySpec* spec = schema_.find(key);
  if (spec == nullptr) {
    std::string msg = "unknown config key \"" + std::string(key) + "\"";
    const ConfigKeySpec* best = nullptr;
    size_t best_d = 4;
    for (const auto& k : schema_.keys()) {
      const size_t d = editDistance(key, k.key);
      if (d < best_d) best_d = d, best = &k;
    }
    if (best != nullptr) msg += " (did you mean \"" + best->key + "\"?)";
    msg += "; see docs/configuration.md for every key";
    return Status::invalidArgument(msg, std::string(origin));
  }
  auto bad = [&](const std::string& why) {
    return Status::invalidArgument(std::string(key) + " = \"" + std::string(value) + "\": " + why +
                                       "; allowed: " + ConfigSchema::describeAllowed(*spec),
                                   std::string(origin));
  };
  switch (spec->type) {
    case ConfigType::kString: break;
    case ConfigType::kInt: {
      auto v = parseInt(value);
      if (!v) return bad(v.status().message());
      if (*v < spec->min || *v > spec->max) return bad("out of range");
      break;
    }
    case ConfigType::kBool: {
      auto v = parseBool(value);
      if (!v) return bad(v.status().message());
      break;
    }
    case ConfigType::kDuration: {
      auto v = parseDuration(value);
      if (!v) return bad(v.status().message());
      if (v->count() < spec->min || v->count() > spec->max) return bad("out of range");
      break;
    }
    case ConfigType::kEnum:
      if (std::find(spec->allowed.begin(), spec->allowed.end(), value) == spec->allowed.end()) {
        return bad("not a known value");
      }
      break;
    case ConfigType::kHostPort: {
      auto v = parseHostPort(value);
      if (!v) return bad(v.status().message());
      break;
    }
  }
  values_[spec->key] = std::string(value);
  origins_[spec->key] = std::string(origin);
  return Status::ok();
}

Status Config::loadText(std::string_view text, std::string_view source) {
  size_t line_no = 0;
  std::map<std::string, size_t, std::less<>> seen;
  while (!text.empty()) {
    ++line_no;
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::string where = std::string(source) + ":" + std::to_string(line_no);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::invalidArgument("expected \"key = value\", got \"" + std::string(line) + "\"", where);
    }
    const std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!value.empty() && value.front() == '"') {
      const auto close = value.find('"', 1);
      if (close == std::string_view::npos) return Status::invalidArgument("missing closing quote", where);
      const std::string_view rest = trim(value.substr(close + 1));
      if (!rest.empty() && rest.front() != '#') {
        return Status::invalidArgument("unexpected text after the quoted value: \"" + std::string(rest) + "\"", where);
      }
      value = value.substr(1, close - 1);
    } else if (const auto hash = value.find(" #"); hash != std::string_view::npos) {
      value = trim(value.substr(0, hash));  // trailing comment on an unquoted value
    }
    if (key.empty()) return Status::invalidArgument("missing key before \"=\"", where);
    if (auto it = seen.find(key); it != seen.end()) {
      return Status::invalidArgument("key \"" + std::string(key) + "\" is set twice (first on line " +
                                         std::to_string(it->second) + ")",
                                     where);
    }
    seen.emplace(std::string(key), line_no);
    OUTPOST_RETURN_IF_ERROR(set(key, value, where));
  }
  return Status::ok();
}

const ConfigKeySpec& Config::spec(std::string_view key) const {
  const ConfigKeySpec* s = schema_.find(key);
  assert(s != nullptr && "config key not in schema");
  return *s;
}

const std::string& Config::getString(std::string_view key) const {
  spec(key);
  return values_.find(key)->second;
}

int64_t Config::getInt(std::string_view key) const {
  assert(spec(key).type == ConfigType::kInt);
  return parseInt(getString(key)).value();
}

bool Config::getBool(std::string_view key) const {
  assert(spec(key).type == ConfigType::kBool);
  return parseBool(getString(key)).value();
}

Millis Config::getDuration(std::string_view key) const {
  assert(spec(key).type == ConfigType::kDuration);
  return parseDuration(getString(key)).value();
}

HostPort Config::getHostPort(std::string_view key) const {
  assert(spec(key).type == ConfigType::kHostPort);
  return parseHostPort(getString(key)).value();
}

bool Config::isSet(std::string_view key) const { return origins_.find(key) != origins_.end(); }

}  // namespace outpost
