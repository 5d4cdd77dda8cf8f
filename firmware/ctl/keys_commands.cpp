// outpostctl keys …: signing keys for packages.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdlib>
#include <sstream>

#include "codec/json.h"
#include "ctl/command.h"
#include "signing/package.h"
#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace outpost::ctl {
namespace {

// Writes ID.key (the private key, mode 0600) and ID.pub (its trust file line) in DIR.
Status generate(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--id", "--out"}));
  auto id = args.required("--id");
  if (!id.isOk()) return id.status();
  auto out = args.required("--out");
  if (!out.isOk()) return out.status();
  if (!signing::isValidKeyId(*id)) return Status::invalidArgument("1–64 of A–Z a–z 0–9 . _ -", "--id");
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(*out, ec);
  const fs::path key = fs::path(*out) / (*id + ".key");
  const fs::path pub = fs::path(*out) / (*id + ".pub");
  if (fs::exists(key) || fs::exists(pub)) return Status::alreadyExists("refusing to overwrite an existing key", key.string());
  auto pair = signing::generateKeyPair();
  if (!pair.isOk()) return pair.status();
  {
    const mode_t old = ::umask(077);
    std::ofstream k(key, std::ios::binary);
    k << pair->private_pem;
    ::umask(old);
    if (!k) return Status(StatusCode::kUnavailable, "cannot write", key.string());
  }
  std::ofstream p(pub, std::ios::binary);
  p << signing::TrustStore::line(*id, pair->public_b64) << "\n";
  if (!p) return Status(StatusCode::kUnavailable, "cannot write", pub.string());
  std::printf("private key: %s (keep it off the sites)\ntrust line:  %s (add it to the sites' trust file)\n",
              key.c_str(), pub.c_str());
  return Status::ok();
}

// Writes DIR/manifest.json (a key set: kind "keyset", id "rules", the new keys from
// their trust lines) and DIR/manifest.sig signed with a key the sites trust now.
Status rotate(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--key", "--key-id", "--version", "--out"}));
  auto key = args.required("--key");
  if (!key.isOk()) return key.status();
  auto version_text = args.required("--version");
  if (!version_text.isOk()) return version_text.status();
  auto out = args.required("--out");
  if (!out.isOk()) return out.status();
  if (args.positional().empty()) return Status::invalidArgument("expects the new keys' trust files (ID.pub …)");
  char* end = nullptr;
  const long long version = std::strtoll(version_text->c_str(), &end, 10);
  if (end == version_text->c_str() || *end != '\0' || version < 1) {
    return Status::invalidArgument("must be a whole number above 0", "--version");
  }
  namespace fs = std::filesystem;
  std::string key_id = args.optional("--key-id", fs::path(*key).stem().string());
  auto pem = signing::readSmallFile(*key, 64 * 1024);
  if (!pem.isOk()) return pem.status();
  Poco::JSON::Object::Ptr keys = new Poco::JSON::Object;
  signing::TrustStore check;
  for (const auto& pub : args.positional()) {
    auto text = signing::readSmallFile(pub, 64 * 1024);
    if (!text.isOk()) return text.status();
    auto parsed = signing::TrustStore::parse(*text, pub);
    if (!parsed.isOk()) return parsed.status();
    std::istringstream lines(*text);
    std::string line;
    while (std::getline(lines, line)) {
      std::istringstream words(line);
      std::string id, alg, b64;
      if (!(words >> id >> alg >> b64) || id[0] == '#') continue;
      if (Status s = check.add(id, b64); !s) return Status(s.code(), s.message(), pub + ": " + id);
      keys->set(id, b64);
    }
  }
  Poco::JSON::Object::Ptr manifest = new Poco::JSON::Object;
  manifest->set("kind", "keyset");
  manifest->set("id", "rules");
  manifest->set("version", static_cast<int64_t>(version));
  manifest->set("files", Poco::JSON::Array::Ptr(new Poco::JSON::Array));
  manifest->set("keys", keys);
  std::error_code ec;
  fs::create_directories(*out, ec);
  {
    std::ofstream m(fs::path(*out) / "manifest.json", std::ios::binary | std::ios::trunc);
    m << codec::toJson(manifest) << "\n";
    if (!m) return Status(StatusCode::kUnavailable, "cannot write", (fs::path(*out) / "manifest.json").string());
  }
  OUTPOST_RETURN_IF_ERROR(signing::signPackageDir(*out, *pem, key_id));
  std::printf("key set v%lld with %zu keys, signed by %s: %s (install: outpostctl keys install)\n", version,
              check.size(), key_id.c_str(), out->c_str());
  return Status::ok();
}

}  // namespace

std::vector<Command> keysCommands() {
  return {{"keys", "generate", "--id ID --out DIR", "a new Ed25519 signing key: DIR/ID.key and its trust line DIR/ID.pub",
           &generate},
          {"keys", "rotate", "--key OLD.key [--key-id ID] --version N --out DIR NEW.pub…",
           "a key set for rule bundles (DIR/manifest.json + .sig) signed by a key the sites trust now", &rotate}};
}

}  // namespace outpost::ctl
