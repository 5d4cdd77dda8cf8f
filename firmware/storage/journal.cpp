#include "storage/journal.h"

#include "codec/json.h"
#include "codec/routing_codec.h"
#include "storage/contact_store.h"
#include "storage/directory_store.h"
#include "storage/outbox.h"

namespace outpost::storage {
namespace {

using Poco::JSON::Object;

// The outbox record of a contact event (docs/sync.md, type "contact.<kind>").
Status outboxContact(Database& db, const std::string& contact_id, WallTime at, std::string_view kind,
                     const std::optional<std::string>& agent_id, const Object::Ptr& detail) {
  Object::Ptr o = new Object;
  o->set("contact_id", contact_id);
  o->set("kind", std::string(kind));
  if (agent_id) o->set("agent_id", *agent_id);
  if (detail) o->set("detail", detail);
  return appendOutbox(db, OutboxEntry{at, "contact." + std::string(kind), 1, codec::toJson(o), kClassContact});
}

std::string presenceJson(const site::Presence& p) {
  // Codes only ([a-z0-9._-]), so no escaping is needed.
  std::string s = "{\"state\":\"" + std::string(site::presenceName(p.state)) + "\"";
  if (p.reason) s += ",\"reason\":\"" + *p.reason + "\"";
  return s + "}";
}

// One function per event: the rows that record it.
Status apply(Database& db, const routing::AgentChanged& e, WallTime) {
  OUTPOST_RETURN_IF_ERROR(upsertPresence(db, e.agent_id, e.after));
  {
    Object::Ptr o = new Object;
    o->set("agent_id", e.agent_id);
    o->set("state", std::string(site::presenceName(e.after.state)));
    if (e.after.reason) o->set("reason", *e.after.reason);
    o->set("previous", std::string(site::presenceName(e.before.state)));
    o->set("changed_by", e.after.changed_by);
    o->set("forced", e.forced);
    OUTPOST_RETURN_IF_ERROR(
        appendOutbox(db, OutboxEntry{e.after.since, "presence.changed", 1, codec::toJson(o), kClassPresence}));
  }
  if (!e.forced) return Status::ok();
  return appendAudit(db, AuditEntry{0, e.after.since, e.after.changed_by, "presence", "agent", e.agent_id,
                                    presenceJson(e.before), presenceJson(e.after), ""});
}

Status apply(Database& db, const routing::ContactQueued& e, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(insertContact(db, e.contact, now));
  OUTPOST_RETURN_IF_ERROR(
      outboxContact(db, e.contact.spec->id, e.contact.spec->arrived_at, "queued", std::nullopt, codec::encode(e.contact)));
  return appendContactEvent(db, e.contact.spec->id, e.contact.spec->arrived_at, "queued", std::nullopt, std::nullopt);
}

Status apply(Database& db, const routing::ContactOffered& e, WallTime now) {
  const Object::Ptr decision_json = codec::encode(e.decision);
  const std::string decision = codec::toJson(decision_json);
  OUTPOST_RETURN_IF_ERROR(outboxContact(db, e.contact.spec->id, e.decision.at, "offered", e.decision.agent_id, decision_json));
  OUTPOST_RETURN_IF_ERROR(updateContact(db, e.contact, now));
  OUTPOST_RETURN_IF_ERROR(setContactDecision(db, e.contact.spec->id, decision));
  return appendContactEvent(db, e.contact.spec->id, e.decision.at, "offered", e.decision.agent_id, decision);
}

Status apply(Database& db, const routing::OfferEnded& e, WallTime) {
  OUTPOST_RETURN_IF_ERROR(outboxContact(db, e.contact_id, e.at, e.outcome, e.agent_id, nullptr));
  return appendContactEvent(db, e.contact_id, e.at, e.outcome, e.agent_id, std::nullopt);
}

Status apply(Database& db, const routing::ContactChanged& e, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(updateContact(db, e.contact, now));
  const WallTime at = e.contact.ended_at ? *e.contact.ended_at : now;
  OUTPOST_RETURN_IF_ERROR(outboxContact(db, e.contact.spec->id, at, routing::contactStateName(e.contact.state),
                                        e.contact.agent_id, codec::encode(e.contact)));
  return appendContactEvent(db, e.contact.spec->id, at, routing::contactStateName(e.contact.state), e.contact.agent_id,
                            std::nullopt);
}

}  // namespace

void EventJournal::record(std::vector<engine::DomainEvent> events, std::function<void(const Status&)> done) {
  writer_.submit(
      [this, events = std::move(events)](Database& db) {
        const WallTime now = clock_.wallNow();
        for (const auto& event : events) {
          OUTPOST_RETURN_IF_ERROR(std::visit([&](const auto& e) { return apply(db, e, now); }, event));
        }
        return Status::ok();
      },
      std::move(done));
}

}  // namespace outpost::storage
