#include "ctl/appliance.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "codec/json.h"

namespace outpost::ctl {

struct ApplianceClient::Target {
  std::string scheme;
  std::string host;
  uint16_t port = 0;
  Poco::Net::Context::Ptr tls;
};

namespace {

bool isLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

StatusCode codeFor(int http) {
  switch (http) {
    case 400: return StatusCode::kInvalidArgument;
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kConflict;
    case 412: return StatusCode::kFailedPrecondition;
    case 422: return StatusCode::kFailedPrecondition;
    case 429: return StatusCode::kResourceExhausted;
    case 503: return StatusCode::kUnavailable;
    default: return StatusCode::kInternal;
  }
}

Result<std::string> password(const Args& args) {
  if (const std::string file = args.optional("--password-file"); !file.empty()) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) return Status::notFound("cannot read the password", "--password-file");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (const char* env = std::getenv("OUTPOSTCTL_PASSWORD"); env && *env) return std::string(env);
  return Status::invalidArgument("give the password in a file (--password-file) or in $OUTPOSTCTL_PASSWORD",
                                 "--password-file");
}

}  // namespace

ApplianceClient::~ApplianceClient() {
  if (token_.empty()) return;
  (void)call("POST", "/api/v1/auth/logout", "");
}

Result<std::unique_ptr<ApplianceClient>> ApplianceClient::login(const Args& args) {
  auto url = args.required("--url");
  if (!url) return url.status();
  std::unique_ptr<ApplianceClient> c(new ApplianceClient);
  c->target_ = std::make_unique<Target>();
  Target& t = *c->target_;
  try {
    Poco::URI uri(*url);
    t.scheme = uri.getScheme();
    t.host = uri.getHost();
    t.port = uri.getPort();
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("not a URL: " + e.displayText(), "--url");
  }
  if (t.scheme != "https" && t.scheme != "http") return Status::invalidArgument("must be https://… or http://…", "--url");
  if (t.host.empty()) return Status::invalidArgument("has no host", "--url");
  if (t.scheme == "http" && !isLoopback(t.host)) {
    return Status::invalidArgument("http:// only to a loopback address (the password would cross the network in clear)",
                                   "--url");
  }
  if (t.scheme == "https") {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
    const std::string ca = args.optional("--ca");
    try {
      t.tls = new Poco::Net::Context(Poco::Net::Context::CLIENT_USE, "", "", ca, Poco::Net::Context::VERIFY_RELAXED, 9,
                                     ca.empty());
    } catch (const Poco::Exception& e) {
      return Status::invalidArgument("cannot use it: " + e.displayText(), "--ca");
    }
  }
  auto pw = password(args);
  if (!pw) return pw.status();
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("username", args.optional("--user", "admin"));
  body->set("password", *pw);
  auto r = c->call("POST", "/api/v1/auth/login", codec::toJson(body));
  if (!r) return Status(r.status().code(), "login: " + r.status().message(), r.status().where());
  if (!(*r)->has("token")) return Status::internal("login: the reply has no token");
  c->token_ = (*r)->getValue<std::string>("token");
  return c;
}

Result<Poco::JSON::Object::Ptr> ApplianceClient::call(const std::string& method, const std::string& path,
                                                      const std::string& body) {
  const Target& t = *target_;
  try {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (t.scheme == "https") {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(t.host, t.port, t.tls);
    } else {
      session = std::make_unique<Poco::Net::HTTPClientSession>(t.host, t.port);
    }
    session->setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token_.empty()) req.set("Authorization", "Bearer " + token_);
    if (method == "POST") {
      if (!body.empty()) req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session->sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session->receiveResponse(resp);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    const int status = static_cast<int>(resp.getStatus());
    Poco::JSON::Object::Ptr object;
    if (!text.empty()) {
      auto parsed = codec::JsonReader::parseObject(text);
      if (parsed) object = *parsed;
    }
    if (status >= 200 && status < 300) return object ? object : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    std::string detail = "HTTP " + std::to_string(status);
    if (object && object->has("detail")) detail = object->getValue<std::string>("detail");
    else if (object && object->has("title")) detail = object->getValue<std::string>("title");
    return Status(codeFor(status), detail, method + " " + path);
  } catch (const Poco::Exception& e) {
    return Status(StatusCode::kUnavailable, "cannot reach the appliance: " + e.displayText(), method + " " + path);
  } catch (const std::exception& e) {
    return Status(StatusCode::kUnavailable, std::string("cannot reach the appliance: ") + e.what(), method + " " + path);
  }
}

}  // namespace outpost::ctl
