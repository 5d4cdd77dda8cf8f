#include "plugins/workload.h"

#include "codec/json.h"

namespace outpost::plugins {
namespace {
constexpr size_t kKeep = 64;  // contacts remembered per agent (a run longer than this reads as 64)
}  // namespace

bool AgentWorkload::heavy(const routing::ContactSpec& spec) {
  if (spec.segment == "complaint" || spec.segment == "fraud" || spec.intent == "complaint") return true;
  if (spec.attributes_json.find("sentiment") == std::string::npos) return false;
  auto parsed = codec::JsonReader::parseObject(spec.attributes_json);
  if (!parsed) return false;
  const auto v = parsed.value()->get("sentiment");
  return v.isString() && v.extract<std::string>() == "negative";
}

int64_t AgentWorkload::dayOf(WallTime t) const {
  const int64_t ms = toEpochMillis(t) + options_.utc_offset.count();
  constexpr int64_t kDay = 24LL * 3600 * 1000;
  return ms >= 0 ? ms / kDay : (ms - kDay + 1) / kDay;
}

void AgentWorkload::noteProfile(const routing::AgentProfile& agent) {
  auto it = agents_.find(agent.id);
  if (agent.practice_skills.empty()) {  // the common case: nothing to remember, no allocation
    if (it != agents_.end()) it->second.practice_only.clear();
    return;
  }
  if (it == agents_.end()) it = agents_.emplace(agent.id, Agent{}).first;
  std::set<std::string>& only = it->second.practice_only;
  only.clear();
  for (const auto& s : agent.practice_skills) {
    bool has = false;
    for (const auto& k : agent.skills) has = has || k.skill_code == s;
    if (!has) only.insert(s);
  }
}

void AgentWorkload::record(const engine::DomainEvent& event) {
  if (const auto* offered = std::get_if<routing::ContactOffered>(&event)) {
    practice_offers_[offered->decision.contact_id] = offered->decision.practice;
    return;
  }
  const auto* changed = std::get_if<routing::ContactChanged>(&event);
  if (!changed) return;
  const routing::ContactView& c = changed->contact;
  if (routing::isTerminal(c.state)) {
    practice_offers_.erase(c.spec->id);
    return;
  }
  if (c.state != routing::ContactState::kConnected || !c.agent_id) return;
  const WallTime at = c.answered_at.value_or(WallTime{});
  Agent& a = agents_[*c.agent_id];
  a.contacts.emplace_back(at, heavy(*c.spec));
  if (a.contacts.size() > kKeep) a.contacts.pop_front();
  bool practice = false;
  if (auto it = practice_offers_.find(c.spec->id); it != practice_offers_.end()) practice = it->second;
  if (!practice && !c.spec->skills.empty()) practice = a.practice_only.count(c.spec->skills.front().skill_code) > 0;
  if (practice) {
    const int64_t day = dayOf(at);
    if (day != a.practice_day) {
      a.practice_day = day;
      a.practice = 0;
    }
    ++a.practice;
  }
}

int AgentWorkload::recentHeavy(const std::string& agent_id, WallTime now) const {
  auto it = agents_.find(agent_id);
  if (it == agents_.end()) return 0;
  int run = 0;
  for (auto c = it->second.contacts.rbegin(); c != it->second.contacts.rend(); ++c) {
    if (now - c->first > options_.window || !c->second) break;
    ++run;
  }
  return run;
}

int AgentWorkload::practiceToday(const std::string& agent_id, WallTime now) const {
  auto it = agents_.find(agent_id);
  if (it == agents_.end() || it->second.practice_day != dayOf(now)) return 0;
  return it->second.practice;
}

}  // namespace outpost::plugins
