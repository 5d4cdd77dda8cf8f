#include "api/ws_hub.h"

#include <Poco/JSON/Array.h>
#include <Poco/Logger.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/PollSet.h>
#include <Poco/Net/WebSocket.h>
#include <pthread.h>

#include <algorithm>

#include "codec/routing_codec.h"
#include "codec/site_codec.h"
#include "codec/json.h"

namespace outpost::api {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::WebSocket;

struct WsHub::Conn {
  explicit Conn(WebSocket socket) : ws(std::move(socket)) {}
  WebSocket ws;
  std::optional<Principal> principal;
  std::string token;
  MonoTime auth_deadline{};
  MonoTime next_check{};
  uint64_t seen_seq = 0;  // events up to this one are in the snapshot it got
  bool closed = false;
};

namespace {

Poco::Logger& log() { return Poco::Logger::get("outpost.ws"); }

std::string message(const std::string& type, Object::Ptr fields) {
  fields->set("type", type);
  return codec::toJson(fields);
}

}  // namespace

WsHub::WsHub(Authenticator authenticate, PresenceSnapshot snapshot, const Clock& clock, WsOptions options)
    : authenticate_(std::move(authenticate)), snapshot_(std::move(snapshot)), clock_(clock), options_(options) {
  wake_in_.bind(Poco::Net::SocketAddress("127.0.0.1", 0));
  wake_in_.setBlocking(false);
  wake_out_.connect(wake_in_.address());
}

void WsHub::wakeLocked() {
  if (wake_pending_) return;
  wake_pending_ = true;
  try {
    const char byte = 1;
    wake_out_.sendBytes(&byte, 1);
  } catch (const Poco::Exception&) {
    // The poll timeout still picks the message up.
  }
}

WsHub::~WsHub() { stop(); }

void WsHub::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "outpost-ws");
    threadMain();
  });
}

void WsHub::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    wakeLocked();
  }
  if (thread_.joinable()) thread_.join();
}

void WsHub::accept(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, std::string token) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || count_.load() >= options_.max_connections) {
      response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
      response.setContentType("application/problem+json");
      response.send() << R"({"type":"about:blank","title":"Service unavailable","status":503,)"
                      << R"("detail":"no more WebSocket connections are accepted right now","instance":"/api/v1/ws"})";
      return;
    }
  }
  try {
    auto conn = std::make_unique<Conn>(WebSocket(request, response));
    conn->ws.setReceiveTimeout(Poco::Timespan(1, 0));
    conn->ws.setSendTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(options_.send_timeout).count()));
    conn->ws.setMaxPayloadSize(static_cast<int>(options_.max_frame_bytes));
    conn->token = std::move(token);
    conn->auth_deadline = clock_.monoNow() + options_.auth_timeout;
    ++count_;
    std::lock_guard lock(mu_);
    incoming_.push_back(std::move(conn));
    wakeLocked();
  } catch (const Poco::Net::WebSocketException& e) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
    response.setContentType("application/problem+json");
    Object::Ptr body = new Object;
    body->set("type", "about:blank");
    body->set("title", "Bad request");
    body->set("status", 400);
    body->set("detail", "WebSocket handshake failed: " + e.message());
    body->set("instance", "/api/v1/ws");
    response.send() << codec::toJson(body);
  }
}

void WsHub::publish(const engine::DomainEvent& event) {
  // Who may see it ("" = supervisors only) and the message.
  auto [audience, text] = std::visit(
      [](const auto& e) -> std::pair<std::string, std::string> {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, routing::AgentChanged>) {
          Object::Ptr o = codec::encodePresence(e.agent_id, e.after);
          o->set("previous", std::string(site::presenceName(e.before.state)));
          return {e.agent_id, message("presence", o)};
        } else if constexpr (std::is_same_v<E, routing::ContactQueued>) {
          Object::Ptr o = new Object;
          o->set("contact", codec::encode(e.contact));
          o->set("position", e.position);
          return {"", message("contact", o)};
        } else if constexpr (std::is_same_v<E, routing::ContactOffered>) {
          Object::Ptr o = new Object;
          o->set("contact", codec::encode(e.contact));
          o->set("decision", codec::encode(e.decision));
          o->set("expires_at", formatRfc3339(e.expires_at));
          return {e.decision.agent_id, message("offer", o)};
        } else if constexpr (std::is_same_v<E, routing::OfferEnded>) {
          Object::Ptr o = new Object;
          o->set("contact_id", e.contact_id);
          o->set("agent_id", e.agent_id);
          o->set("outcome", e.outcome);
          o->set("at", formatRfc3339(e.at));
          return {e.agent_id, message("offer.ended", o)};
        } else {
          static_assert(std::is_same_v<E, routing::ContactChanged>);
          Object::Ptr o = new Object;
          o->set("contact", codec::encode(e.contact));
          return {e.contact.agent_id.value_or(""), message("contact", o)};
        }
      },
      event);
  std::lock_guard lock(mu_);
  outgoing_.push_back(Outgoing{++published_seq_, std::move(audience), std::move(text)});
  wakeLocked();
}

void WsHub::publishStats(const std::vector<routing::QueueStats>& stats) {
  Array::Ptr items = new Array;
  for (const auto& s : stats) items->add(codec::encode(s));
  Object::Ptr o = new Object;
  o->set("items", items);
  std::lock_guard lock(mu_);
  outgoing_.push_back(Outgoing{++published_seq_, kEveryone, message("queue.stats", o)});
  wakeLocked();
}

void WsHub::publishTo(const std::string& agent_id, const std::string& type, Object::Ptr fields) {
  std::string text = message(type, std::move(fields));
  std::lock_guard lock(mu_);
  outgoing_.push_back(Outgoing{++published_seq_, agent_id, std::move(text)});
  wakeLocked();
}

void WsHub::closeSession(const std::string& token_digest) {
  std::lock_guard lock(mu_);
  revoked_.push_back(token_digest);
  wakeLocked();
}

void WsHub::closeUser(const std::string& username) {
  std::lock_guard lock(mu_);
  revoked_users_.push_back(username);
  wakeLocked();
}

bool WsHub::maySee(const Conn& c, const std::string& agent_id) const {
  if (!c.principal) return false;
  if (agent_id == kEveryone) return true;
  return site::atLeast(c.principal->role, site::Role::kSupervisor) ||
         (c.principal->agent_id && *c.principal->agent_id == agent_id);
}

void WsHub::send(Conn& c, const std::string& text) {
  if (c.closed) return;
  try {
    c.ws.sendFrame(text.data(), static_cast<int>(text.size()), WebSocket::FRAME_TEXT);
  } catch (const Poco::Exception& e) {
    log().information("dropping WebSocket of %s: %s", c.principal ? c.principal->username : std::string("?"),
                      e.displayText());
    c.closed = true;
  }
}

void WsHub::close(Conn& c, int code, const std::string& reason) {
  if (c.closed) return;
  try {
    c.ws.shutdown(static_cast<Poco::UInt16>(code), reason);
  } catch (const Poco::Exception&) {
  }
  c.closed = true;
}

void WsHub::authenticate(Conn& c, const std::string& token) {
  auto who = authenticate_(token);
  if (!who) {
    Object::Ptr o = new Object;
    o->set("detail", who.status().message());
    send(c, message("error", o));
    close(c, 4401, "unauthenticated");
    return;
  }
  c.principal = std::move(*who);
  c.token = token;
  c.next_check = clock_.monoNow() + options_.recheck_interval;
  Object::Ptr user = new Object;
  user->set("username", c.principal->username);
  user->set("role", std::string(site::roleName(c.principal->role)));
  if (c.principal->agent_id) user->set("agent_id", *c.principal->agent_id);
  else user->set("agent_id", Poco::Dynamic::Var());
  Object::Ptr hello = new Object;
  hello->set("user", user);
  hello->set("server_time", formatRfc3339(clock_.wallNow()));
  send(c, message("hello", hello));
  {
    std::lock_guard lock(mu_);
    c.seen_seq = published_seq_;  // everything published so far is committed, so in the snapshot
  }
  auto snapshot = snapshot_();
  if (!snapshot) {
    Object::Ptr o = new Object;
    o->set("detail", snapshot.status().message());
    send(c, message("error", o));
    return;
  }
  Array::Ptr items = new Array;
  for (const auto& [agent_id, presence] : *snapshot) {
    if (maySee(c, agent_id)) items->add(codec::encodePresence(agent_id, presence));
  }
  Object::Ptr snap = new Object;
  snap->set("items", items);
  send(c, message("presence.snapshot", snap));
}

void WsHub::onText(Conn& c, const std::string& text) {
  auto obj = codec::JsonReader::parseObject(text);
  std::string type, token;
  Status s = obj.status();
  if (s.isOk()) {
    codec::JsonReader r(*obj);
    r.string("type", type, true).string("token", token, false);
    s = r.finish();
  }
  if (!s.isOk()) {
    Object::Ptr o = new Object;
    o->set("detail", "bad message: " + s.describe());
    send(c, message("error", o));
    return;
  }
  if (type == "auth") {
    if (c.principal) return;  // already authenticated
    authenticate(c, token);
  } else if (!c.principal) {
    Object::Ptr o = new Object;
    o->set("detail", "authenticate first: {\"type\":\"auth\",\"token\":\"…\"}");
    send(c, message("error", o));
  } else if (type == "ping") {
    Object::Ptr o = new Object;
    o->set("server_time", formatRfc3339(clock_.wallNow()));
    send(c, message("pong", o));
  } else {
    Object::Ptr o = new Object;
    o->set("detail", "unknown message type \"" + type + "\"; known: auth, ping");
    send(c, message("error", o));
  }
}

void WsHub::onReadable(Conn& c) {
  Poco::Buffer<char> buffer(0);
  int flags = 0;
  int n = 0;
  try {
    n = c.ws.receiveFrame(buffer, flags);
  } catch (const Poco::Net::WebSocketException& e) {
    close(c, WebSocket::WS_PAYLOAD_TOO_BIG, "frame too large or malformed");
    return;
  } catch (const Poco::Exception&) {
    c.closed = true;
    return;
  }
  const int op = flags & WebSocket::FRAME_OP_BITMASK;
  if (n == 0 && flags == 0) {  // peer closed the TCP connection
    c.closed = true;
    return;
  }
  if (op == WebSocket::FRAME_OP_CLOSE) {
    close(c, WebSocket::WS_NORMAL_CLOSE, "bye");
  } else if (op == WebSocket::FRAME_OP_PING) {
    try {
      c.ws.sendFrame(buffer.begin(), n, static_cast<int>(WebSocket::FRAME_FLAG_FIN) | WebSocket::FRAME_OP_PONG);
    } catch (const Poco::Exception&) {
      c.closed = true;
    }
  } else if (op == WebSocket::FRAME_OP_TEXT) {
    onText(c, std::string(buffer.begin(), static_cast<size_t>(n)));
  }
}

void WsHub::threadMain() {
  Poco::Net::PollSet poll;
  poll.add(wake_in_, Poco::Net::PollSet::POLL_READ);
  for (;;) {
    std::vector<std::unique_ptr<Conn>> fresh;
    std::deque<Outgoing> out;
    std::vector<std::string> revoked;
    std::vector<std::string> revoked_users;
    bool stopping;
    {
      std::lock_guard lock(mu_);
      fresh.swap(incoming_);
      out.swap(outgoing_);
      revoked.swap(revoked_);
      revoked_users.swap(revoked_users_);
      stopping = stopping_;
      wake_pending_ = false;
    }
    for (auto& c : fresh) {
      poll.add(c->ws, Poco::Net::PollSet::POLL_READ);
      Conn& conn = *c;
      conns_.push_back(std::move(c));
      if (!conn.token.empty()) authenticate(conn, conn.token);
    }
    if (stopping) {
      for (auto& c : conns_) close(*c, WebSocket::WS_ENDPOINT_GOING_AWAY, "outpostd is shutting down");
      count_ -= conns_.size();
      conns_.clear();
      return;
    }
    for (const auto& m : out) {
      for (auto& c : conns_) {
        // Events up to seen_seq were committed before the socket's snapshot was read.
        if (m.seq > c->seen_seq && maySee(*c, m.agent_id)) send(*c, m.text);
      }
    }
    const MonoTime now = clock_.monoNow();
    for (auto& c : conns_) {
      if (c->closed) continue;
      if (!c->principal && now >= c->auth_deadline) {
        close(*c, 4401, "no auth message in time");
      } else if (c->principal &&
                 std::find(revoked.begin(), revoked.end(), c->principal->token_digest) != revoked.end()) {
        close(*c, 4401, "logged out");
      } else if (c->principal && std::find(revoked_users.begin(), revoked_users.end(), c->principal->username) !=
                                     revoked_users.end()) {
        close(*c, 4401, "the login was changed; log in again");
      } else if (c->principal && now >= c->next_check) {
        c->next_check = now + options_.recheck_interval;
        if (!authenticate_(c->token)) close(*c, 4401, "session ended");
      }
    }
    try {
      // Wakes for a frame, a published message, or the timeout (auth deadlines).
      auto ready = poll.poll(Poco::Timespan(0, 50'000));
      if (ready.count(wake_in_) != 0) {
        char drain[64];
        try {
          while (wake_in_.receiveBytes(drain, sizeof drain) > 0) {
          }
        } catch (const Poco::Exception&) {  // would block: drained
        }
      }
      for (auto& c : conns_) {
        if (!c->closed && ready.count(c->ws) != 0) onReadable(*c);
      }
    } catch (const Poco::Exception& e) {
      log().warning("WebSocket poll failed: %s", e.displayText());
    }
    const auto before = conns_.size();
    std::erase_if(conns_, [&](const std::unique_ptr<Conn>& c) {
      if (!c->closed) return false;
      poll.remove(c->ws);
      return true;
    });
    count_ -= before - conns_.size();
  }
}

}  // namespace outpost::api
