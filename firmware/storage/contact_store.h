#pragma once

// Repositories for contacts: the current row of each contact (written by the journal
// from router events), its history, and the live ones for the restart.

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "routing/types.h"
#include "storage/database.h"

namespace outpost::storage {

// Contact rows as the journal writes them.
Status insertContact(Database& db, const routing::ContactView& contact, WallTime now);
Status updateContact(Database& db, const routing::ContactView& contact, WallTime now);
Status setContactDecision(Database& db, const std::string& contact_id, const std::string& decision_json);
Status appendContactEvent(Database& db, const std::string& contact_id, WallTime at, std::string_view kind,
                          const std::optional<std::string>& agent_id, const std::optional<std::string>& detail_json);

struct ContactRecord {
  routing::ContactView contact;
  std::optional<std::string> decision_json;  // the latest routing decision
};
Result<std::optional<ContactRecord>> findContact(Database& db, const std::string& contact_id);
// Live (not terminal) contacts waiting in a queue / with an agent.
Result<int64_t> countLiveContacts(Database& db, std::string_view column, const std::string& value);
// Contacts not in a terminal state (for the restart), oldest first.
Result<std::vector<routing::ContactView>> loadLiveContacts(Database& db);

struct ContactEventRecord {
  int64_t id = 0;
  WallTime at{};
  std::string kind;
  std::optional<std::string> agent_id;
  std::optional<std::string> detail_json;
};
Result<std::vector<ContactEventRecord>> contactHistory(Database& db, const std::string& contact_id);

}  // namespace outpost::storage
