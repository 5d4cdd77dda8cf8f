#include "sync/wire.h"

#include <cmath>

#include "codec/json.h"

namespace outpost::sync {
namespace {

void appendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

bool validUuid(std::string_view u) {
  if (u.size() != 36) return false;
  for (size_t i = 0; i < u.size(); ++i) {
    const char c = u[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool validCode(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (const char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) return false;
  }
  return true;
}

// A whole number in [min, max] read through JsonReader::number (doubles hold every
// integer below 2^53 exactly, which covers sequences and epoch milliseconds).
void wholeNumber(codec::JsonReader& r, const std::string& key, int64_t& out, double min, double max,
                 const std::string& path) {
  double d = 0;
  r.number(key, d, true, min, max);
  if (r.ok() && std::floor(d) != d) r.fail(Status::invalidArgument("must be a whole number", path + "/" + key));
  out = static_cast<int64_t>(d);
}

}  // namespace

std::string uplinkTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/uplink";
}
std::string hwmTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/hwm";
}
std::string statusTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/status";
}

bool validSiteId(std::string_view site) {
  if (site.empty() || site.size() > 64) return false;
  for (const char c : site) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

std::string topicSite(std::string_view prefix, std::string_view topic, std::string_view leaf) {
  const std::string head = std::string(prefix) + "/sites/";
  if (!topic.starts_with(head)) return "";
  topic.remove_prefix(head.size());
  const size_t slash = topic.find('/');
  if (slash == std::string_view::npos) return "";
  if (topic.substr(slash + 1) != leaf) return "";
  const std::string_view site = topic.substr(0, slash);
  return validSiteId(site) ? std::string(site) : "";
}

std::string encodeBatch(std::string_view site, int64_t head, const std::vector<storage::OutboxRecord>& records) {
  std::string out;
  size_t guess = 64;
  for (const auto& r : records) guess += r.payload.size() + r.type.size() + 128;
  out.reserve(guess);
  out += "{\"v\":" + std::to_string(kWireVersion) + ",\"site\":";
  appendString(out, site);
  out += ",\"head\":" + std::to_string(head) + ",\"records\":[";
  bool first = true;
  for (const auto& r : records) {
    if (!first) out += ',';
    first = false;
    out += "{\"seq\":" + std::to_string(r.seq) + ",\"uuid\":";
    appendString(out, r.uuid);
    out += ",\"time\":" + std::to_string(toEpochMillis(r.event_time)) + ",\"type\":";
    appendString(out, r.type);
    out += ",\"schema\":" + std::to_string(r.schema_version) + ",\"class\":";
    appendString(out, r.record_class);
    out += ",\"payload\":";
    out += r.payload;  // a JSON object we wrote ourselves
    out += '}';
  }
  out += "]}";
  return out;
}

Result<WireBatch> decodeBatch(std::string_view topic_site, std::string_view body) {
  if (body.size() > kMaxBatchBytes) {
    return Status::resourceExhausted("uplink message of " + std::to_string(body.size()) + " bytes is over the " +
                                     std::to_string(kMaxBatchBytes) + "-byte limit");
  }
  auto parsed = codec::JsonReader::parseObject(body);
  if (!parsed) return parsed.status();
  WireBatch batch;
  codec::JsonReader r(*parsed);
  int version = 0;
  r.integer("v", version, true, 1, 1000);
  if (r.ok() && version != kWireVersion) {
    r.fail(Status::invalidArgument("wire version " + std::to_string(version) + " is not supported (this hub reads " +
                                   std::to_string(kWireVersion) + ")", "/v"));
  }
  r.string("site", batch.site, true);
  if (r.ok() && batch.site != topic_site) {
    r.fail(Status::invalidArgument("site \"" + batch.site + "\" does not match the topic's site \"" +
                                   std::string(topic_site) + "\"", "/site"));
  }
  wholeNumber(r, "head", batch.head, 0, 9e15, "");
  r.objectArray("records", true, kMaxBatchRecords, [&](codec::JsonReader& item, size_t i) {
    const std::string path = "/records/" + std::to_string(i);
    WireRecord rec;
    wholeNumber(item, "seq", rec.seq, 1, 9e15, path);
    item.string("uuid", rec.uuid, true);
    if (item.ok() && !validUuid(rec.uuid)) {
      item.fail(Status::invalidArgument("must be a lower-case UUID", path + "/uuid"));
    }
    wholeNumber(item, "time", rec.event_time, 0, 9e15, path);
    item.string("type", rec.type, true);
    if (item.ok() && !validCode(rec.type, 64)) {
      item.fail(Status::invalidArgument("must be 1–64 of [a-z0-9._-]", path + "/type"));
    }
    item.integer("schema", rec.schema_version, true, 1, 1);
    item.string("class", rec.record_class, true);
    if (item.ok() && !validCode(rec.record_class, 32)) {
      item.fail(Status::invalidArgument("must be 1–32 of [a-z0-9._-]", path + "/class"));
    }
    item.freeObject("payload", rec.payload, true, kMaxBatchBytes);
    batch.records.push_back(std::move(rec));
  });
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (batch.records.empty()) return Status::invalidArgument("a batch needs at least one record", "/records");
  return batch;
}

std::string encodeHwm(int64_t seq) { return "{\"seq\":" + std::to_string(seq) + "}"; }

Result<int64_t> decodeHwm(std::string_view body) {
  auto parsed = codec::JsonReader::parseObject(body);
  if (!parsed) return parsed.status();
  codec::JsonReader r(*parsed);
  int64_t seq = 0;
  wholeNumber(r, "seq", seq, 0, 9e15, "");
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return seq;
}

}  // namespace outpost::sync
