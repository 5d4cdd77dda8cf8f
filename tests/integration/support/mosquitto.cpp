#include "integration/support/mosquitto.h"

#include <arpa/inet.h>
#include <mosquitto.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#ifndef OUTPOST_HUB_PATH
#define OUTPOST_HUB_PATH ""
#endif

namespace outpost::itest {

std::string mosquittoPath() {
  for (const char* p : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

std::string hubPath() { return OUTPOST_HUB_PATH; }

int freeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

bool portAccepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

Broker::Broker() {
  std::string pattern = "/tmp/outpost-mqtt-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
  dir_ = pattern;
}

Broker::~Broker() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

::testing::AssertionResult Broker::start() {
  if (mosquittoPath().empty()) return ::testing::AssertionFailure() << "mosquitto is not installed";
  if (running()) return ::testing::AssertionSuccess();
  if (port_ == 0) port_ = freeLoopbackPort();
  {
    std::ofstream conf(dir_ + "/mosquitto.conf");
    conf << "listener " << port_ << " 127.0.0.1\n";
    if (tls_dir_.empty()) {
      conf << "allow_anonymous true\n";
    } else {
      conf << "cafile " << tls_dir_ << "/ca.pem\n"
           << "certfile " << tls_dir_ << "/broker.pem\n"
           << "keyfile " << tls_dir_ << "/broker.key\n"
           << "require_certificate true\n"
           << "use_identity_as_username true\n"
           << "allow_anonymous false\n"
           << "acl_file " << acl_ << "\n";
    }
    // Run as root (a test container), mosquitto would switch to the "mosquitto" user,
    // which cannot read the test's key files.
    if (getuid() == 0) conf << "user root\n";
    conf << "persistence false\n"
         << "set_tcp_nodelay true\n"
         << "max_queued_messages 100000\n"
         << "log_dest stdout\n";
  }
  std::string error;
  // A port freed by a killed broker may take a moment to be bindable again.
  for (int attempt = 0; attempt < 50; ++attempt) {
    child_ = ChildProcess::spawn(mosquittoPath(), {"-c", dir_ + "/mosquitto.conf"}, error);
    if (!child_) return ::testing::AssertionFailure() << "cannot start mosquitto: " << error;
    for (int i = 0; i < 100 && !child_->exited(); ++i) {
      if (portAccepts(port_)) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      (void)child_->waitExit(std::chrono::milliseconds(0));
    }
    (void)child_->waitExit(std::chrono::milliseconds(200));
    last_log_ = child_->outText() + child_->errText();
    child_.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ::testing::AssertionFailure() << "mosquitto did not listen on " << port_ << ": " << last_log_;
}

void Broker::stop() {
  if (!child_) return;
  child_->signal(SIGTERM);
  if (!child_->waitExit(std::chrono::seconds(10))) child_->signal(SIGKILL);
  (void)child_->waitExit(std::chrono::seconds(5));
  last_log_ = child_->outText() + child_->errText();
  child_.reset();
}

void Broker::kill9() {
  if (!child_) return;
  child_->signal(SIGKILL);
  (void)child_->waitExit(std::chrono::seconds(5));
  last_log_ = child_->outText() + child_->errText();
  child_.reset();
}

std::string Broker::log() const { return child_ ? child_->outText() + child_->errText() : last_log_; }

std::string publishRaw(int port, const std::string& topic, const std::string& payload) {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
  mosquitto* m = mosquitto_new(nullptr, true, nullptr);
  if (!m) return "mosquitto_new failed";
  std::string err;
  int rc = mosquitto_connect(m, "127.0.0.1", port, 10);
  if (rc != MOSQ_ERR_SUCCESS) {
    err = std::string("connect: ") + mosquitto_strerror(rc);
  } else {
    int mid = 0;
    rc = mosquitto_publish(m, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1, false);
    if (rc != MOSQ_ERR_SUCCESS) err = std::string("publish: ") + mosquitto_strerror(rc);
    // Run the network loop (bounded) until the PUBACK has come back.
    for (int i = 0; i < 100 && err.empty() && mosquitto_want_write(m); ++i) mosquitto_loop(m, 50, 1);
    for (int i = 0; i < 10 && err.empty(); ++i) mosquitto_loop(m, 20, 1);
    mosquitto_disconnect(m);
  }
  mosquitto_destroy(m);
  return err;
}

struct MqttProbe::State {
  mosquitto* m = nullptr;
  mutable std::mutex mu;
  int connack = -1;
  std::vector<std::pair<std::string, std::string>> messages;
};

MqttProbe::MqttProbe(int port, const std::string& ca, const std::string& cert, const std::string& key)
    : state_(std::make_unique<State>()) {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
  State* st = state_.get();
  st->m = mosquitto_new(nullptr, true, st);
  if (!ca.empty()) {
    mosquitto_tls_set(st->m, ca.c_str(), nullptr, cert.empty() ? nullptr : cert.c_str(),
                      key.empty() ? nullptr : key.c_str(), nullptr);
  }
  mosquitto_connect_callback_set(st->m, [](mosquitto*, void* p, int rc) {
    auto* s = static_cast<State*>(p);
    std::lock_guard lock(s->mu);
    s->connack = rc;
  });
  mosquitto_message_callback_set(st->m, [](mosquitto*, void* p, const mosquitto_message* msg) {
    auto* s = static_cast<State*>(p);
    std::lock_guard lock(s->mu);
    s->messages.emplace_back(msg->topic, std::string(static_cast<const char*>(msg->payload),
                                                     static_cast<size_t>(std::max(0, msg->payloadlen))));
  });
  mosquitto_connect_async(st->m, "127.0.0.1", port, 10);
  mosquitto_loop_start(st->m);
}

MqttProbe::~MqttProbe() {
  mosquitto_disconnect(state_->m);
  mosquitto_loop_stop(state_->m, true);
  mosquitto_destroy(state_->m);
}

bool MqttProbe::connected(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(state_->mu);
      if (state_->connack == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool MqttProbe::publish(const std::string& topic, const std::string& payload) {
  return mosquitto_publish(state_->m, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1,
                           false) == MOSQ_ERR_SUCCESS;
}

bool MqttProbe::subscribe(const std::string& filter) {
  return mosquitto_subscribe(state_->m, nullptr, filter.c_str(), 1) == MOSQ_ERR_SUCCESS;
}

std::vector<std::pair<std::string, std::string>> MqttProbe::messages() const {
  std::lock_guard lock(state_->mu);
  return state_->messages;
}

Hub::~Hub() { stop(); }

::testing::AssertionResult Hub::start(int broker_port, const std::vector<std::string>& extra) {
  if (hubPath().empty()) return ::testing::AssertionFailure() << "outpost-hub is not built";
  std::vector<std::string> args = {"run", "--db", db_path_, "--broker", "127.0.0.1:" + std::to_string(broker_port)};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string error;
  child_ = ChildProcess::spawn(hubPath(), args, error);
  if (!child_) return ::testing::AssertionFailure() << "cannot start outpost-hub: " << error;
  auto line = child_->waitForLine([](const std::string& l) { return l.find("hub: ready") != std::string::npos; },
                                  std::chrono::steady_clock::now() + std::chrono::seconds(15));
  if (!line) return ::testing::AssertionFailure() << "outpost-hub did not get ready: " << output();
  return ::testing::AssertionSuccess();
}

void Hub::stop() {
  if (!child_) return;
  child_->signal(SIGTERM);
  if (!child_->waitExit(std::chrono::seconds(10))) child_->signal(SIGKILL);
  (void)child_->waitExit(std::chrono::seconds(5));
  last_out_ = child_->outText() + child_->errText();
  child_.reset();
}

void Hub::kill9() {
  if (!child_) return;
  child_->signal(SIGKILL);
  (void)child_->waitExit(std::chrono::seconds(5));
  last_out_ = child_->outText() + child_->errText();
  child_.reset();
}

std::string Hub::output() const { return child_ ? child_->outText() + child_->errText() : last_out_; }

}  // namespace outpost::itest
