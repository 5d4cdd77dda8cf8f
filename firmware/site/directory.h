#pragma once

// The site directory: who works here and what the site offers. Site settings, users
// and their roles, agents with skills, tier and channel capacity, the skill
// catalogue, queues, wrap-up codes and not-ready reasons.
//
// Plain values plus the rules that make one valid. Each validate*() returns the
// first problem as kInvalidArgument whose `where` is a JSON-pointer-like field path
// ("/skills/1/level"), so an HTTP answer can say exactly what to fix.
//
// Domain room: depends on core only. Thread-safety: values.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::site {

inline constexpr int kMinTier = 1;  // T1 is the highest tier
inline constexpr int kMaxTier = 4;
inline constexpr int kMinSkillLevel = 1;
inline constexpr int kMaxSkillLevel = 5;
inline constexpr size_t kMaxNameBytes = 200;

enum class Role { kAgent, kSupervisor, kAdmin };
std::string_view roleName(Role role);
Result<Role> parseRole(std::string_view text);
// Supervisors may do what agents may; admins what supervisors may.
inline bool atLeast(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

enum class Channel { kVoice, kChat };
std::string_view channelName(Channel channel);
Result<Channel> parseChannel(std::string_view text);

// The languages Outpost serves, zh-CN first.
inline constexpr std::string_view kLanguages[] = {"zh-CN", "en"};
bool isLanguage(std::string_view tag);

struct LocalizedName {
  std::string zh;
  std::string en;
};

struct Site {
  std::string site_code;  // e.g. "bj-chaoyang-01"
  LocalizedName name;
  std::string time_zone = "Asia/Shanghai";  // IANA name
  std::string default_language = "zh-CN";
};

struct Skill {
  std::string code;
  LocalizedName name;
};

struct SkillLevel {
  std::string skill_code;
  int level = 1;  // agent: proficiency; queue: minimum required
};

struct Agent {
  std::string id;
  LocalizedName name;
  std::vector<std::string> languages = {"zh-CN"};
  std::string team;
  int tier = 4;
  int voice_capacity = 1;  // 0 or 1 voice contact at a time
  int chat_capacity = 3;   // 0..8 chats at a time
  std::vector<SkillLevel> skills;
  // Reward-style allocation: quality × efficiency score (0.1–10); a higher score gets
  // a larger share of offers in queues that use the reward_weighted strategy.
  double reward_score = 1.0;
  // Skills the agent is practising: low-risk contacts in them may be routed to the
  // agent even below the queue's minimum level (targeted practice).
  std::vector<std::string> practice_skills;
};

inline constexpr std::string_view kStrategies[] = {"longest_idle", "least_occupied", "reward_weighted"};

// From `after_s` seconds of waiting on, contacts of `segment` ("*" = any other) may
// go to agents of tiers min_tier..max_tier.
struct RingRule {
  std::string segment;
  int after_s = 0;
  int min_tier = 1;
  int max_tier = 4;
};

struct Queue {
  std::string code;
  LocalizedName name;
  Channel channel = Channel::kVoice;
  int sl_target_pct = 80;    // service level target: pct answered …
  int sl_threshold_s = 20;   // … within this many seconds
  int offer_timeout_s = 15;  // an unanswered offer moves on after this
  std::vector<SkillLevel> skills;  // skills served, with minimum level
  std::string strategy = "longest_idle";  // one of kStrategies
  double weight = 1.0;       // when an agent frees up and several queues wait (0.1–100)
  double aging_per_s = 1.0;  // priority points a contact gains per second of waiting (0–100)
  int wrap_up_s = 10;        // after-contact work time; 0 = until the agent ends it
  bool practice = true;      // targeted practice allowed in this queue
  std::vector<RingRule> rings;  // empty = the built-in rings per segment
};

struct WrapUpCode {
  std::string code;
  LocalizedName name;
  bool active = true;
};

struct NotReadyReason {
  std::string code;
  LocalizedName name;
};

struct User {
  std::string username;
  Role role = Role::kAgent;
  std::optional<std::string> agent_id;  // the agent this login works as
  std::string display_name;
  bool disabled = false;
};

// Identifiers (agent ids, codes, usernames): 1–64 of [a-z0-9._-], starting with a
// letter or digit. Stable across sites and safe in URLs and MQTT topics.
Status validateId(std::string_view value, std::string_view field);
// Non-empty, at most kMaxNameBytes, valid UTF-8 without control characters.
Status validateText(std::string_view value, std::string_view field, bool allow_empty = false);
Status validateName(const LocalizedName& name, std::string_view field);

Status validate(const Site& site);
Status validate(const Skill& skill);
Status validate(const Agent& agent);
Status validate(const Queue& queue);
Status validate(const WrapUpCode& code);
Status validate(const NotReadyReason& reason);
Status validate(const User& user);

bool isValidUtf8(std::string_view text);
// Decodes UTF-8 into code points; false (and `out` partly filled) if not valid UTF-8.
bool decodeUtf8(std::string_view text, std::u32string* out);

}  // namespace outpost::site
