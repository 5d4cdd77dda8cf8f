#include "plugins/rules_store.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "codec/json.h"
#include "storage/directory_store.h"
#include "storage/outbox.h"

namespace outpost::plugins {
namespace {

Status saveBundle(storage::Database& db, const Bundle& b, WallTime at, const std::string& actor) {
  auto exists = db.query("SELECT 1 FROM rule_bundles WHERE id = ?1 AND version = ?2");
  if (!exists) return exists.status();
  exists->bind(1, b.id).bind(2, b.version);
  auto row = exists->step();
  if (!row) return row.status();
  if (*row) return Status::ok();
  auto q = db.query(
      "INSERT INTO rule_bundles (id, version, key_id, manifest_sha256, installed_at, installed_by) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!q) return q.status();
  q->bind(1, b.id).bind(2, b.version).bind(3, b.key_id).bind(4, b.manifest_sha256).bind(5, toEpochMillis(at)).bind(6, actor);
  if (auto r = q->step(); !r) return r.status();
  auto put = [&](const std::string& path, const std::string& bytes) -> Status {
    auto f = db.query("INSERT INTO rule_bundle_files (id, version, path, bytes) VALUES (?1, ?2, ?3, ?4)");
    if (!f) return f.status();
    f->bind(1, b.id).bind(2, b.version).bind(3, path).bindBlob(4, bytes);
    auto r = f->step();
    return r ? Status::ok() : r.status();
  };
  OUTPOST_RETURN_IF_ERROR(put("manifest.json", b.raw_manifest));
  OUTPOST_RETURN_IF_ERROR(put("manifest.sig", b.raw_signature));
  for (const auto& [path, bytes] : b.files) OUTPOST_RETURN_IF_ERROR(put(path, bytes));
  return Status::ok();
}

Result<std::map<std::string, std::string>> loadFiles(storage::Database& db, const std::string& id, int64_t version) {
  auto q = db.query("SELECT path, bytes FROM rule_bundle_files WHERE id = ?1 AND version = ?2");
  if (!q) return q.status();
  q->bind(1, id).bind(2, version);
  std::map<std::string, std::string> files;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    files.emplace(q->columnText(0), q->columnBlob(1));
  }));
  if (files.empty()) return Status::dataLoss("rule bundle " + id + " v" + std::to_string(version) + " has no files");
  return files;
}

}  // namespace

Status saveActivation(storage::Database& db, const Bundle& active, const Bundle* previous, WallTime at,
                      const std::string& actor, const std::string& action, const std::string& address) {
  OUTPOST_RETURN_IF_ERROR(saveBundle(db, active, at, actor));
  auto q = db.query(
      "INSERT INTO rule_active (slot, id, version, previous_id, previous_version, changed_at) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(slot) DO UPDATE SET id = excluded.id, version = excluded.version, "
      "previous_id = excluded.previous_id, previous_version = excluded.previous_version, changed_at = excluded.changed_at");
  if (!q) return q.status();
  q->bind(1, active.id).bind(2, active.version);
  if (previous) {
    q->bind(3, previous->id).bind(4, previous->version);
  } else {
    q->bindNull(3).bindNull(4);
  }
  q->bind(5, toEpochMillis(at));
  if (auto r = q->step(); !r) return r.status();
  const std::string after = R"({"id":")" + active.id + R"(","version":)" + std::to_string(active.version) +
                            R"(,"manifest_sha256":")" + active.manifest_sha256 + R"(","key_id":")" + active.key_id +
                            R"("})";
  std::optional<std::string> before;
  if (previous) before = R"({"id":")" + previous->id + R"(","version":)" + std::to_string(previous->version) + "}";
  return storage::appendAudit(db, storage::AuditEntry{0, at, actor, action, "rule_bundle", active.id, before, after,
                                                      address});
}

Status saveTrialRevert(storage::Database& db, const Bundle* active, const Bundle& reverted, WallTime at,
                       const std::string& reason) {
  auto q = db.query(
      "INSERT INTO rule_active (slot, id, version, previous_id, previous_version, changed_at) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(slot) DO UPDATE SET id = excluded.id, version = excluded.version, "
      "previous_id = excluded.previous_id, previous_version = excluded.previous_version, changed_at = excluded.changed_at");
  if (!q) return q.status();
  if (active) {
    q->bind(1, active->id).bind(2, active->version);
  } else {
    q->bindNull(1).bindNull(2);
  }
  q->bind(3, reverted.id).bind(4, reverted.version).bind(5, toEpochMillis(at));
  if (auto r = q->step(); !r) return r.status();
  auto ref = [](const Bundle* b) -> Poco::Dynamic::Var {
    if (!b) return Poco::Dynamic::Var();
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("id", b->id);
    o->set("version", b->version);
    return o;
  };
  Poco::JSON::Object::Ptr after = new Poco::JSON::Object;
  after->set("active", ref(active));
  after->set("reason", reason);
  Poco::JSON::Object::Ptr before = new Poco::JSON::Object;
  before->set("id", reverted.id);
  before->set("version", reverted.version);
  OUTPOST_RETURN_IF_ERROR(storage::appendAudit(
      db, storage::AuditEntry{0, at, "outpostd", "trial_revert", "rule_bundle", reverted.id, codec::toJson(before),
                              codec::toJson(after), ""}));
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
  payload->set("reverted", ref(&reverted));
  payload->set("active", ref(active));
  payload->set("reason", reason);
  return storage::appendOutbox(
      db, storage::OutboxEntry{at, "rules.reverted", 1, codec::toJson(payload), storage::kClassAudit});
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

Result<StoredRules> loadStoredRules(storage::Database& db) {
  auto q = db.query("SELECT id, version, previous_id, previous_version FROM rule_active WHERE slot = 1");
  if (!q) return q.status();
  auto row = q->step();
  if (!row) return row.status();
  StoredRules out;
  if (!*row || q->columnIsNull(0)) return out;
  const std::string id = q->columnText(0);
  const int64_t version = q->columnInt(1);
  const bool has_prev = !q->columnIsNull(2);
  const std::string prev_id = q->columnText(2);
  const int64_t prev_version = q->columnInt(3);
  auto a = loadFiles(db, id, version);
  if (!a) return a.status();
  out.active = std::move(a.value());
  if (has_prev) {
    auto p = loadFiles(db, prev_id, prev_version);
    if (!p) return p.status();
    out.previous = std::move(p.value());
  }
  return out;
}

}  // namespace outpost::plugins
