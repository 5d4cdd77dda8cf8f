#include "ivr/hook.h"

#include "ivr/utf8.h"

namespace outpost::ivr {

Status checkHookAction(const Flow& flow, const HookAction& a) {
  if (a.next && a.transfer) return Status::invalidArgument("give next or transfer, not both", "/next");
  if (a.next && !flow.node(*a.next)) {
    return Status::invalidArgument("no node \"" + *a.next + "\" in flow " + flow.id, "/next");
  }
  if (a.say) OUTPOST_RETURN_IF_ERROR(checkFlowText(*a.say, "/say", true));
  if (a.slots.size() > 32) return Status::invalidArgument("at most 32 slots", "/slots");
  for (const auto& [name, value] : a.slots) {
    if (!validFlowId(name)) return Status::invalidArgument("a slot name is 1..64 of [a-z0-9_.-]", "/slots/" + name);
    if (value.size() > 256 || !isValidUtf8(value)) {
      return Status::invalidArgument("must be valid UTF-8 of at most 256 bytes", "/slots/" + name);
    }
  }
  if (a.transfer) {
    const HookTransfer& t = *a.transfer;
    if (!validFlowId(t.queue)) return Status::invalidArgument("needs a queue id", "/transfer/queue");
    if (!t.chat_queue.empty() && !validFlowId(t.chat_queue)) {
      return Status::invalidArgument("is not a queue id", "/transfer/chat_queue");
    }
    if (t.priority && (*t.priority < 0 || *t.priority > 100)) {
      return Status::invalidArgument("must be 0..100", "/transfer/priority");
    }
    if (t.segment && !validFlowId(*t.segment)) return Status::invalidArgument("bad segment", "/transfer/segment");
    OUTPOST_RETURN_IF_ERROR(checkSkillNeeds(t.skills, "/transfer/skills"));
  }
  return Status::ok();
}

}  // namespace outpost::ivr
