#include "storage/migrations.h"

namespace outpost::storage {
namespace {

// Timestamps are epoch milliseconds (INTEGER). Never edit a released migration;
// add a new one at the end.
constexpr std::string_view kV1SiteDirectory = R"sql(
CREATE TABLE site (
  id TEXT PRIMARY KEY CHECK (id = 'site'),
  site_code TEXT NOT NULL,
  name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  time_zone TEXT NOT NULL, default_language TEXT NOT NULL CHECK (default_language IN ('zh-CN','en')),
  updated_at INTEGER NOT NULL);
CREATE TABLE skills (
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE agents (
  id TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  languages TEXT NOT NULL,            -- JSON array, e.g. ["zh-CN","en"]
  team TEXT NOT NULL DEFAULT '',
  tier INTEGER NOT NULL CHECK (tier BETWEEN 1 AND 4),
  voice_capacity INTEGER NOT NULL DEFAULT 1 CHECK (voice_capacity BETWEEN 0 AND 1),
  chat_capacity INTEGER NOT NULL DEFAULT 3 CHECK (chat_capacity BETWEEN 0 AND 8),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE agent_skills (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  skill_code TEXT NOT NULL REFERENCES skills(code) ON DELETE RESTRICT,
  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
  PRIMARY KEY (agent_id, skill_code)) WITHOUT ROWID;
CREATE INDEX agent_skills_by_skill ON agent_skills(skill_code, level);
CREATE TABLE queues (
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('voice','chat')),
  sl_target_pct INTEGER NOT NULL CHECK (sl_target_pct BETWEEN 1 AND 100),
  sl_threshold_s INTEGER NOT NULL CHECK (sl_threshold_s BETWEEN 1 AND 3600),
  offer_timeout_s INTEGER NOT NULL DEFAULT 15 CHECK (offer_timeout_s BETWEEN 3 AND 300),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE queue_skills (
  queue_code TEXT NOT NULL REFERENCES queues(code) ON DELETE CASCADE,
  skill_code TEXT NOT NULL REFERENCES skills(code) ON DELETE RESTRICT,
  min_level INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 5),
  PRIMARY KEY (queue_code, skill_code)) WITHOUT ROWID;
CREATE TABLE wrapup_codes (
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE not_ready_reasons (
  code TEXT PRIMARY KEY, name_zh TEXT NOT NULL, name_en TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL DEFAULT '',  -- set right after insert, in the same transaction
  role TEXT NOT NULL CHECK (role IN ('agent','supervisor','admin')),
  agent_id TEXT UNIQUE REFERENCES agents(id) ON DELETE RESTRICT,
  display_name TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  address TEXT NOT NULL DEFAULT '');
CREATE INDEX sessions_by_user ON sessions(username);
CREATE TABLE presence (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  state TEXT NOT NULL CHECK (state IN ('offline','ready','not_ready','reserved','busy','wrap_up')),
  reason_code TEXT REFERENCES not_ready_reasons(code) ON DELETE RESTRICT,
  since INTEGER NOT NULL,
  changed_by TEXT NOT NULL DEFAULT '');
CREATE TABLE audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,        -- create, update, delete, login, logout, presence, ...
  entity TEXT NOT NULL,        -- agent, skill, queue, ...
  entity_id TEXT NOT NULL,
  before_json TEXT, after_json TEXT,
  address TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_by_entity ON audit(entity, entity_id);
)sql";

// The contact router: its per-queue policy and per-agent allocation settings, and the
// contacts themselves with their decisions and history.
constexpr std::string_view kV2Routing = R"sql(
ALTER TABLE queues ADD COLUMN strategy TEXT NOT NULL DEFAULT 'longest_idle'
  CHECK (strategy IN ('longest_idle','least_occupied','reward_weighted'));
ALTER TABLE queues ADD COLUMN weight REAL NOT NULL DEFAULT 1.0;
ALTER TABLE queues ADD COLUMN aging_per_s REAL NOT NULL DEFAULT 1.0;
ALTER TABLE queues ADD COLUMN wrap_up_s INTEGER NOT NULL DEFAULT 10 CHECK (wrap_up_s BETWEEN 0 AND 3600);
ALTER TABLE queues ADD COLUMN practice INTEGER NOT NULL DEFAULT 1 CHECK (practice IN (0,1));
CREATE TABLE queue_rings (
  queue_code TEXT NOT NULL REFERENCES queues(code) ON DELETE CASCADE,
  segment TEXT NOT NULL,            -- '*' = any other segment
  after_s INTEGER NOT NULL CHECK (after_s >= 0),
  min_tier INTEGER NOT NULL CHECK (min_tier BETWEEN 1 AND 4),
  max_tier INTEGER NOT NULL CHECK (max_tier BETWEEN min_tier AND 4),
  PRIMARY KEY (queue_code, segment, after_s)) WITHOUT ROWID;
ALTER TABLE agents ADD COLUMN reward_score REAL NOT NULL DEFAULT 1.0;
CREATE TABLE agent_practice (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  skill_code TEXT NOT NULL REFERENCES skills(code) ON DELETE RESTRICT,
  PRIMARY KEY (agent_id, skill_code)) WITHOUT ROWID;
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  queue TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('voice','chat')),
  language TEXT NOT NULL,
  segment TEXT NOT NULL,
  value REAL NOT NULL DEFAULT 0,
  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 100),
  intent TEXT NOT NULL DEFAULT '',
  intent_confidence REAL NOT NULL DEFAULT 0,
  skills TEXT NOT NULL,             -- JSON [{"skill":…,"min_level":…}]
  ivr_path TEXT NOT NULL,           -- JSON ["menu", …]
  attributes TEXT NOT NULL,         -- JSON object
  state TEXT NOT NULL CHECK (state IN ('queued','offered','connected','wrap_up','completed','abandoned','cancelled')),
  agent_id TEXT,
  arrived_at INTEGER NOT NULL,
  offered_at INTEGER, answered_at INTEGER, ended_at INTEGER,
  offers INTEGER NOT NULL DEFAULT 0,
  wrap_up TEXT,                     -- JSON {"code","resolved","first_contact_resolution","notes"}
  decision TEXT,                    -- JSON: the latest routing decision
  updated_at INTEGER NOT NULL);
CREATE INDEX contacts_live ON contacts(state) WHERE state IN ('queued','offered','connected','wrap_up');
CREATE INDEX contacts_by_agent ON contacts(agent_id, arrived_at);
CREATE TABLE contact_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,               -- queued, offered, accepted, rejected, timed_out, withdrawn, connected, …
  agent_id TEXT,
  detail TEXT);                     -- JSON (the decision for offers)
CREATE INDEX contact_events_by_contact ON contact_events(contact_id, id);
-- The router sets agents who miss offers to not-ready with this built-in reason.
INSERT OR IGNORE INTO not_ready_reasons (code, name_zh, name_en, created_at, updated_at)
  VALUES ('missed-offers', '未接应答', 'Missed offers', 0, 0);
)sql";

// Lua rule bundles (firmware/plugins): every installed version is kept (rollback
// re-activates one), with its signed files; one row says which is active.
constexpr const char* kV3RuleBundles = R"sql(
CREATE TABLE rule_bundles (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  key_id TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  installed_at INTEGER NOT NULL,
  installed_by TEXT NOT NULL,
  PRIMARY KEY (id, version)
);
CREATE TABLE rule_bundle_files (
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  path TEXT NOT NULL,               -- manifest.json, manifest.sig and the listed files
  bytes BLOB NOT NULL,
  PRIMARY KEY (id, version, path),
  FOREIGN KEY (id, version) REFERENCES rule_bundles(id, version)
);
CREATE TABLE rule_active (
  slot INTEGER PRIMARY KEY CHECK (slot = 1),
  id TEXT,
  version INTEGER,
  previous_id TEXT,
  previous_version INTEGER,
  changed_at INTEGER NOT NULL
);
)sql";

constexpr Migration kMigrations[] = {
    {1, "site directory", kV1SiteDirectory},
    {2, "contact routing", kV2Routing},
    {3, "rule bundles", kV3RuleBundles},
};

}  // namespace

std::span<const Migration> outpostMigrations() { return kMigrations; }

}  // namespace outpost::storage
