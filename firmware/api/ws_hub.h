#pragma once

// WsHub: every live WebSocket of the desktop, served by one hub thread.
//
// An HTTP thread completes the upgrade and hands the socket over (accept()); the
// request thread is then free again. The hub thread authenticates the socket (from
// the upgrade's cookie/bearer token, or a first {"type":"auth","token":…} frame
// within the auth timeout), sends a hello and a snapshot, then streams committed
// domain events the user may see: supervisors and admins see every agent, an agent
// sees their own. It answers pings, re-checks sessions periodically, closes the
// sockets of a revoked session, and drops a client that does not take its messages
// within the send timeout.
//
// Thread-safety: accept(), publish(), closeSession() and connections() from any
// thread; start()/stop() from the owner.

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/router.h"
#include "core/clock.h"
#include "engine/events.h"
#include "site/presence.h"

namespace outpost::api {

struct WsOptions {
  size_t max_connections = 500;
  Millis auth_timeout = std::chrono::seconds(10);
  Millis send_timeout = std::chrono::seconds(5);
  Millis recheck_interval = std::chrono::seconds(30);  // session still valid?
  size_t max_frame_bytes = 16 * 1024;
};

class WsHub {
 public:
  using Authenticator = std::function<Result<Principal>(const std::string& token)>;
  // The committed presence of every agent, for the snapshot after login.
  using PresenceSnapshot = std::function<Result<std::vector<std::pair<std::string, site::Presence>>>()>;

  WsHub(Authenticator authenticate, PresenceSnapshot snapshot, const Clock& clock, WsOptions options = {});
  ~WsHub();

  void start();
  // Closes every socket (1001 going away) and joins the hub thread.
  void stop();

  // On an HTTP thread: completes the WebSocket handshake (or answers 400/503 with a
  // problem body) and hands the socket to the hub. `token` may be empty.
  void accept(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, std::string token);
  // Queues a committed event for every socket allowed to see it: presence, offers and
  // contacts go to their agent and to supervisors; new contacts to supervisors.
  void publish(const engine::DomainEvent& event);
  // Queue statistics, for every logged-in socket.
  void publishStats(const std::vector<routing::QueueStats>& stats);
  // A committed message of `type` about `agent_id` (that agent and supervisors see it;
  // "" = supervisors only), e.g. a chat message.
  void publishTo(const std::string& agent_id, const std::string& type, Poco::JSON::Object::Ptr fields);
  // Closes the sockets of a session (after logout).
  void closeSession(const std::string& token_digest);
  // Closes every socket of a user (password/role changed, disabled, deleted).
  void closeUser(const std::string& username);
  size_t connections() const { return count_.load(); }

 private:
  struct Conn;
  static constexpr const char* kEveryone = "*";
  struct Outgoing {
    uint64_t seq;          // publication order
    std::string agent_id;  // who the message is about (visibility)
    std::string text;
  };

  void threadMain();
  // Wakes the hub thread out of its poll (called with mu_ held).
  void wakeLocked();
  void onReadable(Conn& c);
  void onText(Conn& c, const std::string& text);
  void authenticate(Conn& c, const std::string& token);
  void send(Conn& c, const std::string& text);
  void close(Conn& c, int code, const std::string& reason);
  bool maySee(const Conn& c, const std::string& agent_id) const;

  Authenticator authenticate_;
  PresenceSnapshot snapshot_;
  const Clock& clock_;
  WsOptions options_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Conn>> incoming_;  // guarded by mu_
  std::deque<Outgoing> outgoing_;                // guarded by mu_
  std::vector<std::string> revoked_;             // token digests; guarded by mu_
  std::vector<std::string> revoked_users_;       // usernames; guarded by mu_
  uint64_t published_seq_ = 0;                   // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  bool wake_pending_ = false;                    // guarded by mu_
  // A loopback datagram socket in the poll set: publishing sends it a byte so a new
  // message goes out at once, not at the end of the poll timeout.
  Poco::Net::DatagramSocket wake_in_;
  Poco::Net::DatagramSocket wake_out_;          // guarded by mu_

  std::vector<std::unique_ptr<Conn>> conns_;  // hub thread only
  std::atomic<size_t> count_{0};
  std::thread thread_;
};

}  // namespace outpost::api
