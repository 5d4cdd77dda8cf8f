#pragma once

// The hub's side of the downlink (docs/sync.md "Downlink"): payloads stored by
// SHA-256, the packages each site should run, and chunks served from them.
//
// publishPackage() stores a verified signed package for a site in one transaction:
// every file as a blob (once per digest), the package replacing the site's package of
// the same kind and id, and the site's manifest serial bumped. outpost-hub run
// publishes each site's manifest (retained) when its serial changes.
//
// Thread-safety: free functions over a Database (one thread at a time).

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "signing/package.h"
#include "storage/database.h"
#include "sync/downlink_wire.h"

namespace outpost::hub {

// `manifest` verified (verifyManifest) with its files in `dir`, `signature` the exact
// text of its manifest.sig. Files are streamed into the blobs (never whole in memory)
// and hashed on the way: a file that does not match the manifest (changed since it
// was verified) aborts the transaction. Returns the site's new manifest serial.
Result<int64_t> publishPackage(storage::Database& db, const std::string& site, const signing::VerifiedManifest& manifest,
                               const std::string& dir, const std::string& signature, WallTime now);

// Sites with a manifest, and their serials.
Result<std::vector<std::pair<std::string, int64_t>>> manifestSerials(storage::Database& db);
Result<sync::SiteManifest> siteManifest(storage::Database& db, const std::string& site);

// The answer to a fetch: bytes [offset, offset+length) of a file that one of the
// site's current packages lists; an error chunk otherwise (never a crash).
sync::Chunk serveChunk(storage::Database& db, const std::string& site, const sync::FetchRequest& req);

// What a site's downlink did, as learnt from its downlink.* records (outpost-hub
// sites): the last package installed, the last refusal with its reason, and the package
// being fetched (its last downlink.queued/progress record has no outcome after it).
struct DownlinkEvent {
  std::string kind, id;
  int64_t version = 0;
  int64_t event_time = 0;  // at the site, epoch ms
  std::string reason;      // refused: why
  int64_t bytes_done = 0;  // in progress
  int64_t size = 0;
  bool present() const { return !kind.empty(); }
  std::string label() const { return kind + " " + id + " v" + std::to_string(version); }
};
struct SiteDownlinkView {
  DownlinkEvent installed, refused, in_progress;
};
Result<SiteDownlinkView> siteDownlinkView(storage::Database& db, const std::string& site);

}  // namespace outpost::hub
