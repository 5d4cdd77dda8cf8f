// docs/api/openapi.yaml documents exactly the routes outpostd serves.
//
// The route table is built the way firmware/app/daemon.cpp builds it (real storage,
// writer, read pool, engine, limiter and context in a temporary folder), plus
// GET /api/v1/ws, which the WebSocket hub serves outside the table. The YAML is read
// by a small indentation-based reader of the `paths:` block: path keys at 2 spaces,
// method keys at 4, `x-outpost-role:` and `security:` at 6. Both sides must list the
// same (METHOD, path) pairs, and each operation's x-outpost-role must be the route's
// Access.

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "plugins/rules.h"
#include "api/context.h"
#include "api/learning_routes.h"
#include "api/router.h"
#include "auth/login_limiter.h"
#include "core/clock.h"
#include "core/event_loop.h"
#include "engine/engine.h"
#include "routing/types.h"
#include "storage/database.h"
#include "storage/journal.h"
#include "storage/migrations.h"
#include "storage/read_pool.h"
#include "storage/writer.h"
#include "source_tree.h"

namespace outpost::api {
namespace {

using Key = std::pair<std::string, std::string>;  // (METHOD, path)

std::string roleOf(Access access) {
  switch (access) {
    case Access::kPublic:
      return "public";
    case Access::kAgent:
      return "agent";
    case Access::kSupervisor:
      return "supervisor";
    case Access::kAdmin:
      return "admin";
  }
  return "?";
}

std::string show(const Key& k) { return k.first + " " + k.second; }

// ---- the real route table ----------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "outpost-openapi-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The parts daemon.cpp wires together, minus the HTTP server and the hub.
struct RealApi {
  TempDir dir;
  const Clock& clock = SystemClock::instance();
  std::unique_ptr<storage::Writer> writer;
  std::unique_ptr<storage::ReadPool> reads;
  std::unique_ptr<storage::EventJournal> journal;
  std::unique_ptr<EventLoop> loop;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<auth::LoginLimiter> limiter;
  std::unique_ptr<ApiContext> context;
  std::unique_ptr<storage::ContentCache> content;
  std::unique_ptr<LearningServices> learning_services;
  std::unique_ptr<plugins::RulesHost> rules;
  Router router;

  // Returns false (with a test failure recorded) when storage cannot be set up.
  bool build() {
    const std::string db_path = dir.path() + "/outpost.db";
    auto db = storage::Database::open(db_path);
    if (!db) {
      ADD_FAILURE() << "opening " << db_path << ": " << db.status().toString();
      return false;
    }
    auto migrated = storage::migrate(**db, storage::outpostMigrations());
    if (!migrated) {
      ADD_FAILURE() << "migrating: " << migrated.status().toString();
      return false;
    }
    writer = std::make_unique<storage::Writer>(std::move(*db));
    writer->start();
    reads = std::make_unique<storage::ReadPool>(db_path);
    journal = std::make_unique<storage::EventJournal>(*writer, clock);
    loop = std::make_unique<EventLoop>(clock);
    engine = std::make_unique<engine::Engine>(*loop, *journal, routing::RouterOptions{});
    limiter = std::make_unique<auth::LoginLimiter>(clock);
    context = std::make_unique<ApiContext>(ApiContext{*writer, *reads, *engine, clock, *limiter, ApiOptions{},
                                                      [] { return Status::ok(); }, nullptr});
    ApiContext& ctx = *context;
    router.setAuthenticator([&ctx](const std::string& token) { return authenticate(ctx, token); });
    addSystemRoutes(router, ctx);
    addAuthRoutes(router, ctx);
    addDirectoryRoutes(router, ctx);
    addPresenceRoutes(router, ctx);
    addContactRoutes(router, ctx);
    addDesktopRoutes(router, ctx);
    addChatRoutes(router, ctx);
    addSyncRoutes(router, ctx);
    content = std::make_unique<storage::ContentCache>(
        storage::ContentCacheOptions{dir.path() + "/content", 1 << 20, {}}, learning::defaultFramework(), clock);
    learning_services = std::make_unique<LearningServices>(
        LearningServices{*content, learning::defaultFramework(), {}, {}});
    addLearningRoutes(router, ctx, *learning_services);
    addXapiRoutes(router, ctx);
    addIvrRoutes(router, ctx);
    rules = std::make_unique<plugins::RulesHost>(clock, signing::TrustStore{}, plugins::RulesOptions{});
    addRulesRoutes(router, ctx, *rules);
    return true;
  }

  ~RealApi() {
    if (writer) writer->stop();
  }

  // (METHOD, path) → role, including the hub's GET /api/v1/ws (any logged-in user).
  std::map<Key, std::string> routes() const {
    std::map<Key, std::string> out;
    for (const auto& r : router.routes()) {
      const bool fresh = out.emplace(Key{r.method, r.pattern}, roleOf(r.access)).second;
      EXPECT_TRUE(fresh) << "route registered twice: " << r.method << " " << r.pattern;
    }
    out.emplace(Key{"GET", "/api/v1/ws"}, roleOf(Access::kAgent));
    return out;
  }
};

// ---- the documented operations ---------------------------------------------------------

struct Operation {
  std::string role;              // x-outpost-role, empty if missing
  bool public_security = false;  // `security: []`
  int line = 0;
};

struct OpenApiDoc {
  std::map<Key, Operation> operations;
  std::vector<std::string> errors;  // layout problems the reader found
};

size_t indentOf(const std::string& line) {
  size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

// Splits "key: value" (value may be empty); false if the line is not a mapping entry.
bool splitKey(const std::string& text, std::string& key, std::string& value) {
  const auto colon = text.find(':');
  if (colon == std::string::npos) return false;
  key = unquote(trim(text.substr(0, colon)));
  value = trim(text.substr(colon + 1));
  if (const auto hash = value.find(" #"); hash != std::string::npos) value = trim(value.substr(0, hash));
  if (!value.empty() && value.front() == '#') value.clear();
  return true;
}

OpenApiDoc readOpenApi(const std::string& text) {
  static const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                                 "options", "head", "patch", "trace"};
  OpenApiDoc doc;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  bool in_paths = false;
  bool seen_paths = false;
  std::string path;
  Operation* op = nullptr;
  while (std::getline(in, raw)) {
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    const std::string body = trim(raw);
    if (body.empty() || body.front() == '#') continue;
    const size_t indent = indentOf(raw);
    if (raw[indent] == '\t') {
      doc.errors.push_back("line " + std::to_string(line_no) + ": tab in indentation");
      continue;
    }
    if (indent == 0) {
      in_paths = body == "paths:";
      seen_paths = seen_paths || in_paths;
      path.clear();
      op = nullptr;
      continue;
    }
    if (!in_paths) continue;
    std::string key, value;
    if (indent == 2) {
      op = nullptr;
      if (!splitKey(body, key, value) || key.empty() || key.front() != '/' || !value.empty()) {
        doc.errors.push_back("line " + std::to_string(line_no) +
                             ": expected a path key like \"  /api/v1/x:\", got \"" + body + "\"");
        path.clear();
        continue;
      }
      path = key;
    } else if (indent == 4) {
      op = nullptr;
      if (path.empty() || !splitKey(body, key, value)) continue;
      if (kMethods.count(key) == 0) continue;  // parameters:, summary: …
      std::string method = key;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto [it, fresh] = doc.operations.emplace(Key{method, path}, Operation{});
      if (!fresh)
        doc.errors.push_back("line " + std::to_string(line_no) + ": " + method + " " + path + " twice");
      it->second.line = line_no;
      op = &it->second;
    } else if (indent == 6 && op != nullptr) {
      if (!splitKey(body, key, value)) continue;
      if (key == "x-outpost-role") op->role = unquote(value);
      if (key == "security" && value == "[]") op->public_security = true;
    }
  }
  if (!seen_paths) doc.errors.push_back("no top-level \"paths:\" key");
  return doc;
}

std::string openApiPath() {
  return outpost::source_tree::sourcePath("docs/api/openapi.yaml");
}

class OpenApi : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = openApiPath();
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot read " << path << " (is OUTPOST_SOURCE_DIR set? ctest sets it)";
    std::stringstream text;
    text << in.rdbuf();
    doc_ = readOpenApi(text.str());
    for (const auto& e : doc_.errors) ADD_FAILURE() << path << ": " << e;
    ASSERT_FALSE(doc_.operations.empty()) << "no operations found under paths: in " << path;
    ASSERT_TRUE(api_.build());
    routes_ = api_.routes();
  }

  RealApi api_;
  OpenApiDoc doc_;
  std::map<Key, std::string> routes_;
};

TEST_F(OpenApi, DocumentsExactlyTheRoutesInTheCode) {
  std::vector<std::string> undocumented, unknown;
  for (const auto& [key, role] : routes_) {
    if (doc_.operations.count(key) == 0) undocumented.push_back(show(key));
  }
  for (const auto& [key, op] : doc_.operations) {
    if (routes_.count(key) == 0) unknown.push_back(show(key) + " (line " + std::to_string(op.line) + ")");
  }
  std::string report;
  if (!undocumented.empty()) {
    report += "Routes in the code but not in docs/api/openapi.yaml:\n";
    for (const auto& s : undocumented) report += "  " + s + "\n";
  }
  if (!unknown.empty()) {
    report += "Operations in docs/api/openapi.yaml that the code does not serve:\n";
    for (const auto& s : unknown) report += "  " + s + "\n";
  }
  EXPECT_TRUE(undocumented.empty() && unknown.empty()) << report;
  EXPECT_EQ(doc_.operations.size(), routes_.size());
}

TEST_F(OpenApi, RoleOfEveryOperationMatchesItsAccess) {
  for (const auto& [key, role] : routes_) {
    auto it = doc_.operations.find(key);
    if (it == doc_.operations.end()) continue;  // reported by the test above
    EXPECT_EQ(it->second.role, role) << show(key) << " (line " << it->second.line
                                     << "): x-outpost-role should be \"" << role << "\" as in the code";
  }
}

TEST_F(OpenApi, PublicOperationsAndOnlyThoseNeedNoSession) {
  for (const auto& [key, op] : doc_.operations) {
    if (op.role == "public") {
      EXPECT_TRUE(op.public_security)
          << show(key) << " (line " << op.line << ") is public: it needs `security: []`";
    } else {
      EXPECT_FALSE(op.public_security)
          << show(key) << " (line " << op.line << ") is " << op.role << "-only but says `security: []`";
    }
  }
}

TEST_F(OpenApi, RouterDispatchesTheTableItExposes) {
  // routes() is what dispatch matches against: a public route answers without a
  // session, an agent route asks for one, and anything else is not found.
  Request req;
  req.method = "GET";
  req.path = "/healthz";
  EXPECT_EQ(api_.router.dispatch(req, "").status, 200);
  Request me;
  me.method = "GET";
  me.path = "/api/v1/auth/me";
  EXPECT_EQ(api_.router.dispatch(me, "").status, 401);
  Request none;
  none.method = "GET";
  none.path = "/api/v1/not-a-route";
  EXPECT_EQ(api_.router.dispatch(none, "").status, 404);
}

TEST(OpenApiReader, ReadsPathsMethodsAndRoles) {
  const std::string text =
      "openapi: 3.1.0\n"
      "paths:\n"
      "  /healthz:\n"
      "    get:\n"
      "      x-outpost-role: public\n"
      "      security: []\n"
      "  '/api/v1/agents/{id}':\n"
      "    parameters:\n"
      "      - $ref: '#/components/parameters/AgentId'\n"
      "    # a comment\n"
      "    patch:\n"
      "      description: |\n"
      "        get: not a method\n"
      "      x-outpost-role: admin  # least role\n"
      "components:\n"
      "  schemas:\n"
      "    get:\n"
      "      x-outpost-role: nobody\n";
  const OpenApiDoc doc = readOpenApi(text);
  EXPECT_TRUE(doc.errors.empty());
  ASSERT_EQ(doc.operations.size(), 2u);
  const auto& health = doc.operations.at(Key{"GET", "/healthz"});
  EXPECT_EQ(health.role, "public");
  EXPECT_TRUE(health.public_security);
  const auto& patch = doc.operations.at(Key{"PATCH", "/api/v1/agents/{id}"});
  EXPECT_EQ(patch.role, "admin");
  EXPECT_FALSE(patch.public_security);
}

TEST(OpenApiReader, ReportsAMisplacedPathKey) {
  const OpenApiDoc doc = readOpenApi("paths:\n  healthz:\n    get:\n      x-outpost-role: public\n");
  EXPECT_EQ(doc.errors.size(), 1u);
  EXPECT_TRUE(doc.operations.empty());
}

}  // namespace
}  // namespace outpost::api
