#include "api/server.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Logger.h>
#include <Poco/URI.h>

#include <Poco/String.h>

#include <algorithm>
#include <fstream>
#include <thread>
#include <vector>

namespace outpost::api {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr const char* kCookie = "outpost_session";
// An oversized body is read and dropped up to this much before answering 413.
constexpr size_t kDrainCap = 16 * 1024 * 1024;

std::string credential(const HTTPServerRequest& req) {
  const std::string auth = req.get("Authorization", "");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  Poco::Net::NameValueCollection cookies;
  req.getCookies(cookies);
  return cookies.get(kCookie, "");
}

void write(HTTPServerResponse& resp, const Reply& reply) {
  const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(reply.status);
  resp.setStatusAndReason(status, Poco::Net::HTTPResponse::getReasonForStatus(status));
  for (const auto& [name, value] : reply.headers) resp.add(name, value);
  if (resp.find("Cache-Control") == resp.end()) resp.set("Cache-Control", "no-store");
  resp.set("X-Content-Type-Options", "nosniff");
  if (reply.file) {
    // Streamed from disk in chunks (media can be large); the handler checked the range.
    resp.setContentType(reply.content_type);
    resp.setContentLength64(static_cast<Poco::Int64>(reply.file->length));
    std::ifstream in(reply.file->path, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(reply.file->offset));
    std::ostream& out = resp.send();
    std::vector<char> buf(256 * 1024);
    uint64_t left = reply.file->length;
    while (left > 0 && in && out) {
      in.read(buf.data(), static_cast<std::streamsize>(std::min<uint64_t>(left, buf.size())));
      const auto n = in.gcount();
      if (n <= 0) break;
      out.write(buf.data(), n);
      left -= static_cast<uint64_t>(n);
    }
    return;
  }
  if (reply.body.empty()) {
    resp.setContentLength(0);
    resp.send();
    return;
  }
  const std::string& type = reply.content_type;
  const bool text = type.rfind("text/", 0) == 0 || type.find("json") != std::string::npos ||
                    type.find("xml") != std::string::npos || type.find("javascript") != std::string::npos;
  resp.setContentType(text && type.find(';') == std::string::npos ? type + "; charset=utf-8" : type);
  resp.setContentLength(static_cast<std::streamsize>(reply.body.size()));
  resp.send() << reply.body;
}

// Counts requests being handled, so shutdown can wait for exactly those (idle
// keep-alive connections are not waited for).
class InFlight {
 public:
  explicit InFlight(std::atomic<int>& n) : n_(n) { ++n_; }
  ~InFlight() { --n_; }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<int>& n_;
};

// A browser page on another origin must not open a WebSocket with our cookie: the
// Origin's host:port must be the Host this request was sent to.
bool sameOrigin(const HTTPServerRequest& req) {
  const std::string origin = req.get("Origin", "");
  if (origin.empty()) return true;  // not sent by a browser
  try {
    const Poco::URI from(origin);
    const Poco::URI self(from.getScheme() + "://" + req.getHost());  // same scheme → same default port
    return Poco::icompare(from.getHost(), self.getHost()) == 0 && from.getPort() == self.getPort();
  } catch (const Poco::Exception&) {
    return false;
  }
}

class ApiHandler final : public HTTPRequestHandler {
 public:
  ApiHandler(const Router& router, const StaticFiles& files, size_t max_body, std::atomic<int>& inflight)
      : router_(router), files_(files), max_body_(max_body), inflight_(inflight) {}

  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    InFlight counting(inflight_);
    Request r;
    r.method = req.getMethod();
    r.address = req.clientAddress().host().toString();
    for (const auto& [name, value] : req) r.headers[Poco::toLower(name)] = value;
    try {
      Poco::URI uri(req.getURI());
      r.path = uri.getPath();
      for (auto& [k, v] : uri.getQueryParameters()) {
        if (!r.query.emplace(k, v).second) {
          return write(resp, problem(Status::invalidArgument("query parameter \"" + k + "\" is given twice", "?" + k),
                                     r.path));
        }
      }
    } catch (const Poco::Exception& e) {
      return write(resp, problem(400, "Bad request", "the request URI is malformed: " + e.message(), req.getURI()));
    }
    // Read at most the limit; past it, keep reading (and dropping) up to a cap so a
    // client that sends its whole body before reading still gets the 413.
    std::string body;
    size_t received = 0;
    {
      auto& in = req.stream();
      char buf[8192];
      while (in && received <= kDrainCap) {
        in.read(buf, sizeof buf);
        const auto n = static_cast<size_t>(in.gcount());
        if (received + n <= max_body_) body.append(buf, n);
        received += n;
      }
    }
    if (received > max_body_) {
      resp.setKeepAlive(false);
      return write(resp, problem(413, "Request body too large",
                                 "the body is larger than the " + std::to_string(max_body_) + " bytes accepted",
                                 r.path));
    }
    if (!body.empty()) {
      const std::string type = req.getContentType();
      // FreeSWITCH's mod_httapi posts forms (docs/ivr.md); every other route takes JSON.
      const bool form = r.path == "/api/v1/ivr/httapi" && type.rfind("application/x-www-form-urlencoded", 0) == 0;
      if (type.rfind("application/json", 0) != 0 && !form) {
        return write(resp, problem(415, "Unsupported media type",
                                   "send the body as application/json (got \"" + type + "\")", r.path));
      }
    }
    r.body = std::move(body);
    if (r.method == "GET" && files_.enabled() && StaticFiles::handles(r.path)) {
      if (auto reply = files_.serve(r.path)) return write(resp, *reply);
    }
    const auto started = std::chrono::steady_clock::now();
    const Reply reply = router_.dispatch(r, credential(req));
    write(resp, reply);
    auto& log = Poco::Logger::get("outpost.http");
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    if (reply.status >= 500) {
      log.error("%s %s → %d in %s µs: %s", r.method, r.path, reply.status, std::to_string(us.count()),
                reply.body);
    } else if (log.debug()) {
      log.debug("%s %s → %d in %s µs (%s)", r.method, r.path, reply.status, std::to_string(us.count()),
                r.principal ? r.principal->username : std::string("-"));
    }
  }

 private:
  const Router& router_;
  const StaticFiles& files_;
  size_t max_body_;
  std::atomic<int>& inflight_;
};

class WsHandler final : public HTTPRequestHandler {
 public:
  explicit WsHandler(WsHub& hub) : hub_(hub) {}
  void handleRequest(HTTPServerRequest& req, HTTPServerResponse& resp) override {
    if (!sameOrigin(req)) {
      return write(resp, problem(403, "Not allowed",
                                 "WebSocket from origin \"" + req.get("Origin", "") + "\" refused: only pages served "
                                 "by this appliance may connect",
                                 "/api/v1/ws"));
    }
    hub_.accept(req, resp, credential(req));
  }

 private:
  WsHub& hub_;
};

class Factory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Factory(const Router& router, WsHub& hub, const StaticFiles& files, size_t max_body, std::atomic<int>& inflight)
      : router_(router), hub_(hub), files_(files), max_body_(max_body), inflight_(inflight) {}
  HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& req) override {
    const bool upgrade = Poco::icompare(req.get("Upgrade", ""), "websocket") == 0;
    if (upgrade && Poco::URI(req.getURI()).getPath() == "/api/v1/ws") return new WsHandler(hub_);
    return new ApiHandler(router_, files_, max_body_, inflight_);
  }

 private:
  const Router& router_;
  WsHub& hub_;
  const StaticFiles& files_;
  size_t max_body_;
  std::atomic<int>& inflight_;
};

}  // namespace

HttpServer::HttpServer(const Router& router, WsHub& hub, ServerOptions options)
    : router_(router), hub_(hub), options_(std::move(options)), static_files_(options_.static_dir) {}

HttpServer::~HttpServer() { stop(std::chrono::seconds(1)); }

Status HttpServer::start() {
  auto params = Poco::AutoPtr<Poco::Net::HTTPServerParams>(new Poco::Net::HTTPServerParams);
  params->setMaxThreads(options_.threads);
  params->setMaxQueued(options_.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::seconds>(options_.idle_timeout).count(), 0));
  params->setTimeout(Poco::Timespan(30, 0));
  params->setServerName("outpostd");
  try {
    const Poco::Net::SocketAddress addr(options_.listen.host, options_.listen.port);
    if (tls()) {
      Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
          Poco::Net::Context::TLS_SERVER_USE, options_.tls_key, options_.tls_cert, "",
          Poco::Net::Context::VERIFY_NONE, 9, false, "HIGH:!aNULL:!MD5:!RC4");
      ctx->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
      Poco::Net::SecureServerSocket socket(addr, 64, ctx);
      port_ = socket.address().port();
      server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router_, hub_, static_files_, options_.max_body_bytes, inflight_), socket,
                                                        params);
    } else {
      Poco::Net::ServerSocket socket(addr, 64);
      port_ = socket.address().port();
      server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(router_, hub_, static_files_, options_.max_body_bytes, inflight_), socket,
                                                        params);
    }
  } catch (const Poco::Net::SSLException& e) {
    return Status::invalidArgument("TLS set-up failed: " + e.displayText(), "http.tls.cert/http.tls.key");
  } catch (const Poco::Exception& e) {
    if (tls()) {
      return Status::invalidArgument("cannot use TLS certificate \"" + options_.tls_cert + "\" and key \"" +
                                         options_.tls_key + "\": " + e.displayText(),
                                     "http.tls.cert");
    }
    return Status::unavailable("cannot listen on " + options_.listen.host + ":" + std::to_string(options_.listen.port) +
                               ": " + e.displayText());
  }
  server_->start();
  return Status::ok();
}

void HttpServer::stop(Millis grace) {
  if (!server_) return;
  server_->stopAll(false);  // no new connections or requests; requests in progress finish
  const auto deadline = std::chrono::steady_clock::now() + grace;
  // Twice idle in a row: a request that slipped past the stop is counted by then.
  int idle_checks = 0;
  while (idle_checks < 2 && std::chrono::steady_clock::now() < deadline) {
    idle_checks = inflight_.load() == 0 ? idle_checks + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  server_.reset();
}

std::string HttpServer::baseUrl() const {
  const std::string& h = options_.listen.host;
  const std::string host = h.find(':') != std::string::npos ? "[" + h + "]" : h;
  return std::string(tls() ? "https" : "http") + "://" + host + ":" + std::to_string(port_);
}

}  // namespace outpost::api
