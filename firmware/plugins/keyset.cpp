#include "plugins/keyset.h"

#include "codec/json.h"
#include "signing/package.h"

namespace outpost::plugins {

signing::TrustStore KeySet::trust() const {
  signing::TrustStore t;
  for (const auto& [id, pub] : keys) (void)t.add(id, pub);  // checked in verifyKeySet
  return t;
}

Result<KeySet> verifyKeySet(const std::string& manifest_json, const std::string& signature_json,
                            const signing::TrustStore& current, int64_t current_version) {
  signing::PackageLimits limits;
  limits.max_manifest_bytes = 64 * 1024;
  auto m = signing::verifyManifest(manifest_json, signature_json, current, limits);
  if (!m) return m.status();
  KeySet set;
  set.version = m->version;
  set.signed_by = m->key_id;
  set.raw_manifest = manifest_json;
  set.raw_signature = signature_json;
  if (m->kind != "keyset") return Status::invalidArgument("must be \"keyset\"", "manifest.json /kind");
  if (m->id != "rules") return Status::invalidArgument("must be \"rules\" (the keys of rule bundles)", "manifest.json /id");
  if (!m->files.empty()) return Status::invalidArgument("a key set has no files", "manifest.json /files");
  if (set.version <= current_version) {
    return Status::conflict("version " + std::to_string(set.version) + " is not above the current key set's " +
                                std::to_string(current_version),
                            "manifest.json /version");
  }
  codec::JsonReader r(m->json);
  signing::VerifiedManifest scratch;
  signing::readCommonFields(r, scratch, limits);
  std::string keys_json;
  r.freeObject("keys", keys_json, true, 64 * 1024);
  if (Status s = r.finish(); !s) return Status(s.code(), s.message(), "manifest.json " + s.where());
  auto keys = m->json->getObject("keys");
  if (keys->size() == 0 || keys->size() > 16) {
    return Status::invalidArgument("must list 1 to 16 keys", "manifest.json /keys");
  }
  signing::TrustStore check;
  for (const auto& [id, value] : *keys) {
    const std::string at = "manifest.json /keys/" + id;
    if (!value.isString()) return Status::invalidArgument("must be a public key (base64)", at);
    const std::string pub = value.convert<std::string>();
    if (Status s = check.add(id, pub); !s) return Status(s.code(), s.message(), at);
    set.keys.emplace(id, pub);
  }
  return set;
}

}  // namespace outpost::plugins
