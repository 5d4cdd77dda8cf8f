#include "plugins/rules.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>


#include <lua.hpp>


// GCC 12 at -O2 reports std::variant members of Value as maybe-uninitialized when a
// Value is moved into a Result (a known false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
namespace outpost::plugins {
namespace {

constexpr const char* kClassify = "classify_contact";
constexpr const char* kRank = "rank_candidates";
constexpr const char* kOnEvent = "on_event";
constexpr const char* kIvrAction = "ivr_action";

Value attributesValue(const std::string& json) {
  if (json.empty() || json == "{}") return Value(Value::Object{});
  if (auto v = parseJson(json, 8); v && v->isObject()) return std::move(v.value());
  return Value(Value::Object{});
}

bool isWhole(double d) { return std::isfinite(d) && d == std::floor(d); }

bool validSegment(const std::string& s) {
  if (s.empty() || s.size() > 32) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Value classificationValue(const Classification& c) {
  Value::Object o;
  if (c.skills) {
    Value::Object sk;
    for (const auto& s : *c.skills) sk.emplace(s.skill_code, Value(s.level));
    o.emplace("skills", Value(std::move(sk)));
  }
  if (c.segment) o.emplace("segment", Value(*c.segment));
  if (c.priority) o.emplace("priority", Value(*c.priority));
  if (c.queue) o.emplace("queue", Value(*c.queue));
  return Value(std::move(o));
}

std::vector<std::string> idsOf(const Value& candidates) {
  std::vector<std::string> ids;
  if (!candidates.isArray()) return ids;
  for (const auto& c : candidates.asArray()) ids.push_back(c["id"].isString() ? c["id"].asString() : "");
  return ids;
}

}  // namespace

// ------------------------------------------------------------------------------------
// validation and marshalling

Result<Classification> validateClassification(const Value& r) {
  Classification c;
  if (r.isNil() || (r.isArray() && r.asArray().empty())) return c;
  if (!r.isObject()) return Status::invalidArgument("classify_contact must return a table or nil");
  for (const auto& [key, v] : r.asObject()) {
    const std::string at = "/" + key;
    if (key == "skills") {
      if (v.isArray() && v.asArray().empty()) {
        c.skills.emplace();
        continue;
      }
      if (!v.isObject()) return Status::invalidArgument("must be a table {skill = level}", at);
      if (v.asObject().size() > 16) return Status::invalidArgument("more than 16 skills", at);
      std::vector<site::SkillLevel> skills;
      for (const auto& [code, level] : v.asObject()) {
        if (code.empty() || code.size() > 64) return Status::invalidArgument("a skill code of 1 to 64 bytes", at);
        if (!level.isNumber() || !isWhole(level.asNumber()) || level.asNumber() < 1 || level.asNumber() > 5) {
          return Status::invalidArgument("level must be a whole number from 1 to 5", at + "/" + code);
        }
        skills.push_back({code, static_cast<int>(level.asNumber())});
      }
      c.skills = std::move(skills);
    } else if (key == "segment") {
      if (!v.isString() || !validSegment(v.asString())) {
        return Status::invalidArgument("must be 1 to 32 of a-z 0-9 _ -", at);
      }
      c.segment = v.asString();
    } else if (key == "priority") {
      if (!v.isNumber() || !isWhole(v.asNumber()) || v.asNumber() < 0 || v.asNumber() > 100) {
        return Status::invalidArgument("must be a whole number from 0 to 100", at);
      }
      c.priority = static_cast<int>(v.asNumber());
    } else if (key == "queue") {
      if (!v.isString() || v.asString().empty() || v.asString().size() > 64) {
        return Status::invalidArgument("must be a queue code of 1 to 64 bytes", at);
      }
      c.queue = v.asString();
    } else {
      return Status::invalidArgument("unknown field (skills, segment, priority, queue)", at);
    }
  }
  return c;
}

namespace {
// A number that is a whole number from lo to hi (without raising).
bool wholeIn(lua_State* L, int idx, double lo, double hi, int& out) {
  if (lua_type(L, idx) != LUA_TNUMBER) return false;
  const double d = lua_tonumber(L, idx);
  if (!isWhole(d) || d < lo || d > hi) return false;
  out = static_cast<int>(d);
  return true;
}
std::string_view stringAt(lua_State* L, int idx) {
  size_t n = 0;
  const char* s = lua_tolstring(L, idx, &n);  // only called on strings: no conversion
  return {s, n};
}
}  // namespace

bool readClassification(lua_State* L, int idx, void* out) {
  auto& c = *static_cast<Classification*>(out);
  idx = lua_absindex(L, idx);
  if (lua_isnil(L, idx)) return true;
  if (!lua_istable(L, idx) || !lua_checkstack(L, 4)) return false;
  bool ok = true;
  lua_pushnil(L);
  while (ok && lua_next(L, idx) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      ok = false;
      break;
    }
    const std::string_view key = stringAt(L, -2);
    if (key == "skills" && lua_istable(L, -1)) {
      std::vector<site::SkillLevel> skills;
      const int t = lua_gettop(L);
      lua_pushnil(L);
      while (ok && lua_next(L, t) != 0) {
        int level = 0;
        ok = lua_type(L, -2) == LUA_TSTRING && wholeIn(L, -1, 1, 5, level) && skills.size() < 16;
        if (ok) {
          const std::string_view code = stringAt(L, -2);
          ok = !code.empty() && code.size() <= 64;
          if (ok) skills.push_back({std::string(code), level});
        }
        lua_pop(L, 1);
      }
      if (!ok) {
        lua_pop(L, 1);  // the key left by the interrupted lua_next
        break;
      }
      std::sort(skills.begin(), skills.end(),
                [](const site::SkillLevel& a, const site::SkillLevel& b) { return a.skill_code < b.skill_code; });
      c.skills = std::move(skills);
    } else if (key == "segment" && lua_type(L, -1) == LUA_TSTRING && validSegment(std::string(stringAt(L, -1)))) {
      c.segment = std::string(stringAt(L, -1));
    } else if (key == "priority" && wholeIn(L, -1, 0, 100, c.priority.emplace())) {
    } else if (key == "queue" && lua_type(L, -1) == LUA_TSTRING && !stringAt(L, -1).empty() &&
               stringAt(L, -1).size() <= 64) {
      c.queue = std::string(stringAt(L, -1));
    } else {
      ok = false;
    }
    lua_pop(L, 1);
  }
  if (!ok) {
    lua_settop(L, idx);
    c = Classification{};
  }
  return ok;
}

Result<std::vector<size_t>> validateRanking(const Value& r, const std::vector<std::string>& ids) {
  std::vector<size_t> out;
  if (r.isNil()) return out;
  if (!r.isArray()) return Status::invalidArgument("rank_candidates must return a list of agent ids or nil");
  if (r.asArray().size() > ids.size()) return Status::invalidArgument("more ids than candidates");
  std::set<size_t> seen;
  for (size_t i = 0; i < r.asArray().size(); ++i) {
    const Value& v = r.asArray()[i];
    const std::string at = "/" + std::to_string(i + 1);
    if (!v.isString()) return Status::invalidArgument("must be an agent id (a string)", at);
    auto it = std::find(ids.begin(), ids.end(), v.asString());
    if (it == ids.end()) return Status::invalidArgument("\"" + v.asString() + "\" is not one of the candidates", at);
    const auto idx = static_cast<size_t>(it - ids.begin());
    if (!seen.insert(idx).second) return Status::invalidArgument("\"" + v.asString() + "\" appears twice", at);
    out.push_back(idx);
  }
  return out;
}

Result<ivr::HookAction> validateIvrAction(const Value& r) {
  ivr::HookAction a;
  if (r.isNil() || (r.isArray() && r.asArray().empty())) return a;
  if (!r.isObject()) return Status::invalidArgument("ivr_action must return a table or nil");
  auto id = [](const Value& v) { return v.isString() && ivr::validFlowId(v.asString()); };
  for (const auto& [key, v] : r.asObject()) {
    const std::string at = "/" + key;
    if (key == "next") {
      if (!id(v)) return Status::invalidArgument("must be a node id (1 to 64 of a-z 0-9 _ . -)", at);
      a.next = v.asString();
    } else if (key == "say") {
      if (!v.isObject()) return Status::invalidArgument("must be a table {zh = \"…\", en = \"…\"}", at);
      ivr::Text t;
      for (const auto& [lang, text] : v.asObject()) {
        if (lang != "zh" && lang != "en") return Status::invalidArgument("unknown language (zh, en)", at + "/" + lang);
        if (!text.isString() || text.asString().empty()) return Status::invalidArgument("must be a non-empty string", at + "/" + lang);
        (lang == "zh" ? t.zh : t.en) = text.asString();
      }
      if (t.zh.empty()) return Status::invalidArgument("needs zh text", at + "/zh");
      if (t.en.empty()) return Status::invalidArgument("needs en text", at + "/en");
      a.say = std::move(t);
    } else if (key == "slots") {
      if (v.isArray() && v.asArray().empty()) continue;
      if (!v.isObject()) return Status::invalidArgument("must be a table {name = value}", at);
      for (const auto& [name, value] : v.asObject()) {
        if (value.isString()) {
          a.slots[name] = value.asString();
        } else if (value.isNumber() && isWhole(value.asNumber()) && std::fabs(value.asNumber()) < 1e15) {
          a.slots[name] = std::to_string(static_cast<int64_t>(value.asNumber()));
        } else {
          return Status::invalidArgument("must be a string or a whole number", at + "/" + name);
        }
      }
    } else if (key == "transfer") {
      if (!v.isObject()) return Status::invalidArgument("must be a table {queue, priority, segment, skills}", at);
      ivr::HookTransfer t;
      for (const auto& [field, x] : v.asObject()) {
        const std::string fat = at + "/" + field;
        if (field == "queue") {
          if (!id(x)) return Status::invalidArgument("must be a queue id", fat);
          t.queue = x.asString();
        } else if (field == "chat_queue") {
          if (!id(x)) return Status::invalidArgument("must be a queue id", fat);
          t.chat_queue = x.asString();
        } else if (field == "priority") {
          if (!x.isNumber() || !isWhole(x.asNumber()) || x.asNumber() < 0 || x.asNumber() > 100) {
            return Status::invalidArgument("must be a whole number from 0 to 100", fat);
          }
          t.priority = static_cast<int>(x.asNumber());
        } else if (field == "segment") {
          if (!x.isString() || !validSegment(x.asString())) return Status::invalidArgument("must be 1 to 32 of a-z 0-9 _ -", fat);
          t.segment = x.asString();
        } else if (field == "skills") {
          if (x.isArray() && x.asArray().empty()) continue;
          if (!x.isObject() || x.asObject().size() > 16) return Status::invalidArgument("must be a table {skill = level} (at most 16)", fat);
          for (const auto& [code, level] : x.asObject()) {
            if (!ivr::validFlowId(code)) return Status::invalidArgument("is not a skill code", fat + "/" + code);
            if (!level.isNumber() || !isWhole(level.asNumber()) || level.asNumber() < 1 || level.asNumber() > 5) {
              return Status::invalidArgument("level must be a whole number from 1 to 5", fat + "/" + code);
            }
            t.skills.push_back({code, static_cast<int>(level.asNumber())});
          }
        } else {
          return Status::invalidArgument("unknown field (queue, chat_queue, priority, segment, skills)", fat);
        }
      }
      if (t.queue.empty()) return Status::invalidArgument("is required", at + "/queue");
      a.transfer = std::move(t);
    } else {
      return Status::invalidArgument("unknown field (next, say, slots, transfer)", at);
    }
  }
  if (a.next && a.transfer) return Status::invalidArgument("give next or transfer, not both", "/next");
  return a;
}

Value ivrActionValue(const ivr::HookAction& a) {
  Value::Object o;
  if (a.next) o.emplace("next", Value(*a.next));
  if (a.say) o.emplace("say", Value(Value::Object{{"zh", Value(a.say->zh)}, {"en", Value(a.say->en)}}));
  if (!a.slots.empty()) {
    Value::Object slots;
    for (const auto& [k, v] : a.slots) slots.emplace(k, Value(v));
    o.emplace("slots", Value(std::move(slots)));
  }
  if (a.transfer) {
    Value::Object t{{"queue", Value(a.transfer->queue)}};
    if (!a.transfer->chat_queue.empty()) t.emplace("chat_queue", Value(a.transfer->chat_queue));
    if (a.transfer->priority) t.emplace("priority", Value(*a.transfer->priority));
    if (a.transfer->segment) t.emplace("segment", Value(*a.transfer->segment));
    if (!a.transfer->skills.empty()) {
      Value::Object sk;
      for (const auto& s : a.transfer->skills) sk.emplace(s.skill, Value(s.level));
      t.emplace("skills", Value(std::move(sk)));
    }
    o.emplace("transfer", Value(std::move(t)));
  }
  return Value(std::move(o));
}

Value ivrSessionValue(const ivr::HookCall& c) {
  Value::Array path;
  for (const auto& p : c.path) path.emplace_back(p);
  Value::Object slots;
  for (const auto& [k, v] : c.slots) slots.emplace(k, Value(v));
  return Value(Value::Object{{"id", Value(c.session_id)},
                             {"language", Value(c.language)},
                             {"node", Value(c.node)},
                             {"path", Value(std::move(path))},
                             {"slots", Value(std::move(slots))},
                             {"intent", Value(c.intent)},
                             {"confidence", Value(c.confidence)},
                             {"segment", Value(c.segment)}});
}

Value ivrInputValue(const ivr::HookCall& c) { return Value(Value::Object{{c.input_kind, Value(c.input)}}); }

Value contactValue(const routing::ContactSpec& spec) {
  Value::Object o;
  o.emplace("id", Value(spec.id));
  o.emplace("channel", Value(std::string(site::channelName(spec.channel))));
  o.emplace("language", Value(spec.language));
  Value::Object skills;
  for (const auto& s : spec.skills) skills.emplace(s.skill_code, Value(s.level));
  o.emplace("skills", Value(std::move(skills)));
  o.emplace("segment", Value(spec.segment));
  o.emplace("value", Value(spec.value));
  o.emplace("priority", Value(spec.priority));
  o.emplace("intent", Value(spec.intent));
  o.emplace("intent_confidence", Value(spec.intent_confidence));
  Value::Array path;
  for (const auto& p : spec.ivr_path) path.emplace_back(p);
  o.emplace("ivr_path", Value(std::move(path)));
  o.emplace("queue", Value(spec.queue));
  o.emplace("attributes", attributesValue(spec.attributes_json));
  return Value(std::move(o));
}

Value candidateValue(const routing::AgentProfile& a) {
  Value::Object o;
  o.emplace("id", Value(a.id));
  o.emplace("tier", Value(a.tier));
  Value::Array langs;
  for (const auto& l : a.languages) langs.emplace_back(l);
  o.emplace("languages", Value(std::move(langs)));
  Value::Object skills;
  for (const auto& s : a.skills) skills.emplace(s.skill_code, Value(s.level));
  o.emplace("skills", Value(std::move(skills)));
  Value::Array practice;
  for (const auto& s : a.practice_skills) practice.emplace_back(s);
  o.emplace("practice_skills", Value(std::move(practice)));
  o.emplace("reward_score", Value(a.reward_score));
  return Value(std::move(o));
}

namespace {
void pushText(lua_State* L, const char* key, const std::string& text) {
  lua_pushlstring(L, text.data(), text.size());
  lua_setfield(L, -2, key);
}
void pushPlainField(lua_State* L, const char* key, const Value& v) {
  Sandbox::pushPlain(L, v);
  lua_setfield(L, -2, key);
}

// contactValue's 12 fields, in its (sorted) key order, with the attributes given.
void pushContactFields(lua_State* L, const routing::ContactSpec& spec, const Value& attributes) {
  lua_createtable(L, 0, 12);
  pushPlainField(L, "attributes", attributes);
  const std::string_view channel = site::channelName(spec.channel);
  lua_pushlstring(L, channel.data(), channel.size());
  lua_setfield(L, -2, "channel");
  pushText(L, "id", spec.id);
  pushText(L, "intent", spec.intent);
  pushPlainField(L, "intent_confidence", Value(spec.intent_confidence));
  lua_createtable(L, static_cast<int>(spec.ivr_path.size()), 0);
  for (size_t i = 0; i < spec.ivr_path.size(); ++i) {
    lua_pushlstring(L, spec.ivr_path[i].data(), spec.ivr_path[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "ivr_path");
  pushText(L, "language", spec.language);
  pushPlainField(L, "priority", Value(spec.priority));
  pushText(L, "queue", spec.queue);
  pushText(L, "segment", spec.segment);
  // Sorted, and the last level of a repeated code, like the map (no allocation for
  // the usual handful of skills).
  lua_createtable(L, 0, static_cast<int>(spec.skills.size()));
  const bool ascending = std::adjacent_find(spec.skills.begin(), spec.skills.end(),
                                            [](const site::SkillLevel& a, const site::SkillLevel& b) {
                                              return a.skill_code >= b.skill_code;
                                            }) == spec.skills.end();
  if (ascending) {
    for (const auto& sk : spec.skills) {
      lua_pushlstring(L, sk.skill_code.data(), sk.skill_code.size());
      lua_pushinteger(L, sk.level);
      lua_rawset(L, -3);
    }
  } else {
    std::map<std::string_view, int> skills;
    for (const auto& sk : spec.skills) skills[sk.skill_code] = sk.level;
    for (const auto& [code, level] : skills) {
      lua_pushlstring(L, code.data(), code.size());
      lua_pushinteger(L, level);
      lua_rawset(L, -3);
    }
  }
  lua_setfield(L, -2, "skills");
  pushPlainField(L, "value", Value(spec.value));
}
}  // namespace

void pushContact(lua_State* L, const void* data) {
  const auto& spec = *static_cast<const routing::ContactSpec*>(data);
  pushContactFields(L, spec, attributesValue(spec.attributes_json));
}

void RuleSet::pushContactArg(lua_State* L, const void* data) {
  const auto* arg = static_cast<const ContactArg*>(data);
  pushContactFields(L, *arg->spec, *arg->attributes);
}

// ------------------------------------------------------------------------------------
// RuleSet

RuleSet::RuleSet(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed, Logger log)
    : bundle_(std::move(bundle)), clock_(clock), limits_(limits), seed_(seed), log_(std::move(log)) {}

Result<std::shared_ptr<RuleSet>> RuleSet::build(Bundle bundle, const Clock& clock, Limits limits, uint64_t seed,
                                                Logger log) {
  std::shared_ptr<RuleSet> rs(new RuleSet(std::move(bundle), clock, limits, seed, std::move(log)));
  if (Status s = rs->rebuild(); !s) return s;
  for (const auto& hook : rs->bundle_.hooks) {
    if (!rs->sandbox_->hasFunction(hook)) {
      return Status::invalidArgument("declares hook " + hook + " but does not define it", "manifest.json /hooks");
    }
  }
  return rs;
}

Result<std::shared_ptr<RuleSet>> RuleSet::sibling(uint64_t seed, std::shared_ptr<RuleCounterBlock> counters) const {
  std::shared_ptr<RuleSet> rs(new RuleSet(bundle_, clock_, limits_, seed, log_));
  if (counters) rs->counters_ = std::move(counters);
  rs->origin_ = counters_;
  if (Status s = rs->rebuild(); !s) return s;
  return rs;
}

Status RuleSet::rebuild() {
  const std::string prefix = bundle_.id + " v" + std::to_string(bundle_.version) + ": ";
  auto sb = Sandbox::create(clock_, limits_, seed_, [this, prefix](std::string_view line) {
    if (log_) log_(prefix + std::string(line));
  });
  if (!sb) return sb.status();
  if (Status s = sb.value()->setShared("config", bundle_.configValues()); !s) return s;
  for (const auto& src : bundle_.sources) {
    if (Status s = sb.value()->load(src, bundle_.files.at(src)); !s) {
      return Status(s.code(), s.message(), s.where().empty() ? src : s.where());
    }
  }
  if (sandbox_) count(&RuleCounterBlock::rebuilds);  // not the first build
  sandbox_ = std::move(sb.value());
  return Status::ok();
}

bool RuleSet::has(const std::string& hook) const {
  return std::find(bundle_.hooks.begin(), bundle_.hooks.end(), hook) != bundle_.hooks.end();
}

Result<Value> RuleSet::invoke(const std::string& hook, const std::vector<Value>& args, WallTime now,
                              Sandbox::ArgPusher first, const void* first_data, Sandbox::ResultReader* reader) {
  count(&RuleCounterBlock::calls);
  if (!sandbox_ || sandbox_->broken()) {
    if (Status s = rebuild(); !s) {
      count(&RuleCounterBlock::errors);
      return Status(s.code(), "rebuilding the sandbox: " + s.message(), s.where());
    }
  }
  auto r = sandbox_->callHook(hook, first, first_data, args, toEpochMillis(now), reader);
  if (!r) {
    if (r.status().code() == StatusCode::kResourceExhausted && sandbox_->broken()) {
      count(&RuleCounterBlock::limit_hits);
    } else {
      count(&RuleCounterBlock::errors);
    }
  }
  return r;
}

Result<Classification> RuleSet::classification(Result<Value> r) {
  if (!r) return r.status();
  auto c = validateClassification(r.value());
  if (!c) {
    count(&RuleCounterBlock::errors);
    return Status(c.status().code(), "classify_contact returned a bad result: " + c.status().message(),
                  c.status().where());
  }
  return c;
}

Result<std::vector<size_t>> RuleSet::ranking(Result<Value> r, const std::vector<std::string>& ids) {
  if (!r) return r.status();
  auto order = validateRanking(r.value(), ids);
  if (!order) {
    count(&RuleCounterBlock::errors);
    return Status(order.status().code(), "rank_candidates returned a bad result: " + order.status().message(),
                  order.status().where());
  }
  return order;
}

Result<Classification> RuleSet::classify(Value contact, WallTime now) {
  const std::vector<Value> args{std::move(contact)};
  return classification(invoke(kClassify, args, now));
}

const Value& RuleSet::attributesOf(const std::string& json) {
  if (json != attributes_json_) {
    attributes_ = attributesValue(json);
    attributes_json_ = json;
  }
  return attributes_;
}

Result<Classification> RuleSet::classify(const routing::ContactSpec& contact, WallTime now) {
  static const std::vector<Value> kNoArgs;
  const ContactArg arg{&contact, &attributesOf(contact.attributes_json)};
  Classification fast;
  Sandbox::ResultReader reader{&readClassification, &fast};
  auto r = invoke(kClassify, kNoArgs, now, &pushContactArg, &arg, &reader);
  if (r && reader.done) return fast;
  return classification(std::move(r));
}

Result<std::vector<size_t>> RuleSet::rank(Value contact, const std::vector<std::string>& ids, Value candidates,
                                          WallTime now) {
  std::vector<Value> args;
  args.reserve(2);
  args.push_back(std::move(contact));
  args.push_back(std::move(candidates));
  return ranking(invoke(kRank, args, now), ids);
}

Result<std::vector<size_t>> RuleSet::rank(const routing::ContactSpec& contact, const std::vector<std::string>& ids,
                                          Value candidates, WallTime now) {
  const std::vector<Value> args{std::move(candidates)};
  const ContactArg arg{&contact, &attributesOf(contact.attributes_json)};
  return ranking(invoke(kRank, args, now, &pushContactArg, &arg), ids);
}

Result<std::vector<EventAction>> RuleSet::onEvent(Value event, WallTime now) {
  const std::vector<Value> args{std::move(event)};
  auto r = invoke(kOnEvent, args, now);
  if (!r) return r.status();
  auto actions = validateEventActions(r.value());
  if (!actions) {
    count(&RuleCounterBlock::errors);
    return Status(actions.status().code(), "on_event returned a bad result: " + actions.status().message(),
                  actions.status().where());
  }
  return actions;
}

Result<ivr::HookAction> RuleSet::ivrAction(Value session, Value input, WallTime now) {
  std::vector<Value> args;
  args.reserve(2);
  args.push_back(std::move(session));
  args.push_back(std::move(input));
  auto r = invoke(kIvrAction, args, now);
  if (!r) return r.status();
  auto a = validateIvrAction(r.value());
  if (!a) {
    count(&RuleCounterBlock::errors);
    return Status(a.status().code(), "ivr_action returned a bad result: " + a.status().message(), a.status().where());
  }
  return a;
}

std::vector<RuleSet::VectorOutcome> RuleSet::runVectors() {
  std::vector<VectorOutcome> out;
  for (size_t i = 0; i < bundle_.vectors.size(); ++i) {
    const TestVector& v = bundle_.vectors[i];
    VectorOutcome o;
    o.name = v.name;
    o.hook = v.hook;
    o.where = bundle_.vectors_path + " /vectors/" + std::to_string(i) + " (" + v.name + ")";
    Value expect = v.expect;
    if (v.hook == kClassify && expect.isArray() && expect.asArray().empty()) expect = Value(Value::Object{});
    if ((v.hook == kRank || v.hook == kOnEvent) && expect.isNil()) expect = Value(Value::Array{});
    if (v.hook == kIvrAction && (expect.isNil() || (expect.isArray() && expect.asArray().empty()))) {
      expect = Value(Value::Object{});
    }
    o.expected = toJsonText(expect);
    WallTime now = fromEpochMillis(1'767'225'600'000);
    if (v.ctx["now"].isNumber()) now = fromEpochMillis(static_cast<int64_t>(v.ctx["now"].asNumber()));
    if (v.ctx["now"].isString()) {
      auto t = parseRfc3339(v.ctx["now"].asString());
      if (!t) {
        o.where += " /ctx/now";
        o.error = t.status().message();
        out.push_back(std::move(o));
        continue;
      }
      now = t.value();
    }
    Value got;
    if (v.hook == kClassify) {
      auto c = classify(v.contact, now);
      if (!c) {
        o.error = c.status().toString();
        out.push_back(std::move(o));
        continue;
      }
      got = classificationValue(c.value());
    } else if (v.hook == kOnEvent) {
      auto a = onEvent(v.event, now);
      if (!a) {
        o.error = a.status().toString();
        out.push_back(std::move(o));
        continue;
      }
      got = actionsValue(a.value());
    } else if (v.hook == kIvrAction) {
      auto a = ivrAction(v.session, v.input, now);
      if (!a) {
        o.error = a.status().toString();
        out.push_back(std::move(o));
        continue;
      }
      got = ivrActionValue(a.value());
    } else {
      const auto ids = idsOf(v.candidates);
      auto r = rank(v.contact, ids, v.candidates, now);
      if (!r) {
        o.error = r.status().toString();
        out.push_back(std::move(o));
        continue;
      }
      Value::Array order;
      for (size_t idx : r.value()) order.emplace_back(ids[idx]);
      got = Value(std::move(order));
    }
    o.got = toJsonText(got);
    o.passed = got == expect;
    out.push_back(std::move(o));
  }
  // The vectors do not count against the bundle.
  counters_->calls = 0;
  counters_->errors = 0;
  counters_->limit_hits = 0;
  return out;
}

Status RuleSet::selfTest() {
  for (const VectorOutcome& o : runVectors()) {
    if (o.passed) continue;
    if (!o.error.empty()) return Status::invalidArgument("self-test failed: " + o.error, o.where);
    return Status::invalidArgument("self-test failed: expected " + o.expected + ", got " + o.got, o.where);
  }
  return Status::ok();
}

RuleCounters RuleSet::counters() const {
  return counters_->load();
}

// ------------------------------------------------------------------------------------
// RulesHost

RulesHost::RulesHost(const Clock& clock, signing::TrustStore trust, RulesOptions options, Logger log)
    : clock_(clock), trust_(std::move(trust)), options_(std::move(options)), log_(std::move(log)),
      workload_(options_.workload) {
  trust_history_.push_back(trust_);
}

signing::TrustStore RulesHost::trust() const {
  std::lock_guard lock(mu_);
  return trust_;
}

std::vector<signing::TrustStore> RulesHost::trustHistory() const {
  std::lock_guard lock(mu_);
  return std::vector<signing::TrustStore>(trust_history_.rbegin(), trust_history_.rend());
}

int64_t RulesHost::keySetVersion() const {
  std::lock_guard lock(mu_);
  return keyset_version_;
}

Result<KeySet> RulesHost::rotateKeys(const std::string& manifest_json, const std::string& signature_json,
                                     const KeysPersist& persist) {
  std::lock_guard install(install_mu_);
  auto set = verifyKeySet(manifest_json, signature_json, trust(), keySetVersion());
  if (!set) return set.status();
  if (persist) OUTPOST_RETURN_IF_ERROR(persist(*set));
  std::lock_guard lock(mu_);
  trust_ = set->trust();
  trust_history_.push_back(trust_);
  keyset_version_ = set->version;
  if (log_) log_("rule bundle keys rotated to key set v" + std::to_string(set->version) + " (signed by " + set->signed_by + ")");
  return set;
}

namespace {
RulesStatus::Entry entryOf(const RuleSet& rs) {
  RulesStatus::Entry e;
  e.id = rs.bundle().id;
  e.version = rs.bundle().version;
  e.key_id = rs.bundle().key_id;
  e.manifest_sha256 = rs.bundle().manifest_sha256;
  e.expires = rs.bundle().expires;
  e.hooks = rs.bundle().hooks;
  e.counters = rs.counters();
  e.memory_bytes = rs.memoryUsed();
  return e;
}
}  // namespace

InstallTarget RulesHost::target() const {
  return InstallTarget{options_.site, options_.site_groups, clock_.wallNow()};
}

Result<RulesStatus::Entry> RulesHost::installFiles(const std::map<std::string, std::string>& files,
                                                   const Persist& persist) {
  auto b = verifyBundle(files, trust(), target());
  if (!b) return b.status();
  return activate(std::move(b.value()), true, persist);
}

Result<RulesStatus::Entry> RulesHost::installDir(const std::string& dir, const Persist& persist) {
  auto b = readBundleDir(dir, trust(), target());
  if (!b) return b.status();
  return activate(std::move(b.value()), true, persist);
}

Result<RulesStatus::Entry> RulesHost::activate(Bundle bundle, bool check_version, const Persist& persist) {
  std::lock_guard install(install_mu_);
  if (check_version) {
    auto current = this->active();
    if (current && current->bundle().id == bundle.id && bundle.version <= current->bundle().version) {
      return Status::conflict("version " + std::to_string(bundle.version) + " is not above the active version " +
                                  std::to_string(current->bundle().version) + " (rollback re-activates a kept one)",
                              "manifest.json /version");
    }
  }
  auto rs = RuleSet::build(std::move(bundle), clock_, options_.limits, options_.seed, log_);
  if (!rs) return rs.status();
  rs.value()->setFailureHook([this](const RuleSet& failed) { watchTrial(failed); });
  if (Status s = rs.value()->selfTest(); !s) return s;
  if (listener_.check) OUTPOST_RETURN_IF_ERROR(listener_.check(rs.value()->bundle()));
  if (persist) {
    auto current = this->active();
    if (Status s = persist(rs.value()->bundle(), current ? &current->bundle() : nullptr); !s) return s;
  }
  const WallTime now = clock_.wallNow();
  const bool trial = check_version && options_.trial.window.count() > 0;
  {
    std::lock_guard lock(mu_);
    previous_ = std::move(active_);
    active_ = rs.value();
    rank_enabled_ = active_->has(kRank);
    events_enabled_ = active_->has(kOnEvent);
    setState(trial ? "trial" : "active", now);
    if (trial) trial_ends_ = now + options_.trial.window;
  }
  const auto& now_active = rs.value();
  if (log_) {
    log_("rules " + now_active->bundle().id + " v" + std::to_string(now_active->bundle().version) +
         (trial ? " active on trial until " + formatRfc3339(now + options_.trial.window) : std::string(" active")));
  }
  if (listener_.activated) listener_.activated(now_active);  // outside mu_: hooks keep running meanwhile
  return entryOf(*now_active);
}

Result<RulesStatus::Entry> RulesHost::rollback(const Persist& persist) {
  std::lock_guard install(install_mu_);
  std::shared_ptr<RuleSet> current;
  std::shared_ptr<RuleSet> previous;
  {
    std::lock_guard lock(mu_);
    current = active_;
    previous = previous_;
  }
  if (!previous) return Status::failedPrecondition("there is no previous bundle to roll back to");
  if (listener_.check) OUTPOST_RETURN_IF_ERROR(listener_.check(previous->bundle()));
  if (persist) {
    if (Status s = persist(previous->bundle(), current ? &current->bundle() : nullptr); !s) return s;
  }
  {
    std::lock_guard lock(mu_);
    std::swap(active_, previous_);
    rank_enabled_ = active_->has(kRank);
    events_enabled_ = active_->has(kOnEvent);
    setState("active", clock_.wallNow());
  }
  if (log_) {
    log_("rules rolled back to " + previous->bundle().id + " v" + std::to_string(previous->bundle().version));
  }
  if (listener_.activated) listener_.activated(previous);
  return entryOf(*previous);
}

void RulesHost::setListener(Listener listener) {
  std::lock_guard install(install_mu_);
  listener_ = std::move(listener);
}

RulesStatus RulesHost::status() const {
  std::lock_guard lock(mu_);
  RulesStatus s;
  if (active_) s.active = entryOf(*active_);
  if (previous_) s.previous = entryOf(*previous_);
  s.state = state_;
  s.changed_at = changed_at_;
  s.key_set_version = keyset_version_;
  s.key_ids = trust_.ids();
  if (state_ == "trial") {
    if (!trial_signalled_ && clock_.wallNow() >= trial_ends_) {
      s.state = "active";  // the window passed without trouble (checkTrial records it)
      s.changed_at = trial_ends_;
    } else {
      s.trial_ends = trial_ends_;
    }
  }
  if (state_ == "reverted") {
    s.reason = reason_;
    s.reverted_id = reverted_id_;
    s.reverted_version = reverted_version_;
  }
  return s;
}

void RulesHost::setState(const char* state, WallTime at) {
  state_ = state;
  changed_at_ = at;
  trial_signalled_ = false;
  reason_.clear();
  reverted_id_.clear();
  reverted_version_ = 0;
}

void RulesHost::setTrialWatcher(TrialWatcher watcher) {
  std::lock_guard lock(mu_);
  watcher_ = std::move(watcher);
}

bool RulesHost::trialFailing(const RuleCounters& c) const {
  if (c.calls == 0 || c.calls < options_.trial.min_calls) return false;
  const double rate = static_cast<double>(c.errors + c.limit_hits) / static_cast<double>(c.calls);
  return rate > options_.trial.max_error_rate;
}

void RulesHost::watchTrial(const RuleSet& rules) {
  TrialWatcher watcher;
  {
    std::lock_guard lock(mu_);
    if (state_ != "trial" || active_.get() != &rules || trial_signalled_) return;
    if (clock_.wallNow() >= trial_ends_ || !trialFailing(rules.counters())) return;
    trial_signalled_ = true;
    watcher = watcher_;
  }
  if (watcher) watcher();
}

Result<bool> RulesHost::checkTrial(const RevertPersist& persist) {
  std::lock_guard install(install_mu_);
  std::shared_ptr<RuleSet> failed;
  std::shared_ptr<RuleSet> back;
  RuleCounters c;
  {
    std::lock_guard lock(mu_);
    if (state_ != "trial" || !active_) return false;
    const WallTime now = clock_.wallNow();
    c = active_->counters();
    const bool failing = trial_signalled_ || (now < trial_ends_ && trialFailing(c));
    if (!failing) {
      if (now >= trial_ends_) {
        setState("active", trial_ends_);
        if (log_) log_("rules " + active_->bundle().id + " v" + std::to_string(active_->bundle().version) +
                       " passed its trial");
      }
      return false;
    }
    failed = active_;
    back = previous_;
  }
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f%%",
                100.0 * static_cast<double>(c.errors + c.limit_hits) / static_cast<double>(std::max<uint64_t>(c.calls, 1)));
  char max_rate[32];
  std::snprintf(max_rate, sizeof max_rate, "%.0f%%", 100.0 * options_.trial.max_error_rate);
  const std::string reason = failed->bundle().id + " v" + std::to_string(failed->bundle().version) + " failed its trial: " +
                             std::to_string(c.errors) + " errors and " + std::to_string(c.limit_hits) +
                             " limit hits in " + std::to_string(c.calls) + " calls (" + rate + ", over the " + max_rate +
                             " allowed); " +
                             (back ? "reverted to " + back->bundle().id + " v" + std::to_string(back->bundle().version)
                                   : std::string("no previous bundle: the built-in behaviour decides"));
  if (persist) {
    if (Status s = persist(back ? &back->bundle() : nullptr, failed->bundle(), reason); !s) {
      std::lock_guard lock(mu_);
      trial_signalled_ = false;  // the next failure tries again
      return s;
    }
  }
  {
    std::lock_guard lock(mu_);
    active_ = back;
    previous_ = failed;
    rank_enabled_ = active_ && active_->has(kRank);
    events_enabled_ = active_ && active_->has(kOnEvent);
    setState("reverted", clock_.wallNow());
    reason_ = reason;
    reverted_id_ = failed->bundle().id;
    reverted_version_ = failed->bundle().version;
  }
  if (log_) log_("rules " + reason);
  if (listener_.activated) listener_.activated(back);  // null: no bundle, the built-in behaviour
  return true;
}

std::shared_ptr<RuleSet> RulesHost::active() const {
  std::lock_guard lock(mu_);
  return active_;
}

void RulesHost::logFailure(const RuleSet& rules, const std::string& hook, const Status& s) {
  if (!log_) return;
  log_("rules " + rules.bundle().id + " v" + std::to_string(rules.bundle().version) + " " + hook + " failed (" +
       std::string(statusCodeName(s.code())) + "): " + s.describe() + "; built-in behaviour used");
}

std::optional<routing::ContactSpec> RulesHost::classify(const routing::ContactSpec& spec, WallTime now) {
  auto rs = active();  // this decision finishes on these rules even if a swap happens meanwhile
  if (!rs || !rs->has(kClassify)) return std::nullopt;
  auto c = rs->classify(spec, now);
  if (!c) {
    rs->countFallback();
    logFailure(*rs, kClassify, c.status());
    watchTrial(*rs);
    return std::nullopt;
  }
  if (!c->skills && !c->segment && !c->priority && !c->queue) return std::nullopt;
  routing::ContactSpec out = spec;
  if (c->skills) out.skills = *c->skills;
  if (c->segment) out.segment = *c->segment;
  if (c->priority) out.priority = *c->priority;
  if (c->queue) out.queue = *c->queue;
  return out;
}

void RulesHost::onEvent(const engine::DomainEvent& event, WallTime now) {
  auto rs = active();
  if (!rs || !rs->has(kOnEvent)) return;
  auto ev = eventValue(event);
  if (!ev) return;
  const std::string type = (*ev)["type"].asString();
  auto r = rs->onEvent(std::move(*ev), now);
  if (!r) {
    rs->countFallback();
    logFailure(*rs, kOnEvent, r.status());
    watchTrial(*rs);
    return;
  }
  if (!r->empty() && sink_) sink_(rs->bundle(), type, r.value());
}

void RulesHost::observe(const engine::DomainEvent& event, WallTime now) {
  workload_.record(event);
  onEvent(event, now);
}

void RulesHost::refused(const routing::ContactSpec& /*changed*/, const Status& why) {
  auto rs = active();
  if (!rs) return;
  rs->countFallback();
  logFailure(*rs, kClassify, Status(why.code(), "the router refused the classified contact: " + why.message(), why.where()));
}

std::optional<size_t> RulesHost::choose(const routing::ContactView& contact,
                                        const std::vector<const routing::AgentProfile*>& candidates, WallTime now) {
  auto rs = active();
  if (!rs || !rs->has(kRank)) return std::nullopt;
  std::vector<std::string> ids;
  Value::Array list;
  ids.reserve(candidates.size());
  list.reserve(candidates.size());
  for (const auto* a : candidates) {
    ids.push_back(a->id);
    workload_.noteProfile(*a);
    Value c = candidateValue(*a);
    c.asObject().emplace("recent_heavy", Value(workload_.recentHeavy(a->id, now)));
    c.asObject().emplace("practice_today", Value(workload_.practiceToday(a->id, now)));
    list.push_back(std::move(c));
  }
  auto r = rs->rank(*contact.spec, ids, Value(std::move(list)), now);
  if (!r) {
    rs->countFallback();
    logFailure(*rs, kRank, r.status());
    watchTrial(*rs);
    return std::nullopt;
  }
  if (r->empty()) return std::nullopt;
  return r->front();
}

}  // namespace outpost::plugins
