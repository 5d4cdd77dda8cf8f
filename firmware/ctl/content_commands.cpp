// outpostctl content …: import learning content packages into a site's cache and
// list what is there — see storage/content_cache.h and docs/learning.md.

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/clock.h"
#include "ctl/command.h"
#include "learning/framework.h"
#include "signing/trust_store.h"
#include "storage/content_cache.h"
#include "storage/migrations.h"

namespace outpost::ctl {
namespace {

struct Site {
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::ContentCache> cache;
};

Result<uint64_t> quotaOf(const Args& args) {
  const std::string text = args.optional("--quota-mb", "20480");
  char* end = nullptr;
  const unsigned long long mb = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || mb == 0 || mb > (1ull << 30)) {
    return Status::invalidArgument("must be a whole number of megabytes ≥ 1", "--quota-mb");
  }
  return static_cast<uint64_t>(mb) * 1024 * 1024;
}

// Opens <data dir>/outpost.db (migrating it like outpostd does) and the cache under
// <data dir>/content.
Result<Site> openSite(const Args& args) {
  auto data_dir = args.required("--data-dir");
  if (!data_dir.isOk()) return data_dir.status();
  auto quota = quotaOf(args);
  if (!quota.isOk()) return quota.status();
  std::error_code ec;
  if (!std::filesystem::is_directory(*data_dir, ec)) {
    return Status::notFound("no such directory (outpostd's storage.data_dir)", "--data-dir");
  }
  auto db = storage::Database::open(*data_dir + "/outpost.db");
  if (!db.isOk()) return db.status();
  auto migrated = storage::migrate(**db, storage::outpostMigrations());
  if (!migrated.isOk()) return migrated.status();
  Site site;
  site.db = std::move(*db);
  site.cache = std::make_unique<storage::ContentCache>(
      storage::ContentCacheOptions{*data_dir + "/content", *quota, {}}, learning::defaultFramework(),
      SystemClock::instance());
  OUTPOST_RETURN_IF_ERROR(site.cache->open(*site.db));
  return site;
}

Status import(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--data-dir", "--trust", "--quota-mb"}));
  if (args.positional().empty()) return Status::invalidArgument("expects one or more package directories");
  auto trust_path = args.required("--trust");
  if (!trust_path.isOk()) return trust_path.status();
  auto trust = signing::TrustStore::load(*trust_path);
  if (!trust.isOk()) return trust.status();
  auto site = openSite(args);
  if (!site.isOk()) return site.status();
  for (const std::string& dir : args.positional()) {
    auto r = site->cache->importDir(*site->db, dir, *trust);
    if (!r.isOk()) {
      const Status& s = r.status();
      return Status(s.code(), dir + ": " + s.message(), s.where());
    }
    std::printf("imported %s version %lld (was %lld): %zu files, %llu bytes, %llu new\n", r->id.c_str(),
                static_cast<long long>(r->version), static_cast<long long>(r->previous_version), r->files,
                static_cast<unsigned long long>(r->bytes), static_cast<unsigned long long>(r->bytes_written));
    for (const std::string& e : r->evicted) std::printf("evicted %s (least recently used, not pinned)\n", e.c_str());
  }
  return Status::ok();
}

Status list(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--data-dir", "--quota-mb"}));
  auto site = openSite(args);
  if (!site.isOk()) return site.status();
  auto all = site->cache->packages(*site->db);
  if (!all.isOk()) return all.status();
  for (const auto& p : *all) {
    std::printf("%-32s v%-4lld %10llu bytes  %s%s  %s / %s\n", p.id.c_str(), static_cast<long long>(p.version),
                static_cast<unsigned long long>(p.bytes), p.present ? "present" : "evicted",
                p.pinned ? " pinned" : "", p.title.zh.c_str(), p.title.en.c_str());
  }
  auto used = site->cache->usedBytes(*site->db);
  if (!used.isOk()) return used.status();
  std::printf("%zu packages, %llu of %llu bytes used\n", all->size(), static_cast<unsigned long long>(*used),
              static_cast<unsigned long long>(site->cache->quotaBytes()));
  return Status::ok();
}

}  // namespace

std::vector<Command> contentCommands() {
  return {
      {"content", "import", "--data-dir DIR --trust FILE [--quota-mb N] PACKAGE_DIR…",
       "verify signed content packages and import them into the site's learning cache", &import},
      {"content", "list", "--data-dir DIR", "list the content packages in the site's learning cache", &list},
  };
}

}  // namespace outpost::ctl
