#pragma once

// StaticFiles: serves the built agent desktop (agent-client/dist) from one folder.
//
// GET only. A path that names a file under the root is sent with its content type;
// fingerprinted files under /assets/ are cached for a year (immutable), everything
// else must be revalidated (no-cache). The single-page app's routes (/agent,
// /supervisor, /admin and paths under them) that name no file get index.html; any
// other missing path is 404. Paths with "..", ".", empty or hidden segments, backslashes or NULs,
// and anything whose real location (after symlinks) is outside the root, are
// refused with 404 — the same answer as a file that is not there.
//
// Thread-safety: immutable after construction; serve() from any thread.

#include <optional>
#include <string>

#include "api/router.h"

namespace outpost::api {

class StaticFiles {
 public:
  // The first path segments that are routes of the app.
  static constexpr const char* kAppRoutes[] = {"agent", "supervisor", "admin"};

  // `root` empty: nothing is served (every call answers nullopt).
  explicit StaticFiles(std::string root);

  bool enabled() const { return !root_.empty(); }
  const std::string& root() const { return root_; }

  // True for paths this serves: everything but the API (/api/…) and /healthz, /readyz.
  static bool handles(const std::string& path);
  // The reply for GET `path` (decoded, without the query); nullopt when disabled.
  std::optional<Reply> serve(const std::string& path) const;

  // The content type for a file name, by its extension (application/octet-stream if unknown).
  static std::string contentType(const std::string& file_name);

 private:
  std::string root_;  // canonical, no trailing slash
};

}  // namespace outpost::api
