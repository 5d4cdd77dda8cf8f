#pragma once

// Repositories for the site directory (site/directory.h), sessions, presence and the
// audit trail. Free functions over a Database: the storage writer calls the writing
// ones inside its group-commit transaction, HTTP threads call the reading ones on a
// ReadPool connection.
//
// One mechanism serves every directory entity: list / find / insert / update /
// remove are templates over an entity's column mapping (directory_store.cpp), so
// agents, skills, queues, wrap-up codes, reasons and users behave the same way.
//
// Errors: kNotFound when the addressed row is missing; SQLite constraint failures as
// Database::errorStatus maps them (kAlreadyExists, kFailedPrecondition …).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "site/directory.h"
#include "site/presence.h"
#include "storage/database.h"

namespace outpost::storage {

// Keyset pagination: rows with key > `after`, in key order, at most `limit`.
struct Page {
  std::string after;
  int limit = 50;
};

template <typename T>
Result<std::vector<T>> list(Database& db, const Page& page);
template <typename T>
Result<std::optional<T>> find(Database& db, std::string_view key);
template <typename T>
Status insert(Database& db, const T& value, WallTime now);
template <typename T>
Status update(Database& db, const T& value, WallTime now);
template <typename T>
Status remove(Database& db, std::string_view key);
// The number of rows of an entity (for the empty-database check and stats).
template <typename T>
Result<int64_t> count(Database& db);

// The site row (there is exactly one once seeded).
Result<std::optional<site::Site>> loadSite(Database& db);
Status saveSite(Database& db, const site::Site& value, WallTime now);

// Users' password hashes live apart from site::User so they never leave storage by
// accident.
Status setPasswordHash(Database& db, std::string_view username, std::string_view hash, WallTime now);
Result<std::optional<std::string>> passwordHash(Database& db, std::string_view username);
// The user that works as `agent_id`, if any.
Result<std::optional<site::User>> userForAgent(Database& db, std::string_view agent_id);

struct SessionRow {
  std::string username;
  WallTime created_at{};
  WallTime expires_at{};
  std::optional<WallTime> revoked_at;
};
Status insertSession(Database& db, std::string_view token_digest, std::string_view username, WallTime created,
                     WallTime expires, std::string_view address);
Result<std::optional<SessionRow>> findSession(Database& db, std::string_view token_digest);
// kNotFound when no live session has that digest.
Status revokeSession(Database& db, std::string_view token_digest, WallTime now);
Status revokeUserSessions(Database& db, std::string_view username, WallTime now);
// Deletes sessions that expired or were revoked before `cutoff`.
Status purgeSessions(Database& db, WallTime cutoff);

Status upsertPresence(Database& db, const std::string& agent_id, const site::Presence& presence);
Result<std::vector<std::pair<std::string, site::Presence>>> loadPresence(Database& db);
Result<std::optional<site::Presence>> findPresence(Database& db, std::string_view agent_id);

struct AuditEntry {
  int64_t id = 0;
  WallTime at{};
  std::string actor;
  std::string action;     // create, update, delete, presence, login, logout, password
  std::string entity;     // agent, skill, queue, wrapup_code, not_ready_reason, user, site, session
  std::string entity_id;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
  std::string address;
};
Status appendAudit(Database& db, const AuditEntry& entry);
// Newest first: entries with id < `before_id` (0 = from the newest), at most `limit`.
Result<std::vector<AuditEntry>> listAudit(Database& db, int64_t before_id, int limit);

}  // namespace outpost::storage
