#pragma once

// Test harness for the router: simulated time, an EventLoop driven by runDue()
// behind the router's Timers interface, and a sink that records every event.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "routing/router.h"

namespace outpost::routing::testing {

using namespace std::chrono_literals;
using site::Channel;
using site::PresenceState;
using site::SkillLevel;

class RecordingSink final : public EventSink {
 public:
  void emit(RouterEvent event) override { events.push_back(std::move(event)); }

  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
    }
    return out;
  }
  std::vector<ContactOffered> offers() const { return all<ContactOffered>(); }
  std::optional<ContactOffered> lastOffer() const {
    auto o = offers();
    if (o.empty()) return std::nullopt;
    return o.back();
  }
  std::vector<ContactOffered> offersTo(const std::string& agent) const {
    std::vector<ContactOffered> out;
    for (auto& o : offers()) {
      if (o.decision.agent_id == agent) out.push_back(o);
    }
    return out;
  }
  std::vector<AgentChanged> agentChanges(const std::string& agent) const {
    std::vector<AgentChanged> out;
    for (auto& e : all<AgentChanged>()) {
      if (e.agent_id == agent) out.push_back(e);
    }
    return out;
  }
  void clear() { events.clear(); }

  std::vector<RouterEvent> events;
};

inline AgentProfile profile(const std::string& id, int tier, std::vector<SkillLevel> skills,
                            std::vector<std::string> languages = {"zh-CN"}) {
  AgentProfile p;
  p.id = id;
  p.tier = tier;
  p.skills = std::move(skills);
  p.languages = std::move(languages);
  return p;
}

// One ring T1–T4 for every segment: tests that are not about rings use it.
inline QueuePolicy flatQueue(const std::string& code, Channel channel = Channel::kVoice) {
  QueuePolicy q;
  q.code = code;
  q.channel = channel;
  q.rings["*"] = {RingStep{Millis(0), 1, 4}};
  return q;
}

class RouterHarness {
 public:
  explicit RouterHarness(RouterOptions options = {}) : options_(std::move(options)) { reset(); }
  virtual ~RouterHarness() = default;

  // A fresh router on the same clock (e.g. a restart).
  void reset() {
    router_.reset();
    router_ = std::make_unique<Router>(clock_, timers_, sink_, options_);
  }
  Router& router() { return *router_; }

  void addAgent(const AgentProfile& p, bool make_ready = true) {
    router_->upsertAgent(p);
    if (make_ready) ready(p.id);
  }
  void ready(const std::string& id) {
    auto r = router_->requestPresence(id, PresenceState::kReady, std::nullopt, id, false);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }
  void notReady(const std::string& id, const std::string& reason = "break") {
    auto r = router_->requestPresence(id, PresenceState::kNotReady, reason, id, false);
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }

  ContactSpec spec(const std::string& id, const std::string& queue, std::vector<SkillLevel> skills = {},
                   int priority = 50, const std::string& segment = "standard") {
    ContactSpec s;
    s.id = id;
    s.queue = queue;
    s.skills = std::move(skills);
    s.priority = priority;
    s.segment = segment;
    return s;
  }
  Result<ContactQueued> add(ContactSpec s) {
    if (s.channel == Channel::kVoice && s.queue.find("chat") != std::string::npos) s.channel = Channel::kChat;
    return router_->addContact(std::move(s));
  }
  void addOk(ContactSpec s) {
    auto r = add(std::move(s));
    ASSERT_TRUE(r.isOk()) << r.status().toString();
  }

  // Moves simulated time forward in steps, firing the timers due at each.
  void advance(Millis d, Millis step = 100ms) {
    while (d > Millis(0)) {
      const Millis s = std::min(d, step);
      clock_.advance(s);
      d -= s;
      while (loop_.runDue() > 0) {
      }
    }
  }
  WallTime now() const { return clock_.wallNow(); }

  // The agent the contact is offered to / handled by, or "".
  std::string agentOf(const std::string& contact) const {
    const ContactView* c = router_->contact(contact);
    return c && c->agent_id ? *c->agent_id : "";
  }
  ContactState stateOf(const std::string& contact) const {
    const ContactView* c = router_->contact(contact);
    return c ? c->state : ContactState::kCompleted;
  }
  PresenceState presenceOf(const std::string& agent) const { return router_->agent(agent)->presence.state; }

  void checkInvariants() {
    Status s = router_->checkInvariants();
    ASSERT_TRUE(s.isOk()) << s.toString();
  }

 protected:
  RouterOptions options_;
  SimulatedClock clock_;
  EventLoop loop_{clock_};
  LoopTimers timers_{loop_};
  RecordingSink sink_;
  std::unique_ptr<Router> router_;
};

}  // namespace outpost::routing::testing
