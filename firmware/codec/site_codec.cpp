#include "codec/site_codec.h"

#include <Poco/JSON/Array.h>

#include "core/clock.h"

namespace outpost::codec {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr encodeName(const site::LocalizedName& n) {
  Object::Ptr o = new Object;
  o->set("zh", n.zh);
  o->set("en", n.en);
  return o;
}

void decodeName(JsonReader& r, site::LocalizedName& n, bool creating) {
  r.object("name", creating, [&](JsonReader& nr) {
    nr.string("zh", n.zh, creating);
    nr.string("en", n.en, creating);
  });
}

Array::Ptr encodeSkillLevels(const std::vector<site::SkillLevel>& skills, const char* level_key) {
  Array::Ptr a = new Array;
  for (const auto& s : skills) {
    Object::Ptr o = new Object;
    o->set("skill", s.skill_code);
    o->set(level_key, s.level);
    a->add(o);
  }
  return a;
}

// Skills may be left out on create (none yet) and on patch (unchanged).
void decodeSkillLevels(JsonReader& r, std::vector<site::SkillLevel>& out, const char* level_key) {
  std::vector<site::SkillLevel> skills;
  r.objectArray("skills", false, 64, [&](JsonReader& item, size_t) {
    site::SkillLevel s;
    item.string("skill", s.skill_code, true);
    item.integer(level_key, s.level, true, site::kMinSkillLevel, site::kMaxSkillLevel);
    skills.push_back(std::move(s));
  });
  if (r.has("skills")) out = std::move(skills);
}

// The id of an entity is set on create and fixed afterwards.
void decodeId(JsonReader& r, const char* key, std::string& id, bool creating) {
  if (creating) {
    r.string(key, id, true);
    return;
  }
  std::string patched = id;
  r.string(key, patched, false);
  if (patched != id) r.fail(Status::invalidArgument("cannot be changed", std::string("/") + key));
}

}  // namespace

Object::Ptr encode(const site::Site& v) {
  Object::Ptr o = new Object;
  o->set("site_code", v.site_code);
  o->set("name", encodeName(v.name));
  o->set("time_zone", v.time_zone);
  o->set("default_language", v.default_language);
  return o;
}

Object::Ptr encode(const site::Skill& v) {
  Object::Ptr o = new Object;
  o->set("code", v.code);
  o->set("name", encodeName(v.name));
  return o;
}

Object::Ptr encode(const site::Agent& v) {
  Object::Ptr o = new Object;
  o->set("id", v.id);
  o->set("name", encodeName(v.name));
  Array::Ptr langs = new Array;
  for (const auto& l : v.languages) langs->add(l);
  o->set("languages", langs);
  o->set("team", v.team);
  o->set("tier", v.tier);
  o->set("voice_capacity", v.voice_capacity);
  o->set("chat_capacity", v.chat_capacity);
  o->set("skills", encodeSkillLevels(v.skills, "level"));
  o->set("reward_score", v.reward_score);
  Array::Ptr practice = new Array;
  for (const auto& s : v.practice_skills) practice->add(s);
  o->set("practice_skills", practice);
  return o;
}

Object::Ptr encode(const site::Queue& v) {
  Object::Ptr o = new Object;
  o->set("code", v.code);
  o->set("name", encodeName(v.name));
  o->set("channel", std::string(site::channelName(v.channel)));
  o->set("sl_target_pct", v.sl_target_pct);
  o->set("sl_threshold_s", v.sl_threshold_s);
  o->set("offer_timeout_s", v.offer_timeout_s);
  o->set("skills", encodeSkillLevels(v.skills, "min_level"));
  o->set("strategy", v.strategy);
  o->set("weight", v.weight);
  o->set("aging_per_s", v.aging_per_s);
  o->set("wrap_up_s", v.wrap_up_s);
  o->set("practice", v.practice);
  Array::Ptr rings = new Array;
  for (const auto& r : v.rings) {
    Object::Ptr ro = new Object;
    ro->set("segment", r.segment);
    ro->set("after_s", r.after_s);
    ro->set("min_tier", r.min_tier);
    ro->set("max_tier", r.max_tier);
    rings->add(ro);
  }
  o->set("rings", rings);
  return o;
}

Object::Ptr encode(const site::WrapUpCode& v) {
  Object::Ptr o = new Object;
  o->set("code", v.code);
  o->set("name", encodeName(v.name));
  o->set("active", v.active);
  return o;
}

Object::Ptr encode(const site::NotReadyReason& v) {
  Object::Ptr o = new Object;
  o->set("code", v.code);
  o->set("name", encodeName(v.name));
  return o;
}

Object::Ptr encode(const site::User& v) {
  Object::Ptr o = new Object;
  o->set("username", v.username);
  o->set("role", std::string(site::roleName(v.role)));
  if (v.agent_id) o->set("agent_id", *v.agent_id);
  else o->set("agent_id", Poco::Dynamic::Var());
  o->set("display_name", v.display_name);
  o->set("disabled", v.disabled);
  return o;
}

Object::Ptr encodePresence(const std::string& agent_id, const site::Presence& p) {
  Object::Ptr o = new Object;
  o->set("agent_id", agent_id);
  o->set("state", std::string(site::presenceName(p.state)));
  if (p.reason) o->set("reason", *p.reason);
  else o->set("reason", Poco::Dynamic::Var());
  o->set("since", formatRfc3339(p.since));
  o->set("changed_by", p.changed_by);
  return o;
}

void decode(JsonReader& r, site::Site& v, bool creating) {
  decodeId(r, "site_code", v.site_code, creating);  // the site's identity towards the cloud
  decodeName(r, v.name, creating);
  r.string("time_zone", v.time_zone, creating);
  r.string("default_language", v.default_language, creating);
}

void decode(JsonReader& r, site::Skill& v, bool creating) {
  decodeId(r, "code", v.code, creating);
  decodeName(r, v.name, creating);
}

void decode(JsonReader& r, site::Agent& v, bool creating) {
  decodeId(r, "id", v.id, creating);
  decodeName(r, v.name, creating);
  r.stringArray("languages", v.languages, false, 4);
  r.string("team", v.team, false);
  r.integer("tier", v.tier, creating, site::kMinTier, site::kMaxTier);
  r.integer("voice_capacity", v.voice_capacity, false, 0, 1);
  r.integer("chat_capacity", v.chat_capacity, false, 0, 8);
  decodeSkillLevels(r, v.skills, "level");
  r.number("reward_score", v.reward_score, false, 0.1, 10);
  r.stringArray("practice_skills", v.practice_skills, false, 64);
}

void decode(JsonReader& r, site::Queue& v, bool creating) {
  decodeId(r, "code", v.code, creating);
  decodeName(r, v.name, creating);
  std::string channel(site::channelName(v.channel));
  r.string("channel", channel, creating);
  if (r.ok()) {
    auto c = site::parseChannel(channel);
    if (c) v.channel = *c;
    else r.fail(c.status().under("/channel"));
  }
  r.integer("sl_target_pct", v.sl_target_pct, false, 1, 100);
  r.integer("sl_threshold_s", v.sl_threshold_s, false, 1, 3600);
  r.integer("offer_timeout_s", v.offer_timeout_s, false, 3, 300);
  decodeSkillLevels(r, v.skills, "min_level");
  r.string("strategy", v.strategy, false);
  r.number("weight", v.weight, false, 0.1, 100);
  r.number("aging_per_s", v.aging_per_s, false, 0, 100);
  r.integer("wrap_up_s", v.wrap_up_s, false, 0, 3600);
  r.boolean("practice", v.practice, false);
  std::vector<site::RingRule> rings;
  r.objectArray("rings", false, 64, [&](JsonReader& item, size_t) {
    site::RingRule rule;
    item.string("segment", rule.segment, true);
    item.integer("after_s", rule.after_s, true, 0, 86400);
    item.integer("min_tier", rule.min_tier, true, site::kMinTier, site::kMaxTier);
    item.integer("max_tier", rule.max_tier, true, site::kMinTier, site::kMaxTier);
    rings.push_back(std::move(rule));
  });
  if (r.has("rings")) v.rings = std::move(rings);
}

void decode(JsonReader& r, site::WrapUpCode& v, bool creating) {
  decodeId(r, "code", v.code, creating);
  decodeName(r, v.name, creating);
  r.boolean("active", v.active, false);
}

void decode(JsonReader& r, site::NotReadyReason& v, bool creating) {
  decodeId(r, "code", v.code, creating);
  decodeName(r, v.name, creating);
}

void decode(JsonReader& r, site::User& v, bool creating) {
  decodeId(r, "username", v.username, creating);
  std::string role(site::roleName(v.role));
  r.string("role", role, creating);
  if (r.ok()) {
    auto parsed = site::parseRole(role);
    if (parsed) v.role = *parsed;
    else r.fail(parsed.status().under("/role"));
  }
  r.optionalString("agent_id", v.agent_id, false);
  r.string("display_name", v.display_name, false);
  r.boolean("disabled", v.disabled, false);
}

}  // namespace outpost::codec
