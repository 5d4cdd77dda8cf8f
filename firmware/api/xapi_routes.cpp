// The xAPI 1.0.3 Statements resource at /api/v1/learning/xapi/statements (docs/learning.md
// "Learning records"): PUT one statement by id, POST one or an array, GET one by
// statementId / voidedStatementId or a query with a `more` link. Every request needs
// X-Experience-API-Version 1.0.x; every reply carries it.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

#include "api/learning_routes.h"
#include "codec/json.h"
#include "storage/xapi.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

constexpr std::string_view kPath = "/api/v1/learning/xapi/statements";
constexpr int kMaxLimit = 500;
constexpr size_t kMaxBatch = 1000;

Status checkVersionHeader(const Request& req) {
  auto it = req.headers.find("x-experience-api-version");
  if (it == req.headers.end()) {
    return Status::invalidArgument("the X-Experience-API-Version header is required (1.0.3)",
                                   "X-Experience-API-Version");
  }
  const std::string& v = it->second;
  const bool ok = v == "1.0" || (v.rfind("1.0.", 0) == 0 && v.size() > 4 &&
                                 std::all_of(v.begin() + 4, v.end(), [](unsigned char c) { return std::isdigit(c); }));
  if (!ok) {
    return Status::invalidArgument("version \"" + v + "\" is not supported (this LRS speaks 1.0.3)",
                                   "X-Experience-API-Version");
  }
  return Status::ok();
}

// Every reply of the resource, problems included, names the version it speaks.
Handler xapi(Handler inner) {
  return [inner = std::move(inner)](Request& req) -> Result<Reply> {
    Status st = checkVersionHeader(req);
    Result<Reply> r = st.isOk() ? inner(req) : Result<Reply>(st);
    Reply reply = r.isOk() ? std::move(r).value() : problem(r.status(), req.path);
    reply.headers.emplace_back("X-Experience-API-Version", std::string(storage::kXapiVersion));
    return reply;
  };
}

bool supervisor(const Request& req) { return site::atLeast(req.principal->role, site::Role::kSupervisor); }

Result<Poco::Dynamic::Var> parseBody(const std::string& body) {
  if (body.empty()) return Status::invalidArgument("a statement (or an array of statements) is required", "/");
  try {
    Poco::JSON::Parser parser;
    return parser.parse(body);
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("not valid JSON: " + e.message(), "/");
  } catch (const std::exception& e) {
    return Status::invalidArgument(std::string("not valid JSON: ") + e.what(), "/");
  }
}

// Agents record statements about themselves (or about actors the site does not know,
// as third-party content does); supervisors for anyone.
Status mayRecord(const Request& req, const storage::XapiStatement& s, const std::string& path) {
  if (supervisor(req) || s.site_agent.empty()) return Status::ok();
  const Principal& p = *req.principal;
  if (p.agent_id && *p.agent_id == s.site_agent) return Status::ok();
  return Status::permissionDenied("agents record statements only about themselves (" + path + "/actor is " +
                                  s.site_agent + ")");
}

Result<std::vector<storage::XapiStatement>> readBatch(const Request& req, const Poco::Dynamic::Var& body) {
  std::vector<storage::XapiStatement> out;
  auto one = [&](const Poco::Dynamic::Var& v, const std::string& path) -> Status {
    if (v.isEmpty() || v.type() != typeid(Object::Ptr)) return Status::invalidArgument("must be a statement object", path.empty() ? "/" : path);
    auto s = storage::readStatement(v.extract<Object::Ptr>(), path);
    if (!s.isOk()) return s.status();
    OUTPOST_RETURN_IF_ERROR(mayRecord(req, *s, path));
    out.push_back(std::move(*s));
    return Status::ok();
  };
  if (!body.isEmpty() && body.type() == typeid(Array::Ptr)) {
    auto arr = body.extract<Array::Ptr>();
    if (arr->size() == 0) return Status::invalidArgument("an empty array stores nothing", "/");
    if (arr->size() > kMaxBatch) {
      return Status::invalidArgument("at most " + std::to_string(kMaxBatch) + " statements per request", "/");
    }
    for (size_t i = 0; i < arr->size(); ++i) OUTPOST_RETURN_IF_ERROR(one(arr->get(static_cast<unsigned>(i)), "/" + std::to_string(i)));
    // The same id twice in one batch: the whole batch is refused.
    std::vector<std::string> ids;
    for (const auto& s : out) {
      if (!s.id.empty()) ids.push_back(s.id);
    }
    std::sort(ids.begin(), ids.end());
    auto dup = std::adjacent_find(ids.begin(), ids.end());
    if (dup != ids.end()) return Status::invalidArgument("statement id " + *dup + " appears twice in the batch", "/");
  } else {
    OUTPOST_RETURN_IF_ERROR(one(body, ""));
  }
  return out;
}

// Stores the batch in one transaction (all or nothing); returns the ids.
Result<std::vector<std::string>> storeBatch(ApiContext& ctx, const Request& req,
                                            std::vector<storage::XapiStatement>& batch) {
  const WallTime now = ctx.clock.wallNow();
  const std::string user = req.principal->username;
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    for (auto& s : batch) {
      auto stored = storage::storeStatement(db, s, now, user);
      if (!stored.isOk()) return stored.status();
    }
    return Status::ok();
  }));
  std::vector<std::string> ids;
  for (const auto& s : batch) ids.push_back(s.id);
  return ids;
}

Reply withConsistency(Reply r, ApiContext& ctx) {
  // A 2xx means committed: every statement stored before now is returned.
  r.headers.emplace_back("X-Experience-API-Consistent-Through", formatRfc3339(ctx.clock.wallNow()));
  return r;
}

Result<Reply> putStatement(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"statementId"}));
  auto it = req.query.find("statementId");
  if (it == req.query.end() || it->second.empty()) {
    return Status::invalidArgument("is required for PUT (POST stores statements without one)", "?statementId");
  }
  auto body = parseBody(req.body);
  if (!body.isOk()) return body.status();
  if (body->isEmpty() || body->type() != typeid(Object::Ptr)) {
    return Status::invalidArgument("PUT takes one statement object", "/");
  }
  auto batch = readBatch(req, *body);
  if (!batch.isOk()) return batch.status();
  storage::XapiStatement& s = batch->front();
  std::string want = it->second;
  for (char& c : want) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  {
    // The parameter must be a UUID, and the body's id (if any) the same.
    Object::Ptr tmp = new Object(*s.json);
    tmp->set("id", want);
    auto check = storage::readStatement(tmp);
    if (!check.isOk()) return Status::invalidArgument("must be a UUID", "?statementId");
  }
  if (!s.id.empty() && s.id != want) {
    return Status::invalidArgument("the statement's id " + s.id + " differs from ?statementId " + want, "/id");
  }
  s.id = want;
  auto ids = storeBatch(ctx, req, *batch);
  if (!ids.isOk()) return ids.status();
  return Reply::noContent();
}

Result<Reply> postStatements(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = parseBody(req.body);
  if (!body.isOk()) return body.status();
  auto batch = readBatch(req, *body);
  if (!batch.isOk()) return batch.status();
  auto ids = storeBatch(ctx, req, *batch);
  if (!ids.isOk()) return ids.status();
  Array::Ptr a = new Array;
  for (const auto& id : *ids) a->add(id);
  Reply r;
  r.status = 200;
  r.body = codec::toJson(a);
  return r;
}

Result<bool> boolParam(const Request& req, const std::string& name, bool fallback) {
  auto it = req.query.find(name);
  if (it == req.query.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  return Status::invalidArgument("must be true or false", "?" + name);
}

Result<Reply> getStatements(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"statementId", "voidedStatementId", "agent", "verb", "activity",
                                           "registration", "related_activities", "related_agents", "since",
                                           "until", "limit", "ascending", "format", "attachments", "cursor"}));
  if (auto f = req.query.find("format"); f != req.query.end() && f->second != "exact" && f->second != "ids" &&
                                          f->second != "canonical") {
    return Status::invalidArgument("must be exact, ids or canonical", "?format");
  }
  const std::string format = req.query.contains("format") ? req.query.at("format") : "exact";
  std::string language;
  if (auto al = req.headers.find("accept-language"); al != req.headers.end()) {
    language = al->second.substr(0, al->second.find_first_of(",;"));
  }
  auto attachments = boolParam(req, "attachments", false);
  if (!attachments.isOk()) return attachments.status();
  const bool by_id = req.query.contains("statementId");
  const bool by_voided = req.query.contains("voidedStatementId");
  if (by_id || by_voided) {
    if (by_id && by_voided) {
      return Status::invalidArgument("give statementId or voidedStatementId, not both", "?voidedStatementId");
    }
    for (const auto& [k, v] : req.query) {
      if (k != "statementId" && k != "voidedStatementId" && k != "format" && k != "attachments") {
        return Status::invalidArgument("cannot be combined with " + std::string(by_id ? "statementId" : "voidedStatementId"),
                                       "?" + k);
      }
    }
    const std::string id = by_id ? req.query.at("statementId") : req.query.at("voidedStatementId");
    auto text = withReader(ctx, [&](Database& db) { return storage::statementById(db, id, by_voided); });
    if (!text.isOk()) return text.status();
    auto s = codec::JsonReader::parseObject(*text);
    if (!s.isOk()) return Status::dataLoss("stored statement " + id + " is not readable");
    if (!supervisor(req)) {
      auto parsed = storage::readStatement(*s);
      const Principal& p = *req.principal;
      const bool own = parsed.isOk() && p.agent_id && parsed->site_agent == *p.agent_id;
      const Object::Ptr auth = (*s)->getObject("authority");
      const bool authored = auth && auth->getObject("account") &&
                            auth->getObject("account")->optValue<std::string>("name", "") == p.username;
      if (!own && !authored) return Status::notFound("no statement " + id);
    }
    Reply r;
    r.status = 200;
    r.body = storage::formatStatement(*text, format, language);
    r.headers.emplace_back("Last-Modified", (*s)->optValue<std::string>("stored", ""));
    return withConsistency(std::move(r), ctx);
  }
  storage::StatementQuery q;
  if (auto a = req.query.find("agent"); a != req.query.end()) {
    auto obj = codec::JsonReader::parseObject(a->second);
    if (!obj.isOk()) return Status::invalidArgument("must be an Agent or Group as JSON", "?agent");
    auto key = storage::agentKey(*obj, "?agent");
    if (!key.isOk()) return key.status();
    q.agent = *key;
  }
  if (auto v = req.query.find("verb"); v != req.query.end()) q.verb = v->second;
  if (auto v = req.query.find("activity"); v != req.query.end()) q.activity = v->second;
  if (auto v = req.query.find("registration"); v != req.query.end()) {
    std::string reg = v->second;
    for (char& c : reg) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool uuid = reg.size() == 36 && std::all_of(reg.begin(), reg.end(), [](unsigned char c) {
      return std::isxdigit(c) || c == '-';
    });
    if (!uuid) return Status::invalidArgument("must be a UUID", "?registration");
    q.registration = reg;
  }
  for (const char* k : {"since", "until"}) {
    auto t = req.query.find(k);
    if (t == req.query.end()) continue;
    auto ms = storage::parseXapiTimestamp(t->second);
    if (!ms.isOk()) return Status::invalidArgument(ms.status().message(), std::string("?") + k);
    (std::string_view(k) == "since" ? q.since_ms : q.until_ms) = *ms;
  }
  q.limit = kMaxLimit;
  if (auto l = req.query.find("limit"); l != req.query.end()) {
    const std::string& v = l->second;
    if (v.empty() || v.size() > 9 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return Status::invalidArgument("must be a whole number (0: the server's maximum)", "?limit");
    }
    const int n = std::stoi(v);
    q.limit = n == 0 ? kMaxLimit : std::min(n, kMaxLimit);
  }
  auto related_agents = boolParam(req, "related_agents", false);
  if (!related_agents.isOk()) return related_agents.status();
  q.related_agents = *related_agents;
  auto related_activities = boolParam(req, "related_activities", false);
  if (!related_activities.isOk()) return related_activities.status();
  q.related_activities = *related_activities;
  auto asc = boolParam(req, "ascending", false);
  if (!asc.isOk()) return asc.status();
  q.ascending = *asc;
  if (auto c = req.query.find("cursor"); c != req.query.end()) {
    const std::string& v = c->second;
    if (v.empty() || v.size() > 15 || !std::all_of(v.begin(), v.end(), [](unsigned char ch) { return std::isdigit(ch); })) {
      return Status::invalidArgument("is not a cursor this server handed out", "?cursor");
    }
    q.cursor = std::stoll(v);
  }
  if (!supervisor(req)) {
    const Principal& p = *req.principal;
    q.only_actor = p.agent_id ? storage::siteAgentKey(*p.agent_id) : std::string("-");
    q.or_authority = p.username;
  }
  auto page = withReader(ctx, [&](Database& db) { return storage::queryStatements(db, q); });
  if (!page.isOk()) return page.status();
  std::string body = "{\"statements\":[";
  for (size_t i = 0; i < page->statements.size(); ++i) {
    if (i > 0) body += ",";
    body += storage::formatStatement(page->statements[i], format, language);
  }
  body += "],\"more\":";
  std::string more;
  if (page->next_cursor > 0) {
    more = std::string(kPath) + "?";
    for (const auto& [k, v] : req.query) {
      if (k == "cursor") continue;
      std::string enc;
      Poco::URI::encode(v, "&=+?#/:", enc);
      more += k + "=" + enc + "&";
    }
    more += "cursor=" + std::to_string(page->next_cursor);
  }
  Object::Ptr m = new Object;
  m->set("more", more);
  const std::string more_json = codec::toJson(m);
  body += more_json.substr(more_json.find(':') + 1, more_json.size() - more_json.find(':') - 2);
  body += "}";
  Reply r;
  r.status = 200;
  r.body = std::move(body);
  return withConsistency(std::move(r), ctx);
}

}  // namespace

void addXapiRoutes(Router& router, ApiContext& ctx) {
  const std::string path(kPath);
  router.add("PUT", path, Access::kAgent, xapi([&ctx](Request& req) { return putStatement(ctx, req); }));
  router.add("POST", path, Access::kAgent, xapi([&ctx](Request& req) { return postStatements(ctx, req); }));
  router.add("GET", path, Access::kAgent, xapi([&ctx](Request& req) { return getStatements(ctx, req); }));
}

}  // namespace outpost::api
