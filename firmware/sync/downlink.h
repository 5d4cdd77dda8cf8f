#pragma once

// Downlink: the appliance fetches what its hub manifest says it should run
// (docs/sync.md "Downlink"), over the publisher's one outbound MQTT connection.
//
// - The retained manifest (downlink_wire.h) arrives on every connect. Each package in
//   it that is not in force here is verified before anything is fetched: the Ed25519
//   signature of its manifest.json by a trusted key (signing/package.h), kind, id,
//   version and size against the hub's entry.
// - Its files are fetched by SHA-256, one chunk request outstanding at a time, into
//   <dir>/<sha256>.part (appended and fsync'ed per chunk: the file's size is the
//   resume offset, across disconnects and restarts). A complete file is hashed; only a
//   match is renamed to <dir>/objects/<sha256> (write, fsync, rename, fsync folder).
// - With every file present the package is assembled in <dir>/staging/ and handed to
//   the installer hook (rules: the same install path as POST /api/v1/rules/install;
//   content: the content cache import), which checks it again and may refuse it.
// - Progress (telemetry) and the outcome (audit class: never dropped) go upstream as
//   outbox records: downlink.progress, downlink.installed, downlink.refused (with the
//   exact reason). Malformed manifests and chunks are refused with a counted, logged
//   reason; nothing of them is used.
// - A refusal is kept in SQLite (downlink_refusals, in the transaction of its outbox
//   record): after a restart the same manifest is not fetched or refused again, until
//   the trusted keys change.
// - A key set (kind "keyset") goes first: while one is pending nothing else in the
//   manifest is planned; once it is installed the manifest is read again under the new
//   keys.
//
// Thread-safety: its own thread does all the work; the LinkClient callbacks only queue.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "signing/package.h"
#include "storage/writer.h"
#include "sync/downlink_wire.h"
#include "sync/publisher.h"

namespace outpost::sync {

struct DownlinkOptions {
  std::string site_id;
  std::string topic_prefix = "outpost/v1";
  std::string dir;                 // e.g. <data dir>/downloads
  int64_t chunk_bytes = 256 * 1024;
  Millis request_timeout{5000};    // a request unanswered this long is sent again
  Millis poll_interval{100};
  int64_t progress_bytes = 1024 * 1024;  // a downlink.progress record at least this often
};

struct DownlinkStats {
  std::string state = "idle";  // idle | fetching | waiting (link down)
  int64_t manifest_serial = -1;
  uint64_t manifests = 0;   // manifests read
  uint64_t rejected = 0;    // malformed manifests/chunks refused
  uint64_t requests = 0;    // chunk requests sent
  uint64_t retries = 0;     // requests sent again after request_timeout
  uint64_t resumes = 0;     // files continued from a partial download
  uint64_t chunks = 0;
  uint64_t bytes = 0;
  uint64_t stale = 0;       // answers to requests no longer outstanding
  uint64_t installed = 0;
  uint64_t refused = 0;
  std::string last_refusal;
  uint64_t refusals_kept = 0;     // refused packages remembered (SQLite, across restarts)
  uint64_t refusals_skipped = 0;  // manifest entries passed over because they were refused before
};

// How verified packages are handed on (wired in app/sync_wiring.cpp).
struct DownlinkHooks {
  // The keys trusted now (they change when a key set is rotated in).
  std::function<signing::TrustStore()> trust;
  // The same signed manifest (by SHA-256) is already in force here.
  std::function<bool(const ManifestEntry&)> installed;
  // Installs the package directory; the summary, or the refusal.
  std::function<Result<std::string>(const std::string& kind, const std::string& dir)> install;
};

class Downlink final : public LinkClient {
 public:
  Downlink(storage::Writer& writer, const Clock& clock, DownlinkOptions options, DownlinkHooks hooks);
  ~Downlink() override;
  Downlink(const Downlink&) = delete;
  Downlink& operator=(const Downlink&) = delete;

  // Registers with the publisher (before its start()), creates the folders, starts the thread.
  Status start(Publisher& publisher);
  void stop();
  DownlinkStats stats() const;

  std::vector<std::string> linkTopics() const override;
  void linkUp() override;
  void linkDown() override;
  void linkMessage(const std::string& topic, std::string_view body) override;

 private:
  struct Job {
    ManifestEntry entry;
    signing::VerifiedManifest manifest;
  };
  struct Outstanding {
    std::string id;
    std::string sha256;
    int64_t offset = 0;
    MonoTime sent{};
  };

  void threadMain();
  void handleManifest(const std::string& body);
  void handleChunk(const std::string& body);
  void advance();
  void install(const Job& job);
  void refuse(const ManifestEntry& e, const std::string& reason);
  void reject(const std::string& what, const Status& why);
  void record(const std::string& type, std::string_view record_class, const std::string& payload);
  std::string trustIds() const;
  std::string objectPath(const std::string& sha) const;
  std::string partPath(const std::string& sha) const;
  const signing::PackageFile* currentFile();
  // Bytes of the first planned package on disk (complete files and partial ones).
  int64_t bytesDone() const;
  void recordProgress(const std::string& file);
  // Removes partial files and objects no planned package needs (a package dropped from
  // the manifest, or refused).
  void removeUnneeded();

  storage::Writer& writer_;
  const Clock& clock_;
  DownlinkOptions options_;
  DownlinkHooks hooks_;
  Publisher* publisher_ = nullptr;
  std::string manifest_topic_, fetch_topic_, chunk_topic_;
  std::thread thread_;

  // Inbox, filled by libmosquitto's thread.
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;                  // guarded by mu_
  bool link_up_ = false;                   // guarded by mu_
  uint64_t link_epoch_ = 0;                // guarded by mu_: bumped by every link change
  std::optional<std::string> manifest_in_; // guarded by mu_: the latest one wins
  std::deque<std::string> chunks_in_;      // guarded by mu_
  DownlinkStats stats_;                    // guarded by mu_

  // Owned by the thread.
  std::vector<Job> plan_;
  // Manifest SHA-256s refused (loaded from downlink_refusals at start), each with the
  // trusted key ids of then: a rotated key set gives it one more look.
  std::map<std::string, std::string> refused_;
  std::string last_manifest_;  // read again after a key set is installed
  std::set<std::string> started_files_;  // files requested in this run (resume count)
  std::optional<Outstanding> outstanding_;
  uint64_t seen_epoch_ = 0;
  uint64_t next_id_ = 1;
  std::string progress_sha_;     // the package the last downlink.progress was about
  int64_t since_progress_ = 0;   // bytes of it received since
  bool started_ = false;
};

}  // namespace outpost::sync
