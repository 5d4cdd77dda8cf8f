#include "hub/hub_downlink.h"

#include <openssl/evp.h>
#include <sqlite3.h>

#include <cstdio>
#include <limits>
#include <vector>

#include <algorithm>

#include "codec/json.h"
#include "signing/digest.h"

namespace outpost::hub {

namespace {

// Streams `path` into the blob at `rowid` (pre-sized with zeroblob), hashing it.
Status copyIntoBlob(storage::Database& db, int64_t rowid, const std::string& path, const signing::PackageFile& f) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) return Status::notFound("cannot open", f.path);
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db.handle(), "main", "blobs", "data", rowid, 1, &blob) != SQLITE_OK) {
    sqlite3_blob_close(blob);
    std::fclose(in);
    return Status::internal("cannot open the blob for " + f.path);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  uint64_t done = 0;
  Status st = Status::ok();
  for (;;) {
    const size_t n = std::fread(buf.data(), 1, buf.size(), in);
    if (n == 0) break;
    if (done + n > f.size) {
      st = Status::invalidArgument("grew beyond the manifest's " + std::to_string(f.size) + " bytes", f.path);
      break;
    }
    EVP_DigestUpdate(ctx, buf.data(), n);
    if (sqlite3_blob_write(blob, buf.data(), static_cast<int>(n), static_cast<int>(done)) != SQLITE_OK) {
      st = Status::internal("cannot write the blob for " + f.path);
      break;
    }
    done += n;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  sqlite3_blob_close(blob);
  std::fclose(in);
  if (!st) return st;
  if (done != f.size) return Status::invalidArgument("changed size since it was verified", f.path);
  if (signing::toHex(std::string(reinterpret_cast<const char*>(md), len)) != f.sha256) {
    return Status::invalidArgument("changed since it was verified (SHA-256 differs)", f.path);
  }
  return Status::ok();
}

}  // namespace

Result<int64_t> publishPackage(storage::Database& db, const std::string& site, const signing::VerifiedManifest& m,
                               const std::string& dir, const std::string& signature, WallTime now) {
  const std::string sha = signing::sha256Hex(m.raw);
  int64_t size = 0;
  for (const auto& f : m.files) size += static_cast<int64_t>(f.size);
  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  int64_t serial = 0;
  auto body = [&]() -> Status {
    for (const auto& f : m.files) {
      if (f.size > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
        return Status::invalidArgument("files over 2 GiB are not served over the downlink", f.path);
      }
      auto q = db.query("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?1, ?2, zeroblob(?2))");
      if (!q) return q.status();
      OUTPOST_RETURN_IF_ERROR(q->bind(1, f.sha256).bind(2, static_cast<int64_t>(f.size)).exec());
      if (db.changes() > 0) OUTPOST_RETURN_IF_ERROR(copyIntoBlob(db, db.lastInsertRowid(), dir + "/" + f.path, f));
      auto pf = db.query("INSERT OR IGNORE INTO package_files (manifest_sha256, file_sha256) VALUES (?1, ?2)");
      if (!pf) return pf.status();
      OUTPOST_RETURN_IF_ERROR(pf->bind(1, sha).bind(2, f.sha256).exec());
    }
    auto q = db.query(
        "INSERT OR REPLACE INTO site_packages (site_id, kind, package_id, version, size, sha256, manifest, signature, "
        "published_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!q) return q.status();
    OUTPOST_RETURN_IF_ERROR(q->bind(1, site).bind(2, m.kind).bind(3, m.id).bind(4, m.version).bind(5, size).bind(6, sha)
                                .bind(7, m.raw).bind(8, signature).bind(9, toEpochMillis(now)).exec());
    auto s = db.query(
        "INSERT INTO site_manifests (site_id, serial) VALUES (?1, 1) "
        "ON CONFLICT (site_id) DO UPDATE SET serial = serial + 1 RETURNING serial");
    if (!s) return s.status();
    s->bind(1, site);
    auto row = s->step();
    if (!row) return row.status();
    serial = s->columnInt(0);
    return Status::ok();
  };
  Status st = body();
  if (st) st = db.exec("COMMIT");
  if (!st) {
    if (sqlite3_get_autocommit(db.handle()) == 0) (void)db.exec("ROLLBACK");
    return st;
  }
  return serial;
}

Result<std::vector<std::pair<std::string, int64_t>>> manifestSerials(storage::Database& db) {
  auto q = db.query("SELECT site_id, serial FROM site_manifests ORDER BY site_id");
  if (!q) return q.status();
  std::vector<std::pair<std::string, int64_t>> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] { out.emplace_back(q->columnText(0), q->columnInt(1)); }));
  return out;
}

Result<sync::SiteManifest> siteManifest(storage::Database& db, const std::string& site) {
  sync::SiteManifest m;
  m.site = site;
  auto s = db.query("SELECT serial FROM site_manifests WHERE site_id = ?1");
  if (!s) return s.status();
  s->bind(1, site);
  auto row = s->step();
  if (!row) return row.status();
  if (*row) m.serial = s->columnInt(0);
  auto q = db.query(
      "SELECT kind, package_id, version, size, sha256, manifest, signature FROM site_packages WHERE site_id = ?1 "
      "ORDER BY kind DESC, package_id");  // rules before content: routing first
  if (!q) return q.status();
  q->bind(1, site);
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    m.packages.push_back(sync::ManifestEntry{q->columnText(0), q->columnText(1), q->columnInt(2), q->columnInt(3),
                                             q->columnText(4), q->columnText(5), q->columnText(6)});
  }));
  return m;
}

sync::Chunk serveChunk(storage::Database& db, const std::string& site, const sync::FetchRequest& req) {
  sync::Chunk c;
  c.id = req.id;
  c.sha256 = req.sha256;
  auto q = db.query(
      "SELECT b.rowid, b.size FROM blobs b WHERE b.sha256 = ?2 AND EXISTS ("
      "SELECT 1 FROM site_packages sp JOIN package_files pf ON pf.manifest_sha256 = sp.sha256 "
      "WHERE sp.site_id = ?1 AND pf.file_sha256 = ?2)");
  if (!q) {
    c.error = "hub storage error";
    return c;
  }
  q->bind(1, site).bind(2, req.sha256);
  auto row = q->step();
  if (!row) {
    c.error = "hub storage error";
    return c;
  }
  if (!*row) {
    c.error = "no such file in this site's manifest";
    return c;
  }
  const int64_t rowid = q->columnInt(0);
  c.total = q->columnInt(1);
  if (req.offset > c.total) {
    c.error = "offset " + std::to_string(req.offset) + " is beyond the file's " + std::to_string(c.total) + " bytes";
    return c;
  }
  c.offset = req.offset;
  const int64_t n = std::min<int64_t>(req.length, c.total - req.offset);
  // Incremental blob I/O: only the chunk's pages are read, not the whole file.
  sqlite3_blob* blob = nullptr;
  if (sqlite3_blob_open(db.handle(), "main", "blobs", "data", rowid, 0, &blob) != SQLITE_OK) {
    sqlite3_blob_close(blob);
    c.error = "hub storage error";
    return c;
  }
  c.bytes.resize(static_cast<size_t>(n));
  const int rc = n > 0 ? sqlite3_blob_read(blob, c.bytes.data(), static_cast<int>(n), static_cast<int>(req.offset))
                       : SQLITE_OK;
  sqlite3_blob_close(blob);
  if (rc != SQLITE_OK) {
    c.bytes.clear();
    c.error = "hub storage error";
  }
  return c;
}

namespace {

// The latest record of the site among `types` (a SQL list), decoded; none if absent
// or unreadable (a record the site wrote, so malformed ones are only skipped).
Result<std::optional<std::pair<std::string, DownlinkEvent>>> latestDownlinkRecord(storage::Database& db,
                                                                                  const std::string& site,
                                                                                  std::string_view types) {
  auto q = db.query("SELECT type, payload, event_time FROM records WHERE site_id = ?1 AND type IN (" +
                    std::string(types) + ") ORDER BY seq DESC LIMIT 1");
  if (!q) return q.status();
  q->bind(1, site);
  auto row = q->step();
  if (!row) return row.status();
  using Out = std::optional<std::pair<std::string, DownlinkEvent>>;
  if (!*row) return Out{};
  DownlinkEvent e;
  e.event_time = q->columnInt(2);
  auto o = codec::JsonReader::parseObject(q->columnText(1));
  if (!o) return Out{};
  try {
    e.kind = (*o)->optValue<std::string>("kind", "");
    e.id = (*o)->optValue<std::string>("id", "");
    e.version = (*o)->optValue<int64_t>("version", 0);
    e.reason = (*o)->optValue<std::string>("reason", "");
    e.bytes_done = (*o)->optValue<int64_t>("bytes_done", 0);
    e.size = (*o)->optValue<int64_t>("size", 0);
  } catch (const Poco::Exception&) {
    return Out{};
  }
  return Out{std::make_pair(q->columnText(0), std::move(e))};
}

}  // namespace

Result<SiteDownlinkView> siteDownlinkView(storage::Database& db, const std::string& site) {
  SiteDownlinkView v;
  auto installed = latestDownlinkRecord(db, site, "'downlink.installed'");
  if (!installed) return installed.status();
  if (*installed) v.installed = (*installed)->second;
  auto refused = latestDownlinkRecord(db, site, "'downlink.refused'");
  if (!refused) return refused.status();
  if (*refused) v.refused = (*refused)->second;
  auto last = latestDownlinkRecord(db, site,
                                   "'downlink.queued', 'downlink.progress', 'downlink.installed', 'downlink.refused'");
  if (!last) return last.status();
  if (*last && ((*last)->first == "downlink.queued" || (*last)->first == "downlink.progress")) {
    v.in_progress = (*last)->second;
  }
  return v;
}

}  // namespace outpost::hub
