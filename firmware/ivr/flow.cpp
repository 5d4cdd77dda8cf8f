#include "ivr/flow.h"

#include <regex>
#include <set>

#include "ivr/dataset.h"
#include "ivr/utf8.h"

namespace outpost::ivr {

bool validFlowId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.')) return false;
  }
  return true;
}

Status checkFlowText(const Text& t, const std::string& where, bool required) {
  if (t.empty() && !required) return Status::ok();
  if (t.zh.empty()) return Status::invalidArgument("needs zh-CN text", where + "/zh-CN");
  if (t.en.empty()) return Status::invalidArgument("needs English text", where + "/en");
  for (const auto* s : {&t.zh, &t.en}) {
    if (!isValidUtf8(*s) || s->size() > 4000) {
      return Status::invalidArgument("must be valid UTF-8 of at most 4000 bytes", where);
    }
  }
  return Status::ok();
}

Status checkSkillNeeds(const std::vector<SkillNeed>& skills, const std::string& where) {
  for (size_t i = 0; i < skills.size(); ++i) {
    const std::string at = where + "/" + std::to_string(i);
    if (!validFlowId(skills[i].skill)) return Status::invalidArgument("is not a valid skill code", at + "/skill");
    if (skills[i].level < 1 || skills[i].level > 5) return Status::invalidArgument("must be 1..5", at + "/level");
  }
  return Status::ok();
}

std::string_view nodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kMenu: return "menu";
    case NodeKind::kPrompt: return "prompt";
    case NodeKind::kCollect: return "collect";
    case NodeKind::kIntent: return "intent";
    case NodeKind::kAnswer: return "answer";
    case NodeKind::kSurvey: return "survey";
    case NodeKind::kTransfer: return "transfer";
    case NodeKind::kHangup: return "hangup";
  }
  return "?";
}

bool parseNodeKind(std::string_view name, NodeKind& out) {
  for (NodeKind k : {NodeKind::kMenu, NodeKind::kPrompt, NodeKind::kCollect, NodeKind::kIntent, NodeKind::kAnswer,
                     NodeKind::kSurvey, NodeKind::kTransfer, NodeKind::kHangup}) {
    if (nodeKindName(k) == name) {
      out = k;
      return true;
    }
  }
  return false;
}

const Node* Flow::node(const std::string& node_id) const {
  for (const auto& n : nodes) {
    if (n.id == node_id) return &n;
  }
  return nullptr;
}

const Article* Flow::article(const std::string& article_id) const {
  for (const auto& a : articles) {
    if (a.id == article_id) return &a;
  }
  return nullptr;
}

bool Flow::usesIntents() const {
  for (const auto& n : nodes) {
    if (n.kind == NodeKind::kIntent) return true;
  }
  return false;
}

bool luhnValid(const std::string& digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (*it < '0' || *it > '9') return false;
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

Status validateFlow(const Flow& flow) {
  if (!validFlowId(flow.id)) return Status::invalidArgument("must be 1..64 of [a-z0-9_.-]", "/id");
  if (flow.version < 1) return Status::invalidArgument("must be at least 1", "/version");
  if (flow.nodes.empty()) return Status::invalidArgument("a flow needs nodes", "/nodes");
  if (flow.nodes.size() > 500) return Status::invalidArgument("at most 500 nodes", "/nodes");
  if (flow.no_input_timeout.count() < 1000 || flow.no_input_timeout.count() > 120000) {
    return Status::invalidArgument("must be 1..120 seconds", "/no_input_timeout_s");
  }
  if (flow.session_ttl.count() < 10000 || flow.session_ttl.count() > 86400000) {
    return Status::invalidArgument("must be 10 s .. 24 h", "/session_ttl_s");
  }
  OUTPOST_RETURN_IF_ERROR(checkFlowText(flow.no_match, "/no_match", false));
  OUTPOST_RETURN_IF_ERROR(checkFlowText(flow.no_input, "/no_input", false));
  OUTPOST_RETURN_IF_ERROR(checkFlowText(flow.did_it_help, "/did_it_help", false));
  std::set<std::string> ids;
  for (const auto& n : flow.nodes) {
    if (!validFlowId(n.id)) return Status::invalidArgument("node id \"" + n.id + "\" must be 1..64 of [a-z0-9_.-]", "/nodes");
    if (!ids.insert(n.id).second) return Status::invalidArgument("node id used twice", "/nodes/" + n.id);
  }
  std::set<std::string> article_ids;
  for (const auto& a : flow.articles) {
    const std::string at = "/articles/" + a.id;
    if (!validFlowId(a.id)) return Status::invalidArgument("article id must be 1..64 of [a-z0-9_.-]", "/articles");
    if (!article_ids.insert(a.id).second) return Status::invalidArgument("article id used twice", at);
    OUTPOST_RETURN_IF_ERROR(checkFlowText(a.title, at + "/title", true));
    OUTPOST_RETURN_IF_ERROR(checkFlowText(a.body, at + "/body", true));
  }
  auto ref = [&](const std::string& id, const std::string& where, bool required) -> Status {
    if (id.empty()) return required ? Status::invalidArgument("is required", where) : Status::ok();
    if (!ids.count(id)) return Status::invalidArgument("no node \"" + id + "\" in this flow", where);
    return Status::ok();
  };
  OUTPOST_RETURN_IF_ERROR(ref(flow.start, "/start", true));
  OUTPOST_RETURN_IF_ERROR(ref(flow.human, "/human", true));
  if (flow.node(flow.human)->kind != NodeKind::kTransfer) {
    return Status::invalidArgument("must name a transfer node", "/human");
  }
  for (const auto& [intent, routing] : flow.intents) {
    const std::string at = "/intents/" + intent;
    if (!isIntentCode(intent)) return Status::invalidArgument("is not an intent code", at);
    OUTPOST_RETURN_IF_ERROR(checkSkillNeeds(routing.skills, at + "/skills"));
    if (routing.priority < 0 || routing.priority > 100) return Status::invalidArgument("must be 0..100", at + "/priority");
    if (!routing.segment.empty() && !validFlowId(routing.segment)) return Status::invalidArgument("bad segment", at + "/segment");
  }
  for (const auto& n : flow.nodes) {
    const std::string at = "/nodes/" + n.id;
    OUTPOST_RETURN_IF_ERROR(checkFlowText(n.prompt, at + "/prompt", n.kind != NodeKind::kTransfer));
    for (size_t i = 0; i < n.reprompts.size(); ++i) {
      OUTPOST_RETURN_IF_ERROR(checkFlowText(n.reprompts[i], at + "/reprompts/" + std::to_string(i), true));
    }
    if (n.max_attempts < 1 || n.max_attempts > 10) return Status::invalidArgument("must be 1..10", at + "/max_attempts");
    if (!n.hook.empty()) {
      if (n.hook != "ivr_action") return Status::invalidArgument("the only node hook is \"ivr_action\"", at + "/hook");
      if (n.kind == NodeKind::kPrompt || n.kind == NodeKind::kTransfer || n.kind == NodeKind::kHangup) {
        return Status::invalidArgument("a hook needs a node that waits for input (menu, collect, intent, answer, survey)",
                                       at + "/hook");
      }
    }
    switch (n.kind) {
      case NodeKind::kMenu: {
        if (n.options.empty()) return Status::invalidArgument("a menu needs options", at + "/options");
        std::set<std::string> digits;
        for (size_t i = 0; i < n.options.size(); ++i) {
          const auto& o = n.options[i];
          const std::string oat = at + "/options/" + std::to_string(i);
          if (o.digit.size() != 1 || std::string("0123456789*#").find(o.digit[0]) == std::string::npos) {
            return Status::invalidArgument("must be one of 0-9 * #", oat + "/digit");
          }
          if (!digits.insert(o.digit).second) return Status::invalidArgument("digit used twice", oat + "/digit");
          OUTPOST_RETURN_IF_ERROR(ref(o.next, oat + "/next", true));
          if (!o.segment.empty() && !validFlowId(o.segment)) return Status::invalidArgument("bad segment", oat + "/segment");
        }
        break;
      }
      case NodeKind::kPrompt:
      case NodeKind::kSurvey:
        OUTPOST_RETURN_IF_ERROR(ref(n.next, at + "/next", true));
        if (n.kind == NodeKind::kPrompt && n.next == n.id) {
          return Status::invalidArgument("a prompt cannot lead to itself", at + "/next");
        }
        break;
      case NodeKind::kCollect:
        if (!validFlowId(n.slot)) return Status::invalidArgument("needs a slot name of [a-z0-9_.-]", at + "/slot");
        if (n.min_length < 1 || n.max_length > 256 || n.min_length > n.max_length) {
          return Status::invalidArgument("needs 1 <= min_length <= max_length <= 256", at + "/max_length");
        }
        if (!n.pattern.empty()) {
          try {
            std::regex re(n.pattern, std::regex::ECMAScript);
          } catch (const std::regex_error& e) {
            return Status::invalidArgument(std::string("is not a valid regular expression: ") + e.what(),
                                           at + "/pattern");
          }
        }
        if (n.luhn && !n.digits) return Status::invalidArgument("Luhn applies to digits only", at + "/luhn");
        OUTPOST_RETURN_IF_ERROR(ref(n.next, at + "/next", true));
        break;
      case NodeKind::kIntent:
        if (n.routes.empty()) return Status::invalidArgument("an intent node needs routes", at + "/routes");
        for (const auto& [intent, next] : n.routes) {
          if (intent != "*" && !isIntentCode(intent)) {
            return Status::invalidArgument("is not an intent code", at + "/routes/" + intent);
          }
          OUTPOST_RETURN_IF_ERROR(ref(next, at + "/routes/" + intent, true));
        }
        break;
      case NodeKind::kAnswer:
        if (n.article.empty()) return Status::invalidArgument("is required", at + "/article");
        if (!article_ids.count(n.article)) {
          return Status::invalidArgument("no article \"" + n.article + "\" in the knowledge base", at + "/article");
        }
        OUTPOST_RETURN_IF_ERROR(ref(n.next, at + "/next", true));
        OUTPOST_RETURN_IF_ERROR(ref(n.not_helped, at + "/not_helped", false));
        break;
      case NodeKind::kTransfer:
        if (!validFlowId(n.queue)) return Status::invalidArgument("needs a queue id", at + "/queue");
        if (!n.chat_queue.empty() && !validFlowId(n.chat_queue)) {
          return Status::invalidArgument("is not a queue id", at + "/chat_queue");
        }
        OUTPOST_RETURN_IF_ERROR(checkSkillNeeds(n.skills, at + "/skills"));
        if (!n.segment.empty() && !validFlowId(n.segment)) return Status::invalidArgument("bad segment", at + "/segment");
        if (n.priority < 0 || n.priority > 100) return Status::invalidArgument("must be 0..100", at + "/priority");
        break;
      case NodeKind::kHangup:
        if (!n.outcome.empty() && n.outcome != "self_served" && n.outcome != "hung_up") {
          return Status::invalidArgument("must be self_served or hung_up", at + "/outcome");
        }
        break;
    }
  }
  // Prompt chains must end somewhere that waits or ends.
  for (const auto& n : flow.nodes) {
    const Node* p = &n;
    for (size_t steps = 0; p->kind == NodeKind::kPrompt; ++steps) {
      if (steps > flow.nodes.size()) {
        return Status::invalidArgument("prompts lead round in a circle", "/nodes/" + n.id + "/next");
      }
      p = flow.node(p->next);
    }
  }
  return Status::ok();
}

}  // namespace outpost::ivr
