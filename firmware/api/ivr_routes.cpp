// The IVR channel API: a channel adapter (voice gateway, chat widget) starts a
// session, then posts each caller input and gets the next prompt or the outcome. On
// transfer the contact is created exactly as POST /api/v1/contacts creates it, with
// the IVR path, intent, confidence, collected slots and language. Every step is
// committed to SQLite (ivr_sessions, ivr_steps) before the answer. Role: supervisor
// (the same as POST /api/v1/contacts; adapters log in with a supervisor account).

#include <Poco/JSON/Array.h>

#include "api/context.h"
#include "api/httapi_document.h"
#include "api/ivr_front_end.h"
#include "auth/token.h"
#include "codec/json.h"
#include "codec/routing_codec.h"
#include "ivr/dataset.h"
#include "ivr/utf8.h"
#include "storage/ivr_store.h"
#include "storage/outbox.h"

namespace outpost::api {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using storage::Database;

Result<IvrFrontEnd*> frontEnd(ApiContext& ctx) {
  if (!ctx.ivr || !ctx.ivr->currentFlow()) {
    return Status::unavailable("no IVR flow is configured on this appliance (ivr.flow or a rule bundle)");
  }
  return ctx.ivr;
}

std::string sayJson(const std::vector<std::string>& say) { return codec::toJson(codec::encodeStrings(say)); }

// Card numbers (collect nodes with Luhn) are kept as their last four digits.
std::string mask(const std::string& digits) {
  if (digits.size() <= 4) return digits;
  return std::string(digits.size() - 4, '*') + digits.substr(digits.size() - 4);
}

Object::Ptr slotsObject(const ivr::Flow& flow, const ivr::Session& s) {
  Object::Ptr o = new Object;
  for (const auto& [slot, value] : s.slots()) {
    bool sensitive = false;
    for (const auto& n : flow.nodes) sensitive = sensitive || (n.kind == ivr::NodeKind::kCollect && n.slot == slot && n.luhn);
    o->set(slot, sensitive ? mask(value) : value);
  }
  return o;
}

storage::IvrSessionRow sessionRow(const IvrFrontEnd& fe, const IvrFrontEnd::Entry& e, const ivr::Step& step,
                                  const std::optional<std::string>& contact_id) {
  const ivr::Session& s = *e.session;
  storage::IvrSessionRow r;
  r.id = e.id;
  r.flow_id = s.flow().id;
  r.flow_version = s.flow().version;
  r.channel = e.channel;
  r.caller_id = e.caller_id;
  r.language = s.language();
  r.state = std::string(ivr::sessionStateName(s.state()));
  r.node = step.node;
  r.intent = s.intent();
  r.intent_confidence = s.intentConfidence();
  r.path_json = codec::toJson(codec::encodeStrings(s.path()));
  r.slots_json = codec::toJson(slotsObject(s.flow(), s));
  r.csat = s.csat();
  r.contact_id = contact_id;
  r.started_at = e.started_at;
  r.updated_at = fe.clock().wallNow();
  if (s.state() != ivr::SessionState::kActive) r.ended_at = r.updated_at;
  return r;
}

storage::IvrStepRow stepRow(const IvrFrontEnd& fe, IvrFrontEnd::Entry& e, const ivr::Step& step,
                            const std::string& input_kind, const std::string& input) {
  storage::IvrStepRow r;
  r.session_id = e.id;
  r.seq = ++e.seq;
  r.at = fe.clock().wallNow();
  r.node = step.node;
  r.event = step.event;
  r.input_kind = input_kind;
  r.input = input;
  r.say_json = sayJson(step.say);
  r.state = std::string(ivr::sessionStateName(step.state));
  return r;
}

Object::Ptr stepObject(const IvrFrontEnd::Entry& e, const ivr::Step& step, const std::optional<std::string>& contact_id) {
  const ivr::Session& s = *e.session;
  Object::Ptr o = new Object;
  o->set("id", e.id);
  o->set("state", std::string(ivr::sessionStateName(step.state)));
  o->set("node", step.node);
  o->set("kind", std::string(ivr::nodeKindName(step.kind)));
  o->set("expects", step.expects);
  o->set("event", step.event);
  if (!step.hook.empty()) o->set("hook", step.hook);
  o->set("say", codec::encodeStrings(step.say));
  o->set("language", s.language());
  if (!s.intent().empty()) {
    o->set("intent", s.intent());
    o->set("intent_confidence", s.intentConfidence());
  }
  if (step.transfer) {
    Object::Ptr t = new Object;
    t->set("queue", e.channel == "chat" && !step.transfer->chat_queue.empty() ? step.transfer->chat_queue
                                                                               : step.transfer->queue);
    t->set("segment", step.transfer->segment);
    t->set("priority", step.transfer->priority);
    t->set("reason", step.transfer->reason);
    Array::Ptr skills = new Array;
    for (const auto& k : step.transfer->skills) {
      Object::Ptr sk = new Object;
      sk->set("skill", k.skill);
      sk->set("min_level", k.level);
      skills->add(sk);
    }
    t->set("skills", skills);
    o->set("transfer", t);
  }
  o->set("contact_id", contact_id ? Poco::Dynamic::Var(*contact_id) : Poco::Dynamic::Var());
  return o;
}

// Waiting steps say how long the channel should wait before sending an empty input.
void addTimeout(const IvrFrontEnd::Entry& e, const ivr::Step& step, Object::Ptr& o) {
  if (step.expects != "none") {
    o->set("no_input_timeout_s", static_cast<int64_t>(e.session->flow().no_input_timeout.count() / 1000));
  }
}

// The contact a transfer creates, carrying what the caller already told the IVR.
routing::ContactSpec contactSpec(const IvrFrontEnd::Entry& e, const ivr::TransferRequest& t) {
  const ivr::Session& s = *e.session;
  routing::ContactSpec spec;
  spec.id = "c-" + auth::newToken().substr(0, 22);
  spec.channel = e.channel == "chat" ? site::Channel::kChat : site::Channel::kVoice;
  spec.queue = spec.channel == site::Channel::kChat && !t.chat_queue.empty() ? t.chat_queue : t.queue;
  spec.language = s.language();
  for (const auto& k : t.skills) spec.skills.push_back(site::SkillLevel{k.skill, k.level});
  spec.segment = t.segment;
  spec.priority = t.priority;
  spec.intent = s.intent();
  spec.intent_confidence = s.intentConfidence();
  spec.ivr_path = s.path();
  Object::Ptr ivr = new Object;
  ivr->set("session_id", e.id);
  ivr->set("flow", s.flow().id);
  ivr->set("flow_version", s.flow().version);
  ivr->set("caller_id", e.caller_id);
  ivr->set("reason", t.reason);
  ivr->set("slots", slotsObject(s.flow(), s));
  Object::Ptr attributes = new Object;
  attributes->set("ivr", ivr);
  spec.attributes_json = codec::toJson(attributes);
  return spec;
}

// Saves a session's new state and its step in the caller's transaction; a session that
// ended also goes to the sync outbox as one telemetry record (docs/ivr.md "Metrics").
Status persist(Database& db, const storage::IvrSessionRow& s, const storage::IvrStepRow& step) {
  OUTPOST_RETURN_IF_ERROR(storage::saveIvrSession(db, s));
  OUTPOST_RETURN_IF_ERROR(storage::insertIvrStep(db, step));
  if (!s.ended_at) return Status::ok();
  Object::Ptr o = new Object;
  o->set("session_id", s.id);
  o->set("flow", s.flow_id);
  o->set("flow_version", s.flow_version);
  o->set("channel", s.channel);
  o->set("language", s.language);
  o->set("outcome", s.state);
  o->set("node", s.node);
  o->set("intent", s.intent);
  o->set("intent_confidence", s.intent_confidence);
  o->set("steps", static_cast<int64_t>(step.seq));
  o->set("duration_ms",
         static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(*s.ended_at - s.started_at).count()));
  o->set("contact_id", s.contact_id ? Poco::Dynamic::Var(*s.contact_id) : Poco::Dynamic::Var());
  return storage::appendOutbox(
      db, storage::OutboxEntry{*s.ended_at, "ivr.session_ended", 1, codec::toJson(o), storage::kClassTelemetry});
}

// Records sessions that went idle past the flow's TTL (abandoned in the IVR).
void sweepExpired(ApiContext& ctx, IvrFrontEnd& fe) {
  for (auto& [entry, step] : fe.sweep()) {
    auto session_row = sessionRow(fe, *entry, step, std::nullopt);
    auto step_row = stepRow(fe, *entry, step, "none", "");
    ctx.writer.submit(
        [session_row, step_row](Database& db) -> Status {
          return persist(db, session_row, step_row);
        },
        [](const Status&) {});
  }
}

Result<Reply> startSession(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto fe = frontEnd(ctx);
  if (!fe) return fe.status();
  sweepExpired(ctx, **fe);
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  std::string channel, caller_id, language = "zh-CN";
  codec::JsonReader r(*body);
  r.string("channel", channel, true);
  r.string("caller_id", caller_id, true);
  r.string("language", language, false);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (channel != "voice" && channel != "chat") return Status::invalidArgument("must be voice or chat", "/channel");
  if (language != "zh-CN" && language != "en") return Status::invalidArgument("must be one of zh-CN, en", "/language");
  OUTPOST_RETURN_IF_ERROR(site::validateText(caller_id, "caller_id"));
  if (caller_id.size() > 64) return Status::invalidArgument("must be at most 64 bytes", "/caller_id");

  const std::string id = "ivr-" + auth::newToken().substr(0, 22);
  auto entry = (*fe)->create(id, channel, caller_id, language);
  if (!entry) return entry.status();
  std::lock_guard lock((*entry)->mu);
  const ivr::Step step = (*entry)->session->start();
  std::optional<std::string> contact_id;
  if (step.transfer) {  // a flow that starts by handing over (e.g. out of hours)
    auto queued = submitContact(ctx, contactSpec(**entry, *step.transfer));
    if (!queued) {
      (*fe)->remove(id);
      return queued.status();
    }
    contact_id = queued->contact.spec->id;
  }
  auto session_row = sessionRow(**fe, **entry, step, contact_id);
  auto step_row = stepRow(**fe, **entry, step, "none", "");
  Status saved = ctx.writer.run([&](Database& db) -> Status {
    return persist(db, session_row, step_row);
  });
  if (!saved.isOk()) {
    (*fe)->remove(id);
    return saved;
  }
  if (step.state != ivr::SessionState::kActive) (*fe)->remove(id);
  Object::Ptr out = stepObject(**entry, step, contact_id);
  out->set("expires_in_s", static_cast<int64_t>((*entry)->session->flow().session_ttl.count() / 1000));
  addTimeout(**entry, step, out);
  Reply reply = Reply::json(201, out);
  reply.headers.emplace_back("Location", "/api/v1/ivr/sessions/" + id);
  return reply;
}

Result<Reply> sessionInput(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto fe = frontEnd(ctx);
  if (!fe) return fe.status();
  sweepExpired(ctx, **fe);
  auto body = codec::JsonReader::parseObject(req.body);
  if (!body) return body.status();
  std::optional<std::string> dtmf, text;
  codec::JsonReader r(*body);
  r.optionalString("dtmf", dtmf, false);
  r.optionalString("text", text, false);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (dtmf.has_value() == text.has_value()) {
    return Status::invalidArgument("give exactly one of \"dtmf\" or \"text\"");
  }
  ivr::Input in;
  if (dtmf) {
    if (dtmf->size() > 64) return Status::invalidArgument("must be at most 64 keys", "/dtmf");
    if (dtmf->find_first_not_of("0123456789*#") != std::string::npos) {
      return Status::invalidArgument("must contain only 0-9, * and #", "/dtmf");
    }
    std::string keys = *dtmf;
    if (!keys.empty() && keys.back() == '#') keys.pop_back();  // the terminator key
    in = {keys.empty() ? ivr::Input::Kind::kNoInput : ivr::Input::Kind::kDtmf, keys};
  } else {
    if (text->size() > ivr::kMaxUtteranceBytes) {
      return Status::invalidArgument("must be at most " + std::to_string(ivr::kMaxUtteranceBytes) + " bytes", "/text");
    }
    if (!ivr::isValidUtf8(*text)) return Status::invalidArgument("must be valid UTF-8", "/text");
    if (!text->empty()) OUTPOST_RETURN_IF_ERROR(site::validateText(*text, "text"));
    in = {text->empty() ? ivr::Input::Kind::kNoInput : ivr::Input::Kind::kText, *text};
  }

  const std::string& id = req.params.at("id");
  auto entry = (*fe)->find(id);
  if (!entry) {
    auto row = withReader(ctx, [&](Database& db) { return storage::findIvrSession(db, id); });
    if (!row) return row.status();
    if (row->has_value()) {
      return Status::conflict("IVR session \"" + id + "\" has ended (" + (*row)->state + ")");
    }
    return Status::notFound("no IVR session \"" + id + "\"");
  }
  std::lock_guard lock(entry->mu);
  if (entry->session->state() != ivr::SessionState::kActive) {
    return Status::conflict("IVR session \"" + id + "\" has ended (" +
                            std::string(ivr::sessionStateName(entry->session->state())) + ")");
  }
  // Taken on a copy: if the transfer or the commit fails, the session stays as it was.
  auto next = std::make_unique<ivr::Session>(*entry->session);
  const ivr::Node* node = next->flow().node(next->currentNode());
  auto step = next->input(in);
  if (!step) return step.status();
  std::optional<std::string> contact_id;
  std::swap(entry->session, next);
  auto restore = [&] { std::swap(entry->session, next); };
  if (step->transfer) {
    routing::ContactSpec spec = contactSpec(*entry, *step->transfer);
    auto queued = submitContact(ctx, std::move(spec));
    if (!queued) {
      restore();
      return queued.status();
    }
    contact_id = queued->contact.spec->id;
  }
  const bool sensitive = node && node->kind == ivr::NodeKind::kCollect && node->luhn;
  const std::string input_kind = in.kind == ivr::Input::Kind::kNoInput ? "none" : dtmf ? "dtmf" : "text";
  const int seq_before = entry->seq;
  auto session_row = sessionRow(**fe, *entry, *step, contact_id);
  auto step_row = stepRow(**fe, *entry, *step, input_kind, sensitive ? mask(in.value) : in.value);
  // A no-input/no-match is counted against the node that heard it, even when it was
  // the last one allowed and the caller moved on to a person.
  if (node && (step->event == "no_input" || step->event == "no_match")) step_row.node = node->id;
  Status saved = ctx.writer.run([&](Database& db) -> Status {
    return persist(db, session_row, step_row);
  });
  if (!saved.isOk()) {
    entry->seq = seq_before;
    if (!contact_id) restore();
    return saved;
  }
  if (step->state != ivr::SessionState::kActive) (*fe)->remove(id);
  Object::Ptr out = stepObject(*entry, *step, contact_id);
  addTimeout(*entry, *step, out);
  return Reply::json(200, out);
}

Result<Reply> getSession(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  const std::string& id = req.params.at("id");
  auto row = withReader(ctx, [&](Database& db) { return storage::findIvrSession(db, id); });
  if (!row) return row.status();
  if (!row->has_value()) return Status::notFound("no IVR session \"" + id + "\"");
  auto steps = withReader(ctx, [&](Database& db) { return storage::ivrSteps(db, id); });
  if (!steps) return steps.status();
  const auto& s = **row;
  Object::Ptr o = new Object;
  o->set("id", s.id);
  o->set("flow", s.flow_id);
  o->set("flow_version", s.flow_version);
  o->set("channel", s.channel);
  o->set("caller_id", s.caller_id);
  o->set("language", s.language);
  o->set("state", s.state);
  o->set("node", s.node);
  o->set("intent", s.intent);
  o->set("intent_confidence", s.intent_confidence);
  o->set("path", *codec::JsonReader::parseObject("{\"a\":" + s.path_json + "}").value()->getArray("a"));
  o->set("slots", codec::JsonReader::parseObject(s.slots_json).value());
  o->set("csat", s.csat ? Poco::Dynamic::Var(*s.csat) : Poco::Dynamic::Var());
  o->set("contact_id", s.contact_id ? Poco::Dynamic::Var(*s.contact_id) : Poco::Dynamic::Var());
  o->set("started_at", formatRfc3339(s.started_at));
  o->set("ended_at", s.ended_at ? Poco::Dynamic::Var(formatRfc3339(*s.ended_at)) : Poco::Dynamic::Var());
  Array::Ptr arr = new Array;
  for (const auto& st : *steps) {
    Object::Ptr so = new Object;
    so->set("seq", st.seq);
    so->set("at", formatRfc3339(st.at));
    so->set("node", st.node);
    so->set("event", st.event);
    so->set("input_kind", st.input_kind);
    so->set("input", st.input);
    so->set("say", *codec::JsonReader::parseObject("{\"a\":" + st.say_json + "}").value()->getArray("a"));
    so->set("state", st.state);
    arr->add(so);
  }
  o->set("steps", arr);
  return Reply::json(200, o);
}

Object::Ptr metricsObject(const storage::IvrMetrics& m) {
  auto count = [&](const char* state) {
    auto it = m.by_state.find(state);
    return it == m.by_state.end() ? int64_t{0} : it->second;
  };
  Object::Ptr o = new Object;
  o->set("sessions", m.sessions);
  Object::Ptr states = new Object;
  for (const char* st : {"active", "self_served", "transferred", "hung_up", "expired"}) states->set(st, count(st));
  o->set("by_state", states);
  const double total = static_cast<double>(m.sessions);
  o->set("containment", total > 0 ? static_cast<double>(count("self_served")) / total : 0.0);
  o->set("abandonment", total > 0 ? static_cast<double>(count("expired")) / total : 0.0);
  Object::Ptr by_intent = new Object;
  for (const auto& [intent, n] : m.transfers_by_intent) by_intent->set(intent.empty() ? "(none)" : intent, n);
  o->set("transfers_by_intent", by_intent);
  Object::Ptr nodes = new Object;
  for (const auto& [node, e] : m.node_events) {
    Object::Ptr ne = new Object;
    ne->set("no_input", e.first);
    ne->set("no_match", e.second);
    nodes->set(node, ne);
  }
  o->set("node_events", nodes);
  Array::Ptr hist = new Array;
  for (int64_t n : m.confidence_histogram) hist->add(n);
  o->set("confidence_histogram", hist);
  return o;
}

Result<Reply> metrics(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {}));
  auto m = withReader(ctx, [](Database& db) { return storage::ivrMetrics(db); });
  if (!m) return m.status();
  Object::Ptr o = metricsObject(*m);
  if (ctx.ivr) {
    o->set("flow_source", ctx.ivr->flowSource());
    if (auto hook = ctx.ivr->currentHook()) {
      const ivr::HookStats st = hook->stats();
      Object::Ptr h = new Object;
      h->set("source", st.source);
      h->set("calls", static_cast<int64_t>(st.calls));
      h->set("errors", static_cast<int64_t>(st.errors));
      h->set("limit_hits", static_cast<int64_t>(st.limit_hits));
      h->set("fallbacks", static_cast<int64_t>(st.fallbacks));
      o->set("hook", h);
    }
  }
  return Reply::json(200, o);
}

// ---- FreeSWITCH mod_httapi adapter (docs/ivr.md "FreeSWITCH (mod_httapi)") ----

bool sameSecret(const std::string& a, const std::string& b) {
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ (i < b.size() ? b[i] : 0));
  return diff == 0;
}

Reply xmlReply(std::string body) {
  Reply r;
  r.status = 200;
  r.content_type = "text/xml";
  r.body = std::move(body);
  return r;
}

std::string formValue(const std::map<std::string, std::string>& form, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    auto it = form.find(n);
    if (it != form.end() && !it->second.empty()) return it->second;
  }
  return {};
}

Reply stepDocument(const IvrFrontEnd& fe, const IvrFrontEnd::Entry& e, const ivr::Step& step,
                   const std::optional<std::string>& contact_id) {
  httapi::StepView v;
  v.session_id = e.id;
  v.language = e.session->language();
  v.say = step.say;
  v.state = std::string(ivr::sessionStateName(step.state));
  v.kind = std::string(ivr::nodeKindName(step.kind));
  v.expects = step.expects;
  v.digit_timeout_ms = static_cast<int>(e.session->flow().no_input_timeout.count());
  v.contact_id = contact_id;
  if (step.transfer && contact_id) v.transfer_target = httapi::transferTarget(fe.httapi().transfer, step.transfer->queue, *contact_id);
  return xmlReply(httapi::render(v));
}

Status saveStep(ApiContext& ctx, const storage::IvrSessionRow& session_row, const storage::IvrStepRow& step_row) {
  return ctx.writer.run([&](Database& db) -> Status {
    return persist(db, session_row, step_row);
  });
}

Result<Reply> httapiRequest(ApiContext& ctx, Request& req) {
  OUTPOST_RETURN_IF_ERROR(checkQuery(req, {"key"}));
  auto fe = frontEnd(ctx);
  if (!fe) return fe.status();
  const auto& options = (*fe)->httapi();
  if (options.secret.empty()) return Status::unavailable("the FreeSWITCH adapter is off (ivr.httapi_secret is empty)");
  auto key = req.query.find("key");
  if (key == req.query.end() || !sameSecret(key->second, options.secret)) {
    return Status::unauthenticated("missing or wrong ?key= (ivr.httapi_secret)");
  }
  sweepExpired(ctx, **fe);
  auto form = httapi::parseForm(req.body);
  if (!form) return form.status();
  const std::string fs_session = formValue(*form, {"session_id"});
  if (fs_session.empty() || fs_session.size() > 64 ||
      fs_session.find_first_not_of("0123456789abcdefABCDEF-") != std::string::npos) {
    return Status::invalidArgument("must be FreeSWITCH's call UUID (hex digits and -, 1-64)", "session_id");
  }
  const std::string exiting = formValue(*form, {"exiting"});
  const bool leaving = exiting == "true" || exiting == "1";
  const std::string id = "ivr-fs-" + fs_session;

  auto entry = (*fe)->find(id);
  if (!entry) {
    auto row = withReader(ctx, [&](Database& db) { return storage::findIvrSession(db, id); });
    if (!row) return row.status();
    if (leaving) return xmlReply(httapi::emptyDocument());
    if (row->has_value()) {  // ended already: say nothing more, hang up
      httapi::StepView v;
      v.session_id = id;
      v.language = (*row)->language;
      v.state = (*row)->state;
      if (v.state == "transferred") v.state = "hung_up";
      return xmlReply(httapi::render(v));
    }
    std::string caller_id =
        formValue(*form, {"Caller-Caller-ID-Number", "caller_id_number", "variable_caller_id_number"});
    if (caller_id.empty()) caller_id = "anonymous";
    OUTPOST_RETURN_IF_ERROR(site::validateText(caller_id, "Caller-Caller-ID-Number"));
    if (caller_id.size() > 64) return Status::invalidArgument("must be at most 64 bytes", "Caller-Caller-ID-Number");
    std::string language = formValue(*form, {"outpost_language", "language"});
    if (language.empty()) language = "zh-CN";
    if (language != "zh-CN" && language != "en") return Status::invalidArgument("must be one of zh-CN, en", "language");

    auto created = (*fe)->create(id, "voice", caller_id, language);
    if (!created) return created.status();
    std::lock_guard lock((*created)->mu);
    const ivr::Step step = (*created)->session->start();
    std::optional<std::string> contact_id;
    if (step.transfer) {
      auto queued = submitContact(ctx, contactSpec(**created, *step.transfer));
      if (!queued) {
        (*fe)->remove(id);
        return queued.status();
      }
      contact_id = queued->contact.spec->id;
    }
    Status saved = saveStep(ctx, sessionRow(**fe, **created, step, contact_id), stepRow(**fe, **created, step, "none", ""));
    if (!saved.isOk()) {
      (*fe)->remove(id);
      return saved;
    }
    if (step.state != ivr::SessionState::kActive) (*fe)->remove(id);
    return stepDocument(**fe, **created, step, contact_id);
  }

  std::lock_guard lock(entry->mu);
  if (entry->session->state() != ivr::SessionState::kActive) return xmlReply(httapi::emptyDocument());
  if (leaving) {  // the caller hung up inside the IVR: abandoned
    auto next = std::make_unique<ivr::Session>(*entry->session);
    const ivr::Step step = next->expire();
    std::swap(entry->session, next);
    Status saved = saveStep(ctx, sessionRow(**fe, *entry, step, std::nullopt), stepRow(**fe, *entry, step, "none", ""));
    if (!saved.isOk()) {
      std::swap(entry->session, next);
      --entry->seq;
      return saved;
    }
    (*fe)->remove(id);
    return xmlReply(httapi::emptyDocument());
  }
  std::string keys = formValue(*form, {std::string(httapi::kDigitsVar).c_str()});
  if (keys.size() > 64) return Status::invalidArgument("must be at most 64 keys", std::string(httapi::kDigitsVar));
  if (keys.find_first_not_of("0123456789*#") != std::string::npos) {
    return Status::invalidArgument("must contain only 0-9, * and #", std::string(httapi::kDigitsVar));
  }
  if (!keys.empty() && keys.back() == '#') keys.pop_back();
  const ivr::Input in{keys.empty() ? ivr::Input::Kind::kNoInput : ivr::Input::Kind::kDtmf, keys};

  auto next = std::make_unique<ivr::Session>(*entry->session);
  const ivr::Node* node = next->flow().node(next->currentNode());
  auto step = next->input(in);
  if (!step) return step.status();
  std::swap(entry->session, next);
  auto restore = [&] { std::swap(entry->session, next); };
  std::optional<std::string> contact_id;
  if (step->transfer) {
    auto queued = submitContact(ctx, contactSpec(*entry, *step->transfer));
    if (!queued) {
      restore();
      return queued.status();
    }
    contact_id = queued->contact.spec->id;
  }
  const bool sensitive = node && node->kind == ivr::NodeKind::kCollect && node->luhn;
  const int seq_before = entry->seq;
  auto session_row = sessionRow(**fe, *entry, *step, contact_id);
  auto step_row = stepRow(**fe, *entry, *step, in.kind == ivr::Input::Kind::kNoInput ? "none" : "dtmf",
                          sensitive ? mask(in.value) : in.value);
  if (node && (step->event == "no_input" || step->event == "no_match")) step_row.node = node->id;
  Status saved = saveStep(ctx, session_row, step_row);
  if (!saved.isOk()) {
    entry->seq = seq_before;
    if (!contact_id) restore();
    return saved;
  }
  if (step->state != ivr::SessionState::kActive) (*fe)->remove(id);
  return stepDocument(**fe, *entry, *step, contact_id);
}

}  // namespace

Status appendIvrMetrics(Database& db, WallTime from, WallTime to) {
  auto m = storage::ivrMetrics(db, from, to);
  if (!m) return m.status();
  if (m->sessions == 0 && m->node_events.empty()) return Status::ok();  // a quiet window: no record
  Object::Ptr o = metricsObject(*m);
  o->set("from", toEpochMillis(from));
  o->set("to", toEpochMillis(to));
  return storage::appendOutbox(db, storage::OutboxEntry{to, "ivr.metrics", 1, codec::toJson(o), storage::kClassTelemetry});
}

void addIvrRoutes(Router& router, ApiContext& ctx) {
  router.add("POST", "/api/v1/ivr/sessions", Access::kSupervisor, [&ctx](Request& r) { return startSession(ctx, r); });
  router.add("POST", "/api/v1/ivr/sessions/{id}/input", Access::kSupervisor,
             [&ctx](Request& r) { return sessionInput(ctx, r); });
  router.add("GET", "/api/v1/ivr/sessions/{id}", Access::kSupervisor, [&ctx](Request& r) { return getSession(ctx, r); });
  // FreeSWITCH authenticates with the shared secret ivr.httapi_secret (?key=), not a login.
  router.add("POST", "/api/v1/ivr/httapi", Access::kPublic, [&ctx](Request& r) { return httapiRequest(ctx, r); });
  router.add("GET", "/api/v1/ivr/metrics", Access::kSupervisor, [&ctx](Request& r) { return metrics(ctx, r); });
}

}  // namespace outpost::api
