#include "sync/publisher.h"

#include <Poco/Logger.h>
#include <mosquitto.h>
#include <pthread.h>

#include <algorithm>

#include "storage/database.h"
#include "storage/outbox.h"
#include "sync/wire.h"

namespace outpost::sync {
namespace {

Poco::Logger& log() { return Poco::Logger::get("outpost.sync"); }

void libInit() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

int seconds(Millis d) { return static_cast<int>(std::max<int64_t>(1, (d.count() + 500) / 1000)); }

std::string statusJson(std::string_view state) { return "{\"state\":\"" + std::string(state) + "\"}"; }

}  // namespace

Publisher::Publisher(storage::Writer& writer, std::string db_path, const Clock& clock, PublisherOptions options)
    : writer_(writer),
      db_path_(std::move(db_path)),
      clock_(clock),
      options_(std::move(options)),
      backoff_(options_.backoff_initial, options_.backoff_max, options_.seed) {
  if (options_.client_id.empty()) options_.client_id = "outpost-" + options_.site_id;
  uplink_topic_ = uplinkTopic(options_.topic_prefix, options_.site_id);
  hwm_topic_ = hwmTopic(options_.topic_prefix, options_.site_id);
  status_topic_ = statusTopic(options_.topic_prefix, options_.site_id);
}

Publisher::~Publisher() { stop(); }

Status Publisher::start() {
  if (!validSiteId(options_.site_id)) {
    return Status::invalidArgument("site id \"" + options_.site_id + "\" is not usable in a topic (1–64 of A-Z a-z 0-9 . _ -)",
                                   "sync.site_id");
  }
  libInit();
  // The confirmed mark so far.
  {
    auto db = storage::Database::open(db_path_, storage::OpenOptions{true, 5000});
    if (!db) return db.status();
    auto st = storage::outboxStatus(**db);
    if (!st) return st.status();
    std::lock_guard lock(mu_);
    confirmed_ = st->confirmed_seq;
    cursor_ = confirmed_;
    stats_.confirmed_seq = confirmed_;
  }
  mosq_ = mosquitto_new(options_.client_id.c_str(), true, this);
  if (!mosq_) return Status::internal("mosquitto_new failed");
  // Request/response (the downlink) must not wait for Nagle + delayed ACK (~40 ms a turn).
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  const std::string offline = statusJson("offline");
  int rc = mosquitto_will_set(mosq_, status_topic_.c_str(), static_cast<int>(offline.size()), offline.data(), 1, true);
  if (rc != MOSQ_ERR_SUCCESS) return Status::internal(std::string("mosquitto_will_set: ") + mosquitto_strerror(rc));
  if (!options_.tls_ca.empty()) {
    rc = mosquitto_tls_set(mosq_, options_.tls_ca.c_str(), nullptr,
                           options_.tls_cert.empty() ? nullptr : options_.tls_cert.c_str(),
                           options_.tls_key.empty() ? nullptr : options_.tls_key.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::invalidArgument(std::string("TLS set-up failed: ") + mosquitto_strerror(rc) +
                                         " (check sync.tls.ca, sync.tls.cert, sync.tls.key)",
                                     "sync.tls");
    }
  }
  if (!options_.username.empty()) {
    mosquitto_username_pw_set(mosq_, options_.username.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  }
  mosquitto_max_inflight_messages_set(mosq_, static_cast<unsigned>(options_.window + 4));
  mosquitto_reconnect_delay_set(mosq_, static_cast<unsigned>(seconds(options_.backoff_initial)),
                                static_cast<unsigned>(seconds(options_.backoff_max)), true);
  mosquitto_log_callback_set(mosq_, [](mosquitto*, void*, int level, const char* text) {
    // TLS and connection failures show up only here.
    if (level == MOSQ_LOG_ERR) log().warning("sync: mqtt: %s", std::string(text));
  });
  mosquitto_connect_callback_set(mosq_, [](mosquitto*, void* self, int rc2) { static_cast<Publisher*>(self)->onConnect(rc2); });
  mosquitto_disconnect_callback_set(mosq_,
                                    [](mosquitto*, void* self, int rc2) { static_cast<Publisher*>(self)->onDisconnect(rc2); });
  mosquitto_publish_callback_set(mosq_, [](mosquitto*, void* self, int mid) { static_cast<Publisher*>(self)->onPublish(mid); });
  mosquitto_message_callback_set(
      mosq_, [](mosquitto*, void* self, const mosquitto_message* m) { static_cast<Publisher*>(self)->onMessage(m); });
  rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port, options_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    // Not fatal: the broker may be down. The loop keeps trying with backoff.
    log().warning("sync: first connection to %s:%d failed (%s); retrying in the background", options_.host,
                  options_.port, std::string(mosquitto_strerror(rc)));
  }
  rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) return Status::internal(std::string("mosquitto_loop_start: ") + mosquitto_strerror(rc));
  started_ = true;
  thread_ = std::thread([this] { threadMain(); });
  log().information("sync: publishing site %s to %s:%d%s", options_.site_id, options_.host, options_.port,
                    std::string(options_.tls_ca.empty() ? "" : " (TLS)"));
  return Status::ok();
}

void Publisher::stop() {
  if (!started_) {
    if (mosq_) {
      mosquitto_destroy(mosq_);
      mosq_ = nullptr;
    }
    return;
  }
  started_ = false;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  bool connected = false;
  {
    std::lock_guard lock(mu_);
    connected = connected_;
  }
  if (connected) {
    const std::string offline = statusJson("offline");
    (void)mosquitto_publish(mosq_, nullptr, status_topic_.c_str(), static_cast<int>(offline.size()), offline.data(), 1,
                            true);
  }
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
  mosq_ = nullptr;
}

void Publisher::wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

PublisherStats Publisher::stats() const {
  std::lock_guard lock(mu_);
  PublisherStats s = stats_;
  s.connected = connected_;
  s.cursor = cursor_;
  s.confirmed_seq = confirmed_;
  return s;
}

bool Publisher::publishRaw(const std::string& topic, std::string_view body) {
  {
    std::lock_guard lock(mu_);
    if (!connected_ || !mosq_) return false;
  }
  return mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(body.size()), body.data(), 1, false) ==
         MOSQ_ERR_SUCCESS;
}

void Publisher::threadMain() {
  pthread_setname_np(pthread_self(), "outpost-sync");
  std::unique_ptr<storage::Database> db;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.poll_interval, [this] { return stopping_ || wake_; });
      wake_ = false;
      if (stopping_) return;
      if (!connected_) continue;
    }
    if (!db) {
      auto opened = storage::Database::open(db_path_, storage::OpenOptions{true, 5000});
      if (!opened) {
        log().error("sync: cannot open the outbox for reading: %s", opened.status().toString());
        continue;
      }
      db = std::move(*opened);
    }
    publishSome(*db);
  }
}

void Publisher::publishSome(storage::Database& db) {
  std::unique_lock lock(mu_);
  const MonoTime now = clock_.monoNow();
  if (!rewind_ && cursor_ > confirmed_ && now - last_progress_ > options_.confirm_timeout) {
    log().warning("sync: nothing confirmed for " + std::to_string(options_.confirm_timeout.count()) +
                  " ms; sending again from " + std::to_string(confirmed_));
    rewind_ = true;
  }
  if (rewind_) {
    if (cursor_ > confirmed_) ++stats_.resends;
    cursor_ = confirmed_;
    inflight_.clear();
    rewind_ = false;
    last_progress_ = now;
  }
  while (connected_ && !stopping_ && static_cast<int>(inflight_.size()) < options_.window) {
    const int64_t after = cursor_;
    lock.unlock();
    auto rows = storage::readOutbox(db, after, options_.batch_records);
    int64_t head = 0;
    if (rows && !rows->empty()) {
      auto q = db.query("SELECT last_seq FROM outbox_state WHERE id = 1");
      if (q) {
        auto row = q->step();
        if (row && *row) head = q->columnInt(0);
      }
    }
    lock.lock();
    if (!rows) {
      ++stats_.errors;
      log().error("sync: reading the outbox failed: %s", rows.status().toString());
      return;
    }
    if (rows->empty() || cursor_ != after || !connected_) return;
    const std::string body = encodeBatch(options_.site_id, std::max(head, rows->back().seq), *rows);
    int mid = 0;
    const int rc = mosquitto_publish(mosq_, &mid, uplink_topic_.c_str(), static_cast<int>(body.size()), body.data(), 1,
                                     false);
    if (rc != MOSQ_ERR_SUCCESS) {
      ++stats_.errors;
      log().warning("sync: publish failed: %s", std::string(mosquitto_strerror(rc)));
      return;
    }
    // The confirmation clock starts when something becomes outstanding; after that only
    // the hub's marks move it (a steady flow must not hide a hub that stopped confirming).
    if (cursor_ <= confirmed_) last_progress_ = clock_.monoNow();
    inflight_[mid] = {rows->front().seq, rows->back().seq};
    cursor_ = rows->back().seq;
    ++stats_.batches;
    stats_.records += rows->size();
  }
}

void Publisher::onConnect(int rc) {
  if (rc != 0) {
    log().warning("sync: broker refused the connection: %s", std::string(mosquitto_connack_string(rc)));
    std::lock_guard lock(mu_);
    ++stats_.errors;
    return;
  }
  mosquitto_subscribe(mosq_, nullptr, hwm_topic_.c_str(), 1);
  if (link_client_) {
    for (const auto& t : link_client_->linkTopics()) mosquitto_subscribe(mosq_, nullptr, t.c_str(), 1);
  }
  const std::string online = statusJson("online");
  mosquitto_publish(mosq_, nullptr, status_topic_.c_str(), static_cast<int>(online.size()), online.data(), 1, true);
  {
    std::lock_guard lock(mu_);
    connected_ = true;
    rewind_ = true;  // re-read the outbox from the confirmed mark
    inflight_.clear();
    backoff_.reset();
    ++stats_.connects;
    wake_ = true;
  }
  cv_.notify_all();
  if (link_client_) link_client_->linkUp();
  log().information("sync: connected to %s:%d", options_.host, options_.port);
}

void Publisher::onDisconnect(int rc) {
  Millis delay{0};
  {
    std::lock_guard lock(mu_);
    connected_ = false;
    inflight_.clear();
    rewind_ = true;
    ++stats_.disconnects;
    delay = backoff_.next();
    stats_.next_backoff_ms = delay.count();
  }
  if (link_client_) link_client_->linkDown();
  // libmosquitto's delays are whole seconds; it grows them itself while the broker
  // stays away, from this jittered start up to backoff_max.
  mosquitto_reconnect_delay_set(mosq_, static_cast<unsigned>(seconds(delay)),
                                static_cast<unsigned>(seconds(options_.backoff_max)), true);
  if (rc != 0) log().warning("sync: connection lost (%s); reconnecting", std::string(mosquitto_strerror(rc)));
}

void Publisher::onPublish(int mid) {
  std::pair<int64_t, int64_t> range;
  {
    std::lock_guard lock(mu_);
    auto it = inflight_.find(mid);
    if (it == inflight_.end()) return;  // the status message, or a batch from before a reconnect
    range = it->second;
    inflight_.erase(it);
    ++stats_.acked_batches;
    wake_ = true;
  }
  cv_.notify_all();
  writer_.submit([range](storage::Database& db) { return storage::markOutboxSent(db, range.first, range.second); },
                 [](const Status& s) {
                   if (!s.isOk()) log().warning("sync: marking rows sent failed: %s", s.toString());
                 });
}

void Publisher::onMessage(const mosquitto_message* msg) {
  if (!msg || !msg->topic) return;
  const std::string_view body(static_cast<const char*>(msg->payload), static_cast<size_t>(std::max(0, msg->payloadlen)));
  if (hwm_topic_ != msg->topic) {
    if (link_client_) link_client_->linkMessage(msg->topic, body);
    return;
  }
  auto seq = decodeHwm(body);
  if (!seq) {
    log().warning("sync: ignoring a malformed high-water mark on %s: %s", hwm_topic_, seq.status().toString());
    std::lock_guard lock(mu_);
    ++stats_.errors;
    return;
  }
  applyHwm(*seq);
}

void Publisher::applyHwm(int64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (seq <= confirmed_ || seq <= hwm_pending_) return;
    hwm_pending_ = seq;
  }
  auto result = std::make_shared<int64_t>(0);
  writer_.submit(
      [seq, result](storage::Database& db) -> Status {
        auto confirmed = storage::confirmOutbox(db, seq);
        if (!confirmed) return confirmed.status();
        *result = *confirmed;
        return Status::ok();
      },
      [this, result](const Status& s) {
        if (!s.isOk()) {
          log().warning("sync: applying the hub's mark failed: %s", s.toString());
          std::lock_guard lock(mu_);
          hwm_pending_ = -1;
          return;
        }
        {
          std::lock_guard lock(mu_);
          if (*result > confirmed_) {
            confirmed_ = *result;
            last_progress_ = clock_.monoNow();
          }
          if (cursor_ < confirmed_) cursor_ = confirmed_;
          wake_ = true;
        }
        cv_.notify_all();
      });
}

}  // namespace outpost::sync
