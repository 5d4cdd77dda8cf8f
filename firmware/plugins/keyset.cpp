#include "plugins/keyset.h"

#include <Poco/JSON/Array.h>

#include "codec/json.h"
#include "signing/package.h"
#include "storage/directory_store.h"

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

Status saveKeySet(storage::Database& db, const KeySet& set, WallTime at, const std::string& actor,
                  const std::string& address) {
  auto q = db.query(
      "INSERT INTO rule_keysets (version, manifest, signature, signed_by, installed_at, installed_by) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!q) return q.status();
  q->bind(1, set.version).bindBlob(2, set.raw_manifest).bindBlob(3, set.raw_signature).bind(4, set.signed_by);
  q->bind(5, toEpochMillis(at)).bind(6, actor);
  if (auto r = q->step(); !r) return r.status();
  Poco::JSON::Object::Ptr after = new Poco::JSON::Object;
  after->set("version", set.version);
  after->set("signed_by", set.signed_by);
  Poco::JSON::Array::Ptr ids = new Poco::JSON::Array;
  for (const auto& [id, pub] : set.keys) ids->add(id);
  after->set("keys", ids);
  return storage::appendAudit(db, storage::AuditEntry{0, at, actor, "rotate_keys", "rule_keyset",
                                                      std::to_string(set.version), std::nullopt,
                                                      codec::toJson(after), address});
}

Result<std::vector<std::pair<std::string, std::string>>> loadKeySets(storage::Database& db) {
  auto q = db.query("SELECT manifest, signature FROM rule_keysets ORDER BY version");
  if (!q) return q.status();
  std::vector<std::pair<std::string, std::string>> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] { out.emplace_back(q->columnBlob(0), q->columnBlob(1)); }));
  return out;
}

}  // namespace outpost::plugins
