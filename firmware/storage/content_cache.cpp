#include "storage/content_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "codec/json.h"
#include "signing/digest.h"
#include "storage/content_package.h"

namespace outpost::storage {
namespace {
namespace fs = std::filesystem;

std::string errnoText() { return std::strerror(errno); }

// Copies src to dst (created new, 0644) and fsyncs it.
Status copyDurably(const std::string& src, const std::string& dst, const std::string& label) {
  const int in = ::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (in < 0) return Status::notFound("cannot open: " + errnoText(), label);
  const int out = ::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) {
    ::close(in);
    return Status::unavailable(label + ": cannot create " + dst + ": " + errnoText());
  }
  Status result;
  std::string buf(1 << 20, '\0');
  while (true) {
    const ssize_t n = ::read(in, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      result = Status::unavailable(label + ": read failed: " + errnoText());
      break;
    }
    if (n == 0) break;
    ssize_t off = 0;
    while (off < n) {
      const ssize_t w = ::write(out, buf.data() + off, static_cast<size_t>(n - off));
      if (w < 0) {
        if (errno == EINTR) continue;
        result = errno == ENOSPC ? Status::resourceExhausted("the disk is full", label)
                                 : Status::unavailable(label + ": write failed: " + errnoText());
        break;
      }
      off += w;
    }
    if (!result.isOk()) break;
  }
  if (result.isOk() && ::fsync(out) != 0) result = Status::unavailable(label + ": fsync failed: " + errnoText());
  ::close(in);
  ::close(out);
  return result;
}

void fsyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

// Runs fn inside a SAVEPOINT (a transaction of its own when none is open).
Status inSavepoint(Database& db, const std::function<Status()>& fn) {
  OUTPOST_RETURN_IF_ERROR(db.exec("SAVEPOINT content_cache"));
  Status s = fn();
  if (!s.isOk()) {
    (void)db.exec("ROLLBACK TO content_cache");
    (void)db.exec("RELEASE content_cache");
    return s;
  }
  return db.exec("RELEASE content_cache");
}

// Shas of `package_id`'s files that no other present package uses.
Result<std::vector<std::string>> exclusiveShas(Database& db, const std::string& package_id) {
  auto q = db.query(
      "SELECT DISTINCT f.sha256 FROM content_files f WHERE f.package_id = ?1 AND NOT EXISTS ("
      "SELECT 1 FROM content_files g JOIN content_packages p ON p.id = g.package_id "
      "WHERE g.sha256 = f.sha256 AND p.present = 1 AND p.id <> ?1)");
  if (!q.isOk()) return q.status();
  q->bind(1, package_id);
  std::vector<std::string> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(q->columnText(0));
  }));
  return out;
}

Status deleteBlobRows(Database& db, const std::vector<std::string>& shas) {
  for (const std::string& sha : shas) {
    auto q = db.query("DELETE FROM content_blobs WHERE sha256 = ?");
    if (!q.isOk()) return q.status();
    OUTPOST_RETURN_IF_ERROR(q->bind(1, sha).exec());
  }
  return Status::ok();
}

}  // namespace

std::string ContentCache::objectPath(const std::string& sha) const {
  return options_.root + "/objects/" + sha.substr(0, 2) + "/" + sha;
}

Status ContentCache::removeUnreferenced(const std::vector<std::string>& shas) {
  std::lock_guard lock(mu_);
  for (const std::string& sha : shas) {
    std::error_code ec;
    fs::remove(objectPath(sha), ec);
    verified_.erase(sha);
  }
  return Status::ok();
}

Status ContentCache::open(Database& db) {
  std::error_code ec;
  fs::create_directories(options_.root + "/objects", ec);
  if (ec) return Status::unavailable("cannot create " + options_.root + "/objects: " + ec.message());
  fs::remove_all(options_.root + "/tmp", ec);
  fs::create_directories(options_.root + "/tmp", ec);
  if (ec) return Status::unavailable("cannot create " + options_.root + "/tmp: " + ec.message());
  std::set<std::string> known;
  auto q = db.query("SELECT sha256 FROM content_blobs");
  if (!q.isOk()) return q.status();
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    known.insert(q->columnText(0));
  }));
  // Objects written by an import that never committed (a crash) are removed.
  for (auto it = fs::recursive_directory_iterator(options_.root + "/objects", ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    if (!known.contains(name)) fs::remove(it->path(), ec);
  }
  return Status::ok();
}

Result<ImportReport> ContentCache::importDir(Database& db, const std::string& dir, const signing::TrustStore& trust) {
  const signing::PackageLimits limits;
  auto raw = signing::readSmallFile(dir + "/manifest.json", limits.max_manifest_bytes);
  if (!raw.isOk()) return raw.status();
  auto sig = signing::readSmallFile(dir + "/manifest.sig", 4096);
  if (!sig.isOk()) return sig.status();
  auto m = signing::verifyManifest(*raw, *sig, trust, limits);
  if (!m.isOk()) return m.status();
  auto course = readContentManifest(*m, *framework_);
  if (!course.isOk()) return course.status();

  ImportReport report;
  report.id = m->id;
  report.version = m->version;
  report.files = m->files.size();
  {
    auto q = db.query("SELECT version FROM content_packages WHERE id = ?");
    if (!q.isOk()) return q.status();
    q->bind(1, m->id);
    auto row = q->step();
    if (!row.isOk()) return row.status();
    if (*row) report.previous_version = q->columnInt(0);
  }
  if (report.previous_version >= m->version) {
    return Status::failedPrecondition("version " + std::to_string(m->version) + " of \"" + m->id +
                                          "\" is not newer than the installed version " +
                                          std::to_string(report.previous_version),
                                      "manifest.json /version");
  }
  std::map<std::string, uint64_t> distinct;
  for (const auto& f : m->files) distinct[f.sha256] = f.size;
  for (const auto& [sha, size] : distinct) report.bytes += size;
  // It must fit the quota next to the content pinned for agents (other packages).
  {
    auto q = db.query(
        "SELECT COALESCE(SUM(b.size), 0) FROM content_blobs b WHERE EXISTS ("
        "SELECT 1 FROM content_files f JOIN content_packages p ON p.id = f.package_id "
        "WHERE f.sha256 = b.sha256 AND p.present = 1 AND p.id <> ?1 "
        "AND EXISTS (SELECT 1 FROM content_pins n WHERE n.package_id = p.id))");
    if (!q.isOk()) return q.status();
    q->bind(1, m->id);
    auto row = q->step();
    if (!row.isOk()) return row.status();
    uint64_t pinned = static_cast<uint64_t>(q->columnInt(0));
    for (const auto& [sha, size] : distinct) {
      // Shared with pinned content: already counted.
      auto c = db.query(
          "SELECT 1 FROM content_files f JOIN content_packages p ON p.id = f.package_id "
          "WHERE f.sha256 = ?1 AND p.present = 1 AND p.id <> ?2 "
          "AND EXISTS (SELECT 1 FROM content_pins n WHERE n.package_id = p.id) LIMIT 1");
      if (!c.isOk()) return c.status();
      c->bind(1, sha).bind(2, m->id);
      auto hit = c->step();
      if (!hit.isOk()) return hit.status();
      if (*hit) pinned -= std::min(pinned, size);
    }
    if (report.bytes + pinned > options_.quota_bytes) {
      return Status::resourceExhausted("the package needs " + std::to_string(report.bytes) +
                                           " bytes; the content quota is " + std::to_string(options_.quota_bytes) +
                                           " bytes and " + std::to_string(pinned) + " are pinned for agents",
                                       "manifest.json /files");
    }
  }
  std::set<std::string> known;
  {
    auto q = db.query("SELECT sha256 FROM content_blobs");
    if (!q.isOk()) return q.status();
    OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
      known.insert(q->columnText(0));
    }));
  }

  // Files: copy, fsync, verify, then rename into objects/ — only verified bytes land there.
  {
    std::error_code ec;
    fs::create_directories(options_.root + "/tmp", ec);
    if (ec) return Status::unavailable("cannot create " + options_.root + "/tmp: " + ec.message());
  }
  std::vector<std::string> written;
  auto undo = [&](Status s) -> Status {
    (void)removeUnreferenced(written);
    return s;
  };
  size_t index = 0;
  std::set<std::string> done;
  for (const auto& f : m->files) {
    if (known.contains(f.sha256) || done.contains(f.sha256)) {
      ++index;
      continue;
    }
    const std::string src = (fs::path(dir) / f.path).string();
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(src, ec))) {
      return undo(Status::notFound("missing or not a regular file", f.path));
    }
    const std::string tmp = options_.root + "/tmp/" + f.sha256;
    if (Status s = copyDurably(src, tmp, f.path); !s.isOk()) {
      fs::remove(tmp, ec);
      return undo(s);
    }
    uint64_t size = 0;
    auto digest = signing::sha256HexOfFile(tmp, &size);
    Status bad;
    if (!digest.isOk()) {
      bad = Status(digest.status().code(), digest.status().message(), f.path);
    } else if (size != f.size) {
      bad = Status::invalidArgument(
          "is " + std::to_string(size) + " bytes, the manifest says " + std::to_string(f.size), f.path);
    } else if (*digest != f.sha256) {
      bad = Status::invalidArgument("SHA-256 does not match the manifest", f.path);
    }
    if (!bad.isOk()) {
      fs::remove(tmp, ec);
      return undo(bad);
    }
    const std::string dst = objectPath(f.sha256);
    fs::create_directories(fs::path(dst).parent_path(), ec);
    if (std::rename(tmp.c_str(), dst.c_str()) != 0) {
      fs::remove(tmp, ec);
      return undo(Status::unavailable(f.path + ": cannot store in the cache: " + errnoText()));
    }
    fsyncDir(fs::path(dst).parent_path().string());
    written.push_back(f.sha256);
    done.insert(f.sha256);
    report.bytes_written += f.size;
    if (options_.after_file) options_.after_file(index);
    ++index;
  }

  // Metadata: one switch from the old version to the new.
  std::vector<std::string> orphaned;
  const int64_t now = toEpochMillis(clock_->wallNow());
  Status s = inSavepoint(db, [&]() -> Status {
    auto old = exclusiveShas(db, m->id);
    if (!old.isOk()) return old.status();
    auto up = db.query(
        "INSERT INTO content_packages (id, version, key_id, manifest, title_zh, title_en, bytes, present, "
        "imported_at, last_used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8) "
        "ON CONFLICT(id) DO UPDATE SET version = excluded.version, key_id = excluded.key_id, "
        "manifest = excluded.manifest, title_zh = excluded.title_zh, title_en = excluded.title_en, "
        "bytes = excluded.bytes, present = 1, imported_at = excluded.imported_at, "
        "last_used_at = excluded.last_used_at");
    if (!up.isOk()) return up.status();
    OUTPOST_RETURN_IF_ERROR(up->bind(1, m->id)
                                .bind(2, m->version)
                                .bind(3, m->key_id)
                                .bind(4, m->raw)
                                .bind(5, course->title.zh)
                                .bind(6, course->title.en)
                                .bind(7, static_cast<int64_t>(report.bytes))
                                .bind(8, now)
                                .exec());
    auto del = db.query("DELETE FROM content_files WHERE package_id = ?");
    if (!del.isOk()) return del.status();
    OUTPOST_RETURN_IF_ERROR(del->bind(1, m->id).exec());
    for (const auto& f : m->files) {
      auto ins = db.query("INSERT INTO content_files (package_id, path, sha256, size) VALUES (?, ?, ?, ?)");
      if (!ins.isOk()) return ins.status();
      OUTPOST_RETURN_IF_ERROR(
          ins->bind(1, m->id).bind(2, f.path).bind(3, f.sha256).bind(4, static_cast<int64_t>(f.size)).exec());
      auto blob = db.query("INSERT OR IGNORE INTO content_blobs (sha256, size, stored_at) VALUES (?, ?, ?)");
      if (!blob.isOk()) return blob.status();
      OUTPOST_RETURN_IF_ERROR(blob->bind(1, f.sha256).bind(2, static_cast<int64_t>(f.size)).bind(3, now).exec());
    }
    for (const std::string& sha : *old) {
      if (!distinct.contains(sha)) orphaned.push_back(sha);
    }
    return deleteBlobRows(db, orphaned);
  });
  if (!s.isOk()) return undo(s);
  (void)removeUnreferenced(orphaned);
  auto evicted = enforceQuota(db, m->id);
  if (!evicted.isOk()) return evicted.status();
  report.evicted = std::move(*evicted);
  return report;
}

Result<std::vector<std::string>> ContentCache::enforceQuota(Database& db, const std::string& keep) {
  std::vector<std::string> evicted;
  while (true) {
    auto used = usedBytes(db);
    if (!used.isOk()) return used.status();
    if (*used <= options_.quota_bytes) break;
    auto q = db.query(
        "SELECT id FROM content_packages p WHERE present = 1 AND id <> ?1 AND NOT EXISTS ("
        "SELECT 1 FROM content_pins n WHERE n.package_id = p.id) ORDER BY last_used_at, id LIMIT 1");
    if (!q.isOk()) return q.status();
    q->bind(1, keep);
    auto row = q->step();
    if (!row.isOk()) return row.status();
    if (!*row) break;  // only pinned content left
    const std::string victim = q->columnText(0);
    std::vector<std::string> shas;
    Status s = inSavepoint(db, [&]() -> Status {
      auto ex = exclusiveShas(db, victim);
      if (!ex.isOk()) return ex.status();
      shas = std::move(*ex);
      auto up = db.query("UPDATE content_packages SET present = 0 WHERE id = ?");
      if (!up.isOk()) return up.status();
      OUTPOST_RETURN_IF_ERROR(up->bind(1, victim).exec());
      return deleteBlobRows(db, shas);
    });
    if (!s.isOk()) return s;
    (void)removeUnreferenced(shas);
    evicted.push_back(victim);
  }
  return evicted;
}

Result<uint64_t> ContentCache::usedBytes(Database& db) const {
  auto q = db.query("SELECT COALESCE(SUM(size), 0) FROM content_blobs");
  if (!q.isOk()) return q.status();
  auto row = q->step();
  if (!row.isOk()) return row.status();
  return static_cast<uint64_t>(q->columnInt(0));
}

namespace {
constexpr std::string_view kPackageColumns =
    "SELECT id, version, key_id, title_zh, title_en, bytes, present, imported_at, last_used_at, manifest, "
    "EXISTS (SELECT 1 FROM content_pins n WHERE n.package_id = p.id) FROM content_packages p";

PackageInfo packageRow(const Query& q) {
  PackageInfo p;
  p.id = q.columnText(0);
  p.version = q.columnInt(1);
  p.key_id = q.columnText(2);
  p.title = {q.columnText(3), q.columnText(4)};
  p.bytes = static_cast<uint64_t>(q.columnInt(5));
  p.present = q.columnInt(6) != 0;
  p.imported_at_ms = q.columnInt(7);
  p.last_used_at_ms = q.columnInt(8);
  p.manifest = q.columnText(9);
  p.pinned = q.columnInt(10) != 0;
  return p;
}
}  // namespace

Result<std::vector<PackageInfo>> ContentCache::packages(Database& db) const {
  auto q = db.query(std::string(kPackageColumns) + " ORDER BY id");
  if (!q.isOk()) return q.status();
  std::vector<PackageInfo> out;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    out.push_back(packageRow(*q));
  }));
  return out;
}

Result<PackageInfo> ContentCache::package(Database& db, const std::string& id) const {
  auto q = db.query(std::string(kPackageColumns) + " WHERE id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, id);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  if (!*row) return Status::notFound("no content package \"" + id + "\"");
  return packageRow(*q);
}

Result<learning::Course> ContentCache::courseOf(const PackageInfo& p) const {
  auto object = codec::JsonReader::parseObject(p.manifest);
  if (!object.isOk()) return Status::dataLoss("stored manifest of \"" + p.id + "\" is not JSON");
  signing::VerifiedManifest m;
  {
    codec::JsonReader r(*object);
    signing::readCommonFields(r, m);
    if (!r.ok()) return Status::dataLoss("stored manifest of \"" + p.id + "\": " + r.finish().describe());
  }
  m.json = *object;
  auto c = readContentManifest(m, *framework_);
  if (!c.isOk()) return Status::dataLoss("stored manifest of \"" + p.id + "\": " + c.status().describe());
  return std::move(*c);
}

Result<learning::Course> ContentCache::course(Database& db, const std::string& id) const {
  auto p = package(db, id);
  if (!p.isOk()) return p.status();
  if (!p->present) {
    return Status::failedPrecondition("content package \"" + id + "\" was evicted from the cache; import it again");
  }
  return courseOf(*p);
}

Result<std::vector<learning::Course>> ContentCache::courses(Database& db) const {
  auto all = packages(db);
  if (!all.isOk()) return all.status();
  std::vector<learning::Course> out;
  for (const PackageInfo& p : *all) {
    if (!p.present) continue;
    auto c = courseOf(p);
    if (!c.isOk()) return c.status();
    out.push_back(std::move(*c));
  }
  return out;
}

Status ContentCache::pin(Database& db, const std::string& package_id, const std::string& agent_id) {
  auto p = package(db, package_id);
  if (!p.isOk()) return p.status();
  auto q = db.query("INSERT OR IGNORE INTO content_pins (package_id, agent_id, pinned_at) VALUES (?, ?, ?)");
  if (!q.isOk()) return q.status();
  return q->bind(1, package_id).bind(2, agent_id).bind(3, toEpochMillis(clock_->wallNow())).exec();
}

Status ContentCache::unpin(Database& db, const std::string& package_id, const std::string& agent_id) {
  auto q = db.query("DELETE FROM content_pins WHERE package_id = ? AND agent_id = ?");
  if (!q.isOk()) return q.status();
  return q->bind(1, package_id).bind(2, agent_id).exec();
}

Status ContentCache::touch(Database& db, const std::string& package_id) {
  auto q = db.query("UPDATE content_packages SET last_used_at = ? WHERE id = ?");
  if (!q.isOk()) return q.status();
  return q->bind(1, toEpochMillis(clock_->wallNow())).bind(2, package_id).exec();
}

Result<CachedFile> ContentCache::file(Database& db, const std::string& package_id, const std::string& path) {
  auto q = db.query(
      "SELECT f.sha256, f.size, p.present FROM content_files f JOIN content_packages p ON p.id = f.package_id "
      "WHERE f.package_id = ? AND f.path = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, package_id).bind(2, path);
  auto row = q->step();
  if (!row.isOk()) return row.status();
  if (!*row) return Status::notFound("no file \"" + path + "\" in content package \"" + package_id + "\"");
  CachedFile f{q->columnText(0), static_cast<uint64_t>(q->columnInt(1)), {}};
  if (q->columnInt(2) == 0) {
    return Status::failedPrecondition("content package \"" + package_id +
                                      "\" was evicted from the cache; import it again");
  }
  f.disk_path = objectPath(f.sha256);
  struct stat st {};
  if (::stat(f.disk_path.c_str(), &st) != 0) {
    return Status::dataLoss("the cached file for \"" + path + "\" is missing; import the package again");
  }
  const int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  const std::pair<uint64_t, int64_t> stamp{static_cast<uint64_t>(st.st_size), mtime};
  {
    std::lock_guard lock(mu_);
    auto it = verified_.find(f.sha256);
    if (it != verified_.end() && it->second == stamp) return f;
  }
  uint64_t size = 0;
  auto digest = signing::sha256HexOfFile(f.disk_path, &size);
  if (!digest.isOk()) return digest.status();
  if (size != f.size || *digest != f.sha256) {
    return Status::dataLoss("the cached file for \"" + path + "\" does not match its SHA-256; import the package again");
  }
  std::lock_guard lock(mu_);
  verified_[f.sha256] = stamp;
  return f;
}

}  // namespace outpost::storage
