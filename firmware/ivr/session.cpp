#include "ivr/session.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "ivr/utf8.h"

namespace outpost::ivr {
namespace {

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\n' || s[e - 1] == '\r')) --e;
  return s.substr(b, e - b);
}

bool containsWord(const std::string& text, const std::string& word) {
  size_t pos = 0;
  while ((pos = text.find(word, pos)) != std::string::npos) {
    const bool left = pos == 0 || !std::isalpha(static_cast<unsigned char>(text[pos - 1]));
    const size_t end = pos + word.size();
    const bool right = end >= text.size() || !std::isalpha(static_cast<unsigned char>(text[end]));
    if (left && right) return true;
    pos = end;
  }
  return false;
}

// Digits typed or spoken: "6222 0000-1234" → "622200001234"; "" if anything else.
std::string digitsOf(const std::string& value) {
  std::string d;
  for (char c : value) {
    if (c >= '0' && c <= '9') {
      d.push_back(c);
    } else if (c != ' ' && c != '-') {
      return {};
    }
  }
  return d;
}

enum class YesNo { kYes, kNo, kUnknown };

YesNo yesNo(const Input& in) {
  const std::string v = lower(trim(in.value));
  if (v == "1") return YesNo::kYes;
  if (v == "2") return YesNo::kNo;
  if (in.kind != Input::Kind::kText) return YesNo::kUnknown;
  for (const char* no : {"没", "不", "否", "无用"}) {
    if (v.find(no) != std::string::npos) return YesNo::kNo;
  }
  for (const char* no : {"no", "nope", "not"}) {
    if (containsWord(v, no)) return YesNo::kNo;
  }
  for (const char* yes : {"是", "有", "对", "好", "解决", "谢谢", "可以"}) {
    if (v.find(yes) != std::string::npos) return YesNo::kYes;
  }
  for (const char* yes : {"yes", "yeah", "yep", "ok", "okay", "thanks", "helped", "sure"}) {
    if (containsWord(v, yes)) return YesNo::kYes;
  }
  return YesNo::kUnknown;
}

}  // namespace

std::string_view sessionStateName(SessionState s) {
  switch (s) {
    case SessionState::kActive: return "active";
    case SessionState::kSelfServed: return "self_served";
    case SessionState::kTransferred: return "transferred";
    case SessionState::kHungUp: return "hung_up";
    case SessionState::kExpired: return "expired";
  }
  return "?";
}

bool isHumanEscape(const Input& in) {
  const std::string v = lower(trim(in.value));
  if (v == "0") return true;
  if (in.kind != Input::Kind::kText) return false;
  if (v.find("人工") != std::string::npos) return true;
  for (const char* w : {"agent", "human", "operator", "representative"}) {
    if (containsWord(v, w)) return true;
  }
  return false;
}

Session::Session(std::shared_ptr<const Flow> flow, std::shared_ptr<const IntentModel> model, std::string language,
                 const Clock& clock)
    : flow_(std::move(flow)), model_(std::move(model)), language_(std::move(language)), clock_(clock) {
  last_activity_ = clock_.monoNow();
}

std::string Session::expectsOf(const Node& node) const {
  switch (node.kind) {
    case NodeKind::kMenu:
    case NodeKind::kSurvey: return "dtmf";
    case NodeKind::kCollect: return node.digits ? "dtmf_or_text" : "text";
    case NodeKind::kIntent: return "text";
    case NodeKind::kAnswer: return "dtmf_or_text";
    default: return "none";
  }
}

void Session::finish(SessionState s, Step& step) {
  state_ = s;
  step.state = s;
  step.expects = "none";
}

void Session::enter(const std::string& start_id, Step& step) {
  std::string id = start_id;
  // Validation guarantees prompt chains end; the bound is a second guard.
  for (size_t hops = 0; hops <= flow_->nodes.size() + 1; ++hops) {
    const Node* node = flow_->node(id);
    if (!node) break;
    current_ = id;
    path_.push_back(id);
    step.node = id;
    step.kind = node->kind;
    if (!node->prompt.empty()) step.say.push_back(node->prompt.in(language_));
    switch (node->kind) {
      case NodeKind::kPrompt:
        id = node->next;
        continue;
      case NodeKind::kAnswer: {
        const Article* a = flow_->article(node->article);
        if (a) step.say.push_back(a->body.in(language_));
        if (!flow_->did_it_help.empty()) {
          step.say.push_back(flow_->did_it_help.in(language_));
        } else {
          step.say.push_back(language_ == "en" ? "Did that help? Press 1 for yes, 2 for no."
                                               : "这个回答对您有帮助吗？有帮助请按1，没有请按2。");
        }
        break;
      }
      case NodeKind::kTransfer: {
        TransferRequest t;
        t.queue = node->queue;
        t.chat_queue = node->chat_queue;
        t.skills = node->skills;
        t.priority = node->priority;
        t.segment = node->segment;
        t.reason = transfer_reason_;
        auto it = intent_.empty() ? flow_->intents.end() : flow_->intents.find(intent_);
        if (it != flow_->intents.end()) {
          for (const SkillNeed& need : it->second.skills) {
            auto have = std::find_if(t.skills.begin(), t.skills.end(),
                                     [&](const SkillNeed& s) { return s.skill == need.skill; });
            if (have == t.skills.end()) {
              t.skills.push_back(need);
            } else {
              have->level = std::max(have->level, need.level);
            }
          }
          t.priority = std::max(t.priority, it->second.priority);
          if (!it->second.segment.empty()) t.segment = it->second.segment;
        }
        if (!segment_.empty()) t.segment = segment_;  // chosen on the path (menu)
        if (t.segment.empty()) t.segment = "standard";
        // A caller who failed to get through the menus waits less.
        if (t.reason == "max_no_input" || t.reason == "max_no_match") t.priority = std::min(100, t.priority + 10);
        step.transfer = std::move(t);
        finish(SessionState::kTransferred, step);
        return;
      }
      case NodeKind::kHangup: {
        const bool served = node->outcome == "self_served" || (node->outcome.empty() && helped_);
        finish(served ? SessionState::kSelfServed : SessionState::kHungUp, step);
        return;
      }
      default:
        break;
    }
    step.expects = expectsOf(*node);
    prompted_at_ = clock_.monoNow();
    return;
  }
  finish(SessionState::kHungUp, step);
}

Step Session::start() {
  Step step;
  step.event = "start";
  last_activity_ = clock_.monoNow();
  enter(flow_->start, step);
  return step;
}

void Session::toHuman(const std::string& reason, Step& step) {
  transfer_reason_ = reason;
  enter(flow_->human, step);
}

void Session::event(bool no_input, Step& step) {
  const Node* node = flow_->node(current_);
  NodeCounters& c = counters_[current_];
  const int count = no_input ? ++c.no_input : ++c.no_match;
  step.event = no_input ? "no_input" : "no_match";
  if (count >= node->max_attempts) {
    toHuman(no_input ? "max_no_input" : "max_no_match", step);
    return;
  }
  const Text& sorry = no_input ? flow_->no_input : flow_->no_match;
  if (!sorry.empty()) {
    step.say.push_back(sorry.in(language_));
  } else {
    step.say.push_back(language_ == "en" ? (no_input ? "Sorry, I didn't hear anything." : "Sorry, I didn't get that.")
                                         : (no_input ? "抱歉，没有听到您的输入。" : "抱歉，我没有听明白。"));
  }
  if (!node->reprompts.empty()) {
    const size_t i = std::min(static_cast<size_t>(count), node->reprompts.size()) - 1;
    step.say.push_back(node->reprompts[i].in(language_));
  } else {
    step.say.push_back(node->prompt.in(language_));
  }
  step.node = current_;
  step.kind = node->kind;
  step.expects = expectsOf(*node);
  prompted_at_ = clock_.monoNow();
}

void Session::handle(const Node& node, const Input& in, Step& step) {
  const std::string value = trim(in.value);
  switch (node.kind) {
    case NodeKind::kMenu:
      for (const auto& o : node.options) {
        if (o.digit == value) {
          if (!o.segment.empty()) segment_ = o.segment;
          step.event = "match";
          enter(o.next, step);
          return;
        }
      }
      break;
    case NodeKind::kCollect: {
      std::string v = node.digits ? digitsOf(value) : value;
      const size_t len = node.digits ? v.size() : utf8Length(v);
      bool ok = !v.empty() && len >= static_cast<size_t>(node.min_length) && len <= static_cast<size_t>(node.max_length);
      if (ok && !node.pattern.empty()) ok = std::regex_match(v, std::regex(node.pattern, std::regex::ECMAScript));
      if (ok && node.luhn) ok = luhnValid(v);
      if (ok) {
        slots_[node.slot] = v;
        step.event = "match";
        enter(node.next, step);
        return;
      }
      break;
    }
    case NodeKind::kIntent: {
      if (in.kind != Input::Kind::kText || !model_) break;
      const Prediction p = model_->classify(value);
      if (p.fallback) break;
      auto it = node.routes.find(p.intent);
      if (it == node.routes.end()) it = node.routes.find("*");
      if (it == node.routes.end()) break;
      intent_ = p.intent;
      confidence_ = p.confidence;
      step.event = "match";
      enter(it->second, step);
      return;
    }
    case NodeKind::kAnswer: {
      const YesNo yn = yesNo(in);
      if (yn == YesNo::kUnknown) break;
      step.event = "match";
      if (yn == YesNo::kYes) {
        helped_ = true;
        enter(node.next, step);
      } else if (!node.not_helped.empty()) {
        enter(node.not_helped, step);
      } else {
        toHuman("not_helped", step);
      }
      return;
    }
    case NodeKind::kSurvey:
      if (value.size() == 1 && value[0] >= '1' && value[0] <= '5') {
        csat_ = value[0] - '0';
        step.event = "match";
        enter(node.next, step);
        return;
      }
      break;
    default:
      break;
  }
  event(/*no_input=*/false, step);
}

Result<Step> Session::input(const Input& in) {
  if (state_ != SessionState::kActive) {
    return Status::failedPrecondition("the session has ended (" + std::string(sessionStateName(state_)) + ")");
  }
  last_activity_ = clock_.monoNow();
  Step step;
  const Node* node = flow_->node(current_);
  if (in.kind == Input::Kind::kNoInput || trim(in.value).empty()) {
    event(/*no_input=*/true, step);
    return step;
  }
  if (flow_->human_escape && node->human_escape && isHumanEscape(in)) {
    step.event = "escape";
    toHuman("requested", step);
    return step;
  }
  if (!node->hook.empty() && runHook(*node, in, step)) return step;
  handle(*node, in, step);
  return step;
}

bool Session::runHook(const Node& node, const Input& in, Step& step) {
  if (!hook_) {
    step.hook = "failed";
    step.hook_error = "no bundle with an " + node.hook + " hook is active";
    return false;
  }
  HookCall call;
  call.session_id = id_;
  call.language = language_;
  call.node = node.id;
  call.path = path_;
  call.slots = slots_;
  call.intent = intent_;
  call.confidence = confidence_;
  call.segment = segment_;
  call.input_kind = in.kind == Input::Kind::kDtmf ? "dtmf" : "text";
  call.input = trim(in.value);
  call.now = clock_.wallNow();
  auto action = hook_->run(node.hook, call);
  if (action) {
    if (Status s = checkHookAction(*flow_, *action); !s) {
      hook_->refused(s);
      action = Status(s.code(), s.message(), s.where());
    }
  }
  if (!action) {
    step.hook = "failed";
    step.hook_error = action.status().describe();
    return false;
  }
  const HookAction& a = *action;
  if (a.empty()) {
    step.hook = "declined";
    return false;
  }
  step.hook = "applied";
  if (a.say) step.say.push_back(a.say->in(language_));
  for (const auto& [name, value] : a.slots) slots_[name] = value;
  if (a.next) {
    step.event = "hook";
    enter(*a.next, step);
    return true;
  }
  if (a.transfer) {
    TransferRequest t;
    t.queue = a.transfer->queue;
    t.chat_queue = a.transfer->chat_queue;
    t.skills = a.transfer->skills;
    t.priority = a.transfer->priority.value_or(50);
    t.segment = a.transfer->segment.value_or(segment_.empty() ? "standard" : segment_);
    t.reason = "rule";
    step.event = "hook";
    step.node = current_;
    step.kind = node.kind;
    step.transfer = std::move(t);
    finish(SessionState::kTransferred, step);
    return true;
  }
  return false;  // said something or kept slots: the node's own handling goes on
}

std::optional<Step> Session::tick() {
  if (state_ != SessionState::kActive) return std::nullopt;
  if (clock_.monoNow() - prompted_at_ < flow_->no_input_timeout) return std::nullopt;
  Step step;
  event(/*no_input=*/true, step);
  return step;
}

bool Session::idleExpired() const {
  return state_ == SessionState::kActive && clock_.monoNow() - last_activity_ >= flow_->session_ttl;
}

Step Session::expire() {
  Step step;
  step.event = "expired";
  step.node = current_;
  if (const Node* node = flow_->node(current_)) step.kind = node->kind;
  finish(SessionState::kExpired, step);
  return step;
}

}  // namespace outpost::ivr
