#pragma once

// HttpServer: the POCO HTTP(S) listener in front of the Router and the WsHub.
//
// Each request is read on a POCO worker thread: body size limited (413 before
// reading more than the limit), JSON content type enforced for bodies (415), the
// credential taken from "Authorization: Bearer" or the session cookie, then
// Router::dispatch. Upgrades on /api/v1/ws go to the hub. HTTPS when a certificate
// and key are configured.
//
// Thread-safety: start()/stop() from the owner; the rest runs on POCO's threads.

#include <atomic>
#include <memory>
#include <string>

#include "api/router.h"
#include "api/static_files.h"
#include "api/ws_hub.h"
#include "core/config.h"
#include "core/status.h"

namespace Poco::Net {
class HTTPServer;
}

namespace outpost::api {

struct ServerOptions {
  HostPort listen{"127.0.0.1", 8080};
  int threads = 16;
  int max_queued = 100;
  size_t max_body_bytes = 64 * 1024;
  Millis idle_timeout = std::chrono::seconds(60);
  std::string tls_cert;  // PEM file; TLS when both are set
  std::string tls_key;
  std::string static_dir;  // the built agent desktop; empty = API only
};

class HttpServer {
 public:
  HttpServer(const Router& router, WsHub& hub, ServerOptions options);
  ~HttpServer();

  // Binds and starts serving. Errors: kInvalidArgument (TLS files unreadable or
  // unusable), kUnavailable (address in use or not bindable).
  Status start();
  // Stops accepting, lets requests in flight finish (bounded by `grace`), returns.
  void stop(Millis grace = std::chrono::seconds(10));

  uint16_t port() const { return port_; }
  bool tls() const { return !options_.tls_cert.empty(); }
  // "http://127.0.0.1:8080"
  std::string baseUrl() const;

 private:
  const Router& router_;
  WsHub& hub_;
  ServerOptions options_;
  StaticFiles static_files_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
  std::atomic<int> inflight_{0};  // requests being handled
};

}  // namespace outpost::api
