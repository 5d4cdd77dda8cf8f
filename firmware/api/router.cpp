#include "api/router.h"

#include <Poco/URI.h>

#include "codec/json.h"

namespace outpost::api {
namespace {

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    const size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string_view problemSlug(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument: return "invalid-argument";
    case StatusCode::kNotFound: return "not-found";
    case StatusCode::kAlreadyExists: return "already-exists";
    case StatusCode::kConflict: return "conflict";
    case StatusCode::kFailedPrecondition: return "failed-precondition";
    case StatusCode::kUnauthenticated: return "unauthenticated";
    case StatusCode::kPermissionDenied: return "permission-denied";
    case StatusCode::kResourceExhausted: return "resource-exhausted";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kDataLoss: return "data-loss";
    default: return "internal";
  }
}

std::string_view titleFor(int http_status) {
  switch (http_status) {
    case 400: return "Bad request";
    case 401: return "Not logged in";
    case 403: return "Not allowed";
    case 404: return "Not found";
    case 405: return "Method not allowed";
    case 409: return "Conflict";
    case 413: return "Request body too large";
    case 415: return "Unsupported media type";
    case 422: return "Cannot be processed";
    case 429: return "Too many requests";
    case 503: return "Service unavailable";
    default: return "Internal error";
  }
}

}  // namespace

Reply Reply::json(int status, const Poco::JSON::Object::Ptr& body) {
  return Reply{status, "application/json", codec::toJson(body), {}};
}

int httpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict: return 409;
    case StatusCode::kFailedPrecondition: return 422;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

Reply problem(int http_status, std::string_view title, const std::string& detail, const std::string& instance) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("type", "about:blank");
  body->set("title", std::string(title));
  body->set("status", http_status);
  body->set("detail", detail);
  body->set("instance", instance);
  Reply r = Reply::json(http_status, body);
  r.content_type = "application/problem+json";
  return r;
}

Reply problem(const Status& status, const std::string& instance) {
  const int http = httpStatusFor(status);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("type", "urn:outpost:problem:" + std::string(problemSlug(status.code())));
  body->set("title", std::string(titleFor(http)));
  body->set("status", http);
  body->set("detail", status.describe());
  body->set("instance", instance);
  if (!status.where().empty() && status.where().front() == '/') body->set("field", status.where());
  Reply r = Reply::json(http, body);
  r.content_type = "application/problem+json";
  if (http == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"outpost\"");
  return r;
}

void Router::add(std::string method, std::string pattern, Access access, Handler handler) {
  Route r{std::move(method), std::move(pattern), access, std::move(handler), {}};
  r.segments = splitPath(r.pattern);
  routes_.push_back(std::move(r));
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>& params, bool& path_known) const {
  const auto segs = splitPath(path);
  path_known = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> found;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const auto& p = r.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        std::string decoded;
        Poco::URI::decode(segs[i], decoded);
        if (decoded.empty()) ok = false;
        found[p.substr(1, p.size() - 2)] = decoded;
      } else {
        ok = p == segs[i];
      }
    }
    if (!ok) continue;
    path_known = true;
    if (r.method != method) continue;
    params = std::move(found);
    return &r;
  }
  return nullptr;
}

Reply Router::dispatch(Request& request, const std::string& token) const {
  bool path_known = false;
  const Route* route = match(request.method, request.path, request.params, path_known);
  if (route == nullptr) {
    if (path_known) {
      std::string allow;
      std::map<std::string, std::string> ignored;
      bool known = false;
      for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
        if (match(m, request.path, ignored, known) != nullptr) allow += (allow.empty() ? "" : ", ") + std::string(m);
      }
      Reply r = problem(405, "Method not allowed",
                        request.method + " is not supported on " + request.path + "; allowed: " + allow, request.path);
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    return problem(404, "Not found", "no API route " + request.path, request.path);
  }
  if (route->access != Access::kPublic) {
    if (token.empty()) {
      return problem(Status::unauthenticated("log in first: send \"Authorization: Bearer <token>\" from "
                                             "POST /api/v1/auth/login"),
                     request.path);
    }
    auto who = authenticate_ ? authenticate_(token) : Result<Principal>(Status::unauthenticated("no sessions"));
    if (!who) return problem(who.status(), request.path);
    request.principal = std::move(*who);
    request.bearer_token = token;
    const site::Role need = route->access == Access::kAdmin        ? site::Role::kAdmin
                            : route->access == Access::kSupervisor ? site::Role::kSupervisor
                                                                   : site::Role::kAgent;
    if (!site::atLeast(request.principal->role, need)) {
      return problem(Status::permissionDenied("this needs the " + std::string(site::roleName(need)) +
                                              " role; you are logged in as " +
                                              std::string(site::roleName(request.principal->role))),
                     request.path);
    }
  }
  Result<Reply> reply = [&]() -> Result<Reply> {
    try {
      return route->handler(request);
    } catch (const std::exception& e) {
      return Status::internal(std::string("unexpected error: ") + e.what());
    }
  }();
  if (!reply) return problem(reply.status(), request.path);
  return std::move(*reply);
}

}  // namespace outpost::api
