#include "sync/downlink_wire.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cmath>

#include "codec/json.h"
#include "signing/digest.h"
#include "sync/wire.h"

namespace outpost::sync {
namespace {

using Poco::JSON::Object;

void whole(codec::JsonReader& r, const std::string& key, int64_t& out, double min, double max, const std::string& path) {
  double d = 0;
  r.number(key, d, true, min, max);
  if (r.ok() && std::floor(d) != d) r.fail(Status::invalidArgument("must be a whole number", path + "/" + key));
  out = static_cast<int64_t>(d);
}

void version1(codec::JsonReader& r) {
  int v = 0;
  r.integer("v", v, true, 1, 1000);
  if (r.ok() && v != 1) r.fail(Status::invalidArgument("unsupported wire version " + std::to_string(v) + " (this build speaks 1)", "/v"));
}

bool validCorrelation(std::string_view s) { return validSiteId(s); }

void sha(codec::JsonReader& r, const std::string& key, std::string& out, const std::string& path) {
  r.string(key, out, true);
  if (r.ok() && !signing::isSha256Hex(out)) {
    r.fail(Status::invalidArgument("must be 64 lower-case hex digits (SHA-256)", path + "/" + key));
  }
}

constexpr double kMaxInt = 9007199254740991.0;  // 2^53 - 1

}  // namespace

std::string manifestTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/manifest";
}
std::string fetchTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/fetch";
}
std::string chunkTopic(std::string_view prefix, std::string_view site) {
  return std::string(prefix) + "/sites/" + std::string(site) + "/chunk";
}

std::string encodeManifest(const SiteManifest& m) {
  Object::Ptr o = new Object;
  o->set("v", 1);
  o->set("site", m.site);
  o->set("serial", m.serial);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& e : m.packages) {
    Object::Ptr p = new Object;
    p->set("kind", e.kind);
    p->set("id", e.id);
    p->set("version", e.version);
    p->set("size", e.size);
    p->set("sha256", e.sha256);
    p->set("manifest", e.manifest);
    p->set("signature", e.signature);
    list->add(p);
  }
  o->set("packages", list);
  return codec::toJson(o);
}

Result<SiteManifest> decodeManifest(std::string_view topic_site, std::string_view body) {
  if (body.size() > kMaxManifestBytes) {
    return Status::invalidArgument("manifest of " + std::to_string(body.size()) + " bytes is over the limit of " +
                                   std::to_string(kMaxManifestBytes));
  }
  auto parsed = codec::JsonReader::parseObject(body);
  if (!parsed) return parsed.status();
  SiteManifest m;
  codec::JsonReader r(*parsed);
  version1(r);
  r.string("site", m.site, true);
  if (r.ok() && m.site != topic_site) {
    r.fail(Status::invalidArgument("site \"" + m.site + "\" does not match the topic's site \"" + std::string(topic_site) + "\"",
                                   "/site"));
  }
  whole(r, "serial", m.serial, 0, kMaxInt, "");
  r.objectArray("packages", true, kMaxManifestPackages, [&](codec::JsonReader& p, size_t i) {
    const std::string at = "/packages/" + std::to_string(i);
    ManifestEntry e;
    p.string("kind", e.kind, true);
    p.string("id", e.id, true);
    whole(p, "version", e.version, 1, kMaxInt, at);
    whole(p, "size", e.size, 0, kMaxInt, at);
    sha(p, "sha256", e.sha256, at);
    p.string("manifest", e.manifest, true);
    p.string("signature", e.signature, true);
    if (p.ok() && signing::sha256Hex(e.manifest) != e.sha256) {
      p.fail(Status::invalidArgument("sha256 is not the SHA-256 of manifest", at + "/sha256"));
    }
    m.packages.push_back(std::move(e));
  });
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return m;
}

std::string encodeFetch(const FetchRequest& f) {
  Object::Ptr o = new Object;
  o->set("v", 1);
  o->set("id", f.id);
  o->set("sha256", f.sha256);
  o->set("offset", f.offset);
  o->set("length", f.length);
  return codec::toJson(o);
}

Result<FetchRequest> decodeFetch(std::string_view body) {
  if (body.size() > 4096) return Status::invalidArgument("fetch request over 4096 bytes");
  auto parsed = codec::JsonReader::parseObject(body);
  if (!parsed) return parsed.status();
  FetchRequest f;
  codec::JsonReader r(*parsed);
  version1(r);
  r.string("id", f.id, true);
  if (r.ok() && !validCorrelation(f.id)) r.fail(Status::invalidArgument("must be 1–64 of A-Z a-z 0-9 . _ -", "/id"));
  sha(r, "sha256", f.sha256, "");
  whole(r, "offset", f.offset, 0, kMaxInt, "");
  whole(r, "length", f.length, 1, kMaxChunkBytes, "");
  OUTPOST_RETURN_IF_ERROR(r.finish());
  return f;
}

std::string encodeChunk(const Chunk& c) {
  Object::Ptr o = new Object;
  o->set("v", 1);
  o->set("id", c.id);
  o->set("sha256", c.sha256);
  if (!c.error.empty()) {
    o->set("error", c.error);
    return codec::toJson(o) + "\n";
  }
  o->set("offset", c.offset);
  o->set("total", c.total);
  o->set("length", static_cast<int64_t>(c.bytes.size()));
  std::string out = codec::toJson(o);
  out += '\n';
  out += c.bytes;
  return out;
}

Result<Chunk> decodeChunk(std::string_view body) {
  if (body.size() > kMaxChunkBytes + 4096) return Status::invalidArgument("chunk message over the size limit");
  const size_t nl = body.find('\n');
  if (nl == std::string_view::npos || nl > 4096) {
    return Status::invalidArgument("chunk message has no header line (a JSON object, then a newline)");
  }
  auto parsed = codec::JsonReader::parseObject(body.substr(0, nl));
  if (!parsed) return parsed.status();
  Chunk c;
  const std::string_view bytes = body.substr(nl + 1);
  codec::JsonReader r(*parsed);
  version1(r);
  r.string("id", c.id, true);
  if (r.ok() && !validCorrelation(c.id)) r.fail(Status::invalidArgument("must be 1–64 of A-Z a-z 0-9 . _ -", "/id"));
  sha(r, "sha256", c.sha256, "");
  if (r.has("error")) {
    r.string("error", c.error, true);
    if (r.ok() && c.error.empty()) r.fail(Status::invalidArgument("must not be empty", "/error"));
    if (r.ok() && !bytes.empty()) r.fail(Status::invalidArgument("an error chunk carries no bytes", "/error"));
  } else {
    int64_t length = 0;
    whole(r, "offset", c.offset, 0, kMaxInt, "");
    whole(r, "total", c.total, 0, kMaxInt, "");
    whole(r, "length", length, 0, kMaxChunkBytes, "");
    if (r.ok() && static_cast<size_t>(length) != bytes.size()) {
      r.fail(Status::invalidArgument("length " + std::to_string(length) + " but " + std::to_string(bytes.size()) +
                                         " bytes follow the header",
                                     "/length"));
    }
    if (r.ok() && c.offset + length > c.total) {
      r.fail(Status::invalidArgument("offset + length is beyond total", "/length"));
    }
  }
  OUTPOST_RETURN_IF_ERROR(r.finish());
  c.bytes.assign(bytes);
  return c;
}

}  // namespace outpost::sync
