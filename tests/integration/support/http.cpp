#include "integration/support/http.h"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <sstream>

namespace outpost::itest {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Poco::Net::Context::Ptr clientContext() {
  static std::once_flag once;
  static Poco::Net::Context::Ptr context;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    context =
        new Poco::Net::Context(Poco::Net::Context::CLIENT_USE, "", Poco::Net::Context::VERIFY_NONE, 9, false);
  });
  return context;
}

Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace

// --- JSON ------------------------------------------------------------------------------

std::string toJson(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream s;
  Poco::JSON::Stringifier::stringify(o, s, 0, -1, Poco::JSON_PRESERVE_KEY_ORDER);
  return s.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(text);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  return nullptr;
}

std::string strField(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return "";
  const auto& v = o->get(key);
  if (v.isEmpty()) return "<null>";
  if (!v.isString()) return "";
  return v.extract<std::string>();
}

// --- Response --------------------------------------------------------------------------

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

std::vector<std::string> Response::headersNamed(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) out.push_back(v);
  }
  return out;
}

std::string Response::str(const std::string& key) const { return strField(json, key); }

Poco::JSON::Array::Ptr Response::array(const std::string& key) const {
  if (!json || !json->has(key)) return nullptr;
  return json->getArray(key);
}

std::string Response::describe() const {
  std::ostringstream s;
  s << method << " " << path << " → ";
  if (status == 0) {
    s << "no answer (" << error << ")";
  } else {
    s << status << " [" << content_type << "] " << (body.size() > 2000 ? body.substr(0, 2000) + "…" : body);
  }
  return s.str();
}

std::ostream& operator<<(std::ostream& os, const Response& r) { return os << r.describe(); }

// --- HttpClient ------------------------------------------------------------------------

HttpClient::HttpClient(std::string scheme, std::string host, int port)
    : scheme_(std::move(scheme)), host_(std::move(host)), port_(port) {}

HttpClient::HttpClient(const Daemon& daemon) : HttpClient(daemon.scheme(), daemon.host(), daemon.port()) {}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpClient::newSession() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  if (scheme_ == "https") {
    session = std::make_unique<Poco::Net::HTTPSClientSession>(host_, static_cast<Poco::UInt16>(port_),
                                                              clientContext());
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(host_, static_cast<Poco::UInt16>(port_));
  }
  session->setTimeout(toTimespan(timeout));
  session->setKeepAlive(false);
  return session;
}

Response HttpClient::request(const std::string& method, const std::string& path, const std::string& body,
                             const std::string& token, const Headers& headers) const {
  Response r;
  r.method = method;
  r.path = path;
  try {
    auto session = newSession();
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    const bool has_body = !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
    bool chunked = false;
    for (const auto& [k, v] : headers)
      chunked = chunked || (iequals(k, "Transfer-Encoding") && v == "chunked");
    if (chunked) {
      req.setChunkedTransferEncoding(true);
    } else if (has_body) {
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    if (!body.empty()) req.setContentType("application/json");
    if (!token.empty()) req.set("Authorization", "Bearer " + token);
    for (const auto& [k, v] : headers) {
      if (iequals(k, "Transfer-Encoding")) continue;
      if (iequals(k, "Content-Type") || iequals(k, "Authorization"))
        req.set(k, v);
      else
        req.add(k, v);
    }
    std::ostream& os = session->sendRequest(req);
    if (has_body) os.write(body.data(), static_cast<std::streamsize>(body.size()));
    Poco::Net::HTTPResponse resp;
    std::istream& is = session->receiveResponse(resp);
    r.status = static_cast<int>(resp.getStatus());
    r.reason = resp.getReason();
    r.content_type = resp.getContentType();
    for (const auto& [k, v] : resp) r.headers.emplace_back(k, v);
    Poco::StreamCopier::copyToString(is, r.body);
  } catch (const Poco::Exception& e) {
    if (r.status == 0)
      r.error = e.displayText();
    else
      r.error = "reading the body: " + e.displayText();
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  if (r.status != 0) r.json = parseObject(r.body);
  return r;
}

Response HttpClient::requestEarlyReply(const std::string& method, const std::string& path,
                                       const std::string& body, const std::string& token,
                                       const Headers& headers) const {
  Response r;
  r.method = method;
  r.path = path;
  if (scheme_ != "http") {
    r.error = "requestEarlyReply speaks plain HTTP only";
    return r;
  }
  std::string raw;
  try {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress(host_, static_cast<Poco::UInt16>(port_)), toTimespan(timeout));
    socket.setReceiveTimeout(toTimespan(timeout));
    socket.setSendTimeout(toTimespan(timeout));
    bool chunked = false;
    for (const auto& [k, v] : headers)
      chunked = chunked || (iequals(k, "Transfer-Encoding") && v == "chunked");
    std::string head = method + " " + path + " HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) +
                       "\r\nConnection: close\r\n";
    if (!chunked) head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      has_type = has_type || iequals(k, "Content-Type");
      head += k + ": " + v + "\r\n";
    }
    if (!has_type && !body.empty()) head += "Content-Type: application/json\r\n";
    if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
    head += "\r\n";
    std::string payload = body;
    if (chunked) {
      payload.clear();
      constexpr size_t kChunk = 4096;
      for (size_t at = 0; at < body.size(); at += kChunk) {
        const std::string piece = body.substr(at, kChunk);
        std::ostringstream size;
        size << std::hex << piece.size();
        payload += size.str() + "\r\n" + piece + "\r\n";
      }
      payload += "0\r\n\r\n";
    }
    const std::string out = head + payload;
    size_t sent = 0;
    constexpr size_t kPiece = 8192;
    for (int guard = 0; sent < out.size() && guard < 100000; ++guard) {
      if (socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) break;  // an early reply
      int n = 0;
      try {
        n = socket.sendBytes(out.data() + sent, static_cast<int>(std::min(kPiece, out.size() - sent)));
      } catch (const Poco::Exception&) {
        break;  // the server stopped reading: look for its reply
      }
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    char buf[8192];
    for (int guard = 0; guard < 100000; ++guard) {
      int n = 0;
      try {
        n = socket.receiveBytes(buf, sizeof buf);
      } catch (const Poco::Exception& e) {
        if (raw.empty()) r.error = e.displayText();
        break;
      }
      if (n <= 0) break;
      raw.append(buf, static_cast<size_t>(n));
    }
  } catch (const Poco::Exception& e) {
    r.error = e.displayText();
    return r;
  }
  // Status line, headers, body (Connection: close, so the body is the rest).
  const auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos || raw.size() < 12) {
    if (r.error.empty()) r.error = "no HTTP reply (got " + std::to_string(raw.size()) + " bytes)";
    return r;
  }
  r.status = std::atoi(raw.substr(9, 3).c_str());
  std::istringstream lines(raw.substr(0, end));
  std::string line;
  std::getline(lines, line);
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    r.headers.emplace_back(line.substr(0, colon), value);
  }
  r.content_type = r.header("Content-Type");
  r.body = raw.substr(end + 4);
  r.json = parseObject(r.body);
  return r;
}

Response HttpClient::loginResponse(const std::string& username, const std::string& password) const {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("username", username);
  o->set("password", password);
  return post("/api/v1/auth/login", toJson(o));
}

std::string HttpClient::login(const std::string& username, const std::string& password) const {
  const Response r = loginResponse(username, password);
  if (r.status != 200 || r.str("token").empty()) {
    ADD_FAILURE() << "login as " << username << " failed: " << r;
    return "";
  }
  return r.str("token");
}

std::string loginDemo(const HttpClient& http, const Daemon& daemon, const std::string& username) {
  return http.login(username, daemon.password(username));
}

// --- WsClient --------------------------------------------------------------------------

WsClient::Connected WsClient::connect(const HttpClient& http, const std::string& token,
                                      const Headers& headers, const std::string& path) {
  Connected out;
  std::unique_ptr<WsClient> client(new WsClient);
  client->session_ = http.newSession();
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) req.set("Authorization", "Bearer " + token);
  for (const auto& [k, v] : headers) req.add(k, v);
  Poco::Net::HTTPResponse resp;
  try {
    client->ws_ = std::make_unique<Poco::Net::WebSocket>(*client->session_, req, resp);
    out.status = static_cast<int>(resp.getStatus());
    out.ws = std::move(client);
  } catch (const Poco::Exception& e) {
    out.status = static_cast<int>(resp.getStatus());
    out.error = e.displayText();
  }
  return out;
}

WsClient::~WsClient() {
  if (!ws_) return;
  try {
    ws_->close();
  } catch (const Poco::Exception&) {
  }
}

bool WsClient::sendText(const std::string& text) {
  if (!ws_ || closed_) return false;
  try {
    ws_->sendFrame(text.data(), static_cast<int>(text.size()), Poco::Net::WebSocket::FRAME_TEXT);
    return true;
  } catch (const Poco::Exception&) {
    closed_ = true;
    return false;
  }
}

Poco::JSON::Object::Ptr WsClient::receiveJson(std::chrono::milliseconds timeout) {
  if (!ws_ || closed_) return nullptr;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Poco::Buffer<char> buffer(0);
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    int flags = 0;
    int n = 0;
    buffer.resize(0);
    try {
      ws_->setReceiveTimeout(toTimespan(std::max(left, std::chrono::milliseconds(1))));
      n = ws_->receiveFrame(buffer, flags);
    } catch (const Poco::TimeoutException&) {
      return nullptr;
    } catch (const Poco::Exception&) {
      closed_ = true;
      return nullptr;
    }
    const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
    if (n == 0 && flags == 0) {  // EOF
      closed_ = true;
      return nullptr;
    }
    if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
      closed_ = true;
      if (buffer.size() >= 2) {
        close_code_ = (static_cast<unsigned char>(buffer[0]) << 8) | static_cast<unsigned char>(buffer[1]);
      }
      return nullptr;
    }
    if (op == Poco::Net::WebSocket::FRAME_OP_PING) {
      try {
        ws_->sendFrame(buffer.begin(), static_cast<int>(buffer.size()),
                       static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) |
                           static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
      } catch (const Poco::Exception&) {
      }
      continue;
    }
    if (op != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
    auto o = parseObject(std::string(buffer.begin(), buffer.size()));
    if (o) return o;
    ADD_FAILURE() << "WebSocket text frame is not a JSON object: "
                  << std::string(buffer.begin(), buffer.size());
  }
}

Poco::JSON::Object::Ptr WsClient::receiveType(const std::string& type, std::chrono::milliseconds timeout,
                                              std::vector<Poco::JSON::Object::Ptr>* skipped) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto o = receiveJson(left);
    if (!o) return nullptr;
    if (strField(o, "type") == type) return o;
    if (skipped) skipped->push_back(o);
  }
}

bool WsClient::waitClosed(std::chrono::milliseconds timeout, std::vector<Poco::JSON::Object::Ptr>* seen) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!closed_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    auto o = receiveJson(left);
    if (o && seen) seen->push_back(o);
  }
  return true;
}

void WsClient::close() {
  if (!ws_ || closed_) return;
  try {
    ws_->shutdown();
  } catch (const Poco::Exception&) {
  }
  closed_ = true;
}

}  // namespace outpost::itest
