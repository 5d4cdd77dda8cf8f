#include "storage/journal.h"

#include "storage/directory_store.h"

namespace outpost::storage {
namespace {

std::string presenceJson(const site::Presence& p) {
  // Codes only ([a-z0-9._-]), so no escaping is needed.
  std::string s = "{\"state\":\"" + std::string(site::presenceName(p.state)) + "\"";
  if (p.reason) s += ",\"reason\":\"" + *p.reason + "\"";
  return s + "}";
}

Status apply(Database& db, const engine::PresenceChanged& e) {
  OUTPOST_RETURN_IF_ERROR(upsertPresence(db, e.change.agent_id, e.change.after));
  if (!e.forced) return Status::ok();
  return appendAudit(db, AuditEntry{0, e.change.after.since, e.change.after.changed_by, "presence", "agent",
                                    e.change.agent_id, presenceJson(e.change.before), presenceJson(e.change.after),
                                    ""});
}

}  // namespace

void EventJournal::record(std::vector<engine::DomainEvent> events, std::function<void(const Status&)> done) {
  writer_.submit(
      [events = std::move(events)](Database& db) {
        for (const auto& event : events) {
          OUTPOST_RETURN_IF_ERROR(std::visit([&db](const auto& e) { return apply(db, e); }, event));
        }
        return Status::ok();
      },
      std::move(done));
}

}  // namespace outpost::storage
