#pragma once

// The route table of the HTTP API and the request/reply types handlers see.
//
// A route is a method, a path pattern with {placeholders}, the least role that may
// call it (or public), and a handler. Dispatch matches the path, authenticates,
// checks the role, and turns any error Status into an RFC 9457 problem+json reply —
// the one place where errors become HTTP. The table is also what the OpenAPI test
// compares against docs/api/openapi.yaml.
//
// Thread-safety: the table is built once at start-up, then read by every HTTP thread.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/JSON/Object.h>

#include "core/status.h"
#include "site/directory.h"

namespace outpost::api {

// Who is calling, after authentication.
struct Principal {
  std::string username;
  site::Role role = site::Role::kAgent;
  std::optional<std::string> agent_id;
  std::string display_name;
  std::string token_digest;  // of the session used
};

struct Request {
  std::string method;
  std::string path;
  std::map<std::string, std::string> params;  // from the path pattern
  std::map<std::string, std::string> query;   // decoded query string
  std::string body;
  std::string address;  // client IP
  std::optional<Principal> principal;
  std::string bearer_token;  // as presented (for logout)
  std::map<std::string, std::string> headers;  // request headers, names in lower case
};

struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body streamed from a file instead of `body` (learning media, HTTP range requests).
  struct FileBody {
    std::string path;
    uint64_t offset = 0;
    uint64_t length = 0;
  };
  std::optional<FileBody> file;

  static Reply json(int status, const Poco::JSON::Object::Ptr& body);
  static Reply noContent() { return Reply{204, "", "", {}}; }
};

using Handler = std::function<Result<Reply>(Request&)>;

enum class Access {
  kPublic,       // no session needed
  kAgent,        // any logged-in user (agent, supervisor, admin)
  kSupervisor,   // supervisor or admin
  kAdmin,        // admin only
};

struct Route {
  std::string method;
  std::string pattern;  // "/api/v1/agents/{id}"
  Access access;
  Handler handler;
  std::vector<std::string> segments;  // pattern split on '/'
};

// Maps a Status to its HTTP status code (kInvalidArgument → 400, kNotFound → 404 …).
int httpStatusFor(const Status& status);
// An RFC 9457 problem+json reply for `status`, with `instance` = the request path.
Reply problem(const Status& status, const std::string& instance);
Reply problem(int http_status, std::string_view title, const std::string& detail, const std::string& instance);

class Router {
 public:
  // Resolves a bearer token (or cookie) to a principal; kUnauthenticated if not valid.
  using Authenticator = std::function<Result<Principal>(const std::string& token)>;

  void add(std::string method, std::string pattern, Access access, Handler handler);
  void setAuthenticator(Authenticator a) { authenticate_ = std::move(a); }

  // Finds the route, authenticates and authorises, runs the handler; always returns
  // a reply (problem+json on any error). `token` is the presented credential.
  Reply dispatch(Request& request, const std::string& token) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  const Route* match(const std::string& method, const std::string& path, std::map<std::string, std::string>& params,
                     bool& path_known) const;
  std::vector<Route> routes_;
  Authenticator authenticate_;
};

}  // namespace outpost::api
