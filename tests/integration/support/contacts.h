#pragma once

// Helpers for tests that route contacts through the demo site: agent logins and
// presence, contact bodies, waiting (bounded) for offers on an agent's WebSocket or
// for a state in the API, and reading a contact's decision history.
//
// The demo site (firmware/site/demo.cpp) as routing sees it, for the retail-voice
// queue (voice, account ≥ 1; standard contacts start at tiers 3–4, then 2–4 after 20 s):
//   a07 T3 account 3 voice · a10 T4 account 2 voice · a11 T4 account 2 voice
//   a09 T3 and a12 T4 take no voice (voice_capacity 0); a01–a06 are T1–T2.
// Every agent starts offline.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "integration/support/fixtures.h"

namespace outpost::itest {

using Poco::JSON::Array;
using Poco::JSON::Object;

// "a07" → "agent07" (the demo login that works as that agent).
inline std::string demoLoginOf(const std::string& agent_id) { return "agent" + agent_id.substr(1); }

// Polls `pred` every 25 ms until it is true or `timeout` passed; true if it became true.
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

// A JSON object member as an object / an int / a double (null / -1 / NaN if absent).
inline Object::Ptr objField(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key)) return nullptr;
  return o->getObject(key);
}
inline int64_t intField(const Object::Ptr& o, const std::string& key) {
  if (!o || !o->has(key) || !o->get(key).isInteger()) return -1;
  return o->getValue<int64_t>(key);
}

// The body of a standard retail-voice contact; `extra` members (JSON text without
// braces, e.g. R"("priority":70)") replace nothing, so do not repeat a member.
inline std::string contactBody(const std::string& id, const std::string& queue = "retail-voice",
                               const std::string& extra = "") {
  std::string body = "{";
  if (!id.empty()) body += R"("id":")" + id + R"(",)";
  body += R"("channel":"voice","language":"zh-CN","skills":[{"skill":"account","min_level":1}],)"
          R"("segment":"standard","value":12000,"priority":50,"intent":{"code":"card-lost","confidence":0.92},)"
          R"("ivr_path":["main","cards","lost-or-stolen"],"attributes":{"ani":"+8613800000000","note":"挂失"},)"
          R"("queue":")" +
          queue + R"(")";
  if (!extra.empty()) body += "," + extra;
  return body + "}";
}

// Logins of the demo site: admin, supervisor and agent01..agent12, by username.
class DemoLogins {
 public:
  ::testing::AssertionResult loginAll(const HttpClient& http, const Daemon& daemon) {
    std::vector<std::string> names = {"admin", "supervisor"};
    for (int i = 1; i <= 12; ++i) names.push_back(i < 10 ? "agent0" + std::to_string(i) : "agent" + std::to_string(i));
    for (const auto& n : names) {
      const Response r = http.loginResponse(n, daemon.password(n));
      if (r.status != 200 || r.str("token").empty()) return ::testing::AssertionFailure() << "login " << n << ": " << r;
      tokens_[n] = r.str("token");
    }
    return ::testing::AssertionSuccess();
  }
  // The token of a username ("agent07") or of an agent id ("a07").
  const std::string& operator[](const std::string& who) const {
    static const std::string kNone;
    auto it = tokens_.find(who.size() == 3 && who[0] == 'a' ? demoLoginOf(who) : who);
    if (it == tokens_.end()) {
      ADD_FAILURE() << "no login for " << who;
      return kNone;
    }
    return it->second;
  }

 private:
  std::map<std::string, std::string> tokens_;
};

// Sets an agent's presence as the agent; the reply must be 200.
inline ::testing::AssertionResult setPresence(const HttpClient& http, const DemoLogins& logins,
                                              const std::string& agent_id, const std::string& state,
                                              const std::string& reason = "") {
  const std::string body = reason.empty() ? R"({"state":")" + state + R"("})"
                                          : R"({"state":")" + state + R"(","reason":")" + reason + R"("})";
  const Response r = http.put("/api/v1/agents/" + agent_id + "/presence", body, logins[agent_id]);
  if (r.status != 200) return ::testing::AssertionFailure() << "presence of " << agent_id << ": " << r;
  return ::testing::AssertionSuccess();
}

inline std::string presenceState(const HttpClient& http, const DemoLogins& logins, const std::string& agent_id) {
  const Response r = http.get("/api/v1/agents/" + agent_id + "/presence", logins["supervisor"]);
  EXPECT_EQ(r.status, 200) << r;
  return r.str("state");
}

// The contact as the supervisor sees it (null with a failure when not 200).
inline Object::Ptr getContact(const HttpClient& http, const DemoLogins& logins, const std::string& id) {
  const Response r = http.get("/api/v1/contacts/" + id, logins["supervisor"]);
  EXPECT_EQ(r.status, 200) << r;
  return r.status == 200 ? r.json : nullptr;
}

// Waits (bounded) until the contact is in `state` (and with `agent_id` unless empty).
inline ::testing::AssertionResult waitContactState(const HttpClient& http, const DemoLogins& logins,
                                                   const std::string& id, const std::string& state,
                                                   const std::string& agent_id = "",
                                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  Response last;
  const bool ok = eventually(
      [&] {
        last = http.get("/api/v1/contacts/" + id, logins["supervisor"]);
        return last.status == 200 && last.str("state") == state &&
               (agent_id.empty() || last.str("agent_id") == agent_id);
      },
      timeout);
  if (ok) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "contact " << id << " did not become " << state
                                       << (agent_id.empty() ? "" : " with " + agent_id) << "; last: " << last;
}

// The next `offer` for `contact_id` on a socket; other messages go to `skipped`.
inline Object::Ptr waitOffer(WsClient& ws, const std::string& contact_id, std::chrono::milliseconds timeout,
                             std::vector<Object::Ptr>* skipped = nullptr) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return nullptr;
    auto o = ws.receiveType("offer", left, skipped);
    if (!o) return nullptr;
    if (strField(objField(o, "contact"), "id") == contact_id) return o;
    if (skipped) skipped->push_back(o);
  }
}

// Messages of `type` (and, unless empty, about `contact_id`) among `msgs`.
inline std::vector<Object::Ptr> messagesOf(const std::vector<Object::Ptr>& msgs, const std::string& type,
                                           const std::string& contact_id = "") {
  std::vector<Object::Ptr> out;
  for (const auto& m : msgs) {
    if (strField(m, "type") != type) continue;
    if (!contact_id.empty()) {
      const std::string id = m->has("contact_id") ? strField(m, "contact_id") : strField(objField(m, "contact"), "id");
      if (id != contact_id) continue;
    }
    out.push_back(m);
  }
  return out;
}

// Everything a socket receives within `window` (stops early once `until` holds for
// what was received, when given).
inline std::vector<Object::Ptr> drain(WsClient& ws, std::chrono::milliseconds window,
                                      const std::function<bool(const std::vector<Object::Ptr>&)>& until = nullptr) {
  std::vector<Object::Ptr> out;
  const auto deadline = std::chrono::steady_clock::now() + window;
  for (;;) {
    if (until && until(out)) return out;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    auto o = ws.receiveJson(left);
    if (!o) return out;
    out.push_back(o);
  }
}

// A socket authenticated with `token`, past its hello and presence snapshot.
inline std::unique_ptr<WsClient> openDesk(const HttpClient& http, const std::string& token) {
  auto c = WsClient::connect(http, token);
  EXPECT_EQ(c.status, 101) << c.error;
  if (!c.ws) return nullptr;
  if (!c.ws->receiveType("hello", std::chrono::seconds(5))) {
    ADD_FAILURE() << "no hello";
    return nullptr;
  }
  if (!c.ws->receiveType("presence.snapshot", std::chrono::seconds(5))) {
    ADD_FAILURE() << "no presence.snapshot";
    return nullptr;
  }
  return std::move(c.ws);
}

// A contact's history from GET …/decision as "kind" or "kind:agent" strings, oldest first.
struct History {
  Response reply;
  std::vector<std::string> steps;          // "queued", "offered:a07", "rejected:a07", …
  std::vector<Object::Ptr> offers;         // the decision of each "offered" step
};
inline History historyOf(const HttpClient& http, const std::string& token, const std::string& contact_id) {
  History h;
  h.reply = http.get("/api/v1/contacts/" + contact_id + "/decision", token);
  if (h.reply.status != 200) return h;
  auto items = h.reply.array("history");
  if (!items) return h;
  for (size_t i = 0; i < items->size(); ++i) {
    auto e = items->getObject(static_cast<unsigned>(i));
    const std::string agent = strField(e, "agent_id");
    const std::string kind = strField(e, "kind");
    h.steps.push_back(agent.empty() || agent == "<null>" ? kind : kind + ":" + agent);
    if (kind == "offered") h.offers.push_back(objField(e, "decision"));
  }
  return h;
}

inline std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

// True when `wanted` occurs in `steps` in this order (other steps may come between).
inline bool inOrder(const std::vector<std::string>& steps, const std::vector<std::string>& wanted) {
  size_t i = 0;
  for (const auto& s : steps) {
    if (i < wanted.size() && s == wanted[i]) ++i;
  }
  return i == wanted.size();
}

// The statistics item of `queue` from GET /api/v1/queue-stats (null with a failure).
inline Object::Ptr queueStatsOf(const HttpClient& http, const std::string& token, const std::string& queue) {
  const Response r = http.get("/api/v1/queue-stats", token);
  EXPECT_EQ(r.status, 200) << r;
  auto items = r.array("items");
  if (!items) return nullptr;
  for (size_t i = 0; i < items->size(); ++i) {
    auto o = items->getObject(static_cast<unsigned>(i));
    if (strField(o, "queue") == queue) return o;
  }
  ADD_FAILURE() << "no statistics for queue " << queue << ": " << r;
  return nullptr;
}

}  // namespace outpost::itest
