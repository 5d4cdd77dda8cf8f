#include "sync/downlink.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "codec/json.h"
#include "signing/digest.h"
#include "storage/outbox.h"
#include "sync/wire.h"

namespace outpost::sync {
namespace {

namespace fs = std::filesystem;

Poco::Logger& log() { return Poco::Logger::get("outpost.sync"); }

Status ioError(const std::string& what, const std::string& path) {
  return Status::internal(what + " " + path + ": " + std::strerror(errno));
}

Status fsyncPath(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return ioError("cannot open", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : ioError("fsync failed for", path);
}

// Appends `bytes` and fsyncs: the file's size is the resume offset.
Status appendDurably(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return ioError("cannot open", path);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const Status st = ioError("cannot write", path);
      ::close(fd);
      return st;
    }
    done += static_cast<size_t>(n);
  }
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::ok() : ioError("fsync failed for", path);
}

Status writeDurably(const std::string& path, std::string_view bytes) {
  std::error_code ec;
  fs::remove(path, ec);
  return appendDurably(path, bytes);
}

int64_t fileSize(const std::string& path) {
  std::error_code ec;
  const auto n = fs::file_size(path, ec);
  return ec ? -1 : static_cast<int64_t>(n);
}

std::string entryJson(const ManifestEntry& e, const std::function<void(Poco::JSON::Object&)>& more) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("kind", e.kind);
  o->set("id", e.id);
  o->set("version", e.version);
  o->set("sha256", e.sha256);
  if (more) more(*o);
  return codec::toJson(o);
}

std::string label(const ManifestEntry& e) { return e.kind + " " + e.id + " v" + std::to_string(e.version); }

}  // namespace

Downlink::Downlink(storage::Writer& writer, const Clock& clock, DownlinkOptions options, DownlinkHooks hooks)
    : writer_(writer), clock_(clock), options_(std::move(options)), hooks_(std::move(hooks)) {
  manifest_topic_ = manifestTopic(options_.topic_prefix, options_.site_id);
  fetch_topic_ = fetchTopic(options_.topic_prefix, options_.site_id);
  chunk_topic_ = chunkTopic(options_.topic_prefix, options_.site_id);
  options_.chunk_bytes = std::clamp<int64_t>(options_.chunk_bytes, 1024, kMaxChunkBytes);
}

Downlink::~Downlink() { stop(); }

Status Downlink::start(Publisher& publisher) {
  if (!hooks_.trust || !hooks_.installed || !hooks_.install) return Status::internal("downlink hooks missing");
  std::error_code ec;
  fs::create_directories(options_.dir + "/objects", ec);
  if (ec) return Status::internal("cannot create " + options_.dir + "/objects: " + ec.message());
  fs::remove_all(options_.dir + "/staging", ec);
  OUTPOST_RETURN_IF_ERROR(writer_.run([this](storage::Database& db) -> Status {
    auto q = db.query("SELECT sha256, trust FROM downlink_refusals");
    if (!q) return q.status();
    return q->forEachRow([&] { refused_[q->columnText(0)] = q->columnText(1); });
  }));
  {
    std::lock_guard lock(mu_);
    stats_.refusals_kept = refused_.size();
  }
  publisher_ = &publisher;
  publisher.setLinkClient(this);
  started_ = true;
  thread_ = std::thread([this] { threadMain(); });
  return Status::ok();
}

void Downlink::stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

DownlinkStats Downlink::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

std::vector<std::string> Downlink::linkTopics() const { return {manifest_topic_, chunk_topic_}; }

void Downlink::linkUp() {
  {
    std::lock_guard lock(mu_);
    link_up_ = true;
    ++link_epoch_;
  }
  cv_.notify_all();
}

void Downlink::linkDown() {
  {
    std::lock_guard lock(mu_);
    link_up_ = false;
    ++link_epoch_;
  }
  cv_.notify_all();
}

void Downlink::linkMessage(const std::string& topic, std::string_view body) {
  {
    std::lock_guard lock(mu_);
    if (topic == manifest_topic_) {
      manifest_in_ = std::string(body);
    } else if (topic == chunk_topic_) {
      if (chunks_in_.size() >= 16) {
        ++stats_.rejected;  // nobody asked for that many: one request is outstanding at a time
        return;
      }
      chunks_in_.emplace_back(body);
    } else {
      return;
    }
  }
  cv_.notify_all();
}

void Downlink::threadMain() {
  pthread_setname_np(pthread_self(), "outpost-dl");
  for (;;) {
    std::optional<std::string> manifest;
    std::deque<std::string> chunks;
    bool link_changed = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.poll_interval,
                   [this] { return stopping_ || manifest_in_ || !chunks_in_.empty() || link_epoch_ != seen_epoch_; });
      if (stopping_) return;
      manifest.swap(manifest_in_);
      chunks.swap(chunks_in_);
      link_changed = link_epoch_ != seen_epoch_;
      seen_epoch_ = link_epoch_;
    }
    // A request sent before a link change may never be answered: ask again.
    if (link_changed) outstanding_.reset();
    if (manifest) handleManifest(*manifest);
    for (const auto& c : chunks) handleChunk(c);
    advance();
  }
}

void Downlink::reject(const std::string& what, const Status& why) {
  log().warning("sync: downlink refused a %s: %s", what, why.describe());
  std::lock_guard lock(mu_);
  ++stats_.rejected;
}

void Downlink::record(const std::string& type, std::string_view record_class, const std::string& payload) {
  storage::OutboxEntry e{clock_.wallNow(), type, 1, payload, record_class};
  writer_.submit([e](storage::Database& db) { return storage::appendOutbox(db, e); },
                 [this, type](const Status& s) {
                   if (!s.isOk()) log().error("sync: recording %s failed: %s", type, s.toString());
                   if (publisher_) publisher_->wake();
                 });
}

std::string Downlink::objectPath(const std::string& sha) const { return options_.dir + "/objects/" + sha; }
std::string Downlink::partPath(const std::string& sha) const { return options_.dir + "/" + sha + ".part"; }

void Downlink::refuse(const ManifestEntry& e, const std::string& reason) {
  log().warning("sync: downlink refused %s: %s", label(e), reason);
  const std::string trust = trustIds();
  refused_[e.sha256] = trust;
  {
    std::lock_guard lock(mu_);
    ++stats_.refused;
    stats_.last_refusal = label(e) + ": " + reason;
    stats_.refusals_kept = refused_.size();
  }
  // The outbox record and the remembered refusal in one transaction.
  storage::OutboxEntry rec{clock_.wallNow(), "downlink.refused", 1,
                           entryJson(e, [&](Poco::JSON::Object& o) { o.set("reason", reason); }),
                           storage::kClassAudit};
  writer_.submit(
      [rec, e, reason, trust](storage::Database& db) -> Status {
        OUTPOST_RETURN_IF_ERROR(storage::appendOutbox(db, rec));
        auto q = db.query(
            "INSERT OR REPLACE INTO downlink_refusals (sha256, kind, package_id, version, reason, trust, refused_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!q) return q.status();
        return q->bind(1, e.sha256).bind(2, e.kind).bind(3, e.id).bind(4, e.version).bind(5, reason).bind(6, trust)
            .bind(7, toEpochMillis(rec.event_time)).exec();
      },
      [this](const Status& st) {
        if (!st.isOk()) log().error("sync: recording downlink.refused failed: %s", st.toString());
        if (publisher_) publisher_->wake();
      });
  if (!plan_.empty() && plan_.front().entry.sha256 == e.sha256) {
    plan_.erase(plan_.begin());
    outstanding_.reset();
    removeUnneeded();
  }
}

std::string Downlink::trustIds() const {
  std::string out;
  for (const auto& id : hooks_.trust().ids()) out += (out.empty() ? "" : ",") + id;
  return out;
}

void Downlink::handleManifest(const std::string& body) {
  last_manifest_ = body;
  auto m = decodeManifest(options_.site_id, body);
  if (!m) {
    reject("manifest", m.status());
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("reason", "manifest: " + m.status().describe());
    record("downlink.rejected", storage::kClassTelemetry, codec::toJson(o));
    return;
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.manifests;
    stats_.manifest_serial = m->serial;
  }
  const std::string current = plan_.empty() ? "" : plan_.front().entry.sha256;
  const std::string trust = trustIds();
  // Key sets first, oldest first: what follows them is verified under their keys.
  std::stable_sort(m->packages.begin(), m->packages.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    const bool ka = a.kind == "keyset", kb = b.kind == "keyset";
    return ka != kb ? ka : (ka && a.version < b.version);
  });
  std::vector<Job> plan;
  uint64_t skipped = 0;
  for (auto& e : m->packages) {
    if (e.kind != "keyset" &&
        std::any_of(plan.begin(), plan.end(), [](const Job& j) { return j.entry.kind == "keyset"; })) {
      break;  // read again once the key set is in force
    }
    if (auto it = refused_.find(e.sha256); it != refused_.end() && it->second == trust) {
      ++skipped;
      continue;
    }
    if (std::any_of(plan.begin(), plan.end(), [&](const Job& j) { return j.entry.sha256 == e.sha256; })) continue;
    bool planned = false;
    for (auto& j : plan_) {
      if (j.entry.sha256 == e.sha256) {
        plan.push_back(std::move(j));
        j.entry.sha256.clear();
        planned = true;
        break;
      }
    }
    if (planned || hooks_.installed(e)) continue;
    // Nothing is fetched for a package whose manifest is not signed by a trusted key.
    auto vm = signing::verifyManifest(e.manifest, e.signature, hooks_.trust());
    if (!vm) {
      refuse(e, "signature: " + vm.status().describe());
      continue;
    }
    if (vm->kind != e.kind || vm->id != e.id || vm->version != e.version) {
      refuse(e, "the signed manifest is " + vm->kind + " " + vm->id + " v" + std::to_string(vm->version) +
                    ", the hub's entry says " + label(e));
      continue;
    }
    int64_t size = 0;
    for (const auto& f : vm->files) size += static_cast<int64_t>(f.size);
    if (size != e.size) {
      refuse(e, "size: the signed manifest lists " + std::to_string(size) + " bytes, the hub's entry says " +
                    std::to_string(e.size));
      continue;
    }
    if (e.kind != "rules" && e.kind != "content" && e.kind != "config" && e.kind != "keyset") {
      refuse(e, "kind \"" + e.kind + "\" is not installed over the downlink by this appliance");
      continue;
    }
    record("downlink.queued", storage::kClassTelemetry,
           entryJson(e, [&](Poco::JSON::Object& o) { o.set("size", e.size); }));
    plan.push_back(Job{e, std::move(*vm)});
  }
  {
    std::lock_guard lock(mu_);
    stats_.refusals_skipped += skipped;
  }
  // A request for a package no longer wanted (or no longer first) is forgotten.
  if (plan.empty() || plan.front().entry.sha256 != current) outstanding_.reset();
  plan_ = std::move(plan);
  removeUnneeded();
}

void Downlink::removeUnneeded() {
  std::set<std::string> needed;
  for (const auto& j : plan_) {
    for (const auto& f : j.manifest.files) needed.insert(f.sha256);
  }
  std::error_code ec;
  for (const auto& dir : {fs::path(options_.dir), fs::path(options_.dir) / "objects"}) {
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec)) continue;
      std::string name = it->path().filename().string();
      if (name.ends_with(".part")) name.resize(name.size() - 5);
      if (signing::isSha256Hex(name) && !needed.contains(name)) {
        std::error_code rm;
        fs::remove(it->path(), rm);
      }
    }
  }
}

const signing::PackageFile* Downlink::currentFile() {
  if (plan_.empty()) return nullptr;
  for (const auto& f : plan_.front().manifest.files) {
    if (fileSize(objectPath(f.sha256)) != static_cast<int64_t>(f.size)) return &f;
  }
  return nullptr;
}

void Downlink::handleChunk(const std::string& body) {
  auto c = decodeChunk(body);
  if (!c) {
    reject("chunk", c.status());
    return;
  }
  if (!outstanding_ || c->id != outstanding_->id) {
    std::lock_guard lock(mu_);
    ++stats_.stale;
    return;
  }
  const Outstanding asked = *outstanding_;
  outstanding_.reset();
  const signing::PackageFile* f = currentFile();
  if (plan_.empty() || !f || f->sha256 != asked.sha256) return;
  const ManifestEntry entry = plan_.front().entry;
  if (!c->error.empty()) {
    refuse(entry, "the hub cannot serve file " + f->path + ": " + c->error);
    return;
  }
  if (c->sha256 != asked.sha256 || c->offset != asked.offset) {
    reject("chunk", Status::invalidArgument("answers sha256 " + c->sha256 + " at " + std::to_string(c->offset) +
                                            ", asked for " + asked.sha256 + " at " + std::to_string(asked.offset)));
    return;
  }
  if (c->total != static_cast<int64_t>(f->size)) {
    refuse(entry, "size: the hub has " + std::to_string(c->total) + " bytes for file " + f->path +
                      ", the signed manifest says " + std::to_string(f->size));
    return;
  }
  if (c->bytes.empty()) {
    reject("chunk", Status::invalidArgument("no bytes before the end of the file"));
    return;
  }
  const std::string part = partPath(f->sha256);
  if (fileSize(part) != std::max<int64_t>(0, asked.offset) && !(asked.offset == 0 && fileSize(part) < 0)) return;
  if (Status st = appendDurably(part, c->bytes); !st) {
    log().error("sync: downlink: %s", st.toString());
    return;
  }
  {
    std::lock_guard lock(mu_);
    ++stats_.chunks;
    stats_.bytes += c->bytes.size();
  }
  if (fileSize(part) < static_cast<int64_t>(f->size)) {
    if (progress_sha_ != entry.sha256) {
      progress_sha_ = entry.sha256;
      since_progress_ = 0;
    }
    since_progress_ += static_cast<int64_t>(c->bytes.size());
    if (since_progress_ >= options_.progress_bytes) recordProgress(f->path);
    return;
  }
  // Complete: only a file whose digest matches the signed manifest is kept.
  auto digest = signing::sha256HexOfFile(part);
  if (!digest || *digest != f->sha256) {
    std::error_code ec;
    fs::remove(part, ec);
    refuse(entry, "file " + f->path + ": SHA-256 mismatch (the signed manifest says " + f->sha256 + ", received " +
                      (digest ? *digest : digest.status().describe()) + ")");
    return;
  }
  Status st = fsyncPath(part, O_RDONLY);
  std::error_code ec;
  if (st) fs::rename(part, objectPath(f->sha256), ec);
  if (ec) st = Status::internal("cannot rename " + part + ": " + ec.message());
  if (st) st = fsyncPath(options_.dir + "/objects", O_RDONLY | O_DIRECTORY);
  if (!st) {
    log().error("sync: downlink: %s", st.toString());
    return;
  }
  recordProgress(f->path);
}

int64_t Downlink::bytesDone() const {
  if (plan_.empty()) return 0;
  int64_t done = 0;
  for (const auto& pf : plan_.front().manifest.files) {
    const int64_t have = fileSize(objectPath(pf.sha256));
    done += have == static_cast<int64_t>(pf.size) ? have : std::max<int64_t>(0, fileSize(partPath(pf.sha256)));
  }
  return done;
}

void Downlink::recordProgress(const std::string& file) {
  if (plan_.empty()) return;
  const Job& job = plan_.front();
  size_t have = 0;
  for (const auto& pf : job.manifest.files) {
    if (fileSize(objectPath(pf.sha256)) == static_cast<int64_t>(pf.size)) ++have;
  }
  const int64_t done = bytesDone();
  progress_sha_ = job.entry.sha256;
  since_progress_ = 0;
  record("downlink.progress", storage::kClassTelemetry, entryJson(job.entry, [&](Poco::JSON::Object& o) {
           o.set("file", file);
           o.set("files_done", static_cast<int64_t>(have));
           o.set("files", static_cast<int64_t>(job.manifest.files.size()));
           o.set("bytes_done", done);
           o.set("size", job.entry.size);
         }));
}

void Downlink::advance() {
  bool up = false;
  {
    std::lock_guard lock(mu_);
    up = link_up_;
  }
  for (int guard = 0; guard < 1000 && !plan_.empty(); ++guard) {
    const signing::PackageFile* f = currentFile();
    if (!f) {
      const Job job = plan_.front();
      plan_.erase(plan_.begin());
      install(job);
      if (job.entry.kind == "keyset" && !last_manifest_.empty()) handleManifest(std::string(last_manifest_));
      continue;
    }
    const std::string part = partPath(f->sha256);
    int64_t offset = std::max<int64_t>(0, fileSize(part));
    if (offset > static_cast<int64_t>(f->size)) {
      std::error_code ec;
      fs::remove(part, ec);
      offset = 0;
    }
    if (f->size == 0 || offset == static_cast<int64_t>(f->size)) {
      // Nothing to fetch (an empty file, or a crash after the last chunk): hash it now.
      if (f->size == 0) (void)appendDurably(part, "");
      auto digest = signing::sha256HexOfFile(part);
      if (!digest || *digest != f->sha256) {
        std::error_code ec;
        fs::remove(part, ec);
        const ManifestEntry entry = plan_.front().entry;  // refuse() drops the job
        refuse(entry, "file " + f->path + ": SHA-256 mismatch");
        continue;
      }
      std::error_code ec;
      fs::rename(part, objectPath(f->sha256), ec);
      (void)fsyncPath(options_.dir + "/objects", O_RDONLY | O_DIRECTORY);
      continue;
    }
    {
      std::lock_guard lock(mu_);
      stats_.state = up ? "fetching" : "waiting";
    }
    if (!up) return;
    const MonoTime now = clock_.monoNow();
    if (outstanding_ && outstanding_->sha256 == f->sha256 && now - outstanding_->sent < options_.request_timeout) return;
    const bool retry = outstanding_.has_value();
    FetchRequest req;
    req.id = "r" + std::to_string(next_id_++);
    req.sha256 = f->sha256;
    req.offset = offset;
    req.length = std::min<int64_t>(options_.chunk_bytes, static_cast<int64_t>(f->size) - offset);
    if (!publisher_->publishRaw(fetch_topic_, encodeFetch(req))) return;
    outstanding_ = Outstanding{req.id, req.sha256, req.offset, now};
    std::lock_guard lock(mu_);
    ++stats_.requests;
    if (retry) ++stats_.retries;
    if (!retry && started_files_.insert(f->sha256).second && offset > 0) ++stats_.resumes;
    return;
  }
  std::lock_guard lock(mu_);
  stats_.state = "idle";
}

void Downlink::install(const Job& job) {
  const ManifestEntry& e = job.entry;
  const std::string stage = options_.dir + "/staging/" + e.sha256;
  std::error_code ec;
  fs::remove_all(stage, ec);
  fs::create_directories(stage, ec);
  Status st = ec ? Status::internal("cannot create " + stage + ": " + ec.message()) : Status::ok();
  if (st) st = writeDurably(stage + "/manifest.json", e.manifest);
  if (st) st = writeDurably(stage + "/manifest.sig", e.signature);
  for (const auto& f : job.manifest.files) {
    if (!st) break;
    const fs::path to = fs::path(stage) / f.path;
    fs::create_directories(to.parent_path(), ec);
    if (!ec) fs::create_hard_link(objectPath(f.sha256), to, ec);
    if (ec) fs::copy_file(objectPath(f.sha256), to, fs::copy_options::overwrite_existing, ec);
    if (ec) st = Status::internal("cannot stage " + f.path + ": " + ec.message());
  }
  if (!st) {
    log().error("sync: downlink: staging %s failed: %s", label(e), st.toString());
    plan_.insert(plan_.begin(), job);  // tried again on the next round
    return;
  }
  auto outcome = hooks_.install(e.kind, stage);
  fs::remove_all(stage, ec);
  removeUnneeded();
  if (!outcome) {
    refuse(e, "install: " + outcome.status().describe());
    return;
  }
  log().information("sync: downlink installed %s: %s", label(e), *outcome);
  {
    std::lock_guard lock(mu_);
    ++stats_.installed;
  }
  record("downlink.installed", storage::kClassAudit,
         entryJson(e, [&](Poco::JSON::Object& o) { o.set("detail", *outcome); }));
}

}  // namespace outpost::sync
