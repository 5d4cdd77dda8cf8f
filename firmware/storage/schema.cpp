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

// The sync outbox (docs/sync.md): records the cloud must see, written in the same
// transaction as the change they describe; deleted once the hub confirmed them.
constexpr std::string_view kV3SyncOutbox = R"sql(
CREATE TABLE outbox_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  site_id TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0,1)),
  last_seq INTEGER NOT NULL DEFAULT 0,       -- the last sequence handed out; only grows
  confirmed_seq INTEGER NOT NULL DEFAULT 0); -- the hub's high-water mark
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,                   -- per-site sequence, no gaps
  site_id TEXT NOT NULL,
  uuid TEXT NOT NULL UNIQUE,
  event_time INTEGER NOT NULL,               -- when it happened (epoch ms)
  type TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  payload TEXT NOT NULL,                     -- JSON object
  class TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent')),
  bytes INTEGER NOT NULL);
CREATE TABLE outbox_classes (
  class TEXT PRIMARY KEY,
  max_bytes INTEGER NOT NULL DEFAULT 0,      -- 0 = unlimited
  policy TEXT NOT NULL DEFAULT 'never_drop' CHECK (policy IN ('never_drop','thin')),
  bytes INTEGER NOT NULL DEFAULT 0,
  appended INTEGER NOT NULL DEFAULT 0,
  dropped INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 0,
  confirmed INTEGER NOT NULL DEFAULT 0,
  over_quota INTEGER NOT NULL DEFAULT 0 CHECK (over_quota IN (0,1)));
)sql";

// Learning content cache (docs/learning.md): packages by id with their signed manifest,
// their files by path → SHA-256, the stored blobs (each SHA-256 once), and pins of
// packages assigned to agents (never evicted).
constexpr std::string_view kV4LearningContent = R"sql(
CREATE TABLE content_packages (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL CHECK (version >= 1),
  key_id TEXT NOT NULL,
  manifest TEXT NOT NULL,           -- the exact signed manifest.json
  title_zh TEXT NOT NULL, title_en TEXT NOT NULL,
  bytes INTEGER NOT NULL,           -- distinct bytes of its files
  present INTEGER NOT NULL DEFAULT 1 CHECK (present IN (0, 1)),  -- 0: evicted, manifest kept
  imported_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL);
CREATE INDEX content_packages_lru ON content_packages(present, last_used_at);
CREATE TABLE content_files (
  package_id TEXT NOT NULL REFERENCES content_packages(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (package_id, path)) WITHOUT ROWID;
CREATE INDEX content_files_by_sha ON content_files(sha256);
CREATE TABLE content_blobs (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  stored_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE content_pins (
  package_id TEXT NOT NULL REFERENCES content_packages(id) ON DELETE CASCADE,
  agent_id TEXT NOT NULL,
  pinned_at INTEGER NOT NULL,
  PRIMARY KEY (package_id, agent_id)) WITHOUT ROWID;
)sql";

// Learning records (docs/learning.md): competency observations (self, supervisor, quiz
// and drill evidence), quiz attempts, completed plan steps, and xAPI statements.
constexpr std::string_view kV5LearningRecords = R"sql(
CREATE TABLE learning_observations (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  item TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('self','supervisor','quiz','drill')),
  score REAL NOT NULL,
  at INTEGER NOT NULL,
  ref TEXT NOT NULL,                -- assessment id, package/quiz id …
  assessor TEXT NOT NULL);          -- username, '' for evidence
CREATE INDEX learning_observations_by_agent ON learning_observations(agent_id, at);
CREATE TABLE learning_assessments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('self','supervisor')),
  assessor TEXT NOT NULL,
  framework TEXT NOT NULL,
  answers TEXT NOT NULL,            -- JSON {"question id": score}
  at INTEGER NOT NULL);
CREATE TABLE quiz_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  package_id TEXT NOT NULL,
  package_version INTEGER NOT NULL,
  quiz_id TEXT NOT NULL,
  answers TEXT NOT NULL,            -- JSON {"question id": [option, …]}
  points INTEGER NOT NULL, max_points INTEGER NOT NULL,
  passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
  at INTEGER NOT NULL);
CREATE INDEX quiz_attempts_by_agent ON quiz_attempts(agent_id, at);
CREATE TABLE learning_progress (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  step_key TEXT NOT NULL,           -- "<package>/<lesson|quiz|drill id>"
  kind TEXT NOT NULL CHECK (kind IN ('lesson','quiz','drill')),
  at INTEGER NOT NULL,
  PRIMARY KEY (agent_id, step_key)) WITHOUT ROWID;
CREATE TABLE xapi_statements (
  id TEXT PRIMARY KEY,              -- the statement id (UUID)
  agent_id TEXT,
  verb TEXT NOT NULL,
  object_id TEXT NOT NULL,
  statement TEXT NOT NULL,          -- the full statement, JSON
  stored INTEGER NOT NULL,
  voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)));
CREATE INDEX xapi_statements_by_stored ON xapi_statements(stored);
CREATE TABLE learning_prefs (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  leaderboard_hidden INTEGER NOT NULL DEFAULT 0 CHECK (leaderboard_hidden IN (0, 1)),
  updated_at INTEGER NOT NULL) WITHOUT ROWID;
)sql";

// IVR sessions and every step of them (issue 6).
constexpr std::string_view kV6IvrSessions = R"sql(
CREATE TABLE ivr_sessions (
  id TEXT PRIMARY KEY,
  flow_id TEXT NOT NULL,
  flow_version INTEGER NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('voice','chat')),
  caller_id TEXT NOT NULL,
  language TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active','self_served','transferred','hung_up','expired')),
  node TEXT NOT NULL,               -- the node waiting, or the one that ended the session
  intent TEXT NOT NULL DEFAULT '',
  intent_confidence REAL NOT NULL DEFAULT 0,
  path TEXT NOT NULL,               -- JSON ["welcome", "main", …]
  slots TEXT NOT NULL,              -- JSON object (card numbers masked)
  csat INTEGER,
  contact_id TEXT,                  -- the contact created on transfer
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ended_at INTEGER);
CREATE INDEX ivr_sessions_by_start ON ivr_sessions(started_at);
CREATE TABLE ivr_steps (
  session_id TEXT NOT NULL REFERENCES ivr_sessions(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  node TEXT NOT NULL,
  event TEXT NOT NULL,              -- start, match, no_input, no_match, escape, expired
  input_kind TEXT NOT NULL,         -- none, dtmf, text
  input TEXT NOT NULL,              -- as given (card numbers masked)
  say TEXT NOT NULL,                -- JSON ["…", …]
  state TEXT NOT NULL,
  PRIMARY KEY (session_id, seq));
)sql";

// Lua rule bundles (firmware/plugins): every installed version is kept (rollback
// re-activates one), with its signed files; one row says which is active.
constexpr const char* kV7RuleBundles = R"sql(
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

// Chat transcripts (issue 7): every message of a chat contact, customer side and
// agent side, in the order the appliance committed them.
constexpr std::string_view kV8ContactMessages = R"sql(
CREATE TABLE contact_messages (
  contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,             -- 1, 2, 3 … per contact
  at INTEGER NOT NULL,
  sender TEXT NOT NULL CHECK (sender IN ('customer','agent')),
  author TEXT NOT NULL,             -- the login that posted it
  agent_id TEXT,                    -- the agent who wrote it (agent messages)
  body TEXT NOT NULL,
  PRIMARY KEY (contact_id, seq)) WITHOUT ROWID;
)sql";

// The xAPI Statements resource (docs/learning.md): an insertion sequence for queries
// and `more` links, the actor's key (agent filter), the object's type, the statement a
// voiding statement voids, the user who stored it (authority) and context.registration.
constexpr std::string_view kV9XapiStatementsResource = R"sql(
ALTER TABLE xapi_statements ADD COLUMN seq INTEGER;
ALTER TABLE xapi_statements ADD COLUMN actor TEXT NOT NULL DEFAULT '';
ALTER TABLE xapi_statements ADD COLUMN object_type TEXT NOT NULL DEFAULT 'Activity';
ALTER TABLE xapi_statements ADD COLUMN voids TEXT;
ALTER TABLE xapi_statements ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE xapi_statements ADD COLUMN registration TEXT;
UPDATE xapi_statements SET seq = rowid,
  actor = CASE WHEN agent_id IS NULL THEN '' ELSE 'agent|account|urn:outpost:site|' || agent_id END;
CREATE UNIQUE INDEX xapi_statements_by_seq ON xapi_statements(seq);
CREATE INDEX xapi_statements_by_actor ON xapi_statements(actor, seq);
CREATE INDEX xapi_statements_by_verb ON xapi_statements(verb, seq);
CREATE INDEX xapi_statements_by_object ON xapi_statements(object_id, seq);
CREATE INDEX xapi_statements_by_voids ON xapi_statements(voids) WHERE voids IS NOT NULL;
CREATE INDEX xapi_statements_by_registration ON xapi_statements(registration, seq) WHERE registration IS NOT NULL;
-- related_activities / related_agents queries: every activity and agent a statement names
-- (object, context activities, instructor, team, authority, inside a SubStatement too).
CREATE TABLE xapi_related (
  kind TEXT NOT NULL CHECK (kind IN ('activity', 'agent')),
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (kind, key, seq)) WITHOUT ROWID;
INSERT OR IGNORE INTO xapi_related (kind, key, seq) SELECT 'activity', object_id, seq FROM xapi_statements
  WHERE object_type = 'Activity';
INSERT OR IGNORE INTO xapi_related (kind, key, seq) SELECT 'agent', actor, seq FROM xapi_statements WHERE actor <> '';
)sql";

// Trusted-key rotations for rule bundles (plugins/keyset.h): each key set as signed by
// a key trusted before it, applied in version order at start-up.
constexpr std::string_view kV10RuleKeySets = R"sql(
CREATE TABLE rule_keysets (
  version INTEGER PRIMARY KEY,
  manifest BLOB NOT NULL,
  signature BLOB NOT NULL,
  signed_by TEXT NOT NULL,
  installed_at INTEGER NOT NULL,
  installed_by TEXT NOT NULL
);
)sql";

// Points awarded by rule bundles' on_event hooks (plugins/event_hook.h), counted with
// the learning points (learning/gamification.h).
constexpr std::string_view kV11RulePoints = R"sql(
CREATE TABLE rule_points (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  points INTEGER NOT NULL CHECK (points BETWEEN -1000 AND 1000),
  reason TEXT NOT NULL,
  bundle TEXT NOT NULL,             -- "<id> v<version>"
  event TEXT NOT NULL);
CREATE INDEX rule_points_by_agent ON rule_points(agent_id, at);
)sql";

// The site configuration installed last over the sync downlink (storage/site_config.h).
constexpr std::string_view kV12SiteConfig = R"sql(
CREATE TABLE site_config_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  package_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  installed_at INTEGER NOT NULL,
  installed_by TEXT NOT NULL);
)sql";

// Packages the sync downlink refused (sync/downlink.h), by manifest SHA-256, so a
// restart does not fetch and refuse them again. `trust` is the key ids trusted when
// it was refused: a rotated key set gives a refused package one more look.
constexpr std::string_view kV13DownlinkRefusals = R"sql(
CREATE TABLE downlink_refusals (
  sha256 TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  package_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  reason TEXT NOT NULL,
  trust TEXT NOT NULL,
  refused_at INTEGER NOT NULL) WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "site directory", kV1SiteDirectory},
    {2, "contact routing", kV2Routing},
    {3, "sync outbox", kV3SyncOutbox},
    {4, "learning content cache", kV4LearningContent},
    {5, "learning records", kV5LearningRecords},
    {6, "ivr sessions", kV6IvrSessions},
    {7, "rule bundles", kV7RuleBundles},
    {8, "contact messages", kV8ContactMessages},
    {9, "xapi statements resource", kV9XapiStatementsResource},
    {10, "rule key sets", kV10RuleKeySets},
    {11, "rule points", kV11RulePoints},
    {12, "site configuration", kV12SiteConfig},
    {13, "downlink refusals", kV13DownlinkRefusals},
};

}  // namespace

std::span<const Migration> outpostMigrations() { return kMigrations; }

}  // namespace outpost::storage
