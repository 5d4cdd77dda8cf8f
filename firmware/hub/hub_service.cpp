#include "hub/hub_service.h"

#include <Poco/Logger.h>
#include <mosquitto.h>

#include "codec/json.h"
#include "hub/hub_downlink.h"
#include "hub/hub_store.h"
#include "storage/migrations.h"
#include "sync/wire.h"

namespace outpost::hub {
namespace {

Poco::Logger& log() { return Poco::Logger::get("outpost.hub"); }

}  // namespace

HubService::HubService(HubOptions options, const Clock& clock) : options_(std::move(options)), clock_(clock) {}

HubService::~HubService() { stop(); }

Status HubService::start() {
  auto db = storage::Database::open(options_.db_path);
  if (!db) return db.status();
  OUTPOST_RETURN_IF_ERROR(storage::quickCheck(**db));
  auto migrated = storage::migrate(**db, hubMigrations());
  if (!migrated) return migrated.status();
  db_ = std::move(*db);

  mosquitto_lib_init();
  mosq_ = mosquitto_new(options_.client_id.c_str(), false, this);
  if (!mosq_) return Status::internal("mosquitto_new failed");
  v5_ = options_.mqtt != "3.1.1";
  // Request/response (the downlink) must not wait for Nagle + delayed ACK (~40 ms a turn).
  mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, v5_ ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
  if (!options_.tls_ca.empty()) {
    const int rc = mosquitto_tls_set(mosq_, options_.tls_ca.c_str(), nullptr,
                                     options_.tls_cert.empty() ? nullptr : options_.tls_cert.c_str(),
                                     options_.tls_key.empty() ? nullptr : options_.tls_key.c_str(), nullptr);
    if (rc != MOSQ_ERR_SUCCESS) return Status::invalidArgument(std::string("TLS set-up failed: ") + mosquitto_strerror(rc));
  }
  if (!options_.username.empty()) {
    mosquitto_username_pw_set(mosq_, options_.username.c_str(),
                              options_.password.empty() ? nullptr : options_.password.c_str());
  }
  mosquitto_reconnect_delay_set(mosq_, 1, 30, true);
  mosquitto_connect_callback_set(mosq_, [](mosquitto*, void* self, int rc) { static_cast<HubService*>(self)->onConnect(rc); });
  mosquitto_disconnect_callback_set(mosq_, [](mosquitto*, void* self, int rc) {
    {
      auto* hub = static_cast<HubService*>(self);
      std::lock_guard lock(hub->mu_);
      hub->connected_ = false;
    }
    if (rc != 0) log().warning("hub: connection lost (%s); reconnecting", std::string(mosquitto_strerror(rc)));
  });
  mosquitto_log_callback_set(mosq_, [](mosquitto*, void*, int level, const char* text) {
    // TLS and connection failures show up only here.
    if (level == MOSQ_LOG_ERR || level == MOSQ_LOG_WARNING) log().warning("hub: mqtt: %s", std::string(text));
  });
  mosquitto_subscribe_callback_set(mosq_, [](mosquitto*, void* self, int, int, const int*) {
    static_cast<HubService*>(self)->onSubscribe();
  });
  mosquitto_message_callback_set(
      mosq_, [](mosquitto*, void* self, const mosquitto_message* m) { static_cast<HubService*>(self)->onMessage(m); });
  int rc = mosquitto_connect_async(mosq_, options_.host.c_str(), options_.port, options_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    log().warning("hub: first connection to %s:%d failed (%s); retrying", options_.host, options_.port,
                  std::string(mosquitto_strerror(rc)));
  }
  rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) return Status::internal(std::string("mosquitto_loop_start: ") + mosquitto_strerror(rc));
  started_ = true;
  manifest_thread_ = std::thread([this] { manifestLoop(); });
  return Status::ok();
}

void HubService::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (manifest_thread_.joinable()) manifest_thread_.join();
  if (mosq_) {
    if (started_) {
      mosquitto_disconnect(mosq_);
      mosquitto_loop_stop(mosq_, false);
    }
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
  started_ = false;
  db_.reset();
}

HubStats HubService::stats() const {
  std::lock_guard lock(mu_);
  HubStats s = stats_;
  s.mqtt5 = v5_;
  return s;
}

void HubService::onConnect(int rc) {
  if (rc != 0) {
    if (v5_ && options_.mqtt == "auto") {
      // The broker does not speak MQTT 5 (or refused it): the next attempt uses 3.1.1.
      log().information("hub: broker refused MQTT 5 (%s); using MQTT 3.1.1", std::string(mosquitto_connack_string(rc)));
      v5_ = false;
      mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    } else {
      log().error("hub: broker refused the connection: %s", std::string(mosquitto_connack_string(rc)));
    }
    return;
  }
  const std::string plain = options_.topic_prefix + "/sites/+/uplink";
  const std::string uplinks = v5_ ? "$share/" + options_.share_group + "/" + plain : plain;
  mosquitto_subscribe(mosq_, nullptr, uplinks.c_str(), 1);
  mosquitto_subscribe(mosq_, nullptr, (options_.topic_prefix + "/sites/+/status").c_str(), 1);
  const std::string fetch_plain = options_.topic_prefix + "/sites/+/fetch";
  const std::string fetches = v5_ ? "$share/" + options_.share_group + "/" + fetch_plain : fetch_plain;
  mosquitto_subscribe(mosq_, nullptr, fetches.c_str(), 1);
  {
    std::lock_guard lock(mu_);
    connected_ = true;
    published_.clear();  // publish every manifest again (a broker without persistence lost them)
  }
  cv_.notify_all();
  log().information("hub: connected (MQTT %s), subscribed to %s", std::string(v5_ ? "5" : "3.1.1"), uplinks);
}

void HubService::onSubscribe() {
  bool first = false;
  {
    std::lock_guard lock(mu_);
    first = !stats_.subscribed;
    stats_.subscribed = true;
  }
  // The line tests and scripts wait for.
  if (first) log().notice("hub: ready");
}

void HubService::reject(const std::string& topic, const std::string& site, const std::string& reason) {
  log().error("hub: refused a message on %s: %s", topic, reason);
  {
    std::lock_guard lock(mu_);
    ++stats_.rejected;
  }
  Status st = recordReject(*db_, topic, site, reason, clock_.wallNow());
  if (!st) log().error("hub: recording the refusal failed: %s", st.toString());
}

void HubService::onMessage(const mosquitto_message* msg) {
  if (!msg || !msg->topic) return;
  const std::string topic = msg->topic;
  const std::string_view body(static_cast<const char*>(msg->payload), static_cast<size_t>(std::max(0, msg->payloadlen)));
  if (const std::string s = sync::topicSite(options_.topic_prefix, topic, "status"); !s.empty()) {
    auto parsed = codec::JsonReader::parseObject(body);
    std::string state;
    if (parsed) {
      codec::JsonReader r(*parsed);
      r.string("state", state, true);
      if (!r.finish().isOk()) state.clear();
    }
    if (state != "online" && state != "offline") {
      reject(topic, s, "status must be {\"state\":\"online\"|\"offline\"}");
      return;
    }
    Status st = recordStatus(*db_, s, state, clock_.wallNow());
    if (!st) log().error("hub: recording status of %s failed: %s", s, st.toString());
    return;
  }
  if (const std::string s = sync::topicSite(options_.topic_prefix, topic, "fetch"); !s.empty()) {
    onFetch(topic, s, body);
    return;
  }
  const std::string site = sync::topicSite(options_.topic_prefix, topic, "uplink");
  if (site.empty()) {
    reject(topic, "", "unknown topic (expected " + options_.topic_prefix + "/sites/<site>/uplink)");
    return;
  }
  auto batch = sync::decodeBatch(site, body);
  if (!batch) {
    reject(topic, site, batch.status().describe());
    return;
  }
  auto out = commitBatch(*db_, *batch, clock_.wallNow());
  if (!out) {
    // Not acknowledged upstream: the mark is not published, so the site sends again.
    log().error("hub: committing a batch of %s failed: %s", site, out.status().toString());
    return;
  }
  for (const auto& reason : out->conflict_reasons) log().error("hub: conflict kept: %s", reason);
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.stored += static_cast<uint64_t>(out->stored);
    stats_.duplicates += static_cast<uint64_t>(out->duplicates);
    stats_.conflicts += static_cast<uint64_t>(out->conflicts);
  }
  const std::string hwm = sync::encodeHwm(out->hwm);
  const std::string hwm_topic = sync::hwmTopic(options_.topic_prefix, site);
  const int rc = mosquitto_publish(mosq_, nullptr, hwm_topic.c_str(), static_cast<int>(hwm.size()), hwm.data(), 1, true);
  if (rc != MOSQ_ERR_SUCCESS) log().warning("hub: publishing the mark of %s failed: %s", site, std::string(mosquitto_strerror(rc)));
}

void HubService::onFetch(const std::string& topic, const std::string& site, std::string_view body) {
  auto req = sync::decodeFetch(body);
  if (!req) {
    reject(topic, site, req.status().describe());
    return;
  }
  const sync::Chunk chunk = serveChunk(*db_, site, *req);
  if (!chunk.error.empty()) log().warning("hub: fetch by %s of %s refused: %s", site, req->sha256, chunk.error);
  const std::string out = sync::encodeChunk(chunk);
  const std::string reply = sync::chunkTopic(options_.topic_prefix, site);
  const int rc = mosquitto_publish(mosq_, nullptr, reply.c_str(), static_cast<int>(out.size()), out.data(), 1, false);
  if (rc != MOSQ_ERR_SUCCESS) log().warning("hub: answering a fetch of %s failed: %s", site, std::string(mosquitto_strerror(rc)));
  std::lock_guard lock(mu_);
  ++stats_.fetches;
}

// Publishes each site's manifest (retained) whenever `outpost-hub publish` changed it.
void HubService::manifestLoop() {
  std::unique_ptr<storage::Database> db;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.manifest_poll, [this] { return stopping_; });
      if (stopping_) return;
      if (!connected_) continue;
    }
    if (!db) {
      auto opened = storage::Database::open(options_.db_path, storage::OpenOptions{true, 5000});
      if (!opened) continue;
      db = std::move(*opened);
    }
    auto serials = manifestSerials(*db);
    if (!serials) continue;
    for (const auto& [site, serial] : *serials) {
      {
        std::lock_guard lock(mu_);
        if (auto it = published_.find(site); it != published_.end() && it->second == serial) continue;
      }
      auto m = siteManifest(*db, site);
      if (!m) continue;
      const std::string body = sync::encodeManifest(*m);
      const std::string t = sync::manifestTopic(options_.topic_prefix, site);
      if (mosquitto_publish(mosq_, nullptr, t.c_str(), static_cast<int>(body.size()), body.data(), 1, true) !=
          MOSQ_ERR_SUCCESS) {
        continue;
      }
      log().information("hub: published the manifest of " + site + " (serial " + std::to_string(m->serial) + ", " +
                        std::to_string(m->packages.size()) + " packages)");
      std::lock_guard lock(mu_);
      published_[site] = serial;
      ++stats_.manifests;
    }
  }
}

}  // namespace outpost::hub
