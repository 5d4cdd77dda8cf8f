// Learning routes: see api/learning_routes.h and docs/learning.md.

#include "api/learning_routes.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "codec/json.h"
#include "codec/site_codec.h"
#include "engine/directory_mapping.h"
#include "storage/directory_store.h"
#include "signing/digest.h"
#include "learning/gamification.h"
#include "storage/content_package.h"
#include "storage/learning_store.h"
#include "storage/xapi.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

Object::Ptr text(const learning::Text& t) {
  Object::Ptr o = new Object;
  o->set("zh-CN", t.zh);
  o->set("en", t.en);
  return o;
}

Array::Ptr strings(const std::vector<std::string>& v) {
  Array::Ptr a = new Array;
  for (const auto& s : v) a->add(s);
  return a;
}

// The course as agents see it: quizzes without their answers.
Object::Ptr encodeCourse(const learning::Course& c) {
  Object::Ptr o = new Object;
  o->set("id", c.id);
  o->set("version", c.version);
  o->set("title", text(c.title));
  o->set("summary", text(c.summary));
  o->set("items", strings(c.items));
  o->set("minutes", c.minutes);
  Array::Ptr lessons = new Array;
  for (const auto& l : c.lessons) {
    Object::Ptr lo = new Object;
    lo->set("id", l.id);
    lo->set("title", text(l.title));
    lo->set("format", l.format);
    lo->set("minutes", l.minutes);
    Object::Ptr files = new Object;
    files->set("zh-CN", l.path_zh);
    files->set("en", l.path_en);
    lo->set("files", files);
    Array::Ptr media = new Array;
    for (const auto& m : l.media) {
      Object::Ptr mo = new Object;
      mo->set("path", m.path);
      mo->set("type", m.type);
      media->add(mo);
    }
    lo->set("media", media);
    lessons->add(lo);
  }
  o->set("lessons", lessons);
  Array::Ptr quizzes = new Array;
  for (const auto& q : c.quizzes) {
    Object::Ptr qo = new Object;
    qo->set("id", q.id);
    qo->set("title", text(q.title));
    qo->set("items", strings(q.items));
    qo->set("pass_mark", q.pass_mark);
    Array::Ptr questions = new Array;
    for (const auto& qq : q.questions) {
      Object::Ptr x = new Object;
      x->set("id", qq.id);
      x->set("prompt", text(qq.prompt));
      x->set("multiple", qq.multiple());
      x->set("points", qq.points);
      Array::Ptr options = new Array;
      for (const auto& opt : qq.options) options->add(text(opt));
      x->set("options", options);
      questions->add(x);
    }
    qo->set("questions", questions);
    quizzes->add(qo);
  }
  o->set("quizzes", quizzes);
  Array::Ptr drills = new Array;
  for (const auto& d : c.drills) {
    Object::Ptr dobj = new Object;
    dobj->set("id", d.id);
    dobj->set("title", text(d.title));
    dobj->set("file", d.path);
    dobj->set("items", strings(d.items));
    drills->add(dobj);
  }
  o->set("drills", drills);
  return o;
}

// The agent the caller acts as (agents only have one).
Result<std::string> callerAgent(const Request& req) {
  const Principal& p = *req.principal;
  if (!p.agent_id) return Status::permissionDenied("only users who work as an agent can do this");
  return *p.agent_id;
}

// A name-based UUID (SHA-256, version nibble 5) for statements we create.
std::string statementId(const std::string& seed) {
  std::string h = signing::sha256Hex(seed).substr(0, 32);
  h[12] = '5';
  h[16] = "89ab"[std::stoi(std::string(1, h[16]), nullptr, 16) & 3];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// Records a learning action as an xAPI 1.0.3 statement through the Statements
// resource's own parser and store (so it is held to the same rules and reaches the
// outbox), inside the caller's transaction.
Status recordStatement(Database& db, const std::string& agent_id, const std::string& verb,
                       const std::string& object_id, const learning::Text& name, const Object::Ptr& result, WallTime at,
                       const std::string& seed) {
  Object::Ptr s = new Object;
  s->set("id", statementId(seed));
  Object::Ptr actor = new Object;
  actor->set("objectType", "Agent");
  Object::Ptr account = new Object;
  account->set("homePage", std::string(storage::kSiteHomePage));
  account->set("name", agent_id);
  actor->set("account", account);
  s->set("actor", actor);
  Object::Ptr v = new Object;
  v->set("id", "http://adlnet.gov/expapi/verbs/" + verb);
  Object::Ptr display = new Object;
  display->set("en-US", verb);
  v->set("display", display);
  s->set("verb", v);
  Object::Ptr obj = new Object;
  obj->set("objectType", "Activity");
  obj->set("id", object_id);
  Object::Ptr def = new Object;
  Object::Ptr names = new Object;
  names->set("zh-CN", name.zh);
  names->set("en-US", name.en);
  def->set("name", names);
  obj->set("definition", def);
  s->set("object", obj);
  if (result) s->set("result", result);
  s->set("timestamp", formatRfc3339(at));
  s->set("version", std::string(storage::kXapiVersion));
  auto parsed = storage::readStatement(s);
  if (!parsed.isOk()) return Status::internal("an appliance statement is not valid xAPI: " + parsed.status().describe());
  auto stored = storage::storeStatement(db, *parsed, at, "outpostd");
  return stored.status();
}

// {"key": value, …} where every value passes `each`; errors name "/<field>/<key>".
Status walkObject(const Object::Ptr& body, const std::string& field,
                  const std::function<Status(const std::string&, const Poco::Dynamic::Var&)>& each) {
  auto obj = body->getObject(field);
  if (obj.isNull()) return Status::invalidArgument("must be an object", "/" + field);
  for (const auto& [key, value] : *obj) OUTPOST_RETURN_IF_ERROR(each(key, value));
  return Status::ok();
}

bool isWholeNumber(const Poco::Dynamic::Var& v) {
  if (v.isEmpty() || v.isString() || v.isBoolean()) return false;
  if (v.isInteger()) return true;
  if (!v.isNumeric()) return false;
  const double d = v.convert<double>();
  return d == static_cast<double>(static_cast<int64_t>(d));
}

Result<std::vector<learning::Course>> courses(ApiContext& ctx, LearningServices& l) {
  return withReader(ctx, [&](Database& db) { return l.cache.courses(db); });
}

Result<learning::CompetencyLedger> ledgerFor(ApiContext& ctx, LearningServices& l,
                                             const std::vector<std::string>& agents) {
  auto obs = withReader(ctx, [&](Database& db) { return storage::loadObservations(db, agents); });
  if (!obs.isOk()) return obs.status();
  learning::CompetencyLedger ledger(l.framework, l.weights);
  for (auto& o : *obs) {
    if (l.framework.item(o.item) == nullptr) continue;  // an item of another framework
    OUTPOST_RETURN_IF_ERROR(ledger.add(std::move(o)));
  }
  return ledger;
}

Object::Ptr encodeReason(const learning::Reason& r, const learning::Framework& f) {
  Object::Ptr o = new Object;
  o->set("kind", std::string(learning::reasonKindName(r.kind)));
  o->set("item", r.item);
  o->set("score", r.score);
  o->set("reference", r.reference);
  if (r.kind == learning::ReasonKind::kNextTier) {
    o->set("tier", r.tier);
    o->set("skill_name", text(r.topic));
  }
  if (r.kind == learning::ReasonKind::kFrequentError) {
    o->set("missed", text(r.topic));
    o->set("misses", r.misses);
    o->set("attempts", r.attempts);
  }
  o->set("text", text(r.text(f)));
  return o;
}

Object::Ptr encodeWeak(const learning::WeakItem& w, const learning::Framework& f) {
  Object::Ptr o = new Object;
  o->set("item", w.item);
  if (const auto* item = f.item(w.item)) o->set("name", text(item->name));
  o->set("score", w.score);
  if (w.team) o->set("team", *w.team);
  else o->set("team", Poco::Dynamic::Var());
  Array::Ptr reasons = new Array;
  for (const auto& r : w.reasons) reasons->add(encodeReason(r, f));
  o->set("reasons", reasons);
  return o;
}

Array::Ptr encodeSteps(const std::vector<learning::PlanStep>& steps, const learning::Framework& f) {
  Array::Ptr a = new Array;
  for (const auto& s : steps) {
    Object::Ptr o = new Object;
    o->set("kind", std::string(learning::stepKindName(s.kind)));
    o->set("course", s.course_id);
    o->set("ref", s.ref);
    o->set("title", text(s.title));
    o->set("item", s.item);
    if (!s.skill.empty()) o->set("skill", s.skill);
    o->set("minutes", s.minutes);
    o->set("group", s.group);
    Array::Ptr reasons = new Array;
    for (const auto& r : s.reasons) reasons->add(encodeReason(r, f));
    o->set("reasons", reasons);
    a->add(o);
  }
  return a;
}

Object::Ptr encodeScores(const std::map<std::string, learning::ItemScore>& scores) {
  Object::Ptr o = new Object;
  for (const auto& [item, s] : scores) {
    Object::Ptr x = new Object;
    x->set("score", s.score);
    auto opt = [&](const char* k, const std::optional<double>& v) {
      if (v) x->set(k, *v);
      else x->set(k, Poco::Dynamic::Var());
    };
    opt("self", s.self);
    opt("supervisor", s.supervisor);
    opt("evidence", s.evidence);
    x->set("updated_at", formatRfc3339(fromEpochMillis(s.updated_at_ms)));
    o->set(item, x);
  }
  return o;
}

Result<Reply> learningMap(ApiContext& ctx, LearningServices& l, const std::string& agent_id) {
  auto team = withReader(ctx, [&](Database& db) { return storage::teamOfAgent(db, agent_id); });
  if (!team.isOk()) return team.status();
  auto ledger = ledgerFor(ctx, l, team->agents);
  if (!ledger.isOk()) return ledger.status();
  auto done = withReader(ctx, [&](Database& db) { return storage::doneSteps(db, agent_id); });
  if (!done.isOk()) return done.status();
  auto catalog = courses(ctx, l);
  if (!catalog.isOk()) return catalog.status();
  learning::AgentNeeds needs;
  auto gaps = withReader(ctx, [&](Database& db) { return storage::loadNextTierGaps(db, agent_id, l.tier_requirements); });
  if (!gaps.isOk()) return gaps.status();
  needs.next_tier = std::move(*gaps);
  auto outcomes = withReader(ctx, [&](Database& db) { return storage::attemptOutcomes(db, agent_id); });
  if (!outcomes.isOk()) return outcomes.status();
  needs.errors = learning::frequentErrors(*outcomes, l.map_options.error_min_misses);
  const auto map = learning::planForAgent(*ledger, *catalog, agent_id, team->agents, *done, l.map_options, needs);
  Object::Ptr o = new Object;
  o->set("agent", agent_id);
  o->set("team", team->team);
  o->set("threshold", l.map_options.threshold);
  o->set("scores", encodeScores(ledger->agentScores(agent_id)));
  Array::Ptr weak = new Array;
  for (const auto& w : map.weak_items) weak->add(encodeWeak(w, l.framework));
  o->set("weak_items", weak);
  o->set("steps", encodeSteps(map.steps, l.framework));
  o->set("uncovered", strings(map.uncovered));
  Array::Ptr tier = new Array;
  for (const auto& g : map.next_tier) {
    Object::Ptr x = new Object;
    x->set("skill", g.skill);
    x->set("name", text(g.skill_name));
    x->set("tier", g.tier);
    x->set("required", g.required);
    x->set("current", g.current);
    x->set("why", text(g.why));
    tier->add(x);
  }
  o->set("next_tier", tier);
  o->set("uncovered_skills", strings(map.uncovered_skills));
  Array::Ptr errors = new Array;
  for (const auto& e : map.errors) {
    Object::Ptr x = new Object;
    x->set("kind", std::string(learning::stepKindName(e.kind)));
    x->set("course", e.course_id);
    x->set("ref", e.ref);
    x->set("point", e.point.id);
    x->set("text", text(e.point.text));
    x->set("misses", e.misses);
    x->set("attempts", e.attempts);
    errors->add(x);
  }
  o->set("frequent_errors", errors);
  o->set("done", static_cast<int>(done->size()));
  return Reply::json(200, o);
}

// For files the manifest does not type (a lesson's media types win).
std::string typeByExtension(const std::string& path) {
  static const std::map<std::string, std::string> kTypes = {
      {".mp4", "video/mp4"},   {".webm", "video/webm"}, {".mp3", "audio/mpeg"}, {".ogg", "audio/ogg"},
      {".png", "image/png"},   {".jpg", "image/jpeg"},  {".jpeg", "image/jpeg"}, {".svg", "image/svg+xml"},
      {".md", "text/markdown"}, {".json", "application/json"}, {".pdf", "application/pdf"}};
  const auto dot = path.rfind('.');
  if (dot != std::string::npos) {
    auto it = kTypes.find(path.substr(dot));
    if (it != kTypes.end()) return it->second;
  }
  return "application/octet-stream";
}

Result<Reply> getFile(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"path"}));
  auto pit = req.query.find("path");
  if (pit == req.query.end() || pit->second.empty()) return Status::invalidArgument("is required", "?path");
  const std::string& id = req.params.at("id");
  const std::string& path = pit->second;
  auto course = withReader(ctx, [&](Database& db) { return l.cache.course(db, id); });
  if (!course.isOk()) return course.status();
  auto f = withReader(ctx, [&](Database& db) { return l.cache.file(db, id, path); });
  if (!f.isOk()) return f.status();
  std::string type = typeByExtension(path);
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& lesson : course->lessons) {
    if (path == lesson.path_zh || path == lesson.path_en) {
      type = lesson.format == "html" ? "text/html" : "text/markdown";
      // Lesson HTML runs in a sandbox: no scripts, no access to the API's origin.
      if (lesson.format == "html") headers.emplace_back("Content-Security-Policy", "sandbox");
    }
    for (const auto& m : lesson.media) {
      if (m.path == path) type = m.type;
    }
  }
  for (const auto& d : course->drills) {
    if (d.path == path) type = "application/json";
  }
  // Active content (lesson HTML, SVG) runs in a sandbox: no scripts, no access to the API's origin.
  if ((type == "text/html" || type == "image/svg+xml") && headers.empty()) {
    headers.emplace_back("Content-Security-Policy", "sandbox");
  }
  ByteRange range{0, f->size, false};
  auto rh = req.headers.find("range");
  if (rh != req.headers.end()) {
    auto r = parseRange(rh->second, f->size);
    if (!r.isOk()) {
      Reply reply = problem(416, "Range not satisfiable", r.status().message(), req.path);
      reply.headers.emplace_back("Content-Range", "bytes */" + std::to_string(f->size));
      return reply;
    }
    range = *r;
  }
  // Mark the package used (LRU) without holding up the answer.
  ctx.writer.submit([&l, id](Database& db) { return l.cache.touch(db, id); }, [](const Status&) {});
  Reply reply;
  reply.status = range.partial ? 206 : 200;
  reply.content_type = type;
  reply.headers = std::move(headers);
  reply.headers.emplace_back("Accept-Ranges", "bytes");
  reply.headers.emplace_back("ETag", "\"" + f->sha256 + "\"");
  reply.headers.emplace_back("Cache-Control", "private, max-age=86400");
  if (range.partial) {
    reply.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                                    std::to_string(range.offset + range.length - 1) + "/" +
                                                    std::to_string(f->size));
  }
  reply.file = Reply::FileBody{f->disk_path, range.offset, range.length};
  return reply;
}

// Passing a course — every lesson done and a quiz passed — can change the agent's
// routing skills for the course's `skills` (learning.on_pass), audited as
// "learning-promotion" with the agent before and after. Runs inside the attempt's
// transaction; returns the agent after the change, or nothing when nothing changed.
Result<std::optional<site::Agent>> promoteOnPass(Database& db, ApiContext& ctx, const Request& req,
                                                 const LearningServices& l, const learning::Course& course,
                                                 const std::string& agent_id, Object::Ptr& report) {
  if (l.on_pass == OnPass::kOff || course.skills.empty()) return std::optional<site::Agent>();
  auto done = storage::doneSteps(db, agent_id);
  if (!done.isOk()) return done.status();
  for (const auto& lesson : course.lessons) {
    if (!done->contains(course.id + "/" + lesson.id)) return std::optional<site::Agent>();
  }
  auto current = storage::find<site::Agent>(db, agent_id);
  if (!current.isOk()) return current.status();
  if (!current->has_value()) return std::optional<site::Agent>();
  const site::Agent before = **current;
  site::Agent after = before;
  Array::Ptr practice = new Array;
  Array::Ptr raised = new Array;
  for (const std::string& skill : course.skills) {
    auto known = storage::find<site::Skill>(db, skill);
    if (!known.isOk()) return known.status();
    if (!known->has_value()) continue;  // a skill this site does not use
    auto it = std::find_if(after.skills.begin(), after.skills.end(),
                           [&](const site::SkillLevel& s) { return s.skill_code == skill; });
    if (l.on_pass == OnPass::kPractice) {
      if (it != after.skills.end()) continue;
      if (std::find(after.practice_skills.begin(), after.practice_skills.end(), skill) != after.practice_skills.end()) {
        continue;
      }
      after.practice_skills.push_back(skill);
      practice->add(skill);
    } else {
      const int from = it == after.skills.end() ? 0 : it->level;
      if (from >= l.on_pass_level) continue;
      if (it == after.skills.end()) after.skills.push_back({skill, l.on_pass_level});
      else it->level = l.on_pass_level;
      Object::Ptr x = new Object;
      x->set("skill", skill);
      x->set("from", from);
      x->set("to", l.on_pass_level);
      raised->add(x);
    }
  }
  if (practice->size() == 0 && raised->size() == 0) return std::optional<site::Agent>();
  OUTPOST_RETURN_IF_ERROR(site::validate(after));
  OUTPOST_RETURN_IF_ERROR(storage::update<site::Agent>(db, after, ctx.clock.wallNow()));
  OUTPOST_RETURN_IF_ERROR(storage::appendAudit(
      db, storage::AuditEntry{0, ctx.clock.wallNow(), req.principal->username, "learning-promotion", "agent", agent_id,
                              codec::toJson(codec::encode(before)), codec::toJson(codec::encode(after)),
                              req.address}));
  report = new Object;
  report->set("course", course.id);
  report->set("practice_added", practice);
  report->set("levels_raised", raised);
  return std::optional<site::Agent>(after);
}

// The result extensions of a quiz or drill statement: what kind of attempt, and what
// it missed (for the learning map's frequent errors).
Object::Ptr missedExtensions(std::string_view kind, const std::vector<std::pair<std::string, learning::Text>>& missed) {
  Object::Ptr ext = new Object;
  ext->set("urn:outpost:xapi:kind", std::string(kind));
  Array::Ptr a = new Array;
  for (const auto& [id, t] : missed) {
    Object::Ptr x = new Object;
    x->set("id", id);
    x->set("zh-CN", t.zh);
    x->set("en", t.en);
    a->add(x);
  }
  ext->set("urn:outpost:xapi:missed", a);
  return ext;
}

Result<Reply> postAttempt(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto agent = callerAgent(req);
  if (!agent.isOk()) return agent.status();
  const std::string& id = req.params.at("id");
  const std::string& quiz_id = req.params.at("quiz");
  auto course = withReader(ctx, [&](Database& db) { return l.cache.course(db, id); });
  if (!course.isOk()) return course.status();
  const learning::Quiz* quiz = course->quiz(quiz_id);
  if (quiz == nullptr) return Status::notFound("no quiz \"" + quiz_id + "\" in course \"" + id + "\"");
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body.isOk()) return body.status();
  std::string answers_json;
  {
    codec::JsonReader r(*body);
    r.freeObject("answers", answers_json, true, 64 * 1024);
    OUTPOST_RETURN_IF_ERROR(r.finish());
  }
  std::map<std::string, std::vector<int>> answers;
  OUTPOST_RETURN_IF_ERROR(walkObject(*body, "answers", [&](const std::string& key, const Poco::Dynamic::Var& v) {
    const std::string at = "/answers/" + key;
    if (!v.isArray()) return Status::invalidArgument("must be an array of option numbers", at);
    auto arr = v.extract<Array::Ptr>();
    std::vector<int> chosen;
    for (size_t i = 0; i < arr->size(); ++i) {
      const auto& x = arr->get(static_cast<unsigned>(i));
      if (!isWholeNumber(x) || x.convert<int64_t>() < 0 || x.convert<int64_t>() > 100) {
        return Status::invalidArgument("must be an option number", at + "/" + std::to_string(i));
      }
      chosen.push_back(static_cast<int>(x.convert<int64_t>()));
    }
    answers[key] = std::move(chosen);
    return Status::ok();
  }));
  auto result = learning::scoreQuiz(*quiz, answers);
  if (!result.isOk()) return result.status();
  const WallTime now = ctx.clock.wallNow();
  const int64_t now_ms = toEpochMillis(now);
  const std::string object_id = "urn:outpost:content:" + id + "/" + quiz_id;
  int64_t attempt_id = 0;
  Object::Ptr promotion;
  std::optional<site::Agent> promoted_agent;
  Status s = ctx.writer.run([&](Database& db) -> Status {
    storage::QuizAttemptRow row{0, *agent, id, course->version, quiz_id, answers_json, *result, now_ms};
    auto inserted = storage::insertQuizAttempt(db, row);
    if (!inserted.isOk()) return inserted.status();
    attempt_id = *inserted;
    std::vector<learning::Observation> obs;
    for (const auto& item : quiz->items) {
      obs.push_back({*agent, item, learning::Source::kQuiz, learning::evidenceScore(l.framework, result->fraction),
                     now_ms, id + "/" + quiz_id, ""});
    }
    OUTPOST_RETURN_IF_ERROR(storage::insertObservations(db, obs));
    if (result->passed) {
      OUTPOST_RETURN_IF_ERROR(storage::markStepDone(db, *agent, id + "/" + quiz_id, "quiz", now_ms));
      auto promoted = promoteOnPass(db, ctx, req, l, *course, *agent, promotion);
      if (!promoted.isOk()) return promoted.status();
      promoted_agent = std::move(*promoted);
    }
    Object::Ptr res = new Object;
    std::vector<std::pair<std::string, learning::Text>> missed;
    for (size_t i = 0; i < result->questions.size(); ++i) {
      if (!result->questions[i].correct) missed.emplace_back(quiz->questions[i].id, quiz->questions[i].prompt);
    }
    res->set("extensions", missedExtensions("quiz", missed));
    Object::Ptr score = new Object;
    score->set("scaled", result->fraction);
    score->set("raw", result->points);
    score->set("min", 0);
    score->set("max", result->max_points);
    res->set("score", score);
    res->set("success", result->passed);
    res->set("completion", true);
    return recordStatement(db, *agent, result->passed ? "passed" : "failed", object_id, quiz->title, res, now,
                           "quiz-attempt/" + std::to_string(attempt_id) + "/" + *agent + "/" + std::to_string(now_ms));
  });
  OUTPOST_RETURN_IF_ERROR(s);
  // Routing sees the new skills once they are committed.
  if (promoted_agent) ctx.engine.agentUpserted(engine::agentProfile(*promoted_agent));
  Object::Ptr o = new Object;
  o->set("attempt", attempt_id);
  if (promotion) o->set("routing", promotion);
  else o->set("routing", Poco::Dynamic::Var());
  o->set("course", id);
  o->set("quiz", quiz_id);
  o->set("points", result->points);
  o->set("max_points", result->max_points);
  o->set("fraction", result->fraction);
  o->set("passed", result->passed);
  o->set("evidence_score", learning::evidenceScore(l.framework, result->fraction));
  Array::Ptr qs = new Array;
  for (size_t i = 0; i < result->questions.size(); ++i) {
    Object::Ptr x = new Object;
    x->set("id", result->questions[i].id);
    x->set("correct", result->questions[i].correct);
    x->set("points", result->questions[i].points);
    x->set("explanation", text(quiz->questions[i].explanation));
    qs->add(x);
  }
  o->set("questions", qs);
  return Reply::json(201, o);
}

Result<Reply> postDrillAttempt(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto agent = callerAgent(req);
  if (!agent.isOk()) return agent.status();
  const std::string& id = req.params.at("id");
  const std::string& drill_id = req.params.at("drill");
  auto course = withReader(ctx, [&](Database& db) { return l.cache.course(db, id); });
  if (!course.isOk()) return course.status();
  const learning::Drill* drill = nullptr;
  for (const auto& d : course->drills) {
    if (d.id == drill_id) drill = &d;
  }
  if (drill == nullptr) return Status::notFound("no drill \"" + drill_id + "\" in course \"" + id + "\"");
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body.isOk()) return body.status();
  std::vector<std::string> replies;
  int seconds = 0;
  {
    codec::JsonReader r(*body);
    r.stringArray("replies", replies, true, 50).integer("seconds", seconds, true, 0, 24 * 3600);
    OUTPOST_RETURN_IF_ERROR(r.finish());
  }
  for (size_t i = 0; i < replies.size(); ++i) {
    if (replies[i].size() > 4000) return Status::invalidArgument("at most 4000 bytes", "/replies/" + std::to_string(i));
  }
  // The script, read from the verified cache.
  auto file = withReader(ctx, [&](Database& db) { return l.cache.file(db, id, drill->path); });
  if (!file.isOk()) return file.status();
  auto script_text = signing::readSmallFile(file->disk_path, 1024 * 1024);
  if (!script_text.isOk()) return script_text.status();
  auto script = storage::readDrillScript(*script_text);
  if (!script.isOk()) {
    return Status::dataLoss("the drill script " + drill->path + " is not valid: " + script.status().describe());
  }
  const auto result = learning::scoreDrill(*script, replies, seconds);
  const WallTime now = ctx.clock.wallNow();
  const int64_t now_ms = toEpochMillis(now);
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    std::vector<learning::Observation> obs;
    for (const auto& item : drill->items) {
      obs.push_back({*agent, item, learning::Source::kDrill, learning::evidenceScore(l.framework, result.fraction),
                     now_ms, id + "/" + drill_id, ""});
    }
    OUTPOST_RETURN_IF_ERROR(storage::insertObservations(db, obs));
    OUTPOST_RETURN_IF_ERROR(storage::markStepDone(db, *agent, id + "/" + drill_id, "drill", now_ms));
    Object::Ptr res = new Object;
    Object::Ptr score = new Object;
    score->set("scaled", result.fraction);
    res->set("score", score);
    res->set("completion", true);
    res->set("duration", "PT" + std::to_string(seconds) + "S");
    std::vector<std::pair<std::string, learning::Text>> missed;
    for (const auto& t : result.missed) missed.emplace_back(t.en, t);
    res->set("extensions", missedExtensions("drill", missed));
    return recordStatement(db, *agent, "completed", "urn:outpost:content:" + id + "/" + drill_id, drill->title, res,
                           now, "drill/" + *agent + "/" + id + "/" + drill_id + "/" + std::to_string(now_ms));
  }));
  Object::Ptr o = new Object;
  o->set("fraction", result.fraction);
  o->set("evidence_score", learning::evidenceScore(l.framework, result.fraction));
  o->set("over_time", result.over_time);
  auto texts = [](const std::vector<learning::Text>& v) {
    Array::Ptr a = new Array;
    for (const auto& t : v) a->add(text(t));
    return a;
  };
  o->set("covered", texts(result.covered));
  o->set("missed", texts(result.missed));
  o->set("avoid_used", texts(result.avoid_used));
  return Reply::json(201, o);
}

Result<Reply> postLessonDone(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto agent = callerAgent(req);
  if (!agent.isOk()) return agent.status();
  const std::string& id = req.params.at("id");
  const std::string& lesson_id = req.params.at("lesson");
  auto course = withReader(ctx, [&](Database& db) { return l.cache.course(db, id); });
  if (!course.isOk()) return course.status();
  const learning::Lesson* lesson = nullptr;
  for (const auto& x : course->lessons) {
    if (x.id == lesson_id) lesson = &x;
  }
  if (lesson == nullptr) return Status::notFound("no lesson \"" + lesson_id + "\" in course \"" + id + "\"");
  const WallTime now = ctx.clock.wallNow();
  const int64_t now_ms = toEpochMillis(now);
  std::optional<site::Agent> promoted_agent;
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    OUTPOST_RETURN_IF_ERROR(storage::markStepDone(db, *agent, id + "/" + lesson_id, "lesson", now_ms));
    // The last lesson read after a passed quiz completes the course too.
    auto done = storage::doneSteps(db, *agent);
    if (!done.isOk()) return done.status();
    const bool quiz_passed = std::any_of(course->quizzes.begin(), course->quizzes.end(),
                                         [&](const learning::Quiz& q) { return done->contains(id + "/" + q.id); });
    if (quiz_passed) {
      Object::Ptr ignored;
      auto promoted = promoteOnPass(db, ctx, req, l, *course, *agent, ignored);
      if (!promoted.isOk()) return promoted.status();
      promoted_agent = std::move(*promoted);
    }
    Object::Ptr res = new Object;
    res->set("completion", true);
    return recordStatement(db, *agent, "completed", "urn:outpost:content:" + id + "/" + lesson_id, lesson->title,
                           res, now, "lesson/" + *agent + "/" + id + "/" + lesson_id + "/" + std::to_string(now_ms));
  }));
  if (promoted_agent) ctx.engine.agentUpserted(engine::agentProfile(*promoted_agent));
  return Reply::noContent();
}

Result<Reply> postAssessment(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& agent_id = req.params.at("id");
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body.isOk()) return body.status();
  std::string source_text;
  std::string answers_json;
  {
    codec::JsonReader r(*body);
    r.string("source", source_text, true).freeObject("answers", answers_json, true, 64 * 1024);
    OUTPOST_RETURN_IF_ERROR(r.finish());
  }
  const auto source = learning::parseSource(source_text);
  if (!source || (*source != learning::Source::kSelf && *source != learning::Source::kSupervisor)) {
    return Status::invalidArgument("must be \"self\" or \"supervisor\"", "/source");
  }
  const Principal& p = *req.principal;
  if (*source == learning::Source::kSelf && (!p.agent_id || *p.agent_id != agent_id)) {
    return Status::permissionDenied("a self-assessment is made by the agent themself");
  }
  if (*source == learning::Source::kSupervisor && !site::atLeast(p.role, site::Role::kSupervisor)) {
    return Status::permissionDenied("a supervisor assessment needs the supervisor role");
  }
  std::map<std::string, int> answers;
  OUTPOST_RETURN_IF_ERROR(walkObject(*body, "answers", [&](const std::string& key, const Poco::Dynamic::Var& v) {
    if (!isWholeNumber(v)) return Status::invalidArgument("must be a whole number", "/answers/" + key);
    const int64_t n = v.convert<int64_t>();
    answers[key] = static_cast<int>(std::clamp<int64_t>(n, -1000, 1000));
    return Status::ok();
  }));
  const int64_t now_ms = toEpochMillis(ctx.clock.wallNow());
  auto obs = learning::questionnaireObservations(l.framework, agent_id, *source, answers, now_ms, "", p.username);
  if (!obs.isOk()) return obs.status();
  int64_t assessment_id = 0;
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    auto team = storage::teamOfAgent(db, agent_id);
    if (!team.isOk()) return team.status();
    auto id = storage::insertAssessment(db, agent_id, *source, p.username, l.framework.id, answers_json, now_ms);
    if (!id.isOk()) return id.status();
    assessment_id = *id;
    for (auto& o : *obs) o.ref = "assessment/" + std::to_string(assessment_id);
    OUTPOST_RETURN_IF_ERROR(storage::insertObservations(db, *obs));
    // The record: the agent responded to their self-assessment, or was scored by a
    // supervisor (who is the statement's instructor); the item scores in the result.
    Object::Ptr res = new Object;
    Object::Ptr ext = new Object;
    Object::Ptr scores = new Object;
    for (const auto& x : *obs) scores->set(x.item, x.score);
    ext->set("urn:outpost:xapi:items", scores);
    ext->set("urn:outpost:xapi:assessor", p.username);
    res->set("extensions", ext);
    res->set("completion", true);
    const bool self = *source == learning::Source::kSelf;
    const std::string kind = self ? "self-assessment" : "supervisor-assessment";
    return recordStatement(db, agent_id, self ? "responded" : "scored",
                           "urn:outpost:framework:" + l.framework.id + "/" + kind,
                           self ? learning::Text{"能力自评", "Competency self-assessment"}
                                : learning::Text{"主管能力评估", "Supervisor competency assessment"},
                           res, ctx.clock.wallNow(), "assessment/" + std::to_string(assessment_id));
  }));
  Object::Ptr o = new Object;
  o->set("id", assessment_id);
  o->set("agent", agent_id);
  o->set("source", source_text);
  Object::Ptr items = new Object;
  for (const auto& x : *obs) items->set(x.item, x.score);
  o->set("items", items);
  return Reply::json(201, o);
}

Result<Reply> teamReport(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"before"}));
  const std::string& team = req.params.at("team");
  std::optional<int64_t> before;
  if (auto b = req.query.find("before"); b != req.query.end()) {
    const std::string& v = b->second;
    if (v.empty() || v.size() > 15 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return Status::invalidArgument("must be a time in epoch milliseconds", "?before");
    }
    before = std::stoll(v);
  }
  auto members = withReader(ctx, [&](Database& db) { return storage::teamMembers(db, team); });
  if (!members.isOk()) return members.status();
  if (members->empty()) return Status::notFound("no agents in team \"" + team + "\"");
  auto ledger = ledgerFor(ctx, l, *members);
  if (!ledger.isOk()) return ledger.status();
  auto catalog = courses(ctx, l);
  if (!catalog.isOk()) return catalog.status();
  const auto plan = learning::planForTeam(*ledger, *catalog, *members, l.map_options);
  Object::Ptr o = new Object;
  o->set("team", team);
  o->set("threshold", l.map_options.threshold);
  Object::Ptr means = new Object;
  const auto now_means = ledger->teamScores(*members);
  for (const auto& [item, v] : now_means) means->set(item, v);
  o->set("items", means);
  if (before) {
    // Before/after a plan: each item's team mean then, now, and the change.
    const auto then = ledger->teamScoresAt(*members, *before);
    Object::Ptr ba = new Object;
    for (const auto& [item, v] : now_means) {
      Object::Ptr x = new Object;
      auto t = then.find(item);
      if (t != then.end()) {
        x->set("before", t->second);
        x->set("delta", v - t->second);
      } else {
        x->set("before", Poco::Dynamic::Var());
        x->set("delta", Poco::Dynamic::Var());
      }
      x->set("after", v);
      ba->set(item, x);
    }
    o->set("before_after", ba);
  }
  Object::Ptr agents = new Object;  // the heat map: agent → item → score
  for (const auto& a : *members) {
    Object::Ptr row = new Object;
    for (const auto& [item, s] : ledger->agentScores(a)) row->set(item, s.score);
    agents->set(a, row);
  }
  o->set("agents", agents);
  Object::Ptr group = new Object;
  Array::Ptr weak = new Array;
  for (const auto& w : plan.items) {
    Object::Ptr x = encodeWeak(w, l.framework);
    x->set("share_below", w.share_below);
    weak->add(x);
  }
  group->set("items", weak);
  group->set("steps", encodeSteps(plan.steps, l.framework));
  o->set("group_plan", group);
  return Reply::json(200, o);
}

// Before/after for one agent: each item's score at `before` (e.g. when a plan started)
// and now, with the change, and the plan progress (steps done since).
Result<Reply> agentReport(ApiContext& ctx, LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"before"}));
  const std::string& agent_id = req.params.at("id");
  if (!mayActFor(req, agent_id)) return Status::permissionDenied("agents may only see their own report");
  auto b = req.query.find("before");
  if (b == req.query.end()) return Status::invalidArgument("is required (epoch milliseconds)", "?before");
  const std::string& v = b->second;
  if (v.empty() || v.size() > 15 || !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return Status::invalidArgument("must be a time in epoch milliseconds", "?before");
  }
  const int64_t before = std::stoll(v);
  auto team = withReader(ctx, [&](Database& db) { return storage::teamOfAgent(db, agent_id); });
  if (!team.isOk()) return team.status();
  auto ledger = ledgerFor(ctx, l, {agent_id});
  if (!ledger.isOk()) return ledger.status();
  const auto then = ledger->agentScoresAt(agent_id, before);
  const auto now = ledger->agentScores(agent_id);
  Object::Ptr items = new Object;
  for (const auto& [item, s] : now) {
    Object::Ptr x = new Object;
    auto t = then.find(item);
    if (t != then.end()) {
      x->set("before", t->second.score);
      x->set("delta", s.score - t->second.score);
    } else {
      x->set("before", Poco::Dynamic::Var());
      x->set("delta", Poco::Dynamic::Var());
    }
    x->set("after", s.score);
    items->set(item, x);
  }
  auto events = withReader(ctx, [&](Database& db) { return storage::learningEvents(db, agent_id); });
  if (!events.isOk()) return events.status();
  int lessons = 0, quizzes_passed = 0;
  for (const auto& e : *events) {
    if (e.at_ms < before) continue;
    if (e.kind == learning::EventKind::kLessonCompleted) ++lessons;
    if (e.kind == learning::EventKind::kQuizPassed) ++quizzes_passed;
  }
  Object::Ptr o = new Object;
  o->set("agent", agent_id);
  o->set("team", team->team);
  o->set("before", before);
  o->set("items", items);
  Object::Ptr since = new Object;
  since->set("lessons", lessons);
  since->set("quizzes_passed", quizzes_passed);
  o->set("since_before", since);
  // KPI deltas (satisfaction, first-contact resolution) join once QA/KPI evidence exists.
  Object::Ptr kpis = new Object;
  o->set("kpis", kpis);
  return Reply::json(200, o);
}

Object::Ptr encodeProgress(const std::string& agent_id, const learning::Progress& p) {
  Object::Ptr o = new Object;
  o->set("agent", agent_id);
  o->set("points", p.points);
  o->set("level", p.level);
  o->set("streak_days", p.streak_days);
  o->set("longest_streak", p.longest_streak);
  o->set("lessons", p.lessons);
  o->set("quizzes_passed", p.quizzes_passed);
  Array::Ptr badges = new Array;
  for (const auto& b : p.badges) {
    Object::Ptr x = new Object;
    x->set("code", b.code);
    x->set("earned_at", formatRfc3339(fromEpochMillis(b.earned_at_ms)));
    badges->add(x);
  }
  o->set("badges", badges);
  return o;
}

Result<learning::Progress> progressOf(ApiContext& ctx, const LearningServices& l, const std::string& agent_id) {
  auto events = withReader(ctx, [&](Database& db) { return storage::learningEvents(db, agent_id); });
  if (!events.isOk()) return events.status();
  return learning::computeProgress(std::move(*events), toEpochMillis(ctx.clock.wallNow()), l.point_rules);
}

Result<Reply> leaderboard(ApiContext& ctx, const LearningServices& l, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& team = req.params.at("team");
  auto members = withReader(ctx, [&](Database& db) { return storage::teamMembers(db, team); });
  if (!members.isOk()) return members.status();
  if (members->empty()) return Status::notFound("no agents in team \"" + team + "\"");
  const Principal& p = *req.principal;
  const bool member = p.agent_id && std::find(members->begin(), members->end(), *p.agent_id) != members->end();
  if (!member && !site::atLeast(p.role, site::Role::kSupervisor)) {
    return Status::permissionDenied("agents see only their own team's leaderboard");
  }
  std::vector<std::pair<int, Object::Ptr>> rows;
  for (const auto& a : *members) {
    auto hidden = withReader(ctx, [&](Database& db) { return storage::leaderboardHidden(db, a); });
    if (!hidden.isOk()) return hidden.status();
    if (*hidden) continue;  // the agent chose to hide themself
    auto progress = progressOf(ctx, l, a);
    if (!progress.isOk()) return progress.status();
    rows.emplace_back(progress->points, encodeProgress(a, *progress));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  Array::Ptr items = new Array;
  for (auto& [points, o] : rows) items->add(o);
  Object::Ptr o = new Object;
  o->set("team", team);
  o->set("items", items);
  return Reply::json(200, o);
}

}  // namespace

Result<ByteRange> parseRange(const std::string& header, uint64_t size) {
  ByteRange whole{0, size, false};
  if (header.rfind("bytes=", 0) != 0) return whole;  // another unit: ignore the header (RFC 9110)
  const std::string spec = header.substr(6);
  if (spec.find(',') != std::string::npos) return whole;
  const auto dash = spec.find('-');
  if (dash == std::string::npos) return whole;
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() <= 19 && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  const std::string a = spec.substr(0, dash);
  const std::string b = spec.substr(dash + 1);
  if (a.empty()) {
    if (!digits(b)) return whole;
    const uint64_t n = std::stoull(b);
    if (n == 0 || size == 0) return Status::failedPrecondition("an empty suffix range");
    const uint64_t len = std::min(n, size);
    return ByteRange{size - len, len, true};
  }
  if (!digits(a) || (!b.empty() && !digits(b))) return whole;
  const uint64_t first = std::stoull(a);
  if (first >= size) {
    return Status::failedPrecondition("the range starts at byte " + a + " of a " + std::to_string(size) +
                                      "-byte file");
  }
  uint64_t last = b.empty() ? size - 1 : std::stoull(b);
  if (last < first) return whole;  // invalid: ignored
  last = std::min(last, size - 1);
  return ByteRange{first, last - first + 1, true};
}

void addLearningRoutes(Router& router, ApiContext& ctx, LearningServices& l) {
  router.add("GET", "/api/v1/learning/framework", Access::kAgent, [&l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    const auto& f = l.framework;
    Object::Ptr o = new Object;
    o->set("id", f.id);
    o->set("version", f.version);
    o->set("name", text(f.name));
    o->set("min_score", f.min_score);
    o->set("max_score", f.max_score);
    Array::Ptr dims = new Array;
    for (const auto& d : f.dimensions) {
      Object::Ptr x = new Object;
      x->set("code", d.code);
      x->set("name", text(d.name));
      Array::Ptr items = new Array;
      for (const auto* i : f.itemsOf(d.code)) {
        Object::Ptr io = new Object;
        io->set("code", i->code);
        io->set("name", text(i->name));
        Array::Ptr qs = new Array;
        for (const auto* q : f.questionsOf(i->code)) {
          Object::Ptr qo = new Object;
          qo->set("id", q->id);
          qo->set("text", text(q->text));
          qs->add(qo);
        }
        io->set("questions", qs);
        items->add(io);
      }
      x->set("items", items);
      dims->add(x);
    }
    o->set("dimensions", dims);
    return Reply::json(200, o);
  });
  router.add("GET", "/api/v1/learning/courses", Access::kAgent, [&ctx, &l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto all = courses(ctx, l);
    if (!all.isOk()) return all.status();
    Array::Ptr items = new Array;
    for (const auto& c : *all) items->add(encodeCourse(c));
    Object::Ptr o = new Object;
    o->set("items", items);
    return Reply::json(200, o);
  });
  router.add("GET", "/api/v1/learning/courses/{id}", Access::kAgent, [&ctx, &l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto c = withReader(ctx, [&](Database& db) { return l.cache.course(db, req.params.at("id")); });
    if (!c.isOk()) return c.status();
    return Reply::json(200, encodeCourse(*c));
  });
  router.add("GET", "/api/v1/learning/courses/{id}/file", Access::kAgent,
             [&ctx, &l](Request& req) { return getFile(ctx, l, req); });
  router.add("POST", "/api/v1/learning/courses/{id}/lessons/{lesson}/complete", Access::kAgent,
             [&ctx, &l](Request& req) { return postLessonDone(ctx, l, req); });
  router.add("POST", "/api/v1/learning/courses/{id}/quizzes/{quiz}/attempts", Access::kAgent,
             [&ctx, &l](Request& req) { return postAttempt(ctx, l, req); });
  router.add("POST", "/api/v1/learning/courses/{id}/drills/{drill}/attempts", Access::kAgent,
             [&ctx, &l](Request& req) { return postDrillAttempt(ctx, l, req); });
  router.add("POST", "/api/v1/learning/agents/{id}/assessments", Access::kAgent,
             [&ctx, &l](Request& req) { return postAssessment(ctx, l, req); });
  router.add("GET", "/api/v1/learning/agents/{id}/map", Access::kAgent, [&ctx, &l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    const std::string& id = req.params.at("id");
    if (!mayActFor(req, id)) return Status::permissionDenied("agents may only see their own learning map");
    return learningMap(ctx, l, id);
  });
  router.add("GET", "/api/v1/learning/me/map", Access::kAgent, [&ctx, &l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto agent = callerAgent(req);
    if (!agent.isOk()) return agent.status();
    return learningMap(ctx, l, *agent);
  });
  router.add("GET", "/api/v1/learning/agents/{id}/statements", Access::kAgent,
             [&ctx](Request& req) -> Result<Reply> {
               OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
               const std::string& id = req.params.at("id");
               if (!mayActFor(req, id)) return Status::permissionDenied("agents may only see their own records");
               auto rows = withReader(ctx, [&](Database& db) { return storage::statementsOf(db, id, 200); });
               if (!rows.isOk()) return rows.status();
               Array::Ptr items = new Array;
               for (const auto& r : *rows) {
                 auto s = codec::JsonReader::parseObject(r.statement_json);
                 if (s.isOk()) items->add(*s);
               }
               Object::Ptr o = new Object;
               o->set("statements", items);
               return Reply::json(200, o);
             });
  router.add("GET", "/api/v1/learning/agents/{id}/progress", Access::kAgent, [&ctx, &l](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    const std::string& id = req.params.at("id");
    if (!mayActFor(req, id)) return Status::permissionDenied("agents may only see their own progress");
    auto progress = progressOf(ctx, l, id);
    if (!progress.isOk()) return progress.status();
    Object::Ptr o = encodeProgress(id, *progress);
    auto hidden = withReader(ctx, [&](Database& db) { return storage::leaderboardHidden(db, id); });
    if (!hidden.isOk()) return hidden.status();
    o->set("leaderboard_hidden", *hidden);
    return Reply::json(200, o);
  });
  router.add("PUT", "/api/v1/learning/me/leaderboard", Access::kAgent, [&ctx](Request& req) -> Result<Reply> {
    OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
    auto agent = callerAgent(req);
    if (!agent.isOk()) return agent.status();
    auto body = codec::JsonReader::parseObject(req.body);
    if (!body.isOk()) return body.status();
    bool hidden = false;
    codec::JsonReader r(*body);
    r.boolean("hidden", hidden, true);
    OUTPOST_RETURN_IF_ERROR(r.finish());
    const int64_t now = toEpochMillis(ctx.clock.wallNow());
    OUTPOST_RETURN_IF_ERROR(
        ctx.writer.run([&](Database& db) { return storage::setLeaderboardHidden(db, *agent, hidden, now); }));
    Object::Ptr o = new Object;
    o->set("hidden", hidden);
    return Reply::json(200, o);
  });
  router.add("GET", "/api/v1/learning/teams/{team}/leaderboard", Access::kAgent,
             [&ctx, &l](Request& req) { return leaderboard(ctx, l, req); });
  router.add("GET", "/api/v1/learning/agents/{id}/report", Access::kAgent,
             [&ctx, &l](Request& req) { return agentReport(ctx, l, req); });
  router.add("GET", "/api/v1/learning/teams/{team}/report", Access::kSupervisor,
             [&ctx, &l](Request& req) { return teamReport(ctx, l, req); });
}

}  // namespace outpost::api
