#pragma once

// The MQTT wire format shared by the appliance and outpost-hub (docs/mqtt.md).
//
// Topics (prefix default "outpost/v1"):
//   <prefix>/sites/<site>/uplink   appliance → hub, QoS 1, a batch of outbox records
//   <prefix>/sites/<site>/hwm      hub → appliance, QoS 1, retained: {"seq":N}
//   <prefix>/sites/<site>/status   appliance, retained, last will: {"state":"online"|"offline"}
//
// Batch: {"v":1,"site":"…","head":N,"records":[{"seq":…,"uuid":"…","time":ms,
//         "type":"…","schema":1,"class":"…","payload":{…}}, …]}
// head = the last sequence the site has handed out (for the hub's backlog figure).
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "storage/outbox.h"

namespace outpost::sync {

inline constexpr int kWireVersion = 1;
inline constexpr size_t kMaxBatchBytes = 1 << 20;  // larger uplink messages are refused
inline constexpr size_t kMaxBatchRecords = 1000;

std::string uplinkTopic(std::string_view prefix, std::string_view site);
std::string hwmTopic(std::string_view prefix, std::string_view site);
std::string statusTopic(std::string_view prefix, std::string_view site);

// A site id usable in a topic: 1–64 of [A-Za-z0-9._-].
bool validSiteId(std::string_view site);

std::string encodeBatch(std::string_view site, int64_t head, const std::vector<storage::OutboxRecord>& records);

struct WireRecord {
  int64_t seq = 0;
  std::string uuid;
  int64_t event_time = 0;
  std::string type;
  int schema_version = 1;
  std::string record_class;
  std::string payload;  // compact JSON object
};
struct WireBatch {
  std::string site;
  int64_t head = 0;
  std::vector<WireRecord> records;
};

// Parses and checks a batch completely (size, JSON, fields, versions, site matches
// `topic_site`); an error names the field ("/records/3/uuid").
Result<WireBatch> decodeBatch(std::string_view topic_site, std::string_view body);

std::string encodeHwm(int64_t seq);
Result<int64_t> decodeHwm(std::string_view body);

// The site of "<prefix>/sites/<site>/<leaf>" if the topic has that shape and leaf.
std::string topicSite(std::string_view prefix, std::string_view topic, std::string_view leaf);

}  // namespace outpost::sync
