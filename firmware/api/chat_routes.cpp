// Chat transcripts: GET/POST /api/v1/contacts/{id}/messages. The channel side (a
// supervisor-role login today, like POST /api/v1/contacts) posts the customer's
// messages; the agent the chat is assigned to posts replies once they accepted it.
// Each message is committed before the 201 and then pushed over the WebSocket as
// {"type":"message"} to that agent and to supervisors (the channel side).

#include <Poco/JSON/Array.h>

#include <charconv>

#include "api/context.h"
#include "codec/json.h"
#include "site/directory.h"
#include "storage/contact_store.h"
#include "storage/database.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

constexpr size_t kMaxMessageBytes = 4000;
constexpr int kMaxMessages = 500;

struct Message {
  int64_t seq = 0;
  int64_t at_ms = 0;
  std::string sender;  // customer | agent
  std::string author;
  std::optional<std::string> agent_id;
  std::string text;
};

Object::Ptr encodeMessage(const std::string& contact_id, const Message& m) {
  Object::Ptr o = new Object;
  o->set("contact_id", contact_id);
  o->set("seq", m.seq);
  o->set("at", formatRfc3339(fromEpochMillis(m.at_ms)));
  o->set("from", m.sender);
  o->set("author", m.author);
  o->set("agent_id", m.agent_id ? Poco::Dynamic::Var(*m.agent_id) : Poco::Dynamic::Var());
  o->set("text", m.text);
  return o;
}

// Chat text: valid UTF-8, not blank, at most 4000 bytes, no control characters but
// line breaks and tabs.
Status validateMessage(const std::string& text) {
  std::u32string cps;
  if (!site::decodeUtf8(text, &cps)) return Status::invalidArgument("is not valid UTF-8", "/text");
  bool blank = true;
  for (char32_t c : cps) {
    if (c == U'\n' || c == U'\t' || c == U'\r') continue;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
      return Status::invalidArgument("must not contain control characters other than line breaks and tabs", "/text");
    }
    if (c != U' ' && c != U'\u3000') blank = false;
  }
  if (blank) return Status::invalidArgument("must not be empty", "/text");
  if (text.size() > kMaxMessageBytes) {
    return Status::invalidArgument("must be at most " + std::to_string(kMaxMessageBytes) + " bytes, got " +
                                       std::to_string(text.size()),
                                   "/text");
  }
  return Status::ok();
}

// Whether the caller may see the contact: supervisors (the channel side) and the agent
// it is offered to / handled by. Everyone else is told it does not exist.
bool isAssignedTo(const routing::ContactView& c, const Request& req) {
  return c.agent_id && req.principal->agent_id && *c.agent_id == *req.principal->agent_id;
}

// GET /api/v1/contacts/{id}/messages?after=N: the transcript, oldest first (at most
// 500 messages after seq N).
Result<Reply> listMessages(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"after"}));
  int64_t after = 0;
  if (auto it = req.query.find("after"); it != req.query.end()) {
    const std::string& text = it->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), after);
    if (ec != std::errc() || end != text.data() + text.size() || after < 0) {
      return Status::invalidArgument("must be a message seq (0 or more), got \"" + text + "\"", "?after");
    }
  }
  const std::string& id = req.params.at("id");
  Array::Ptr items = new Array;
  std::string channel;
  OUTPOST_RETURN_IF_ERROR(withReader(ctx, [&](Database& db) -> Status {
    auto rec = storage::findContact(db, id);
    if (!rec) return rec.status();
    const bool supervisor = site::atLeast(req.principal->role, site::Role::kSupervisor);
    if (!rec->has_value() || (!supervisor && !isAssignedTo((*rec)->contact, req))) {
      return Status::notFound("no contact \"" + id + "\"");
    }
    channel = site::channelName((*rec)->contact.spec->channel);
    auto q = db.query(
        "SELECT seq, at, sender, author, agent_id, body FROM contact_messages WHERE contact_id = ? AND seq > ? "
        "ORDER BY seq LIMIT ?");
    if (!q) return q.status();
    q->bind(1, id).bind(2, after).bind(3, kMaxMessages);
    return q->forEachRow([&] {
      Message m{q->columnInt(0), q->columnInt(1), q->columnText(2), q->columnText(3), q->columnOptText(4),
                q->columnText(5)};
      items->add(encodeMessage(id, m));
    });
  }));
  Object::Ptr out = new Object;
  out->set("contact_id", id);
  out->set("channel", channel);
  out->set("items", items);
  return Reply::json(200, out);
}

// POST /api/v1/contacts/{id}/messages {"text":"…"}: from the assigned agent a reply
// (while connected), from the channel side (supervisor role) the customer's message
// (until the contact ends).
Result<Reply> postMessage(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  std::string text;
  codec::JsonReader r(*body);
  r.string("text", text, true);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  OUTPOST_RETURN_IF_ERROR(validateMessage(text));

  const std::string& id = req.params.at("id");
  const bool supervisor = site::atLeast(req.principal->role, site::Role::kSupervisor);
  Message m;
  m.author = req.principal->username;
  m.text = text;
  m.at_ms = toEpochMillis(ctx.clock.wallNow());
  std::string audience;  // the agent the chat is with ("" while nobody has it)
  // Read, check and insert in one write transaction, so the state checked is the
  // state the message is stored against.
  OUTPOST_RETURN_IF_ERROR(ctx.writer.run([&](Database& db) -> Status {
    auto rec = storage::findContact(db, id);
    if (!rec) return rec.status();
    if (!rec->has_value()) return Status::notFound("no contact \"" + id + "\"");
    const routing::ContactView& c = (*rec)->contact;
    const bool own = isAssignedTo(c, req);
    if (!supervisor && !own) return Status::notFound("no contact \"" + id + "\"");
    if (c.spec->channel != site::Channel::kChat) {
      return Status::failedPrecondition("contact \"" + id + "\" is a voice contact; messages are for chat contacts");
    }
    if (own) {
      if (c.state != routing::ContactState::kConnected) {
        return Status::failedPrecondition("the agent can reply while the chat is connected; contact \"" + id +
                                          "\" is " + std::string(routing::contactStateName(c.state)));
      }
      m.sender = "agent";
      m.agent_id = req.principal->agent_id;
    } else {
      if (routing::isTerminal(c.state)) {
        return Status::failedPrecondition("contact \"" + id + "\" has ended (" +
                                          std::string(routing::contactStateName(c.state)) + ")");
      }
      m.sender = "customer";
    }
    audience = c.agent_id.value_or("");
    auto next = db.query("SELECT COALESCE(MAX(seq), 0) + 1 FROM contact_messages WHERE contact_id = ?");
    if (!next) return next.status();
    next->bind(1, id);
    auto row = next->step();
    if (!row) return row.status();
    m.seq = next->columnInt(0);
    auto ins = db.query(
        "INSERT INTO contact_messages (contact_id, seq, at, sender, author, agent_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.status();
    ins->bind(1, id).bind(2, m.seq).bind(3, m.at_ms).bind(4, m.sender).bind(5, m.author).bind(6, m.agent_id).bind(7, m.text);
    auto done = ins->step();
    return done ? Status::ok() : done.status();
  }));
  Object::Ptr out = encodeMessage(id, m);
  if (ctx.push) ctx.push(audience, "message", encodeMessage(id, m));
  Reply reply = Reply::json(201, out);
  reply.headers.emplace_back("Location", "/api/v1/contacts/" + id + "/messages?after=" + std::to_string(m.seq - 1));
  return reply;
}

}  // namespace

void addChatRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/contacts/{id}/messages", Access::kAgent, [&ctx](Request& r) { return listMessages(ctx, r); });
  router.add("POST", "/api/v1/contacts/{id}/messages", Access::kAgent, [&ctx](Request& r) { return postMessage(ctx, r); });
}

}  // namespace outpost::api
