#pragma once

// ContentCache: learning content stored by SHA-256 under <data dir>/content, with its
// metadata in SQLite (content_packages, content_files, content_blobs, content_pins).
//
//   <root>/objects/ab/ab12…  one file per distinct SHA-256 (shared between packages)
//   <root>/tmp/              files being written; cleared by open()
//
// Import (kind "content", docs/learning.md): the signature and manifest are verified
// first; a version not newer than the installed one is refused; the package must fit
// the quota next to pinned content. Each file is copied to tmp/, fsync'ed, hashed and
// compared with the manifest, and only then renamed into objects/. The metadata then
// switches to the new version in one transaction, so a crash at any point leaves the
// old package or the new one, never a mix (objects nobody references are removed by
// open()). Finally the least recently used unpinned packages are evicted until the
// cache fits its quota: their files are deleted, their manifests kept (present = 0),
// so they can be fetched again.
//
// Serving: file() finds a package file, checks it is present and verifies its SHA-256
// before it is served (once per file while its size and mtime are unchanged).
//
// Database work goes through the `Database&` each call is given: the writer's
// connection in outpostd (inside a Writer job), or the ctl's own. Methods that write
// run their statements in a SAVEPOINT of their own.
//
// Thread-safety: the verified-file memo is locked; everything else is per call.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "learning/content.h"
#include "learning/framework.h"
#include "signing/trust_store.h"
#include "storage/database.h"

namespace outpost::storage {

struct ContentCacheOptions {
  std::string root;                                 // e.g. <data dir>/content
  uint64_t quota_bytes = 20ull * 1024 * 1024 * 1024;  // distinct stored bytes at most
  // Tests only: called after each file of an import is stored (crash tests).
  std::function<void(size_t)> after_file;
};

struct ImportReport {
  std::string id;
  int64_t version = 0;
  int64_t previous_version = 0;  // 0 if new
  size_t files = 0;
  uint64_t bytes = 0;          // the package's distinct bytes
  uint64_t bytes_written = 0;  // bytes not already in the cache
  std::vector<std::string> evicted;
};

struct PackageInfo {
  std::string id;
  int64_t version = 0;
  std::string key_id;
  learning::Text title;
  uint64_t bytes = 0;
  bool present = true;
  bool pinned = false;
  int64_t imported_at_ms = 0;
  int64_t last_used_at_ms = 0;
  std::string manifest;  // the signed manifest.json
};

struct CachedFile {
  std::string sha256;
  uint64_t size = 0;
  std::string disk_path;  // verified
};

class ContentCache {
 public:
  ContentCache(ContentCacheOptions options, const learning::Framework& framework, const Clock& clock)
      : options_(std::move(options)), framework_(&framework), clock_(&clock) {}

  // Creates the folders, clears tmp/ and removes objects no blob row references.
  Status open(Database& db);

  // Verifies and imports the package in `dir` (see above). Errors name the file and field.
  Result<ImportReport> importDir(Database& db, const std::string& dir, const signing::TrustStore& trust);

  Result<std::vector<PackageInfo>> packages(Database& db) const;
  Result<PackageInfo> package(Database& db, const std::string& id) const;
  // The courses of present packages (their manifests re-read), by id.
  Result<std::vector<learning::Course>> courses(Database& db) const;
  // One present package's course.
  Result<learning::Course> course(Database& db, const std::string& id) const;

  // Pins a package for an agent (assigned content is never evicted) / removes the pin.
  Status pin(Database& db, const std::string& package_id, const std::string& agent_id);
  Status unpin(Database& db, const std::string& package_id, const std::string& agent_id);
  // Marks a package used now (LRU order).
  Status touch(Database& db, const std::string& package_id);

  // A file of a present package, verified against its SHA-256.
  Result<CachedFile> file(Database& db, const std::string& package_id, const std::string& path);

  // Distinct bytes stored, and of those the pinned ones.
  Result<uint64_t> usedBytes(Database& db) const;
  uint64_t quotaBytes() const { return options_.quota_bytes; }
  const std::string& root() const { return options_.root; }

  // Evicts unpinned packages, least recently used first, until the cache fits the
  // quota. `keep` is never evicted (the package just imported).
  Result<std::vector<std::string>> enforceQuota(Database& db, const std::string& keep = {});

 private:
  std::string objectPath(const std::string& sha) const;
  Result<learning::Course> courseOf(const PackageInfo& p) const;
  Status removeUnreferenced(const std::vector<std::string>& shas);
  ContentCacheOptions options_;
  const learning::Framework* framework_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::map<std::string, std::pair<uint64_t, int64_t>> verified_;  // sha → (size, mtime ns) guarded by mu_
};

}  // namespace outpost::storage
