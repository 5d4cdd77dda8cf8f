#include "codec/routing_codec.h"

#include <Poco/JSON/Parser.h>

namespace outpost::codec {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Poco::Dynamic::Var optionalTime(const std::optional<WallTime>& t) {
  return t ? Poco::Dynamic::Var(formatRfc3339(*t)) : Poco::Dynamic::Var();
}

constexpr size_t kMaxAttributesBytes = 4096;

Result<Poco::Dynamic::Var> parseAny(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(json);
  } catch (const Poco::Exception& e) {
    return Status::dataLoss("stored JSON is malformed: " + e.message());
  }
}

}  // namespace

Array::Ptr encodeSkillRequirements(const std::vector<site::SkillLevel>& skills) {
  Array::Ptr a = new Array;
  for (const auto& s : skills) {
    Object::Ptr o = new Object;
    o->set("skill", s.skill_code);
    o->set("min_level", s.level);
    a->add(o);
  }
  return a;
}

Array::Ptr encodeStrings(const std::vector<std::string>& items) {
  Array::Ptr a = new Array;
  for (const auto& s : items) a->add(s);
  return a;
}

Object::Ptr encode(const routing::WrapUp& w) {
  Object::Ptr o = new Object;
  o->set("code", w.code);
  o->set("resolved", w.resolved);
  o->set("first_contact_resolution", w.first_contact_resolution);
  o->set("notes", w.notes);
  return o;
}

Object::Ptr encode(const routing::ContactView& c) {
  const auto& s = *c.spec;
  Object::Ptr o = new Object;
  o->set("id", s.id);
  o->set("queue", s.queue);
  o->set("channel", std::string(site::channelName(s.channel)));
  o->set("language", s.language);
  o->set("skills", encodeSkillRequirements(s.skills));
  o->set("segment", s.segment);
  o->set("value", s.value);
  o->set("priority", s.priority);
  Object::Ptr intent = new Object;
  intent->set("code", s.intent);
  intent->set("confidence", s.intent_confidence);
  o->set("intent", intent);
  o->set("ivr_path", encodeStrings(s.ivr_path));
  auto attrs = JsonReader::parseObject(s.attributes_json);
  o->set("attributes", attrs.isOk() ? Poco::Dynamic::Var(*attrs) : Poco::Dynamic::Var(new Object));
  o->set("state", std::string(routing::contactStateName(c.state)));
  o->set("agent_id", c.agent_id ? Poco::Dynamic::Var(*c.agent_id) : Poco::Dynamic::Var());
  o->set("arrived_at", formatRfc3339(s.arrived_at));
  o->set("offered_at", optionalTime(c.offered_at));
  o->set("answered_at", optionalTime(c.answered_at));
  o->set("ended_at", optionalTime(c.ended_at));
  o->set("offers", c.offers);
  o->set("wrap_up", c.wrap_up ? Poco::Dynamic::Var(encode(*c.wrap_up)) : Poco::Dynamic::Var());
  return o;
}

Object::Ptr encode(const routing::Decision& d) {
  Object::Ptr o = new Object;
  o->set("contact_id", d.contact_id);
  o->set("agent_id", d.agent_id);
  o->set("at", formatRfc3339(d.at));
  o->set("trigger", d.trigger);
  o->set("queue", d.queue);
  o->set("strategy", d.strategy);
  Object::Ptr ring = new Object;
  ring->set("step", d.ring_step);
  ring->set("min_tier", d.ring_min_tier);
  ring->set("max_tier", d.ring_max_tier);
  o->set("ring", ring);
  o->set("eligible", d.eligible);
  o->set("practice", d.practice);
  Object::Ptr agent = new Object;
  agent->set("tier", d.agent_tier);
  agent->set("level", d.agent_level);
  agent->set("idle_ms", static_cast<int64_t>(d.idle_for.count()));
  agent->set("reward_score", d.reward_score);
  agent->set("occupancy", d.occupancy);
  o->set("agent", agent);
  o->set("effective_priority", d.effective_priority);
  o->set("summary", d.summary);
  return o;
}

Object::Ptr encode(const routing::QueueStats& s) {
  Object::Ptr o = new Object;
  o->set("queue", s.queue);
  o->set("waiting", s.waiting);
  o->set("offered", s.offered);
  o->set("longest_wait_ms", static_cast<int64_t>(s.longest_wait.count()));
  o->set("answered", s.answered);
  o->set("answered_in_threshold", s.answered_in_threshold);
  o->set("abandoned", s.abandoned);
  o->set("service_level", s.service_level);
  o->set("average_speed_of_answer_ms", static_cast<int64_t>(s.average_speed_of_answer.count()));
  o->set("abandon_rate", s.abandon_rate);
  return o;
}

void decode(JsonReader& r, routing::ContactSpec& spec) {
  std::string channel(site::channelName(spec.channel));
  r.string("channel", channel, true);
  if (r.ok()) {
    auto c = site::parseChannel(channel);
    if (c) spec.channel = *c;
    else r.fail(c.status().under("/channel"));
  }
  r.string("language", spec.language, false);
  std::vector<site::SkillLevel> skills;
  r.objectArray("skills", false, 16, [&](JsonReader& item, size_t) {
    site::SkillLevel s;
    item.string("skill", s.skill_code, true);
    item.integer("min_level", s.level, true, site::kMinSkillLevel, site::kMaxSkillLevel);
    skills.push_back(std::move(s));
  });
  if (r.has("skills")) spec.skills = std::move(skills);
  r.string("segment", spec.segment, false);
  r.number("value", spec.value, false, 0, 1e12);
  r.integer("priority", spec.priority, false, 0, 100);
  r.object("intent", false, [&](JsonReader& ir) {
    ir.string("code", spec.intent, true);
    ir.number("confidence", spec.intent_confidence, false, 0, 1);
  });
  r.stringArray("ivr_path", spec.ivr_path, false, 64);
  r.string("queue", spec.queue, true);
  r.freeObject("attributes", spec.attributes_json, false, kMaxAttributesBytes);  // the channel's own fields
}

void decode(JsonReader& r, routing::WrapUp& w) {
  r.string("code", w.code, true);
  r.boolean("resolved", w.resolved, false);
  r.boolean("first_contact_resolution", w.first_contact_resolution, false);
  r.string("notes", w.notes, false);
}

Result<std::vector<site::SkillLevel>> decodeSkillRequirements(const std::string& json) {
  auto v = parseAny(json);
  if (!v) return v.status();
  if (v->type() != typeid(Array::Ptr)) return Status::dataLoss("stored skills are not an array");
  std::vector<site::SkillLevel> out;
  auto arr = v->extract<Array::Ptr>();
  for (size_t i = 0; i < arr->size(); ++i) {
    auto o = arr->getObject(static_cast<unsigned>(i));
    if (o.isNull()) return Status::dataLoss("stored skill is not an object");
    out.push_back(site::SkillLevel{o->optValue<std::string>("skill", ""), o->optValue<int>("min_level", 1)});
  }
  return out;
}

Result<std::vector<std::string>> decodeStrings(const std::string& json) {
  auto v = parseAny(json);
  if (!v) return v.status();
  if (v->type() != typeid(Array::Ptr)) return Status::dataLoss("stored list is not an array");
  std::vector<std::string> out;
  auto arr = v->extract<Array::Ptr>();
  for (size_t i = 0; i < arr->size(); ++i) out.push_back(arr->get(static_cast<unsigned>(i)).toString());
  return out;
}

Result<routing::WrapUp> decodeWrapUp(const std::string& json) {
  auto o = JsonReader::parseObject(json);
  if (!o) return Status::dataLoss("stored wrap-up is malformed: " + o.status().message());
  routing::WrapUp w;
  w.code = (*o)->optValue<std::string>("code", "");
  w.resolved = (*o)->optValue<bool>("resolved", false);
  w.first_contact_resolution = (*o)->optValue<bool>("first_contact_resolution", false);
  w.notes = (*o)->optValue<std::string>("notes", "");
  return w;
}

}  // namespace outpost::codec
