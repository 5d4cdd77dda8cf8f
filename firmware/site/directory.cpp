#include "site/directory.h"

#include <algorithm>
#include <map>
#include <set>

namespace outpost::site {
namespace {

std::string path(std::string_view field) { return "/" + std::string(field); }

Status outOfRange(std::string_view field, int lo, int hi) {
  return Status::invalidArgument("must be between " + std::to_string(lo) + " and " + std::to_string(hi),
                                 path(field));
}

Status validateSkillLevels(const std::vector<SkillLevel>& skills, std::string_view field) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < skills.size(); ++i) {
    const std::string at = path(field) + "/" + std::to_string(i);
    OUTPOST_RETURN_IF_ERROR(validateId(skills[i].skill_code, "skill").under(at));
    if (skills[i].level < kMinSkillLevel || skills[i].level > kMaxSkillLevel) {
      return outOfRange("level", kMinSkillLevel, kMaxSkillLevel).under(at);
    }
    if (!seen.insert(skills[i].skill_code).second) {
      return Status::invalidArgument("skill \"" + skills[i].skill_code + "\" is listed twice", at + "/skill");
    }
  }
  return Status::ok();
}

}  // namespace

std::string_view roleName(Role role) {
  switch (role) {
    case Role::kAgent: return "agent";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
  }
  return "agent";
}

Result<Role> parseRole(std::string_view text) {
  if (text == "agent") return Role::kAgent;
  if (text == "supervisor") return Role::kSupervisor;
  if (text == "admin") return Role::kAdmin;
  return Status::invalidArgument("must be one of agent, supervisor, admin");
}

std::string_view channelName(Channel channel) { return channel == Channel::kVoice ? "voice" : "chat"; }

Result<Channel> parseChannel(std::string_view text) {
  if (text == "voice") return Channel::kVoice;
  if (text == "chat") return Channel::kChat;
  return Status::invalidArgument("must be one of voice, chat");
}

bool isLanguage(std::string_view tag) {
  return std::find(std::begin(kLanguages), std::end(kLanguages), tag) != std::end(kLanguages);
}

bool decodeUtf8(std::string_view s, std::u32string* out) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) n = 0, cp = c;
    else if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07;
    else return false;
    if (n > 0 && i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    if (out != nullptr) out->push_back(cp);
    i += n + 1;
  }
  return true;
}

bool isValidUtf8(std::string_view s) { return decodeUtf8(s, nullptr); }

namespace {

// C0, DEL and C1 control characters.
bool isControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// Spaces a person cannot see, including the ideographic space a Chinese IME types.
bool isBlank(char32_t cp) {
  return cp == U' ' || cp == U'\t' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B) ||
         cp == 0xFEFF;
}

}  // namespace

Status validateId(std::string_view value, std::string_view field) {
  if (value.empty()) return Status::invalidArgument("must not be empty", path(field));
  if (value.size() > 64) return Status::invalidArgument("must be at most 64 characters", path(field));
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'; };
  const bool first_ok = (value[0] >= 'a' && value[0] <= 'z') || (value[0] >= '0' && value[0] <= '9');
  if (!first_ok || !std::all_of(value.begin(), value.end(), ok)) {
    return Status::invalidArgument(
        "\"" + std::string(value) + "\" is not a valid id: use lowercase letters, digits, '.', '_' or '-', "
        "starting with a letter or digit",
        path(field));
  }
  return Status::ok();
}

Status validateText(std::string_view value, std::string_view field, bool allow_empty) {
  std::u32string cps;
  if (!decodeUtf8(value, &cps)) return Status::invalidArgument("is not valid UTF-8", path(field));
  if (!allow_empty && std::all_of(cps.begin(), cps.end(), isBlank)) {
    return Status::invalidArgument("must not be empty", path(field));
  }
  if (value.size() > kMaxNameBytes) {
    return Status::invalidArgument("must be at most " + std::to_string(kMaxNameBytes) + " bytes", path(field));
  }
  if (std::any_of(cps.begin(), cps.end(), isControl)) {
    return Status::invalidArgument("must not contain control characters", path(field));
  }
  return Status::ok();
}

Status validateName(const LocalizedName& name, std::string_view field) {
  OUTPOST_RETURN_IF_ERROR(validateText(name.zh, "zh").under(path(field)));
  return validateText(name.en, "en").under(path(field));
}

Status validate(const Site& s) {
  OUTPOST_RETURN_IF_ERROR(validateId(s.site_code, "site_code"));
  OUTPOST_RETURN_IF_ERROR(validateName(s.name, "name"));
  OUTPOST_RETURN_IF_ERROR(validateText(s.time_zone, "time_zone"));
  if (s.time_zone.find_first_of(" ") != std::string::npos || s.time_zone.find("..") != std::string::npos) {
    return Status::invalidArgument("must be an IANA time zone name such as Asia/Shanghai", "/time_zone");
  }
  if (!isLanguage(s.default_language)) {
    return Status::invalidArgument("must be one of zh-CN, en", "/default_language");
  }
  return Status::ok();
}

Status validate(const Skill& s) {
  OUTPOST_RETURN_IF_ERROR(validateId(s.code, "code"));
  return validateName(s.name, "name");
}

Status validate(const Agent& a) {
  OUTPOST_RETURN_IF_ERROR(validateId(a.id, "id"));
  OUTPOST_RETURN_IF_ERROR(validateName(a.name, "name"));
  if (a.languages.empty()) return Status::invalidArgument("must list at least one language", "/languages");
  for (size_t i = 0; i < a.languages.size(); ++i) {
    if (!isLanguage(a.languages[i])) {
      return Status::invalidArgument("must be one of zh-CN, en", "/languages/" + std::to_string(i));
    }
    if (std::find(a.languages.begin(), a.languages.begin() + static_cast<long>(i), a.languages[i]) !=
        a.languages.begin() + static_cast<long>(i)) {
      return Status::invalidArgument("is listed twice", "/languages/" + std::to_string(i));
    }
  }
  OUTPOST_RETURN_IF_ERROR(validateText(a.team, "team", /*allow_empty=*/true));
  if (a.tier < kMinTier || a.tier > kMaxTier) return outOfRange("tier", kMinTier, kMaxTier);
  if (a.voice_capacity < 0 || a.voice_capacity > 1) return outOfRange("voice_capacity", 0, 1);
  if (a.chat_capacity < 0 || a.chat_capacity > 8) return outOfRange("chat_capacity", 0, 8);
  OUTPOST_RETURN_IF_ERROR(validateSkillLevels(a.skills, "skills"));
  if (!(a.reward_score >= 0.1 && a.reward_score <= 10)) {
    return Status::invalidArgument("must be between 0.1 and 10", "/reward_score");
  }
  for (size_t i = 0; i < a.practice_skills.size(); ++i) {
    const std::string at = "/practice_skills/" + std::to_string(i);
    OUTPOST_RETURN_IF_ERROR(validateId(a.practice_skills[i], at.substr(1)));
    if (std::find(a.practice_skills.begin(), a.practice_skills.begin() + static_cast<long>(i),
                  a.practice_skills[i]) != a.practice_skills.begin() + static_cast<long>(i)) {
      return Status::invalidArgument("is listed twice", at);
    }
  }
  return Status::ok();
}

Status validate(const Queue& q) {
  OUTPOST_RETURN_IF_ERROR(validateId(q.code, "code"));
  OUTPOST_RETURN_IF_ERROR(validateName(q.name, "name"));
  if (q.sl_target_pct < 1 || q.sl_target_pct > 100) return outOfRange("sl_target_pct", 1, 100);
  if (q.sl_threshold_s < 1 || q.sl_threshold_s > 3600) return outOfRange("sl_threshold_s", 1, 3600);
  if (q.offer_timeout_s < 3 || q.offer_timeout_s > 300) return outOfRange("offer_timeout_s", 3, 300);
  OUTPOST_RETURN_IF_ERROR(validateSkillLevels(q.skills, "skills"));
  if (std::find(std::begin(kStrategies), std::end(kStrategies), q.strategy) == std::end(kStrategies)) {
    return Status::invalidArgument("must be one of longest_idle, least_occupied, reward_weighted", "/strategy");
  }
  if (!(q.weight >= 0.1 && q.weight <= 100)) return Status::invalidArgument("must be between 0.1 and 100", "/weight");
  if (!(q.aging_per_s >= 0 && q.aging_per_s <= 100)) {
    return Status::invalidArgument("must be between 0 and 100", "/aging_per_s");
  }
  if (q.wrap_up_s < 0 || q.wrap_up_s > 3600) return outOfRange("wrap_up_s", 0, 3600);
  std::map<std::string, int> last_after;  // per segment: steps in increasing order, from 0
  for (size_t i = 0; i < q.rings.size(); ++i) {
    const RingRule& r = q.rings[i];
    const std::string at = "/rings/" + std::to_string(i);
    if (r.segment != "*") OUTPOST_RETURN_IF_ERROR(validateId(r.segment, "segment").under(at));
    if (r.min_tier < kMinTier || r.min_tier > kMaxTier) return outOfRange("min_tier", kMinTier, kMaxTier).under(at);
    if (r.max_tier < r.min_tier || r.max_tier > kMaxTier) {
      return Status::invalidArgument("must be between min_tier and " + std::to_string(kMaxTier), at + "/max_tier");
    }
    if (r.after_s < 0 || r.after_s > 86400) return outOfRange("after_s", 0, 86400).under(at);
    auto it = last_after.find(r.segment);
    if (it == last_after.end() && r.after_s != 0) {
      return Status::invalidArgument("the first step of segment \"" + r.segment + "\" must start at 0", at + "/after_s");
    }
    if (it != last_after.end() && r.after_s <= it->second) {
      return Status::invalidArgument("steps of a segment must come in increasing after_s", at + "/after_s");
    }
    last_after[r.segment] = r.after_s;
  }
  return Status::ok();
}

Status validate(const WrapUpCode& w) {
  OUTPOST_RETURN_IF_ERROR(validateId(w.code, "code"));
  return validateName(w.name, "name");
}

Status validate(const NotReadyReason& r) {
  OUTPOST_RETURN_IF_ERROR(validateId(r.code, "code"));
  return validateName(r.name, "name");
}

Status validate(const User& u) {
  OUTPOST_RETURN_IF_ERROR(validateId(u.username, "username"));
  if (u.agent_id) OUTPOST_RETURN_IF_ERROR(validateId(*u.agent_id, "agent_id"));
  if (u.role == Role::kAgent && !u.agent_id) {
    return Status::invalidArgument("an agent login must name the agent it works as", "/agent_id");
  }
  return validateText(u.display_name, "display_name", /*allow_empty=*/true);
}

}  // namespace outpost::site
