#pragma once

// ActionHook: a rule that decides at a flow node (a node with "hook": "ivr_action").
// The ivr room owns this small interface; the implementation (Lua rules in a signed
// bundle, plugins/ivr_actions.h) is wired in app/daemon, so ivr does not depend on
// plugins.
//
// At a hooked waiting node the session asks the hook first on every caller input
// (not on no-input events, not on escapes). The answer (docs/ivr.md, "Lua hooks"):
//   nothing          → the node's built-in behaviour
//   say              → said first (then the built-in behaviour, or the next/transfer)
//   slots            → stored in the session (then as above)
//   next             → enter that node instead of the built-in behaviour
//   transfer         → to a human now (queue, priority, segment, skills)
// An error, a limit, or an answer the flow cannot take (unknown node, bad slot) falls
// back to the built-in behaviour: the call never waits on a broken rule.
//
// Thread-safety: run() may be called from several HTTP threads at once; the
// implementation serialises what it must.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ivr/flow.h"

namespace outpost::ivr {

// What the hook sees (as plain tables: session, input, ctx).
struct HookCall {
  std::string session_id;
  std::string language;
  std::string node;
  std::vector<std::string> path;
  std::map<std::string, std::string> slots;
  std::string intent;
  double confidence = 0;
  std::string segment;
  std::string input_kind;  // "dtmf" or "text"
  std::string input;
  WallTime now{};
};

struct HookTransfer {
  std::string queue;
  std::string chat_queue;               // optional: for chat sessions
  std::optional<int> priority;          // 0..100, default 50
  std::optional<std::string> segment;   // default: the session's segment, or "standard"
  std::vector<SkillNeed> skills;
};

struct HookAction {
  std::optional<std::string> next;  // the node to enter ("next"; Lua reserves "goto")
  std::optional<Text> say;
  std::map<std::string, std::string> slots;
  std::optional<HookTransfer> transfer;
  bool empty() const { return !next && !say && slots.empty() && !transfer; }
};

// How the hook has fared (GET /api/v1/ivr/metrics "hook").
struct HookStats {
  std::string source;  // e.g. "demo-bank v2"
  uint64_t calls = 0;
  uint64_t errors = 0;      // raised, or answered something invalid
  uint64_t limit_hits = 0;  // instruction budget, deadline, memory
  uint64_t fallbacks = 0;   // steps the node's built-in behaviour took instead
};

class ActionHook {
 public:
  virtual ~ActionHook() = default;
  // The rule's answer for `hook` (API 1: "ivr_action"), or why there is none.
  virtual Result<HookAction> run(const std::string& hook, const HookCall& call) = 0;
  virtual HookStats stats() const = 0;
  // The session found the answer unusable for its flow (checkHookAction): count it.
  virtual void refused(const Status& why) = 0;
};

// Checks an answer against the flow (next names a node, slot names and values, queue,
// texts in both languages); errors name the field, e.g. "/next".
Status checkHookAction(const Flow& flow, const HookAction& action);

}  // namespace outpost::ivr
