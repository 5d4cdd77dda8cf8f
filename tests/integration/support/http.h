#pragma once

// A small HTTP(S) and WebSocket client for the daemon under test.
//
// HttpClient opens one connection per request (Poco HTTPClientSession, or
// HTTPSClientSession without certificate verification for the self-signed test
// certificate), so a client may be copied and used from several threads. Transport
// failures never throw: the Response has status 0 and `error` says what happened.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "integration/support/daemon.h"

namespace Poco::Net {
class HTTPClientSession;
class WebSocket;
}  // namespace Poco::Net

namespace outpost::itest {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  std::string method;
  std::string path;
  int status = 0;     // 0: no HTTP answer (see error)
  std::string error;  // transport error
  std::string reason;
  std::string content_type;
  Headers headers;
  std::string body;
  Poco::JSON::Object::Ptr json;  // the body when it is a JSON object, else null

  // First header of that name (case-insensitive), "" if absent.
  std::string header(std::string_view name) const;
  std::vector<std::string> headersNamed(std::string_view name) const;
  // A JSON string/int field of the body ("" / -1 if absent or another type).
  std::string str(const std::string& key) const;
  Poco::JSON::Array::Ptr array(const std::string& key) const;
  // "POST /api/v1/skills → 400 {...}" for failure messages.
  std::string describe() const;
};

std::ostream& operator<<(std::ostream& os, const Response& r);

class HttpClient {
 public:
  HttpClient(std::string scheme, std::string host, int port);
  explicit HttpClient(const Daemon& daemon);

  // `token`, when not empty, goes in "Authorization: Bearer <token>". A body gets
  // "Content-Type: application/json" unless `headers` set another. POST/PUT/PATCH always
  // send a Content-Length (0 for an empty body), unless `headers` has
  // "Transfer-Encoding: chunked" (then the body is sent chunked).
  Response request(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& token = "", const Headers& headers = {}) const;

  Response get(const std::string& path, const std::string& token = "") const {
    return request("GET", path, "", token);
  }
  Response post(const std::string& path, const std::string& body, const std::string& token = "") const {
    return request("POST", path, body, token);
  }
  Response put(const std::string& path, const std::string& body, const std::string& token = "") const {
    return request("PUT", path, body, token);
  }
  Response patch(const std::string& path, const std::string& body, const std::string& token = "") const {
    return request("PATCH", path, body, token);
  }
  Response del(const std::string& path, const std::string& token = "") const {
    return request("DELETE", path, "", token);
  }

  // Like request(), but over a raw socket the way curl sends a body: in pieces,
  // watching for an early reply (e.g. a 413 sent before the body was read) and still
  // reading the reply when the server stops taking the body. Plain HTTP only.
  Response requestEarlyReply(const std::string& method, const std::string& path, const std::string& body,
                             const std::string& token = "", const Headers& headers = {}) const;

  // POST /api/v1/auth/login; the reply as is.
  Response loginResponse(const std::string& username, const std::string& password) const;
  // The session token, or "" with a recorded test failure.
  std::string login(const std::string& username, const std::string& password) const;

  const std::string& scheme() const { return scheme_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // A new (unconnected) session for this server; HTTPS without verification.
  std::unique_ptr<Poco::Net::HTTPClientSession> newSession() const;

  std::chrono::milliseconds timeout = std::chrono::seconds(15);

 private:
  std::string scheme_;
  std::string host_;
  int port_;
};

// Logs in with the demo password of `username`; "" with a failure recorded on error.
std::string loginDemo(const HttpClient& http, const Daemon& daemon, const std::string& username);

// JSON helpers.
std::string toJson(const Poco::JSON::Object::Ptr& o);
Poco::JSON::Object::Ptr parseObject(const std::string& text);  // null if not a JSON object
// A string field, "" when absent or not a string; "<null>" for JSON null.
std::string strField(const Poco::JSON::Object::Ptr& o, const std::string& key);

// A WebSocket to /api/v1/ws (or another path).
class WsClient {
 public:
  struct Connected {
    std::unique_ptr<WsClient> ws;  // null when the upgrade failed
    int status = 0;                // HTTP status of the upgrade answer (101 on success)
    std::string error;
  };
  // `token` goes in an Authorization header; `headers` (e.g. a Cookie) are added as is.
  static Connected connect(const HttpClient& http, const std::string& token = "", const Headers& headers = {},
                           const std::string& path = "/api/v1/ws");
  ~WsClient();

  bool sendText(const std::string& text);
  // The next JSON object from a text frame; null on timeout or when the socket closed
  // (then closed() is true). Pings are answered; other frames skipped.
  Poco::JSON::Object::Ptr receiveJson(std::chrono::milliseconds timeout);
  // Receives until a message with "type" == `type` (others are appended to `skipped`).
  Poco::JSON::Object::Ptr receiveType(const std::string& type, std::chrono::milliseconds timeout,
                                      std::vector<Poco::JSON::Object::Ptr>* skipped = nullptr);
  // Waits for the server to close the socket (close frame or EOF); messages that arrive
  // meanwhile are kept in `seen`. True if it closed within `timeout`.
  bool waitClosed(std::chrono::milliseconds timeout, std::vector<Poco::JSON::Object::Ptr>* seen = nullptr);
  bool closed() const { return closed_; }
  int closeCode() const { return close_code_; }  // 0 if none was sent
  void close();                                  // orderly close from our side

 private:
  WsClient() = default;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
  std::unique_ptr<Poco::Net::WebSocket> ws_;
  bool closed_ = false;
  int close_code_ = 0;
};

}  // namespace outpost::itest
