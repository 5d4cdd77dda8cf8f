#pragma once

// Publisher: drains the outbox to the MQTT broker (docs/sync.md).
//
// - libmosquitto with connect_async + loop_start (its network thread); our own
//   thread ("outpost-sync") reads the outbox on a private read-only connection and
//   publishes batches at QoS 1, at most `window` batches unacknowledged at once, and
//   only while connected (libmosquitto's own queue is in memory and unbounded).
// - PUBACK → the batch's rows become "sent" (a writer job). The hub's retained
//   high-water mark → rows up to it are confirmed and deleted (a writer job).
// - After every (re)connect the cursor goes back to the confirmed mark: everything
//   not confirmed is sent again (the hub drops duplicates). The same happens when
//   nothing was confirmed for `confirm_timeout` while rows are outstanding (a hub that
//   crashed between PUBACK and commit).
// - Reconnects wait an exponential backoff with jitter (Backoff, seeded).
// - Retained status topic: "online" on connect, "offline" as the last will and on a
//   clean stop.
//
// Thread-safety: start()/stop()/wake()/stats() from any thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/writer.h"
#include "sync/backoff.h"

struct mosquitto;
struct mosquitto_message;

namespace outpost::sync {

struct PublisherOptions {
  std::string site_id;
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id;        // default "outpost-<site>"
  std::string topic_prefix = "outpost/v1";
  std::string tls_ca;           // CA file; TLS is on when set
  std::string tls_cert;         // this site's client certificate (PEM)
  std::string tls_key;          // its private key (PEM)
  std::string username;         // optional
  std::string password;
  int keepalive_s = 30;
  int batch_records = 200;      // records per MQTT message
  int window = 16;              // MQTT messages in flight at most
  Millis poll_interval{200};    // how often the outbox is looked at when idle
  Millis confirm_timeout{15000};
  Millis backoff_initial{1000};
  Millis backoff_max{60000};
  uint64_t seed = 1;            // for the backoff jitter
};

// Another user of the publisher's one connection (the downlink, downlink.h). Its
// callbacks run on libmosquitto's thread and must return quickly.
class LinkClient {
 public:
  virtual ~LinkClient() = default;
  // Topics to subscribe to (QoS 1) on every connect.
  virtual std::vector<std::string> linkTopics() const = 0;
  virtual void linkUp() = 0;
  virtual void linkDown() = 0;
  virtual void linkMessage(const std::string& topic, std::string_view body) = 0;
};

struct PublisherStats {
  bool connected = false;
  uint64_t connects = 0;
  uint64_t disconnects = 0;
  uint64_t batches = 0;       // MQTT messages published
  uint64_t records = 0;       // records published (resends included)
  uint64_t acked_batches = 0; // PUBACKs
  uint64_t resends = 0;       // rewinds to the confirmed mark
  int64_t confirmed_seq = 0;  // the hub's mark as last applied
  int64_t cursor = 0;         // the last sequence published on this connection
  uint64_t errors = 0;
  int64_t next_backoff_ms = 0;
};

class Publisher {
 public:
  Publisher(storage::Writer& writer, std::string db_path, const Clock& clock, PublisherOptions options);
  ~Publisher();  // stop()s
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  Status start();
  // Publishes "offline", disconnects, joins the threads. Idempotent.
  void stop();
  // New rows may be waiting (after a commit that appended some).
  void wake();
  PublisherStats stats() const;
  // Before start(): one more user of the connection (not owned).
  void setLinkClient(LinkClient* client) { link_client_ = client; }
  // Publishes on the connection (QoS 1) if connected; false otherwise.
  bool publishRaw(const std::string& topic, std::string_view body);

 private:
  void threadMain();
  void publishSome(class storage::Database& db);
  void onConnect(int rc);
  void onDisconnect(int rc);
  void onPublish(int mid);
  void onMessage(const mosquitto_message* msg);
  void applyHwm(int64_t seq);

  storage::Writer& writer_;
  std::string db_path_;
  const Clock& clock_;
  PublisherOptions options_;
  std::string uplink_topic_;
  std::string hwm_topic_;
  std::string status_topic_;

  mosquitto* mosq_ = nullptr;
  std::thread thread_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;             // guarded by mu_
  bool wake_ = false;                 // guarded by mu_
  bool connected_ = false;            // guarded by mu_
  bool rewind_ = true;                // guarded by mu_: start again from the confirmed mark
  int64_t cursor_ = 0;                // guarded by mu_
  int64_t confirmed_ = 0;             // guarded by mu_
  int64_t hwm_pending_ = -1;          // guarded by mu_: a mark being applied by the writer
  MonoTime last_progress_{};          // guarded by mu_
  std::map<int, std::pair<int64_t, int64_t>> inflight_;  // guarded by mu_: mid → seq range
  Backoff backoff_;                   // guarded by mu_
  PublisherStats stats_;              // guarded by mu_
  bool started_ = false;
  LinkClient* link_client_ = nullptr;
};

}  // namespace outpost::sync
