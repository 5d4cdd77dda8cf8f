#pragma once

// The downlink's MQTT wire format, shared by outpost-hub and the appliance
// (docs/mqtt.md "Downlink").
//
//   <prefix>/sites/<site>/manifest  hub → site, QoS 1, retained: what the site should run
//   <prefix>/sites/<site>/fetch     site → hub, QoS 1: one chunk request
//   <prefix>/sites/<site>/chunk     hub → site, QoS 1: the answer (header line + bytes)
//
// Manifest: {"v":1,"site":"…","serial":N,"packages":[{"kind":"rules","id":"…",
//   "version":7,"size":<bytes of its files>,"sha256":"<of manifest.json>",
//   "manifest":"<manifest.json, exact text>","signature":"<manifest.sig, exact text>"}]}
// Each package is a signed package (signing/package.h): the signature covers the
// manifest text, which pins every file by size and SHA-256; files are fetched by hash.
//
// Fetch: {"v":1,"id":"<correlation>","sha256":"…","offset":N,"length":M}
// Chunk: {"v":1,"id":"…","sha256":"…","offset":N,"total":T,"length":L}\n<L raw bytes>
//        or {"v":1,"id":"…","sha256":"…","error":"…"}\n when the hub cannot serve it.
// The correlation id plays MQTT 5's correlation data on MQTT 3.1.1 (the appliance's
// baseline, and all NATS/RabbitMQ speak): the response topic is fixed per site.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::sync {

inline constexpr size_t kMaxManifestBytes = 1 << 20;
inline constexpr size_t kMaxManifestPackages = 64;
inline constexpr uint32_t kMaxChunkBytes = 1 << 20;

std::string manifestTopic(std::string_view prefix, std::string_view site);
std::string fetchTopic(std::string_view prefix, std::string_view site);
std::string chunkTopic(std::string_view prefix, std::string_view site);

struct ManifestEntry {
  std::string kind;
  std::string id;
  int64_t version = 0;
  int64_t size = 0;      // bytes of the files the package manifest lists
  std::string sha256;    // of `manifest`
  std::string manifest;  // manifest.json, exact text
  std::string signature; // manifest.sig, exact text
};
struct SiteManifest {
  std::string site;
  int64_t serial = 0;  // grows with every change the hub publishes
  std::vector<ManifestEntry> packages;
};
std::string encodeManifest(const SiteManifest& m);
// Strict: size, JSON, fields, version, the site of the topic; errors name the field.
Result<SiteManifest> decodeManifest(std::string_view topic_site, std::string_view body);

struct FetchRequest {
  std::string id;       // correlation: 1–64 of [A-Za-z0-9._-]
  std::string sha256;
  int64_t offset = 0;
  int64_t length = 0;   // 1..kMaxChunkBytes
};
std::string encodeFetch(const FetchRequest& f);
Result<FetchRequest> decodeFetch(std::string_view body);

struct Chunk {
  std::string id;
  std::string sha256;
  int64_t offset = 0;
  int64_t total = 0;   // the whole file's size as the hub has it
  std::string error;   // non-empty: the hub cannot serve it (no bytes)
  std::string bytes;
};
std::string encodeChunk(const Chunk& c);
Result<Chunk> decodeChunk(std::string_view body);

}  // namespace outpost::sync
