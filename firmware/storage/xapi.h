#pragma once

// xAPI 1.0.3 statements (docs/learning.md "Learning records"): the statement parser
// that enforces the spec's format rules, and the Statements resource's storage —
// id idempotency, voiding, queries — with every stored statement also written to the
// sync outbox (type "learning.statement", class "learning") in the same transaction.
//
// Thread-safety: free functions; storage functions take the connection they run on
// (a reader, or the writer inside a job).

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

inline constexpr std::string_view kXapiVersion = "1.0.3";
inline constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";
// Statements of agents that sign in to the appliance: actor.account.homePage.
inline constexpr std::string_view kSiteHomePage = "urn:outpost:site";
inline constexpr std::string_view kClassLearning = "learning";  // outbox record class
inline constexpr std::string_view kStatementRecordType = "learning.statement";

struct XapiStatement {
  std::string id;          // lower-case UUID; empty until stored when the client sent none
  std::string actor;       // the actor's key (agentKey())
  std::string site_agent;  // the site's agent id when the actor is an account on urn:outpost:site
  std::string verb;
  std::string object_type;  // Activity, Agent, Group, StatementRef, SubStatement
  std::string object_id;    // activity id, agent key, or the referenced statement id
  bool voiding = false;     // verb "voided": object_id is the statement it voids
  std::string registration;  // context.registration (lower case), "" if none
  // Every activity id and agent key the statement names (object, context activities,
  // instructor, team, inside a SubStatement too), for related_activities/related_agents.
  std::vector<std::string> related_activities;
  std::vector<std::string> related_agents;
  Poco::JSON::Object::Ptr json;
};

// Checks one statement against the xAPI 1.0.3 format rules (required properties,
// exactly one inverse functional identifier per agent, IRIs, UUIDs, language maps,
// ISO 8601 timestamps and durations, score ranges, no unknown properties and no null
// or empty values outside extensions, version 1.0.x, a voiding statement's object is a
// StatementRef). Errors name the property (`path` + "/actor/mbox" …).
Result<XapiStatement> readStatement(const Poco::JSON::Object::Ptr& statement, const std::string& path = "");

// An Agent or Group object (as in the `agent` query parameter) → its key, e.g.
// "agent|mbox|mailto:a@b.c", "agent|account|urn:outpost:site|agent01".
Result<std::string> agentKey(const Poco::JSON::Object::Ptr& agent, const std::string& path);
std::string siteAgentKey(const std::string& agent_id);

// ISO 8601 date-time with a time zone ("Z" or ±hh:mm; "-00:00" is refused) → epoch ms.
Result<int64_t> parseXapiTimestamp(std::string_view text);

// The same statement in the sense of the id-idempotency rule: equal once the
// properties the LRS sets (stored, authority, version) are left out.
bool sameStatement(const Poco::JSON::Object::Ptr& a, const Poco::JSON::Object::Ptr& b);

// Stores one statement inside the caller's transaction: assigns an id if it has none,
// sets stored, authority (an account on urn:outpost:site named `authority_user`),
// version (1.0.0 when absent) and timestamp (= stored when absent), voids the target of
// a voiding statement, and appends the outbox record. Returns false, changing nothing,
// when the same statement is already stored; kConflict when other content is stored
// under the id; kInvalidArgument when it voids a voiding statement.
Result<bool> storeStatement(Database& db, XapiStatement& s, WallTime stored, const std::string& authority_user);

// One statement by id: `voided` false → only if not voided, true → only if voided.
Result<std::string> statementById(Database& db, const std::string& id, bool voided);

// A stored statement (JSON text) in a GET `format`: "exact" as stored; "ids" with
// agents, groups, activities and verbs cut down to what identifies them; "canonical"
// with every language map cut down to one language (`language`, e.g. from
// Accept-Language, else its first entry).
std::string formatStatement(const std::string& json, std::string_view format, std::string_view language);

struct StatementQuery {
  std::optional<std::string> agent;  // agentKey(): actor or object
  bool related_agents = false;       // agent: also instructor, team, authority, SubStatement
  bool related_activities = false;   // activity: also context activities, SubStatement
  std::optional<std::string> verb;
  std::optional<std::string> activity;
  std::optional<std::string> registration;  // a UUID (lower case)
  std::optional<int64_t> since_ms;  // stored after
  std::optional<int64_t> until_ms;  // stored at or before
  int limit = 100;
  bool ascending = false;
  int64_t cursor = 0;  // continue after this seq (0: from the start)
  // Set for callers who may see only their own records: the actor or the authority.
  std::optional<std::string> only_actor;
  std::optional<std::string> or_authority;
};
struct StatementPage {
  std::vector<std::string> statements;  // JSON texts, in order
  int64_t next_cursor = 0;              // 0: no more
};
Result<StatementPage> queryStatements(Database& db, const StatementQuery& q);

}  // namespace outpost::storage
