#include "engine/directory_mapping.h"

namespace outpost::engine {

routing::AgentProfile agentProfile(const site::Agent& a) {
  routing::AgentProfile p;
  p.id = a.id;
  p.tier = a.tier;
  p.languages = a.languages;
  p.voice_capacity = a.voice_capacity;
  p.chat_capacity = a.chat_capacity;
  p.skills = a.skills;
  p.practice_skills = a.practice_skills;
  p.reward_score = a.reward_score;
  return p;
}

routing::QueuePolicy queuePolicy(const site::Queue& q) {
  routing::QueuePolicy p;
  p.code = q.code;
  p.channel = q.channel;
  p.sl_threshold_s = q.sl_threshold_s;
  p.sl_target_pct = q.sl_target_pct;
  p.offer_timeout = std::chrono::seconds(q.offer_timeout_s);
  p.wrap_up_time = std::chrono::seconds(q.wrap_up_s);
  auto strategy = routing::parseStrategy(q.strategy);
  p.strategy = strategy.isOk() ? *strategy : routing::Strategy::kLongestIdle;
  p.weight = q.weight;
  p.aging_per_s = q.aging_per_s;
  p.practice_enabled = q.practice;
  for (const auto& r : q.rings) {
    p.rings[r.segment].push_back(routing::RingStep{std::chrono::seconds(r.after_s), r.min_tier, r.max_tier});
  }
  return p;
}

}  // namespace outpost::engine
