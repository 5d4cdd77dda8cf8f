#pragma once

// HubService: outpost-hub's MQTT side. Subscribes to every site's uplink — as the
// shared subscription $share/<group>/<prefix>/sites/+/uplink when the broker speaks
// MQTT 5 (several hubs then share the load), as the plain filter with MQTT 3.1.1 —
// commits each batch (hub_store.h), then publishes the site's high-water mark
// (retained, QoS 1). Malformed messages are refused with a logged, counted reason
// and nothing stored.
//
// The session is persistent (clean session off, fixed client id), so the broker
// keeps QoS 1 uplinks while the hub is down. libmosquitto acknowledges a message
// before our callback commits it; a hub that dies in between loses that delivery,
// and the appliance sends the rows again because their mark never came (two-stage
// acknowledgement, docs/sync.md).
//
// Thread-safety: start()/stop()/stats() from any thread; messages are handled on
// libmosquitto's thread, which owns the database.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <condition_variable>
#include <map>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"

struct mosquitto;
struct mosquitto_message;

namespace outpost::hub {

struct HubOptions {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string db_path = "hub.db";
  std::string client_id = "outpost-hub";
  std::string topic_prefix = "outpost/v1";
  std::string share_group = "outpost-hub";
  std::string mqtt = "auto";  // auto | 5 | 3.1.1
  std::string tls_ca, tls_cert, tls_key;
  std::string username, password;
  int keepalive_s = 30;
  Millis manifest_poll{500};  // how often the database is checked for new site manifests
};

struct HubStats {
  uint64_t batches = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t conflicts = 0;
  uint64_t rejected = 0;
  uint64_t manifests = 0;  // site manifests published
  uint64_t fetches = 0;    // chunk requests answered
  bool subscribed = false;
  bool mqtt5 = false;
};

class HubService {
 public:
  HubService(HubOptions options, const Clock& clock);
  ~HubService();
  Status start();
  void stop();
  HubStats stats() const;

 private:
  void onConnect(int rc);
  void onSubscribe();
  void onMessage(const mosquitto_message* msg);
  void reject(const std::string& topic, const std::string& site, const std::string& reason);
  void onFetch(const std::string& topic, const std::string& site, std::string_view body);
  void manifestLoop();

  HubOptions options_;
  const Clock& clock_;
  std::unique_ptr<storage::Database> db_;
  mosquitto* mosq_ = nullptr;
  bool started_ = false;
  std::atomic<bool> v5_{false};
  mutable std::mutex mu_;
  HubStats stats_;  // guarded by mu_
  std::condition_variable cv_;
  bool stopping_ = false;                    // guarded by mu_
  bool connected_ = false;                   // guarded by mu_
  std::map<std::string, int64_t> published_; // guarded by mu_: site → manifest serial published
  std::thread manifest_thread_;
};

}  // namespace outpost::hub
