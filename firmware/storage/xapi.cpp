// xAPI 1.0.3 statements: see storage/xapi.h and docs/learning.md.

#include "storage/xapi.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <initializer_list>
#include <set>

#include "codec/json.h"
#include "storage/outbox.h"

namespace outpost::storage {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

Status bad(const std::string& path, std::string what) { return Status::invalidArgument(std::move(what), path); }

bool isObject(const Var& v) { return !v.isEmpty() && v.type() == typeid(Object::Ptr); }
bool isArray(const Var& v) { return !v.isEmpty() && v.type() == typeid(Array::Ptr); }
bool isString(const Var& v) { return !v.isEmpty() && v.isString(); }
bool isBool(const Var& v) { return !v.isEmpty() && v.type() == typeid(bool); }
bool isNumber(const Var& v) { return !v.isEmpty() && v.isNumeric() && !isBool(v); }

// Every key of `o` is one of `allowed` and none is null (xAPI: null and empty values
// are refused outside extensions).
Status keysOf(const Object::Ptr& o, std::initializer_list<std::string_view> allowed, const std::string& path) {
  for (const auto& [key, value] : *o) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return bad(path + "/" + key, "is not a property of this object in xAPI 1.0.3");
    }
    if (value.isEmpty()) return bad(path + "/" + key, "must not be null");
    if (isObject(value) && key != "extensions" && value.extract<Object::Ptr>()->size() == 0) {
      return bad(path + "/" + key, "must not be an empty object");
    }
  }
  return Status::ok();
}

Result<Object::Ptr> objectAt(const Object::Ptr& parent, const std::string& key, const std::string& path, bool required) {
  if (!parent->has(key)) {
    if (required) return bad(path + "/" + key, "is required");
    return Object::Ptr();
  }
  const Var v = parent->get(key);
  if (!isObject(v)) return bad(path + "/" + key, "must be an object");
  return v.extract<Object::Ptr>();
}

Result<std::string> stringAt(const Object::Ptr& parent, const std::string& key, const std::string& path,
                             bool required) {
  if (!parent->has(key)) {
    if (required) return bad(path + "/" + key, "is required");
    return std::string();
  }
  const Var v = parent->get(key);
  if (!isString(v)) return bad(path + "/" + key, "must be a string");
  std::string s = v.extract<std::string>();
  if (s.empty()) return bad(path + "/" + key, "must not be empty");
  return s;
}

bool isIri(std::string_view s) {
  if (s.empty() || s.size() > 2048 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  size_t i = 1;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (i >= s.size() - 1 || s[i] != ':') return false;
  return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}'; });
}

bool isUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// RFC 5646 in its common shape: a 2–8 letter language, then 1–8 alphanumeric subtags.
bool isLanguageTag(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  size_t start = 0;
  bool first = true;
  while (start <= s.size()) {
    size_t end = s.find('-', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view part = s.substr(start, end - start);
    if (part.empty() || part.size() > 8) return false;
    if (first) {
      if (part.size() < 2 && part != "i" && part != "x") return false;
      if (!std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isalpha(c); })) return false;
    } else if (!std::all_of(part.begin(), part.end(), [](unsigned char c) { return std::isalnum(c); })) {
      return false;
    }
    first = false;
    if (end == s.size()) break;
    start = end + 1;
  }
  return true;
}

Status languageMap(const Object::Ptr& parent, const std::string& key, const std::string& path) {
  if (!parent->has(key)) return Status::ok();
  const Var v = parent->get(key);
  const std::string at = path + "/" + key;
  if (!isObject(v)) return bad(at, "must be a language map (an object of language tag → string)");
  for (const auto& [tag, text] : *v.extract<Object::Ptr>()) {
    if (!isLanguageTag(tag)) return bad(at + "/" + tag, "is not an RFC 5646 language tag");
    if (!isString(text)) return bad(at + "/" + tag, "must be a string");
  }
  return Status::ok();
}

Status iriAt(const Object::Ptr& parent, const std::string& key, const std::string& path, bool required) {
  auto s = stringAt(parent, key, path, required);
  if (!s.isOk()) return s.status();
  if (!s->empty() && !isIri(*s)) return bad(path + "/" + key, "must be an IRI (scheme:…)");
  return Status::ok();
}

Status extensions(const Object::Ptr& parent, const std::string& path) {
  if (!parent->has("extensions")) return Status::ok();
  const Var v = parent->get("extensions");
  if (!isObject(v)) return bad(path + "/extensions", "must be an object");
  for (const auto& [key, value] : *v.extract<Object::Ptr>()) {
    if (!isIri(key)) return bad(path + "/extensions/" + key, "an extension key must be an IRI");
  }
  return Status::ok();
}

// ISO 8601 duration: P[nY][nM][nW][nD][T[nH][nM][n[.n]S]] with at least one part.
bool isDuration(std::string_view s) {
  if (s.size() < 2 || s.size() > 64 || s[0] != 'P') return false;
  bool in_time = false;
  bool any = false;
  bool number = false;
  bool fraction = false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      number = true;
    } else if (c == '.') {
      if (!number || fraction) return false;
      fraction = true;
    } else if (c == 'T') {
      if (in_time || number) return false;
      in_time = true;
      if (i + 1 == s.size()) return false;
    } else {
      const std::string_view units = in_time ? "HMS" : "YMWD";
      if (!number || units.find(c) == std::string_view::npos || (fraction && c != 'S')) return false;
      number = false;
      fraction = false;
      any = true;
    }
  }
  return any && !number;
}

// Agents and groups. `key_out` gets the key used for queries.
Status agentIfi(const Object::Ptr& a, const std::string& path, int& count, std::string& key_out) {
  count = 0;
  if (a->has("mbox")) {
    ++count;
    auto s = stringAt(a, "mbox", path, true);
    if (!s.isOk()) return s.status();
    if (s->rfind("mailto:", 0) != 0 || s->size() < 10 || s->find('@') == std::string::npos) {
      return bad(path + "/mbox", "must be a mailto: IRI with an e-mail address");
    }
    key_out = "mbox|" + lower(*s);
  }
  if (a->has("mbox_sha1sum")) {
    ++count;
    auto s = stringAt(a, "mbox_sha1sum", path, true);
    if (!s.isOk()) return s.status();
    if (s->size() != 40 || !std::all_of(s->begin(), s->end(), [](unsigned char c) { return std::isxdigit(c); })) {
      return bad(path + "/mbox_sha1sum", "must be 40 hexadecimal digits (SHA-1)");
    }
    key_out = "sha1|" + lower(*s);
  }
  if (a->has("openid")) {
    ++count;
    auto s = stringAt(a, "openid", path, true);
    if (!s.isOk()) return s.status();
    if (!isIri(*s)) return bad(path + "/openid", "must be a URI");
    key_out = "openid|" + *s;
  }
  if (a->has("account")) {
    ++count;
    auto acc = objectAt(a, "account", path, true);
    if (!acc.isOk()) return acc.status();
    const std::string at = path + "/account";
    OUTPOST_RETURN_IF_ERROR(keysOf(*acc, {"homePage", "name"}, at));
    auto home = stringAt(*acc, "homePage", at, true);
    if (!home.isOk()) return home.status();
    if (!isIri(*home)) return bad(at + "/homePage", "must be an IRL");
    auto name = stringAt(*acc, "name", at, true);
    if (!name.isOk()) return name.status();
    key_out = "account|" + *home + "|" + *name;
  }
  return Status::ok();
}

Status readAgent(const Object::Ptr& a, const std::string& path, std::string& key) {
  OUTPOST_RETURN_IF_ERROR(keysOf(a, {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}, path));
  if (a->has("objectType")) {
    auto t = stringAt(a, "objectType", path, true);
    if (!t.isOk()) return t.status();
    if (*t != "Agent") return bad(path + "/objectType", "must be \"Agent\"");
  }
  auto name = stringAt(a, "name", path, false);
  if (!name.isOk()) return name.status();
  int count = 0;
  std::string ifi;
  OUTPOST_RETURN_IF_ERROR(agentIfi(a, path, count, ifi));
  if (count != 1) {
    return bad(path, "an Agent must have exactly one of mbox, mbox_sha1sum, openid, account (it has " +
                         std::to_string(count) + ")");
  }
  key = "agent|" + ifi;
  return Status::ok();
}

Status readGroup(const Object::Ptr& g, const std::string& path, std::string& key) {
  OUTPOST_RETURN_IF_ERROR(keysOf(g, {"objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"}, path));
  auto t = stringAt(g, "objectType", path, true);
  if (!t.isOk()) return t.status();
  if (*t != "Group") return bad(path + "/objectType", "must be \"Group\"");
  auto name = stringAt(g, "name", path, false);
  if (!name.isOk()) return name.status();
  int count = 0;
  std::string ifi;
  OUTPOST_RETURN_IF_ERROR(agentIfi(g, path, count, ifi));
  if (count > 1) return bad(path, "a Group has at most one of mbox, mbox_sha1sum, openid, account");
  if (g->has("member")) {
    const Var m = g->get("member");
    if (!isArray(m)) return bad(path + "/member", "must be an array of Agents");
    auto arr = m.extract<Array::Ptr>();
    for (size_t i = 0; i < arr->size(); ++i) {
      const Var x = arr->get(static_cast<unsigned>(i));
      const std::string at = path + "/member/" + std::to_string(i);
      if (!isObject(x)) return bad(at, "must be an Agent object");
      std::string ignored;
      OUTPOST_RETURN_IF_ERROR(readAgent(x.extract<Object::Ptr>(), at, ignored));
    }
    if (count == 0 && arr->size() == 0) return bad(path + "/member", "an anonymous Group must list its members");
  } else if (count == 0) {
    return bad(path + "/member", "an anonymous Group (no identifier) must list its members");
  }
  key = count == 1 ? "group|" + ifi : "";
  return Status::ok();
}

Status readActor(const Object::Ptr& a, const std::string& path, std::string& key) {
  if (a->has("objectType") && isString(a->get("objectType")) && a->getValue<std::string>("objectType") == "Group") {
    return readGroup(a, path, key);
  }
  return readAgent(a, path, key);
}

Status actorAt(const Object::Ptr& parent, const std::string& key, const std::string& path, bool required,
               std::string* key_out = nullptr) {
  auto a = objectAt(parent, key, path, required);
  if (!a.isOk()) return a.status();
  if (a->isNull()) return Status::ok();
  std::string k;
  OUTPOST_RETURN_IF_ERROR(readActor(*a, path + "/" + key, k));
  if (key_out) *key_out = k;
  return Status::ok();
}

Status interactionComponents(const Object::Ptr& def, const std::string& key, const std::string& path) {
  if (!def->has(key)) return Status::ok();
  const Var v = def->get(key);
  const std::string at = path + "/" + key;
  if (!isArray(v)) return bad(at, "must be an array of interaction components");
  auto arr = v.extract<Array::Ptr>();
  std::set<std::string> ids;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string ip = at + "/" + std::to_string(i);
    const Var x = arr->get(static_cast<unsigned>(i));
    if (!isObject(x)) return bad(ip, "must be an object");
    auto o = x.extract<Object::Ptr>();
    OUTPOST_RETURN_IF_ERROR(keysOf(o, {"id", "description"}, ip));
    auto id = stringAt(o, "id", ip, true);
    if (!id.isOk()) return id.status();
    if (!ids.insert(*id).second) return bad(ip + "/id", "is not unique within " + key);
    OUTPOST_RETURN_IF_ERROR(languageMap(o, "description", ip));
  }
  return Status::ok();
}

Status readActivity(const Object::Ptr& a, const std::string& path, std::string& id_out) {
  OUTPOST_RETURN_IF_ERROR(keysOf(a, {"objectType", "id", "definition"}, path));
  auto id = stringAt(a, "id", path, true);
  if (!id.isOk()) return id.status();
  if (!isIri(*id)) return bad(path + "/id", "an Activity id must be an IRI");
  id_out = *id;
  auto def = objectAt(a, "definition", path, false);
  if (!def.isOk()) return def.status();
  if (def->isNull()) return Status::ok();
  const std::string dp = path + "/definition";
  OUTPOST_RETURN_IF_ERROR(keysOf(*def,
                                 {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                                  "correctResponsesPattern", "choices", "scale", "source", "target", "steps"},
                                 dp));
  OUTPOST_RETURN_IF_ERROR(languageMap(*def, "name", dp));
  OUTPOST_RETURN_IF_ERROR(languageMap(*def, "description", dp));
  OUTPOST_RETURN_IF_ERROR(iriAt(*def, "type", dp, false));
  OUTPOST_RETURN_IF_ERROR(iriAt(*def, "moreInfo", dp, false));
  OUTPOST_RETURN_IF_ERROR(extensions(*def, dp));
  auto it = stringAt(*def, "interactionType", dp, false);
  if (!it.isOk()) return it.status();
  static const std::set<std::string> kTypes = {"true-false", "choice",  "fill-in", "long-fill-in", "matching",
                                               "performance", "sequencing", "likert", "numeric", "other"};
  if (!it->empty() && !kTypes.contains(*it)) return bad(dp + "/interactionType", "is not an xAPI interaction type");
  const bool interaction = !it->empty();
  for (const char* k : {"correctResponsesPattern", "choices", "scale", "source", "target", "steps"}) {
    if (def.value()->has(k) && !interaction) return bad(dp + "/" + k, "needs interactionType");
  }
  if (def.value()->has("correctResponsesPattern")) {
    const Var v = def.value()->get("correctResponsesPattern");
    if (!isArray(v)) return bad(dp + "/correctResponsesPattern", "must be an array of strings");
    auto arr = v.extract<Array::Ptr>();
    for (size_t i = 0; i < arr->size(); ++i) {
      if (!isString(arr->get(static_cast<unsigned>(i)))) {
        return bad(dp + "/correctResponsesPattern/" + std::to_string(i), "must be a string");
      }
    }
  }
  for (const char* k : {"choices", "scale", "source", "target", "steps"}) {
    OUTPOST_RETURN_IF_ERROR(interactionComponents(*def, k, dp));
  }
  return Status::ok();
}

Status readStatementRef(const Object::Ptr& o, const std::string& path, std::string& id_out) {
  OUTPOST_RETURN_IF_ERROR(keysOf(o, {"objectType", "id"}, path));
  auto id = stringAt(o, "id", path, true);
  if (!id.isOk()) return id.status();
  if (!isUuid(*id)) return bad(path + "/id", "must be a UUID");
  id_out = lower(*id);
  return Status::ok();
}

Status readVerb(const Object::Ptr& parent, const std::string& path, std::string& id_out) {
  auto v = objectAt(parent, "verb", path, true);
  if (!v.isOk()) return v.status();
  const std::string vp = path + "/verb";
  OUTPOST_RETURN_IF_ERROR(keysOf(*v, {"id", "display"}, vp));
  auto id = stringAt(*v, "id", vp, true);
  if (!id.isOk()) return id.status();
  if (!isIri(*id)) return bad(vp + "/id", "a Verb id must be an IRI");
  OUTPOST_RETURN_IF_ERROR(languageMap(*v, "display", vp));
  id_out = *id;
  return Status::ok();
}

Status readResult(const Object::Ptr& parent, const std::string& path) {
  auto r = objectAt(parent, "result", path, false);
  if (!r.isOk()) return r.status();
  if (r->isNull()) return Status::ok();
  const std::string rp = path + "/result";
  OUTPOST_RETURN_IF_ERROR(keysOf(*r, {"score", "success", "completion", "response", "duration", "extensions"}, rp));
  for (const char* k : {"success", "completion"}) {
    if (r.value()->has(k) && !isBool(r.value()->get(k))) return bad(rp + "/" + k, "must be true or false");
  }
  if (r.value()->has("response") && !isString(r.value()->get("response"))) return bad(rp + "/response", "must be a string");
  if (r.value()->has("duration")) {
    const Var d = r.value()->get("duration");
    if (!isString(d) || !isDuration(d.extract<std::string>())) {
      return bad(rp + "/duration", "must be an ISO 8601 duration like PT1M30S");
    }
  }
  OUTPOST_RETURN_IF_ERROR(extensions(*r, rp));
  auto score = objectAt(*r, "score", rp, false);
  if (!score.isOk()) return score.status();
  if (score->isNull()) return Status::ok();
  const std::string sp = rp + "/score";
  OUTPOST_RETURN_IF_ERROR(keysOf(*score, {"scaled", "raw", "min", "max"}, sp));
  std::optional<double> scaled, raw, mn, mx;
  for (const auto& [k, out] : {std::pair<const char*, std::optional<double>*>{"scaled", &scaled},
                               {"raw", &raw}, {"min", &mn}, {"max", &mx}}) {
    if (!score.value()->has(k)) continue;
    const Var v = score.value()->get(k);
    if (!isNumber(v)) return bad(sp + "/" + k, "must be a number");
    *out = v.convert<double>();
  }
  if (scaled && (*scaled < -1 || *scaled > 1)) return bad(sp + "/scaled", "must be between -1 and 1");
  if (mn && mx && !(*mn < *mx)) return bad(sp + "/max", "must be greater than min");
  if (raw && mn && *raw < *mn) return bad(sp + "/raw", "must not be below min");
  if (raw && mx && *raw > *mx) return bad(sp + "/raw", "must not be above max");
  return Status::ok();
}

Status readContext(const Object::Ptr& parent, const std::string& path, bool object_is_activity) {
  auto c = objectAt(parent, "context", path, false);
  if (!c.isOk()) return c.status();
  if (c->isNull()) return Status::ok();
  const std::string cp = path + "/context";
  OUTPOST_RETURN_IF_ERROR(keysOf(*c,
                                 {"registration", "instructor", "team", "contextActivities", "revision", "platform",
                                  "language", "statement", "extensions"},
                                 cp));
  auto reg = stringAt(*c, "registration", cp, false);
  if (!reg.isOk()) return reg.status();
  if (!reg->empty() && !isUuid(*reg)) return bad(cp + "/registration", "must be a UUID");
  OUTPOST_RETURN_IF_ERROR(actorAt(*c, "instructor", cp, false));
  if (c.value()->has("team")) {
    auto team = objectAt(*c, "team", cp, true);
    if (!team.isOk()) return team.status();
    std::string ignored;
    OUTPOST_RETURN_IF_ERROR(readGroup(*team, cp + "/team", ignored));
  }
  for (const char* k : {"revision", "platform"}) {
    auto s = stringAt(*c, k, cp, false);
    if (!s.isOk()) return s.status();
    if (!s->empty() && !object_is_activity) {
      return bad(cp + "/" + k, std::string("must not be used when the object is not an Activity"));
    }
  }
  auto lang = stringAt(*c, "language", cp, false);
  if (!lang.isOk()) return lang.status();
  if (!lang->empty() && !isLanguageTag(*lang)) return bad(cp + "/language", "is not an RFC 5646 language tag");
  if (c.value()->has("statement")) {
    auto ref = objectAt(*c, "statement", cp, true);
    if (!ref.isOk()) return ref.status();
    std::string ignored;
    if (ref.value()->has("objectType") &&
        !(isString(ref.value()->get("objectType")) && ref.value()->getValue<std::string>("objectType") == "StatementRef")) {
      return bad(cp + "/statement/objectType", "must be \"StatementRef\"");
    }
    OUTPOST_RETURN_IF_ERROR(readStatementRef(*ref, cp + "/statement", ignored));
  }
  OUTPOST_RETURN_IF_ERROR(extensions(*c, cp));
  auto ca = objectAt(*c, "contextActivities", cp, false);
  if (!ca.isOk()) return ca.status();
  if (ca->isNull()) return Status::ok();
  const std::string ap = cp + "/contextActivities";
  OUTPOST_RETURN_IF_ERROR(keysOf(*ca, {"parent", "grouping", "category", "other"}, ap));
  for (const auto& [k, v] : **ca) {
    const std::string kp = ap + "/" + k;
    std::string ignored;
    if (isObject(v)) {
      OUTPOST_RETURN_IF_ERROR(readActivity(v.extract<Object::Ptr>(), kp, ignored));
    } else if (isArray(v)) {
      auto arr = v.extract<Array::Ptr>();
      for (size_t i = 0; i < arr->size(); ++i) {
        const Var x = arr->get(static_cast<unsigned>(i));
        if (!isObject(x)) return bad(kp + "/" + std::to_string(i), "must be an Activity object");
        OUTPOST_RETURN_IF_ERROR(readActivity(x.extract<Object::Ptr>(), kp + "/" + std::to_string(i), ignored));
      }
    } else {
      return bad(kp, "must be an Activity or an array of Activities");
    }
  }
  return Status::ok();
}

Status readAttachments(const Object::Ptr& parent, const std::string& path) {
  if (!parent->has("attachments")) return Status::ok();
  const Var v = parent->get("attachments");
  if (!isArray(v)) return bad(path + "/attachments", "must be an array");
  auto arr = v.extract<Array::Ptr>();
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string ap = path + "/attachments/" + std::to_string(i);
    const Var x = arr->get(static_cast<unsigned>(i));
    if (!isObject(x)) return bad(ap, "must be an object");
    auto a = x.extract<Object::Ptr>();
    OUTPOST_RETURN_IF_ERROR(keysOf(a, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}, ap));
    OUTPOST_RETURN_IF_ERROR(iriAt(a, "usageType", ap, true));
    if (!a->has("display")) return bad(ap + "/display", "is required");
    OUTPOST_RETURN_IF_ERROR(languageMap(a, "display", ap));
    OUTPOST_RETURN_IF_ERROR(languageMap(a, "description", ap));
    auto ct = stringAt(a, "contentType", ap, true);
    if (!ct.isOk()) return ct.status();
    if (!a->has("length") || !a->get("length").isInteger() || a->get("length").convert<int64_t>() < 0) {
      return bad(ap + "/length", "must be a whole number of octets");
    }
    auto sha = stringAt(a, "sha2", ap, true);
    if (!sha.isOk()) return sha.status();
    OUTPOST_RETURN_IF_ERROR(iriAt(a, "fileUrl", ap, false));
    if (!a->has("fileUrl")) {
      return bad(ap + "/fileUrl",
                 "is required here: attachment content in a multipart/mixed request is not accepted by this LRS");
    }
  }
  return Status::ok();
}

struct ObjectInfo {
  std::string type;
  std::string id;
};

Status readStatementBody(const Object::Ptr& s, const std::string& path, bool sub, ObjectInfo& object,
                         std::string& actor_key, std::string& verb);

Status readObject(const Object::Ptr& parent, const std::string& path, bool sub, ObjectInfo& out) {
  auto o = objectAt(parent, "object", path, true);
  if (!o.isOk()) return o.status();
  const std::string op = path + "/object";
  std::string type = "Activity";
  if (o.value()->has("objectType")) {
    auto t = stringAt(*o, "objectType", op, true);
    if (!t.isOk()) return t.status();
    type = *t;
  }
  out.type = type;
  if (type == "Activity") return readActivity(*o, op, out.id);
  if (type == "Agent") return readAgent(*o, op, out.id);
  if (type == "Group") return readGroup(*o, op, out.id);
  if (type == "StatementRef") return readStatementRef(*o, op, out.id);
  if (type == "SubStatement") {
    if (sub) return bad(op + "/objectType", "a SubStatement must not contain a SubStatement");
    ObjectInfo inner;
    std::string actor, verb;
    return readStatementBody(*o, op, true, inner, actor, verb);
  }
  return bad(op + "/objectType", "must be Activity, Agent, Group, StatementRef or SubStatement");
}

Status readStatementBody(const Object::Ptr& s, const std::string& path, bool sub, ObjectInfo& object,
                         std::string& actor_key, std::string& verb) {
  if (sub) {
    OUTPOST_RETURN_IF_ERROR(
        keysOf(s, {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}, path));
  } else {
    OUTPOST_RETURN_IF_ERROR(keysOf(s,
                                   {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                                    "authority", "version", "attachments"},
                                   path));
  }
  OUTPOST_RETURN_IF_ERROR(actorAt(s, "actor", path, true, &actor_key));
  OUTPOST_RETURN_IF_ERROR(readVerb(s, path, verb));
  OUTPOST_RETURN_IF_ERROR(readObject(s, path, sub, object));
  OUTPOST_RETURN_IF_ERROR(readResult(s, path));
  OUTPOST_RETURN_IF_ERROR(readContext(s, path, object.type == "Activity"));
  for (const char* k : {"timestamp", "stored"}) {
    auto t = stringAt(s, k, path, false);
    if (!t.isOk()) return t.status();
    if (!t->empty()) {
      auto ms = parseXapiTimestamp(*t);
      if (!ms.isOk()) return bad(path + "/" + k, ms.status().message());
    }
  }
  OUTPOST_RETURN_IF_ERROR(readAttachments(s, path));
  return Status::ok();
}

int digits(std::string_view s, size_t at, size_t n, bool& ok) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (at + i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[at + i]))) {
      ok = false;
      return 0;
    }
    v = v * 10 + (s[at + i] - '0');
  }
  return v;
}

Object::Ptr withoutLrsProperties(const Object::Ptr& s) {
  Object::Ptr copy = new Object(*s);
  copy->remove("stored");
  copy->remove("authority");
  copy->remove("version");
  return copy;
}

// The activities and agents a (valid) statement or SubStatement names.
void collectRelated(const Object::Ptr& s, std::vector<std::string>& activities, std::vector<std::string>& agents) {
  auto agent = [&](const Object::Ptr& a) {
    if (!a) return;
    std::string key;
    if (readActor(a, "", key).isOk() && !key.empty()) agents.push_back(key);
  };
  auto activity = [&](const Var& v) {
    if (isObject(v)) {
      auto o = v.extract<Object::Ptr>();
      if (o->has("id") && isString(o->get("id"))) activities.push_back(o->getValue<std::string>("id"));
    }
  };
  agent(s->getObject("actor"));
  if (auto o = s->getObject("object")) {
    const std::string type = o->optValue<std::string>("objectType", "Activity");
    if (type == "Activity") activity(s->get("object"));
    else if (type == "Agent" || type == "Group") agent(o);
    else if (type == "SubStatement") collectRelated(o, activities, agents);
  }
  if (auto c = s->getObject("context")) {
    agent(c->getObject("instructor"));
    agent(c->getObject("team"));
    if (auto ca = c->getObject("contextActivities")) {
      for (const auto& [k, v] : *ca) {
        if (isArray(v)) {
          auto arr = v.extract<Array::Ptr>();
          for (size_t i = 0; i < arr->size(); ++i) activity(arr->get(static_cast<unsigned>(i)));
        } else {
          activity(v);
        }
      }
    }
  }
}

Object::Ptr idsOfActor(const Object::Ptr& a) {
  Object::Ptr out = new Object;
  if (a->has("objectType")) out->set("objectType", a->get("objectType"));
  for (const char* k : {"mbox", "mbox_sha1sum", "openid", "account"}) {
    if (a->has(k)) out->set(k, a->get(k));
  }
  if (a->has("member") && out->size() <= 1) {  // an anonymous group: its members' ids
    Array::Ptr members = new Array;
    auto arr = a->getArray("member");
    for (size_t i = 0; arr && i < arr->size(); ++i) {
      if (auto m = arr->getObject(static_cast<unsigned>(i))) members->add(idsOfActor(m));
    }
    out->set("member", members);
  }
  return out;
}

Object::Ptr idsOfActivity(const Object::Ptr& a) {
  Object::Ptr out = new Object;
  if (a->has("objectType")) out->set("objectType", a->get("objectType"));
  if (a->has("id")) out->set("id", a->get("id"));
  return out;
}

void toIds(Object::Ptr s) {
  for (const char* k : {"actor", "authority"}) {
    if (auto a = s->getObject(k)) s->set(k, idsOfActor(a));
  }
  if (auto v = s->getObject("verb")) {
    Object::Ptr out = new Object;
    if (v->has("id")) out->set("id", v->get("id"));
    s->set("verb", out);
  }
  if (auto o = s->getObject("object")) {
    const std::string type = o->optValue<std::string>("objectType", "Activity");
    if (type == "Activity") s->set("object", idsOfActivity(o));
    else if (type == "Agent" || type == "Group") s->set("object", idsOfActor(o));
    else if (type == "SubStatement") toIds(o);
  }
  if (auto c = s->getObject("context")) {
    for (const char* k : {"instructor", "team"}) {
      if (auto a = c->getObject(k)) c->set(k, idsOfActor(a));
    }
    if (auto ca = c->getObject("contextActivities")) {
      for (const auto& [k, v] : *ca) {
        if (isObject(v)) {
          ca->set(k, idsOfActivity(v.extract<Object::Ptr>()));
        } else if (isArray(v)) {
          auto arr = v.extract<Array::Ptr>();
          Array::Ptr out = new Array;
          for (size_t i = 0; i < arr->size(); ++i) {
            if (auto x = arr->getObject(static_cast<unsigned>(i))) out->add(idsOfActivity(x));
          }
          ca->set(k, out);
        }
      }
    }
  }
}

// Every language map under `o` (display, name, description) cut down to one language.
void toCanonical(Object::Ptr o, std::string_view language) {
  for (const auto& [k, v] : *o) {
    if (k == "extensions") continue;
    if (isObject(v)) {
      auto child = v.extract<Object::Ptr>();
      if (k == "display" || k == "name" || k == "description") {
        if (child->size() <= 1) continue;
        std::string pick = child->begin()->first;
        for (const auto& [tag, text] : *child) {
          if (!language.empty() && lower(tag).rfind(lower(std::string(language)), 0) == 0) {
            pick = tag;
            break;
          }
        }
        Object::Ptr one = new Object;
        one->set(pick, child->get(pick));
        o->set(k, one);
      } else {
        toCanonical(child, language);
      }
    } else if (isArray(v)) {
      auto arr = v.extract<Array::Ptr>();
      for (size_t i = 0; i < arr->size(); ++i) {
        if (auto x = arr->getObject(static_cast<unsigned>(i))) toCanonical(x, language);
      }
    }
  }
}

}  // namespace

std::string formatStatement(const std::string& json, std::string_view format, std::string_view language) {
  if (format != "ids" && format != "canonical") return json;
  auto s = codec::JsonReader::parseObject(json);
  if (!s.isOk()) return json;
  if (format == "ids") toIds(*s);
  else toCanonical(*s, language);
  return codec::toJson(*s);
}

Result<int64_t> parseXapiTimestamp(std::string_view s) {
  constexpr std::string_view kHint = "must be an ISO 8601 timestamp with a time zone, like 2026-11-23T08:30:00.000Z";
  bool ok = s.size() >= 20 && s.size() <= 40 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't') &&
            s[13] == ':' && s[16] == ':';
  if (!ok) return Status::invalidArgument(std::string(kHint));
  const int y = digits(s, 0, 4, ok), mo = digits(s, 5, 2, ok), d = digits(s, 8, 2, ok);
  const int h = digits(s, 11, 2, ok), mi = digits(s, 14, 2, ok), sec = digits(s, 17, 2, ok);
  size_t i = 19;
  int ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (n < 3) ms = ms * 10 + (s[i] - '0');
      ++n;
      ++i;
    }
    if (n == 0) ok = false;
    for (; n < 3; ++n) ms *= 10;
  }
  int offset_min = 0;
  const std::string_view zone = i < s.size() ? s.substr(i) : std::string_view();
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    if (zone == "-00:00") return Status::invalidArgument("the offset -00:00 is not allowed (use Z or +00:00)");
    const int oh = digits(zone, 1, 2, ok), om = digits(zone, 4, 2, ok);
    if (oh > 23 || om > 59) ok = false;
    offset_min = (zone[0] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    ok = false;
  }
  if (!ok || y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return Status::invalidArgument(std::string(kHint));
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const time_t t = timegm(&tm);
  return static_cast<int64_t>(t) * 1000 + ms - static_cast<int64_t>(offset_min) * 60'000;
}

Result<XapiStatement> readStatement(const Object::Ptr& s, const std::string& path) {
  if (s.isNull()) return bad(path, "must be a statement object");
  XapiStatement out;
  ObjectInfo object;
  OUTPOST_RETURN_IF_ERROR(readStatementBody(s, path, false, object, out.actor, out.verb));
  auto id = stringAt(s, "id", path, false);
  if (!id.isOk()) return id.status();
  if (!id->empty()) {
    if (!isUuid(*id)) return bad(path + "/id", "must be a UUID");
    out.id = lower(*id);
  }
  auto version = stringAt(s, "version", path, false);
  if (!version.isOk()) return version.status();
  if (!version->empty()) {
    const std::string& v = *version;
    const bool good = v.rfind("1.0", 0) == 0 &&
                      (v.size() == 3 || (v[3] == '.' && v.size() > 4 &&
                                         std::all_of(v.begin() + 4, v.end(), [](unsigned char c) { return std::isdigit(c); })));
    if (!good) return bad(path + "/version", "must be a 1.0.x version");
  }
  if (s->has("authority")) {
    std::string ignored;
    OUTPOST_RETURN_IF_ERROR(actorAt(s, "authority", path, false, &ignored));
  }
  out.object_type = object.type;
  out.object_id = object.id;
  collectRelated(s, out.related_activities, out.related_agents);
  if (auto ctx = s->getObject("context"); ctx && ctx->has("registration")) {
    out.registration = lower(ctx->getValue<std::string>("registration"));
  }
  out.voiding = out.verb == kVoidedVerb;
  if (out.voiding && object.type != "StatementRef") {
    return bad(path + "/object/objectType", "a voiding statement's object must be a StatementRef");
  }
  const std::string site_prefix = "agent|account|" + std::string(kSiteHomePage) + "|";
  if (out.actor.rfind(site_prefix, 0) == 0) out.site_agent = out.actor.substr(site_prefix.size());
  out.json = new Object(*s);
  return out;
}

Result<std::string> agentKey(const Object::Ptr& agent, const std::string& path) {
  std::string key;
  OUTPOST_RETURN_IF_ERROR(readActor(agent, path, key));
  if (key.empty()) return bad(path, "an anonymous Group cannot be used to filter");
  return key;
}

std::string siteAgentKey(const std::string& agent_id) {
  return "agent|account|" + std::string(kSiteHomePage) + "|" + agent_id;
}

bool sameStatement(const Object::Ptr& a, const Object::Ptr& b) {
  return codec::toJson(withoutLrsProperties(a)) == codec::toJson(withoutLrsProperties(b));
}

Result<bool> storeStatement(Database& db, XapiStatement& s, WallTime stored, const std::string& authority_user) {
  if (s.id.empty()) s.id = newUuid();
  s.json->set("id", s.id);
  {
    auto q = db.query("SELECT statement FROM xapi_statements WHERE id = ?");
    if (!q.isOk()) return q.status();
    q->bind(1, s.id);
    auto hit = q->step();
    if (!hit.isOk()) return hit.status();
    if (*hit) {
      auto existing = codec::JsonReader::parseObject(q->columnText(0));
      // A timestamp the LRS filled in does not make the resent statement different.
      if (existing.isOk() && !s.json->has("timestamp")) (*existing)->remove("timestamp");
      if (existing.isOk() && sameStatement(*existing, s.json)) return false;
      return Status::conflict("a different statement with id " + s.id + " is already stored", "/id");
    }
  }
  if (s.voiding) {
    auto q = db.query("SELECT verb FROM xapi_statements WHERE id = ?");
    if (!q.isOk()) return q.status();
    q->bind(1, s.object_id);
    auto hit = q->step();
    if (!hit.isOk()) return hit.status();
    if (*hit && q->columnText(0) == kVoidedVerb) {
      return Status::invalidArgument("statement " + s.object_id + " voids another statement and cannot be voided",
                                     "/object/id");
    }
    if (*hit) {
      auto u = db.query("UPDATE xapi_statements SET voided = 1 WHERE id = ?");
      if (!u.isOk()) return u.status();
      OUTPOST_RETURN_IF_ERROR(u->bind(1, s.object_id).exec());
    }
  }
  const int64_t stored_ms = toEpochMillis(stored);
  const std::string stored_text = formatRfc3339(stored);
  s.json->set("stored", stored_text);
  if (!s.json->has("timestamp")) s.json->set("timestamp", stored_text);
  if (!s.json->has("version")) s.json->set("version", "1.0.0");
  Object::Ptr authority = new Object;
  authority->set("objectType", "Agent");
  Object::Ptr account = new Object;
  account->set("homePage", std::string(kSiteHomePage));
  account->set("name", authority_user);
  authority->set("account", account);
  s.json->set("authority", authority);
  // A statement that arrives after the statement voiding it is stored voided.
  bool voided = false;
  {
    auto q = db.query("SELECT 1 FROM xapi_statements WHERE voids = ? LIMIT 1");
    if (!q.isOk()) return q.status();
    q->bind(1, s.id);
    auto hit = q->step();
    if (!hit.isOk()) return hit.status();
    voided = *hit && !s.voiding;
  }
  const std::string text = codec::toJson(s.json);
  auto q = db.query(
      "INSERT INTO xapi_statements (id, agent_id, verb, object_id, statement, stored, voided, seq, actor, "
      "object_type, voids, authority, registration) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "(SELECT COALESCE(MAX(seq), 0) + 1 FROM xapi_statements), ?8, ?9, ?10, ?11, ?12)");
  if (!q.isOk()) return q.status();
  if (s.site_agent.empty()) q->bindNull(2);
  else q->bind(2, s.site_agent);
  q->bind(1, s.id).bind(3, s.verb).bind(4, s.object_id).bind(5, text).bind(6, stored_ms).bind(7, voided ? 1 : 0)
      .bind(8, s.actor).bind(9, s.object_type).bind(11, authority_user);
  if (s.voiding) q->bind(10, s.object_id);
  else q->bindNull(10);
  if (s.registration.empty()) q->bindNull(12);
  else q->bind(12, s.registration);
  OUTPOST_RETURN_IF_ERROR(q->exec());
  {
    std::vector<std::pair<std::string_view, std::string>> related;
    for (const auto& a : s.related_activities) related.emplace_back("activity", a);
    for (const auto& a : s.related_agents) related.emplace_back("agent", a);
    related.emplace_back("agent", "agent|account|" + std::string(kSiteHomePage) + "|" + authority_user);
    for (const auto& [kind, key] : related) {
      auto r = db.query(
          "INSERT OR IGNORE INTO xapi_related (kind, key, seq) SELECT ?1, ?2, seq FROM xapi_statements WHERE id = ?3");
      if (!r.isOk()) return r.status();
      OUTPOST_RETURN_IF_ERROR(r->bind(1, kind).bind(2, key).bind(3, s.id).exec());
    }
  }
  OUTPOST_RETURN_IF_ERROR(
      appendOutbox(db, OutboxEntry{stored, std::string(kStatementRecordType), 1, text, kClassLearning}));
  return true;
}

Result<std::string> statementById(Database& db, const std::string& id, bool voided) {
  auto q = db.query("SELECT statement, voided FROM xapi_statements WHERE id = ?");
  if (!q.isOk()) return q.status();
  q->bind(1, lower(id));
  auto hit = q->step();
  if (!hit.isOk()) return hit.status();
  if (!*hit) return Status::notFound("no statement " + id);
  if ((q->columnInt(1) != 0) != voided) {
    return Status::notFound(voided ? "statement " + id + " is not voided (ask with statementId)"
                                   : "statement " + id + " is voided (ask with voidedStatementId)");
  }
  return q->columnText(0);
}

Result<StatementPage> queryStatements(Database& db, const StatementQuery& sq) {
  std::string sql = "SELECT seq, statement FROM xapi_statements WHERE voided = 0";
  std::vector<std::string> texts;
  std::vector<int64_t> ints;
  // Parameters are numbered in the order the clauses are added.
  std::vector<std::pair<bool, size_t>> params;  // (is text, index)
  auto text = [&](const std::string& v) {
    texts.push_back(v);
    params.emplace_back(true, texts.size() - 1);
    return "?" + std::to_string(params.size());
  };
  auto integer = [&](int64_t v) {
    ints.push_back(v);
    params.emplace_back(false, ints.size() - 1);
    return "?" + std::to_string(params.size());
  };
  if (sq.agent && sq.related_agents) {
    sql += " AND seq IN (SELECT seq FROM xapi_related WHERE kind = 'agent' AND key = " + text(*sq.agent) + ")";
  } else if (sq.agent) {
    const std::string p = text(*sq.agent);
    sql += " AND (actor = " + p + " OR object_id = " + p + ")";
  }
  if (sq.verb) sql += " AND verb = " + text(*sq.verb);
  if (sq.activity && sq.related_activities) {
    sql += " AND seq IN (SELECT seq FROM xapi_related WHERE kind = 'activity' AND key = " + text(*sq.activity) + ")";
  } else if (sq.activity) {
    sql += " AND object_type = 'Activity' AND object_id = " + text(*sq.activity);
  }
  if (sq.registration) sql += " AND registration = " + text(*sq.registration);
  if (sq.since_ms) sql += " AND stored > " + integer(*sq.since_ms);
  if (sq.until_ms) sql += " AND stored <= " + integer(*sq.until_ms);
  if (sq.only_actor) {
    sql += " AND (actor = " + text(*sq.only_actor);
    if (sq.or_authority) sql += " OR authority = " + text(*sq.or_authority);
    sql += ")";
  }
  if (sq.cursor > 0) sql += std::string(" AND seq ") + (sq.ascending ? ">" : "<") + " " + integer(sq.cursor);
  sql += std::string(" ORDER BY seq ") + (sq.ascending ? "ASC" : "DESC") + " LIMIT " + integer(sq.limit + 1);
  auto q = db.query(sql);
  if (!q.isOk()) return q.status();
  for (size_t i = 0; i < params.size(); ++i) {
    const int n = static_cast<int>(i + 1);
    if (params[i].first) q->bind(n, texts[params[i].second]);
    else q->bind(n, ints[params[i].second]);
  }
  StatementPage page;
  int64_t last_seq = 0;
  OUTPOST_RETURN_IF_ERROR(q->forEachRow([&] {
    if (static_cast<int>(page.statements.size()) == sq.limit) {
      page.next_cursor = last_seq;
      return;
    }
    last_seq = q->columnInt(0);
    page.statements.push_back(q->columnText(1));
  }));
  return page;
}

}  // namespace outpost::storage
