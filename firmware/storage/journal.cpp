#include "storage/journal.h"

#include "codec/routing_codec.h"
#include "storage/contact_store.h"
#include "storage/directory_store.h"

namespace outpost::storage {
namespace {

std::string presenceJson(const site::Presence& p) {
  // Codes only ([a-z0-9._-]), so no escaping is needed.
  std::string s = "{\"state\":\"" + std::string(site::presenceName(p.state)) + "\"";
  if (p.reason) s += ",\"reason\":\"" + *p.reason + "\"";
  return s + "}";
}

// One function per event: the rows that record it.
Status apply(Database& db, const routing::AgentChanged& e, WallTime) {
  OUTPOST_RETURN_IF_ERROR(upsertPresence(db, e.agent_id, e.after));
  if (!e.forced) return Status::ok();
  return appendAudit(db, AuditEntry{0, e.after.since, e.after.changed_by, "presence", "agent", e.agent_id,
                                    presenceJson(e.before), presenceJson(e.after), ""});
}

Status apply(Database& db, const routing::ContactQueued& e, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(insertContact(db, e.contact, now));
  return appendContactEvent(db, e.contact.spec->id, e.contact.spec->arrived_at, "queued", std::nullopt, std::nullopt);
}

Status apply(Database& db, const routing::ContactOffered& e, WallTime now) {
  const std::string decision = codec::toJson(codec::encode(e.decision));
  OUTPOST_RETURN_IF_ERROR(updateContact(db, e.contact, now));
  OUTPOST_RETURN_IF_ERROR(setContactDecision(db, e.contact.spec->id, decision));
  return appendContactEvent(db, e.contact.spec->id, e.decision.at, "offered", e.decision.agent_id, decision);
}

Status apply(Database& db, const routing::OfferEnded& e, WallTime) {
  return appendContactEvent(db, e.contact_id, e.at, e.outcome, e.agent_id, std::nullopt);
}

Status apply(Database& db, const routing::ContactChanged& e, WallTime now) {
  OUTPOST_RETURN_IF_ERROR(updateContact(db, e.contact, now));
  const WallTime at = e.contact.ended_at ? *e.contact.ended_at : now;
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
