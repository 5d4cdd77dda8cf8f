#pragma once

// IVR flows: a site's call/chat front end as a graph of nodes, declared in JSON
// (schema in docs/ivr.md; JSON form in codec/ivr_flow_codec.h) and validated here.
//
// Every node says something on entry (its `prompt`, in zh-CN and English) and then
// either waits for the caller (menu, collect, intent, answer, survey) or moves on
// (prompt → next) or ends the session (transfer, hangup). Waiting nodes count
// no-input and no-match events separately; each event plays the next of the node's
// escalating reprompts, and after `max_attempts` events of one kind the caller goes
// to the flow's human node (VoiceXML's event counters).
//
// Thread-safety: values; a validated Flow is shared read-only by sessions.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace outpost::ivr {

// A text in both languages the appliance serves.
struct Text {
  std::string zh;  // zh-CN
  std::string en;
  const std::string& in(const std::string& language) const { return language == "en" ? en : zh; }
  bool empty() const { return zh.empty() && en.empty(); }
};

enum class NodeKind { kMenu, kPrompt, kCollect, kIntent, kAnswer, kSurvey, kTransfer, kHangup };
std::string_view nodeKindName(NodeKind kind);
bool parseNodeKind(std::string_view name, NodeKind& out);

struct MenuOption {
  std::string digit;    // one of 0-9 * #
  std::string next;     // node id
  std::string segment;  // optional: sets the session's customer segment (e.g. "vip")
};

struct SkillNeed {
  std::string skill;
  int level = 1;  // 1..5
};

struct Node {
  std::string id;
  NodeKind kind = NodeKind::kPrompt;
  Text prompt;                  // said on entry
  std::vector<Text> reprompts;  // escalating: the n-th event plays reprompts[min(n, size) - 1]
  int max_attempts = 3;         // events of one kind before the caller goes to a human
  bool human_escape = true;     // "0"/"人工"/"agent" works here (if the flow allows it)
  std::string hook;             // waiting nodes: a rule asked first on each input ("ivr_action"; ivr/hook.h)
  std::string next;             // prompt, collect, survey, answer (when it helped); intent default

  // menu
  std::vector<MenuOption> options;
  // collect
  std::string slot;           // the name the value is kept under
  bool digits = true;         // digits (DTMF or spoken digits) vs free text
  int min_length = 1;
  int max_length = 32;
  std::string pattern;        // optional ECMAScript regex the whole value must match
  bool luhn = false;          // checksum of card numbers
  // intent: intent code → node id ("*" for any other confident intent)
  std::map<std::string, std::string> routes;
  // answer
  std::string article;        // knowledge-base article id
  std::string not_helped;     // node id when the caller says it did not help (default: human node)
  // transfer
  std::string queue;           // for voice sessions (and chat when chat_queue is empty)
  std::string chat_queue;      // optional: for chat sessions
  std::vector<SkillNeed> skills;
  std::string segment;        // default segment when the path set none ("standard" if empty)
  int priority = 50;          // 0..100
  // hangup
  std::string outcome;        // "self_served", "hung_up" or "" (self_served if an answer helped)
};

struct Article {
  std::string id;
  Text title;
  Text body;
};

// What an intent adds to a transfer: skills, and a priority floor.
struct IntentRouting {
  std::vector<SkillNeed> skills;
  int priority = 0;
  std::string segment;  // e.g. "complaint"
};

struct Flow {
  std::string id;
  int version = 1;
  std::string start;                    // first node
  std::string human;                    // transfer node for escapes and exhausted counters
  bool human_escape = true;             // "0"/"人工"/"agent" anywhere
  std::chrono::milliseconds no_input_timeout{8000};
  std::chrono::milliseconds session_ttl{600000};  // idle time after which a session expires
  Text no_match;                        // default reprompt prefix after a no-match
  Text no_input;                        // default reprompt prefix after a no-input
  Text did_it_help;                     // said after an answer ("1 yes, 2 no")
  std::vector<Node> nodes;
  std::vector<Article> articles;        // the local knowledge base
  std::map<std::string, IntentRouting> intents;

  const Node* node(const std::string& id) const;
  const Article* article(const std::string& id) const;
  // Whether some node classifies free text (the session then needs a model).
  bool usesIntents() const;
};

// Checks references and ranges; errors name the node and field, e.g.
// where = "/nodes/main_menu/options/2/next".
Status validateFlow(const Flow& flow);

// The Luhn checksum over a string of digits (false for empty or non-digits).
bool luhnValid(const std::string& digits);

// Identifiers in flows (node, slot, queue, segment, skill ids): 1..64 of [a-z0-9_.-].
bool validFlowId(const std::string& id);
// A text in both languages, valid UTF-8, at most 4000 bytes each.
Status checkFlowText(const Text& text, const std::string& where, bool required);
// Skill codes and levels 1..5; errors name the index.
Status checkSkillNeeds(const std::vector<SkillNeed>& skills, const std::string& where);

}  // namespace outpost::ivr
