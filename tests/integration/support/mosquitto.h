#pragma once

// A real mosquitto broker for tests, on a free loopback port, with its own
// configuration in a temporary folder (removed in the destructor). start() returns
// once the port accepts connections (bounded); stop()/kill9()/start() again keep the
// port, so clients reconnect to the same address. Also: publishing one raw message
// (for malformed-input tests) and outpost-hub as a child process.
//
// Every wait is bounded. Children get PR_SET_PDEATHSIG (see daemon.h).

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "integration/support/daemon.h"

namespace outpost::itest {

// Path of mosquitto (/usr/sbin/mosquitto), or "" when it is not installed.
std::string mosquittoPath();
// A loopback TCP port that was free a moment ago.
int freeLoopbackPort();
// Whether 127.0.0.1:port accepts a TCP connection.
bool portAccepts(int port);

class Broker {
 public:
  Broker();
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  ::testing::AssertionResult start();
  // Before start(): a TLS listener that requires client certificates (files from
  // scripts/sync/make-test-certs.sh in `cert_dir`) and applies `acl_file`, the
  // certificate's CN being the MQTT user.
  void useTls(std::string cert_dir, std::string acl_file) {
    tls_dir_ = std::move(cert_dir);
    acl_ = std::move(acl_file);
  }
  void stop();   // SIGTERM, bounded wait
  void kill9();  // SIGKILL: messages only in its RAM are gone
  bool running() const { return child_ != nullptr && !child_->exited(); }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

 private:
  std::string dir_;
  int port_ = 0;
  std::string tls_dir_;
  std::string acl_;
  std::unique_ptr<ChildProcess> child_;
  std::string last_log_;
};

// A bare MQTT client for probing a broker (TLS when `ca` is set).
class MqttProbe {
 public:
  MqttProbe(int port, const std::string& ca = "", const std::string& cert = "", const std::string& key = "");
  ~MqttProbe();
  MqttProbe(const MqttProbe&) = delete;
  MqttProbe& operator=(const MqttProbe&) = delete;
  // Whether the broker accepted the connection (CONNACK 0) within `timeout`.
  bool connected(std::chrono::milliseconds timeout);
  bool publish(const std::string& topic, const std::string& payload);
  bool subscribe(const std::string& filter);
  // Messages received so far (topic → payload, in arrival order).
  std::vector<std::pair<std::string, std::string>> messages() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Publishes one message (QoS 1) and waits for its PUBACK; "" or the error.
std::string publishRaw(int port, const std::string& topic, const std::string& payload);

// outpost-hub as a child process.
std::string hubPath();
class Hub {
 public:
  explicit Hub(std::string db_path) : db_path_(std::move(db_path)) {}
  ~Hub();
  // Starts `outpost-hub run` and waits (bounded) for "hub: ready".
  ::testing::AssertionResult start(int broker_port, const std::vector<std::string>& extra = {});
  void stop();
  void kill9();
  std::string output() const;
  const std::string& dbPath() const { return db_path_; }

 private:
  std::string db_path_;
  std::unique_ptr<ChildProcess> child_;
  std::string last_out_;
};

}  // namespace outpost::itest
