#pragma once

// Session: one caller's walk through a Flow. Pure domain code: input comes in as
// values, "now" comes from the injected Clock, and each call answers with a Step —
// what to say next and whether the session ended (self-served, transferred with a
// TransferRequest for the router, hung up, or expired).
//
// Events, per waiting node and kind, follow VoiceXML's counters: a no-input (empty
// input, or tick() after the node's timeout) or a no-match increments that node's
// counter; below max_attempts the caller hears the flow's apology and the next
// escalating reprompt; at max_attempts the caller goes to the flow's human node.
// The exact input "0", or text with "人工", "agent", "human", "operator" or
// "representative", reaches the human node from any waiting node unless the flow
// or the node turned escapes off.
//
// Thread-safety: a session is used by one thread at a time (the API serialises
// inputs per session).

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ivr/classifier.h"
#include "ivr/flow.h"
#include "ivr/hook.h"

namespace outpost::ivr {

enum class SessionState { kActive, kSelfServed, kTransferred, kHungUp, kExpired };
std::string_view sessionStateName(SessionState s);

struct Input {
  enum class Kind { kDtmf, kText, kNoInput };
  Kind kind = Kind::kNoInput;
  std::string value;  // digits for kDtmf, UTF-8 for kText
};

struct TransferRequest {
  std::string queue;
  std::string chat_queue;  // "" → queue
  std::vector<SkillNeed> skills;
  std::string segment;
  int priority = 50;
  std::string reason;  // "flow", "requested", "max_no_input", "max_no_match", "not_helped"
};

struct Step {
  std::vector<std::string> say;  // in the session's language, in order
  std::string node;              // the node now waiting, or the one that ended the session
  NodeKind kind = NodeKind::kPrompt;
  std::string expects;           // "dtmf", "text", "dtmf_or_text" or "none" (ended)
  SessionState state = SessionState::kActive;
  std::string event;             // how the input was taken: "start", "match", "no_input", "no_match",
                                 // "escape", "expired"
  std::optional<TransferRequest> transfer;
  std::string hook;        // at a hooked node: "applied", "declined" (nothing to do) or "failed" (built-in used)
  std::string hook_error;  // why it failed
};

struct NodeCounters {
  int no_input = 0;
  int no_match = 0;
};

class Session {
 public:
  // `model` may be null when the flow has no intent node. `language` is "zh-CN" or "en".
  Session(std::shared_ptr<const Flow> flow, std::shared_ptr<const IntentModel> model, std::string language,
          const Clock& clock);

  // The rule asked at nodes with a hook (null: hooked nodes use their built-in
  // behaviour), and the id the hook sees. Set before start().
  void setHook(std::shared_ptr<ActionHook> hook) { hook_ = std::move(hook); }
  void setId(std::string id) { id_ = std::move(id); }
  const Flow& flow() const { return *flow_; }

  // Enters the start node. Call once.
  Step start();
  // The caller's input. Error (kFailedPrecondition) once the session has ended.
  Result<Step> input(const Input& in);
  // A no-input event when the waiting node's timeout has passed since its prompt.
  std::optional<Step> tick();
  // Whether the session has been idle longer than the flow's session_ttl.
  bool idleExpired() const;
  // Ends an active session as expired (the caller went away).
  Step expire();

  SessionState state() const { return state_; }
  const std::string& language() const { return language_; }
  const std::vector<std::string>& path() const { return path_; }
  const std::map<std::string, std::string>& slots() const { return slots_; }
  const std::string& intent() const { return intent_; }
  double intentConfidence() const { return confidence_; }
  std::optional<int> csat() const { return csat_; }
  const std::string& segment() const { return segment_; }
  const std::map<std::string, NodeCounters>& counters() const { return counters_; }
  const std::string& currentNode() const { return current_; }

 private:
  void enter(const std::string& id, Step& step);
  void event(bool no_input, Step& step);
  void toHuman(const std::string& reason, Step& step);
  void finish(SessionState s, Step& step);
  void handle(const Node& node, const Input& in, Step& step);
  std::string expectsOf(const Node& node) const;
  // Asks the node's hook; true when its answer decided the step.
  bool runHook(const Node& node, const Input& in, Step& step);

  std::shared_ptr<const Flow> flow_;
  std::shared_ptr<const IntentModel> model_;
  std::shared_ptr<ActionHook> hook_;
  std::string id_;
  std::string language_;
  const Clock& clock_;
  SessionState state_ = SessionState::kActive;
  std::string current_;
  MonoTime prompted_at_{};
  MonoTime last_activity_{};
  std::vector<std::string> path_;
  std::map<std::string, std::string> slots_;
  std::map<std::string, NodeCounters> counters_;
  std::string intent_;
  double confidence_ = 0;
  std::optional<int> csat_;
  std::string segment_;
  bool helped_ = false;
  std::string transfer_reason_ = "flow";
};

// Whether `in` asks for a person ("0", "人工", "agent", …).
bool isHumanEscape(const Input& in);

}  // namespace outpost::ivr
