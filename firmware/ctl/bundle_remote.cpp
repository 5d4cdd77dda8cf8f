// outpostctl bundle install|list|rollback: the appliance's rule bundles over its HTTP
// API (ctl/appliance.h for the connection flags), like POST /api/v1/rules/install,
// GET /api/v1/rules and POST /api/v1/rules/rollback.

#include <Poco/JSON/Array.h>

#include <cstdio>

#include "codec/json.h"
#include "ctl/appliance.h"
#include "ctl/command.h"
#include "plugins/bundle.h"
#include "signing/package.h"

namespace outpost::ctl {
namespace {

using Poco::JSON::Object;

std::string describe(const Object::Ptr& e) {
  if (!e) return "none";
  std::string out = e->getValue<std::string>("id") + " v" + std::to_string(e->getValue<int64_t>("version")) +
                    " (key " + e->getValue<std::string>("key_id") + ", expires " + e->getValue<std::string>("expires");
  if (auto c = e->getObject("counters")) {
    out += "; calls " + std::to_string(c->getValue<uint64_t>("calls")) + ", errors " +
           std::to_string(c->getValue<uint64_t>("errors")) + ", limit hits " +
           std::to_string(c->getValue<uint64_t>("limit_hits")) + ", fallbacks " +
           std::to_string(c->getValue<uint64_t>("fallbacks"));
  }
  return out + ")";
}

void print(const Object::Ptr& o, bool json) {
  if (json) std::printf("%s\n", codec::toJson(o).c_str());
}

// DIR's manifest, signature and the files the manifest lists, as the install body.
Result<std::string> installBody(const std::string& dir) {
  const auto limits = plugins::bundleLimits();
  auto manifest = signing::readSmallFile(dir + "/manifest.json", limits.max_manifest_bytes);
  if (!manifest) return manifest.status();
  auto sig = signing::readSmallFile(dir + "/manifest.sig", 64 * 1024);
  if (!sig) return sig.status();
  auto parsed = codec::JsonReader::parseObject(*manifest);
  if (!parsed) return Status(parsed.status().code(), parsed.status().message(), "manifest.json");
  auto list = (*parsed)->getArray("files");
  if (!list || list->size() == 0) return Status::invalidArgument("lists no files (run bundle build)", "manifest.json /files");
  Object::Ptr files = new Object;
  files->set("manifest.json", *manifest);
  files->set("manifest.sig", *sig);
  for (size_t i = 0; i < list->size(); ++i) {
    auto f = list->getObject(static_cast<unsigned>(i));
    if (!f || !f->has("path")) return Status::invalidArgument("must have a path", "manifest.json /files/" + std::to_string(i));
    const std::string path = f->getValue<std::string>("path");
    if (path.find("..") != std::string::npos || path.empty() || path[0] == '/') {
      return Status::invalidArgument("must be a relative path inside the bundle", "manifest.json /files/" + std::to_string(i));
    }
    auto bytes = signing::readSmallFile(dir + "/" + path, limits.max_file_bytes);
    if (!bytes) return bytes.status();
    files->set(path, *bytes);
  }
  Object::Ptr body = new Object;
  body->set("files", files);
  return codec::toJson(body);
}

Status install(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(onlyApplianceFlags(args));
  if (args.positional().size() != 1) return Status::invalidArgument("expects one bundle directory");
  auto body = installBody(args.positional()[0]);
  if (!body) return body.status();
  auto client = ApplianceClient::login(args);
  if (!client) return client.status();
  auto r = (*client)->call("POST", "/api/v1/rules/install", *body);
  if (!r) return r.status();
  if (!args.optional("--json").empty()) {
    print(*r, true);
  } else {
    std::printf("installed %s; on trial (outpostctl bundle list shows the state)\n", describe(*r).c_str());
  }
  return Status::ok();
}

Status list(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(onlyApplianceFlags(args));
  if (!args.positional().empty()) return Status::invalidArgument("takes no positional arguments");
  auto client = ApplianceClient::login(args);
  if (!client) return client.status();
  auto r = (*client)->call("GET", "/api/v1/rules", "");
  if (!r) return r.status();
  if (!args.optional("--json").empty()) {
    print(*r, true);
    return Status::ok();
  }
  const Object::Ptr& o = *r;
  std::printf("state:    %s", o->optValue<std::string>("state", "none").c_str());
  if (o->has("trial_ends")) std::printf(" (until %s)", o->getValue<std::string>("trial_ends").c_str());
  std::printf("\nactive:   %s\nprevious: %s\n", describe(o->getObject("active")).c_str(),
              describe(o->getObject("previous")).c_str());
  if (o->has("reason")) std::printf("reason:   %s\n", o->getValue<std::string>("reason").c_str());
  return Status::ok();
}

Status rollback(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(onlyApplianceFlags(args));
  if (!args.positional().empty()) return Status::invalidArgument("takes no positional arguments");
  auto client = ApplianceClient::login(args);
  if (!client) return client.status();
  auto r = (*client)->call("POST", "/api/v1/rules/rollback", "");
  if (!r) return r.status();
  if (!args.optional("--json").empty()) {
    print(*r, true);
  } else {
    std::printf("rolled back; active: %s\n", describe(*r).c_str());
  }
  return Status::ok();
}

// A key set made by `keys rotate`, to the appliance.
Status installKeys(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(onlyApplianceFlags(args));
  if (args.positional().size() != 1) return Status::invalidArgument("expects one key set directory");
  const std::string dir = args.positional()[0];
  auto manifest = signing::readSmallFile(dir + "/manifest.json", 64 * 1024);
  if (!manifest) return manifest.status();
  auto sig = signing::readSmallFile(dir + "/manifest.sig", 64 * 1024);
  if (!sig) return sig.status();
  Object::Ptr body = new Object;
  body->set("manifest.json", *manifest);
  body->set("manifest.sig", *sig);
  auto client = ApplianceClient::login(args);
  if (!client) return client.status();
  auto r = (*client)->call("POST", "/api/v1/rules/keys", codec::toJson(body));
  if (!r) return r.status();
  if (!args.optional("--json").empty()) {
    print(*r, true);
  } else {
    std::string ids;
    if (auto a = (*r)->getArray("ids")) {
      for (size_t i = 0; i < a->size(); ++i) ids += (i ? ", " : "") + a->getElement<std::string>(static_cast<unsigned>(i));
    }
    std::printf("key set v%lld trusted (signed by %s): %s\n", static_cast<long long>((*r)->getValue<int64_t>("version")),
                (*r)->getValue<std::string>("signed_by").c_str(), ids.c_str());
  }
  return Status::ok();
}

}  // namespace

std::vector<Command> bundleRemoteCommands() {
  return {
      {"bundle", "install", "--url URL [--user U] [--password-file F] [--ca FILE] [--json] DIR",
       "install DIR on a running appliance (admin; password from the file or $OUTPOSTCTL_PASSWORD)", &install},
      {"bundle", "list", "--url URL [--user U] [--password-file F] [--ca FILE] [--json]",
       "the appliance's active and previous bundles, trial state and counters", &list},
      {"bundle", "rollback", "--url URL [--user U] [--password-file F] [--ca FILE] [--json]",
       "re-activate the appliance's previous bundle (audited)", &rollback},
      {"keys", "install", "--url URL [--user U] [--password-file F] [--ca FILE] [--json] DIR",
       "trust the key set in DIR (from keys rotate) on a running appliance for rule bundles", &installKeys},
  };
}

}  // namespace outpost::ctl
