#include "api/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace outpost::api {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxFileBytes = 16 * 1024 * 1024;

Reply notFound(const std::string& path) {
  return problem(404, "Not found", "no file or app page \"" + path + "\" here", path);
}

bool safeSegments(const std::string& path, bool& has_extension) {
  if (path.empty() || path[0] != '/') return false;
  if (path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) return false;
  has_extension = false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    const std::string segment = path.substr(start, end - start);
    const bool last = end == path.size();
    if (segment.empty()) {
      if (!last) return false;  // "//"
    } else {
      if (segment[0] == '.') return false;  // ".", "..", hidden files
      if (last) has_extension = segment.find('.') != std::string::npos;
    }
    start = end + 1;
  }
  return true;
}

std::optional<std::string> readFile(const fs::path& file) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The file's real path if it is a regular file inside `root`.
std::optional<fs::path> inside(const std::string& root, const fs::path& candidate) {
  std::error_code ec;
  const fs::path real = fs::canonical(candidate, ec);
  if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
  const std::string text = real.string();
  if (text.size() <= root.size() || text.compare(0, root.size(), root) != 0 || text[root.size()] != '/') {
    return std::nullopt;
  }
  return real;
}

bool isAppRoute(const std::string& path) {
  const size_t end = path.find('/', 1);
  const std::string first = path.substr(1, end == std::string::npos ? std::string::npos : end - 1);
  for (const char* route : StaticFiles::kAppRoutes) {
    if (first == route) return true;
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(std::string root) {
  if (root.empty()) return;
  std::error_code ec;
  const fs::path real = fs::canonical(root, ec);
  root_ = ec ? root : real.string();
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

bool StaticFiles::handles(const std::string& path) {
  return path.rfind("/api/", 0) != 0 && path != "/api" && path != "/healthz" && path != "/readyz";
}

std::string StaticFiles::contentType(const std::string& file_name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html"},          {".js", "text/javascript"},   {".mjs", "text/javascript"},
      {".css", "text/css"},            {".json", "application/json"}, {".svg", "image/svg+xml"},
      {".png", "image/png"},           {".jpg", "image/jpeg"},       {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},        {".webp", "image/webp"},      {".woff2", "font/woff2"},
      {".woff", "font/woff"},          {".txt", "text/plain"},       {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
  };
  const auto dot = file_name.rfind('.');
  if (dot != std::string::npos) {
    const std::string ext = file_name.substr(dot);
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return type;
    }
  }
  return "application/octet-stream";
}

std::optional<Reply> StaticFiles::serve(const std::string& path) const {
  if (!enabled()) return std::nullopt;
  bool has_extension = false;
  if (!safeSegments(path, has_extension)) return notFound(path);
  std::string relative = path.substr(1);
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  auto file = inside(root_, fs::path(root_) / relative);
  bool app_route = false;
  if (!file && !has_extension && isAppRoute(path)) {  // a route of the single-page app
    file = inside(root_, fs::path(root_) / "index.html");
    app_route = true;
  }
  if (!file) return notFound(path);
  auto body = readFile(*file);
  if (!body) return problem(500, "Internal error", "cannot read \"" + path + "\"", path);
  Reply reply;
  reply.status = 200;
  reply.content_type = app_route ? "text/html" : contentType(file->filename().string());
  reply.body = std::move(*body);
  const bool fingerprinted = !app_route && path.rfind("/assets/", 0) == 0;
  reply.headers.emplace_back("Cache-Control", fingerprinted ? "public, max-age=31536000, immutable" : "no-cache");
  if (reply.content_type == "text/html") {
    reply.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' "
                               "'unsafe-inline'; frame-ancestors 'none'");
    reply.headers.emplace_back("X-Frame-Options", "DENY");
  }
  return reply;
}

}  // namespace outpost::api
