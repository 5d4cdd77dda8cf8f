#include "plugins/bundle.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <set>

#include "codec/ivr_flow_codec.h"
#include "codec/json.h"
#include "signing/digest.h"


// GCC 12 at -O2 reports std::variant members of Value as maybe-uninitialized when a
// Value is moved into a Result (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace outpost::plugins {
namespace {

namespace fs = std::filesystem;

const std::set<std::string> kHooks = {"classify_contact", "rank_candidates", "on_event", "ivr_action"};
const std::set<std::string> kTypes = {"string", "number", "integer", "boolean"};

// A copy of `o` without `keys`: the strict reader reads the rest, the caller the free values.
Poco::JSON::Object::Ptr without(const Poco::JSON::Object::Ptr& o, std::initializer_list<const char*> keys) {
  Poco::JSON::Object::Ptr copy = new Poco::JSON::Object(*o);
  for (const char* k : keys) copy->remove(k);
  return copy;
}

Status typeCheck(const std::string& type, const Value& v) {
  if (type == "string" && v.isString()) return Status::ok();
  if (type == "boolean" && v.isBool()) return Status::ok();
  if (type == "number" && v.isNumber()) return Status::ok();
  if (type == "integer" && v.isNumber() && v.asNumber() == static_cast<double>(static_cast<int64_t>(v.asNumber()))) {
    return Status::ok();
  }
  return Status::invalidArgument("the default is not a " + type);
}

Result<std::vector<TestVector>> parseVectors(const std::string& text, const std::string& path,
                                             const std::vector<std::string>& hooks) {
  auto object = codec::JsonReader::parseObject(text);
  if (!object) return Status(object.status().code(), object.status().message(), path);
  std::vector<TestVector> out;
  codec::JsonReader top(without(*object, {"vectors"}));
  if (Status s = top.finish(); !s) return Status(s.code(), s.message(), path + " " + s.where());
  auto array = object.value()->getArray("vectors");
  if (array.isNull()) return Status::invalidArgument("must be a list of vectors", path + " /vectors");
  if (array->size() > 1000) return Status::invalidArgument("more than 1000 vectors", path + " /vectors");
  Status first;
  auto fail = [&](Status s) {
    if (first.isOk()) first = std::move(s);
  };
  for (size_t i = 0; i < array->size() && first.isOk(); ++i) {
    const std::string at = "/vectors/" + std::to_string(i);
    Poco::JSON::Object::Ptr raw = array->getObject(static_cast<unsigned>(i));
    if (raw.isNull()) {
      fail(Status::invalidArgument("must be an object", at));
      break;
    }
    TestVector v;
    codec::JsonReader strict(without(raw, {"contact", "candidates", "ctx", "expect", "event", "session", "input"}), at);
    strict.string("name", v.name, true).string("hook", v.hook, true);
    if (Status s = strict.finish(); !s) {
      fail(s);
      continue;
    }
    if (std::find(hooks.begin(), hooks.end(), v.hook) == hooks.end()) {
      fail(Status::invalidArgument("hook \"" + v.hook + "\" is not among the bundle's hooks", at + "/hook"));
      continue;
    }
    auto c = fromJson(raw->get("contact"));
    auto x = fromJson(raw->get("ctx"));
    auto e = fromJson(raw->get("expect"));
    auto k = fromJson(raw->get("candidates"));
    auto ev = fromJson(raw->get("event"));
    auto se = fromJson(raw->get("session"));
    auto in = fromJson(raw->get("input"));
    if (!c || !x || !e || !k || !ev || !se || !in) {
      fail(Status::invalidArgument("unreadable vector", at));
      continue;
    }
    if (v.hook == "on_event") {
      if (!ev->isObject() || !(*ev)["type"].isString()) {
        fail(Status::invalidArgument("on_event needs an \"event\" object with a \"type\"", at + "/event"));
        continue;
      }
      v.event = std::move(ev.value());
      if (c->isNil()) c = Value(Value::Object{});
    } else if (v.hook == "ivr_action") {
      if (!se->isObject()) {
        fail(Status::invalidArgument("ivr_action needs a \"session\" object", at + "/session"));
        continue;
      }
      if (!in->isObject()) {
        fail(Status::invalidArgument("ivr_action needs an \"input\" object", at + "/input"));
        continue;
      }
      v.session = std::move(se.value());
      v.input = std::move(in.value());
      c = Value(Value::Object{});
    }
    if (!c->isObject()) {
      fail(Status::invalidArgument("\"contact\" must be an object", at + "/contact"));
      continue;
    }
    v.contact = std::move(c.value());
    v.ctx = std::move(x.value());
    v.expect = std::move(e.value());
    v.candidates = std::move(k.value());
    if (v.hook == "rank_candidates" && !v.candidates.isArray()) {
      fail(Status::invalidArgument("rank_candidates needs a \"candidates\" list", at + "/candidates"));
      continue;
    }
    out.push_back(std::move(v));
  }
  if (!first) return Status(first.code(), first.message(), path + " " + first.where());
  return out;
}

}  // namespace

Value Bundle::configValues() const {
  Value::Object o;
  for (const auto& f : config) o.emplace(f.name, f.default_value);
  return Value(std::move(o));
}

signing::PackageLimits bundleLimits() {
  signing::PackageLimits l;
  l.max_manifest_bytes = 256 * 1024;
  l.max_files = 64;
  l.max_file_bytes = 256 * 1024;
  l.max_total_bytes = 4 * 1024 * 1024;
  return l;
}

Result<WallTime> parseRfc3339(const std::string& text) {
  std::tm tm{};
  int ms = 0;
  char tail[8] = {};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &sec, tail);
  if (n != 7) return Status::invalidArgument("not an RFC 3339 UTC time like 2026-12-31T23:59:59Z");
  std::string rest = tail;
  if (!rest.empty() && rest[0] == '.') {
    size_t i = 1;
    int digits = 0;
    while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) {
      if (digits < 3) ms = ms * 10 + (rest[i] - '0');
      ++digits;
      ++i;
    }
    for (; digits < 3; ++digits) ms *= 10;
    rest = rest.substr(i);
  }
  if (rest != "Z" || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return Status::invalidArgument("not an RFC 3339 UTC time like 2026-12-31T23:59:59Z");
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const time_t t = timegm(&tm);
  return fromEpochMillis(static_cast<int64_t>(t) * 1000 + ms);
}

Result<Bundle> verifyBundle(const std::map<std::string, std::string>& files, const signing::TrustStore& trust,
                            const InstallTarget& target) {
  const signing::PackageLimits limits = bundleLimits();
  auto mf = files.find("manifest.json");
  auto sf = files.find("manifest.sig");
  if (mf == files.end()) return Status::invalidArgument("missing", "manifest.json");
  if (sf == files.end()) return Status::invalidArgument("missing (the bundle is not signed)", "manifest.sig");
  auto m = signing::verifyManifest(mf->second, sf->second, trust, limits);
  if (!m) return m.status();
  if (m->kind != "rules") {
    return Status::invalidArgument("kind \"" + m->kind + "\" is not a rule bundle (\"rules\")", "manifest.json /kind");
  }
  Bundle b;
  b.id = m->id;
  b.version = m->version;
  b.key_id = m->key_id;
  b.manifest_sha256 = signing::sha256Hex(m->raw);
  b.raw_manifest = mf->second;
  b.raw_signature = sf->second;
  codec::JsonReader r(m->json);
  signing::VerifiedManifest scratch;
  signing::readCommonFields(r, scratch, limits);
  std::string expires;
  r.string("site", b.site, true).integer("api", b.api, true, 1, 1000).string("expires", expires, true);
  r.stringArray("hooks", b.hooks, true, 16).stringArray("sources", b.sources, true, 64);
  r.string("vectors", b.vectors_path, true);
  r.string("flow", b.flow_path, false);
  r.string("training_data", b.training_path, false);
  std::string config_text;
  r.freeObject("config", config_text, false, 64 * 1024);
  if (Status s = r.finish(); !s) return Status(s.code(), s.message(), "manifest.json " + s.where());
  if (auto config = m->json->getObject("config"); !config.isNull()) {
    for (const auto& [name, spec] : *config) {
      (void)spec;
      const std::string at = "manifest.json /config/" + name;
      ConfigField f;
      f.name = name;
      auto spec_obj = config->getObject(name);
      if (spec_obj.isNull()) return Status::invalidArgument("must be an object {type, default}", at);
      codec::JsonReader fr(without(spec_obj, {"default"}));
      fr.string("type", f.type, true);
      if (Status s = fr.finish(); !s) return Status(s.code(), s.message(), at + s.where());
      if (!kTypes.count(f.type)) {
        return Status::invalidArgument("type \"" + f.type + "\" is not string, number, integer or boolean", at + "/type");
      }
      auto def = fromJson(spec_obj->get("default"));
      if (!def || def->isNil()) return Status::invalidArgument("a default is required", at + "/default");
      if (Status s = typeCheck(f.type, def.value()); !s) return Status(s.code(), s.message(), at + "/default");
      f.default_value = std::move(def.value());
      b.config.push_back(std::move(f));
    }
  }
  for (const auto& h : b.hooks) {
    if (!kHooks.count(h)) {
      return Status::invalidArgument("unknown hook \"" + h + "\" (classify_contact, rank_candidates, on_event, ivr_action)",
                                     "manifest.json /hooks");
    }
  }
  // Site, API, expiry.
  bool site_ok = b.site == target.site;
  if (b.site.rfind("group:", 0) == 0) {
    site_ok = std::find(target.site_groups.begin(), target.site_groups.end(), b.site.substr(6)) !=
              target.site_groups.end();
  }
  if (!site_ok) {
    return Status::permissionDenied("manifest.json /site: bundle is for site \"" + b.site + "\", this is site \"" +
                                    target.site + "\"");
  }
  if (b.api != kApiVersion) {
    return Status::invalidArgument("plugin API " + std::to_string(b.api) + " is not spoken here (this appliance speaks " +
                                       std::to_string(kApiVersion) + ")",
                                   "manifest.json /api");
  }
  auto exp = parseRfc3339(expires);
  if (!exp) return Status(exp.status().code(), exp.status().message(), "manifest.json /expires");
  b.expires = exp.value();
  if (target.now >= b.expires) {
    return Status::failedPrecondition("the bundle expired at " + expires, "manifest.json /expires");
  }
  // Every listed file: present, size and digest.
  for (const auto& f : m->files) {
    auto it = files.find(f.path);
    if (it == files.end()) return Status::invalidArgument("listed in the manifest but missing", f.path);
    if (Status s = signing::verifyFile(f, it->second); !s) return s;
    b.files.emplace(f.path, it->second);
  }
  for (const auto& src : b.sources) {
    if (!b.files.count(src)) return Status::invalidArgument("source \"" + src + "\" is not among the files", "manifest.json /sources");
  }
  if (!b.files.count(b.vectors_path)) {
    return Status::invalidArgument("\"" + b.vectors_path + "\" is not among the files", "manifest.json /vectors");
  }
  if (!b.flow_path.empty()) {
    auto fit = b.files.find(b.flow_path);
    if (fit == b.files.end()) {
      return Status::invalidArgument("\"" + b.flow_path + "\" is not among the files", "manifest.json /flow");
    }
    auto flow = codec::decodeFlow(fit->second);
    if (!flow) {
      return Status(flow.status().code(), "the IVR flow is invalid: " + flow.status().message(),
                    b.flow_path + " " + flow.status().where());
    }
    const bool has_action = std::find(b.hooks.begin(), b.hooks.end(), "ivr_action") != b.hooks.end();
    for (const auto& n : flow->nodes) {
      if (!n.hook.empty() && !has_action) {
        return Status::invalidArgument("the node names hook " + n.hook + " but the bundle does not declare it",
                                       b.flow_path + " /nodes/" + n.id + "/hook");
      }
    }
    b.flow = std::make_shared<const ivr::Flow>(std::move(flow.value()));
  }
  if (!b.training_path.empty()) {
    auto fit = b.files.find(b.training_path);
    if (fit == b.files.end()) {
      return Status::invalidArgument("\"" + b.training_path + "\" is not among the files", "manifest.json /training_data");
    }
    auto examples = ivr::parseExamples(fit->second, b.training_path);
    if (!examples) return examples.status();
    if (ivr::intentsOf(*examples).size() < 2) {
      return Status::invalidArgument("the training data needs at least two intents", b.training_path);
    }
    b.training = std::move(examples.value());
  }
  auto vectors = parseVectors(b.files[b.vectors_path], b.vectors_path, b.hooks);
  if (!vectors) return vectors.status();
  b.vectors = std::move(vectors.value());
  return b;
}

Result<Bundle> readBundleDir(const std::string& dir, const signing::TrustStore& trust, const InstallTarget& target) {
  const signing::PackageLimits limits = bundleLimits();
  const fs::path root(dir);
  std::map<std::string, std::string> files;
  auto manifest = signing::readSmallFile((root / "manifest.json").string(), limits.max_manifest_bytes);
  if (!manifest) return manifest.status();
  auto sig = signing::readSmallFile((root / "manifest.sig").string(), 4096);
  if (!sig) return sig.status();
  // The listed files (paths checked by verifyManifest before they are opened).
  auto m = signing::verifyManifest(*manifest, *sig, trust, limits);
  if (!m) return m.status();
  for (const auto& f : m->files) {
    std::error_code ec;
    if (!fs::exists(root / f.path, ec)) continue;  // reported as missing by verifyBundle
    auto bytes = signing::readSmallFile((root / f.path).string(), limits.max_file_bytes);
    if (!bytes) return Status(bytes.status().code(), bytes.status().message(), f.path);
    files.emplace(f.path, std::move(bytes.value()));
  }
  files.emplace("manifest.json", std::move(manifest.value()));
  files.emplace("manifest.sig", std::move(sig.value()));
  return verifyBundle(files, trust, target);
}

}  // namespace outpost::plugins
