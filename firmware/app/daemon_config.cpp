#include "app/daemon_config.h"

namespace outpost::app {

const ConfigSchema& daemonConfigSchema() {
  static const ConfigSchema kSchema = [] {
    constexpr int64_t kSecond = 1000;
    constexpr int64_t kDay = 86'400'000;
    ConfigSchema s;
    s.add({.key = "storage.data_dir", .type = ConfigType::kString, .default_value = "./data",
           .help = "Folder for the SQLite database and other state; created (mode 0700) if missing."});
    s.add({.key = "storage.busy_timeout", .type = ConfigType::kDuration, .default_value = "5s",
           .help = "How long a connection waits for a lock before giving up.", .min = 100, .max = 60 * kSecond});
    s.add({.key = "storage.max_batch", .type = ConfigType::kInt, .default_value = "512",
           .help = "Most writes group-committed in one transaction.", .min = 1, .max = 100000});
    s.add({.key = "http.listen", .type = ConfigType::kHostPort, .default_value = "127.0.0.1:8080",
           .help = "Address and port of the HTTP(S) listener; port 0 picks a free one."});
    s.add({.key = "http.threads", .type = ConfigType::kInt, .default_value = "16",
           .help = "HTTP worker threads (requests served at once).", .min = 1, .max = 256});
    s.add({.key = "http.max_queued", .type = ConfigType::kInt, .default_value = "100",
           .help = "Connections waiting for a worker before new ones are refused.", .min = 1, .max = 10000});
    s.add({.key = "http.max_body_bytes", .type = ConfigType::kInt, .default_value = "65536",
           .help = "Largest request body accepted; larger bodies get 413.", .min = 1024, .max = 16 * 1024 * 1024});
    s.add({.key = "http.idle_timeout", .type = ConfigType::kDuration, .default_value = "60s",
           .help = "Idle keep-alive connections are closed after this.", .min = kSecond, .max = 3600 * kSecond});
    s.add({.key = "http.tls.cert", .type = ConfigType::kString, .default_value = "",
           .help = "PEM certificate (chain) file; with http.tls.key, the listener speaks HTTPS."});
    s.add({.key = "http.tls.key", .type = ConfigType::kString, .default_value = "",
           .help = "PEM private key file for http.tls.cert."});
    s.add({.key = "http.allow_plain_lan", .type = ConfigType::kBool, .default_value = "false",
           .help = "Allow plain HTTP on a non-loopback address (passwords would cross the LAN unencrypted)."});
    s.add({.key = "http.static_dir", .type = ConfigType::kString, .default_value = "",
           .help = "Folder of the built agent desktop (index.html, assets/); empty = the installed "
                   "share/outpost/agent-client next to the binary, else the source tree's agent-client/dist."});
    s.add({.key = "auth.session_ttl", .type = ConfigType::kDuration, .default_value = "8h",
           .help = "How long a login session lasts.", .min = 60 * kSecond, .max = 30 * kDay});
    s.add({.key = "auth.pbkdf2_iterations", .type = ConfigType::kInt, .default_value = "600000",
           .help = "PBKDF2-HMAC-SHA256 iterations for new password hashes.", .min = 1000, .max = 10'000'000});
    s.add({.key = "auth.login_max_failures_user", .type = ConfigType::kInt, .default_value = "5",
           .help = "Failed logins per user within auth.login_window before the user is blocked.", .min = 1, .max = 1000});
    s.add({.key = "auth.login_max_failures_address", .type = ConfigType::kInt, .default_value = "20",
           .help = "Failed logins per client address within auth.login_window before it is blocked.", .min = 1,
           .max = 100000});
    s.add({.key = "auth.login_window", .type = ConfigType::kDuration, .default_value = "15m",
           .help = "The sliding window of the login limits.", .min = kSecond, .max = kDay});
    s.add({.key = "ws.max_connections", .type = ConfigType::kInt, .default_value = "500",
           .help = "Most WebSocket connections at once.", .min = 1, .max = 100000});
    s.add({.key = "ws.auth_timeout", .type = ConfigType::kDuration, .default_value = "10s",
           .help = "A WebSocket without credentials must send its auth message within this.", .min = 100,
           .max = 300 * kSecond});
    s.add({.key = "ws.send_timeout", .type = ConfigType::kDuration, .default_value = "5s",
           .help = "A client that does not take a message within this is disconnected.", .min = 100,
           .max = 300 * kSecond});
    s.add({.key = "routing.reject_delay", .type = ConfigType::kDuration, .default_value = "5s",
           .help = "After an agent rejects an offer, no new offer for this long.", .min = 0, .max = 600 * kSecond});
    s.add({.key = "routing.no_answer_delay", .type = ConfigType::kDuration, .default_value = "30s",
           .help = "After an offer times out, no new offer to that agent for this long.", .min = 0,
           .max = 600 * kSecond});
    s.add({.key = "routing.max_missed_offers", .type = ConfigType::kInt, .default_value = "3",
           .help = "Offers rejected or timed out in a row before the agent goes not-ready (reason missed-offers).",
           .min = 1, .max = 100});
    s.add({.key = "routing.voice_blocks_chat", .type = ConfigType::kBool, .default_value = "true",
           .help = "An agent on a voice contact gets no chats until the call ends."});
    s.add({.key = "ivr.flow", .type = ConfigType::kString, .default_value = "",
           .help = "IVR flow file (JSON, docs/ivr.md); empty turns the IVR channel API off."});
    s.add({.key = "ivr.model", .type = ConfigType::kString, .default_value = "",
           .help = "Intent model file written by outpostctl ivr train; empty: train from ivr.training_data."});
    s.add({.key = "ivr.training_data", .type = ConfigType::kString, .default_value = "",
           .help = "Labelled utterances (intent<TAB>utterance) to train the intent model at start when ivr.model is empty."});
    s.add({.key = "ivr.confidence_threshold_pct", .type = ConfigType::kInt, .default_value = "30",
           .help = "Below this top confidence (percent) an utterance counts as not understood.", .min = 0, .max = 100});
    s.add({.key = "ivr.confidence_margin_pct", .type = ConfigType::kInt, .default_value = "10",
           .help = "Top two intents closer than this (percentage points) count as not understood.", .min = 0,
           .max = 100});
    s.add({.key = "ivr.max_sessions", .type = ConfigType::kInt, .default_value = "10000",
           .help = "Live IVR sessions at most; more get 429.", .min = 1, .max = 1000000});
    s.add({.key = "ivr.httapi_secret", .type = ConfigType::kString, .default_value = "",
           .help = "Shared secret FreeSWITCH's mod_httapi gives as ?key= on /api/v1/ivr/httapi; empty turns the adapter off."});
    s.add({.key = "ivr.httapi_transfer", .type = ConfigType::kString, .default_value = "{queue} XML default",
           .help = "Data of the transfer application on hand-off ({queue}, {contact_id} replaced), docs/ivr.md."});
    s.add({.key = "ivr.metrics_interval", .type = ConfigType::kDuration, .default_value = "300s",
           .help = "How often the IVR figures of the last interval go to the outbox as an ivr.metrics record.",
           .min = kSecond, .max = 86400 * kSecond});
    s.add({.key = "plugins.trust_file", .type = ConfigType::kString, .default_value = "",
           .help = "Trust file of the keys that may sign Lua rule bundles (docs/packages.md); empty: every bundle is refused."});
    s.add({.key = "plugins.site", .type = ConfigType::kString, .default_value = "",
           .help = "This appliance's site code; a rule bundle must name it (or one of plugins.site_groups)."});
    s.add({.key = "plugins.site_groups", .type = ConfigType::kString, .default_value = "",
           .help = "Comma-separated site groups this appliance belongs to (bundles for \"group:<name>\")."});
    s.add({.key = "plugins.instructions", .type = ConfigType::kInt, .default_value = "1000000",
           .help = "Lua VM instructions a rule may run per call before it is stopped.", .min = 1000, .max = 1'000'000'000});
    s.add({.key = "plugins.deadline", .type = ConfigType::kDuration, .default_value = "50ms",
           .help = "Wall-clock time a rule may take per call before it is stopped.", .min = 1, .max = 10 * kSecond});
    s.add({.key = "plugins.memory_bytes", .type = ConfigType::kInt, .default_value = "16777216",
           .help = "Memory one bundle's Lua state may use.", .min = 1024 * 1024, .max = 1024ll * 1024 * 1024});
    s.add({.key = "plugins.trial_seconds", .type = ConfigType::kInt, .default_value = "300",
           .help = "Trial window of a newly installed rule bundle (0: no trial).", .min = 0, .max = 86400});
    s.add({.key = "plugins.trial_max_error_pct", .type = ConfigType::kInt, .default_value = "20",
           .help = "Error-or-limit rate (percent of calls) above which a bundle on trial is reverted.", .min = 0, .max = 100});
    s.add({.key = "plugins.trial_min_calls", .type = ConfigType::kInt, .default_value = "20",
           .help = "Calls a bundle on trial makes before its error rate counts.", .min = 1, .max = 1000000});
    s.add({.key = "plugins.recent_window", .type = ConfigType::kDuration, .default_value = "2h",
           .help = "How far back a run of heavy contacts counts for the candidate field recent_heavy.",
           .min = 60 * kSecond, .max = 7 * 24 * 3600 * kSecond});
    s.add({.key = "plugins.utc_offset_minutes", .type = ConfigType::kInt, .default_value = "480",
           .help = "The site's offset from UTC, for the day of practice_today.", .min = -720, .max = 840});
    s.add({.key = "log.level", .type = ConfigType::kEnum, .default_value = "information",
           .help = "Least severe log level written.",
           .allowed = {"fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"}});
    s.add({.key = "log.format", .type = ConfigType::kEnum, .default_value = "text",
           .help = "text for people, json for log collectors (one object per line).", .allowed = {"text", "json"}});
    s.add({.key = "sync.enabled", .type = ConfigType::kBool, .default_value = "false",
           .help = "Send the outbox (contacts, routing decisions, presence, audits) to the cloud hub over MQTT."});
    s.add({.key = "sync.site_id", .type = ConfigType::kString, .default_value = "",
           .help = "This site's id in MQTT topics (1-64 of A-Z a-z 0-9 . _ -); empty = the site code of the directory."});
    s.add({.key = "sync.broker", .type = ConfigType::kHostPort, .default_value = "127.0.0.1:1883",
           .help = "MQTT broker address (host:port)."});
    s.add({.key = "sync.client_id", .type = ConfigType::kString, .default_value = "",
           .help = "MQTT client id; empty = outpost-<site id>."});
    s.add({.key = "sync.topic_prefix", .type = ConfigType::kString, .default_value = "outpost/v1",
           .help = "Prefix of every sync topic (docs/mqtt.md)."});
    s.add({.key = "sync.tls.ca", .type = ConfigType::kString, .default_value = "",
           .help = "PEM CA file the broker's certificate must chain to; when set, the connection uses TLS."});
    s.add({.key = "sync.tls.cert", .type = ConfigType::kString, .default_value = "",
           .help = "PEM client certificate of this site (with sync.tls.key)."});
    s.add({.key = "sync.tls.key", .type = ConfigType::kString, .default_value = "",
           .help = "PEM private key of sync.tls.cert."});
    s.add({.key = "sync.keepalive", .type = ConfigType::kDuration, .default_value = "30s",
           .help = "MQTT keep-alive interval.", .min = 5 * kSecond, .max = 3600 * kSecond});
    s.add({.key = "sync.batch_records", .type = ConfigType::kInt, .default_value = "200",
           .help = "Outbox records per MQTT message at most.", .min = 1, .max = 1000});
    s.add({.key = "sync.window", .type = ConfigType::kInt, .default_value = "16",
           .help = "MQTT messages published and not yet acknowledged (PUBACK) at most.", .min = 1, .max = 1000});
    s.add({.key = "sync.poll_interval", .type = ConfigType::kDuration, .default_value = "200ms",
           .help = "How often an idle publisher looks at the outbox.", .min = 10, .max = 60 * kSecond});
    s.add({.key = "sync.confirm_timeout", .type = ConfigType::kDuration, .default_value = "15s",
           .help = "Rows published but not confirmed by the hub for this long are sent again.", .min = 100,
           .max = 3600 * kSecond});
    s.add({.key = "sync.backoff_initial", .type = ConfigType::kDuration, .default_value = "1s",
           .help = "First reconnect delay (jittered, then doubling).", .min = 100, .max = 600 * kSecond});
    s.add({.key = "sync.backoff_max", .type = ConfigType::kDuration, .default_value = "60s",
           .help = "Longest reconnect delay.", .min = kSecond, .max = 3600 * kSecond});
    s.add({.key = "sync.health_interval", .type = ConfigType::kDuration, .default_value = "60s",
           .help = "How often a health sample (telemetry class) goes to the outbox while sync is on.", .min = kSecond,
           .max = 3600 * kSecond});
    s.add({.key = "sync.downlink.enabled", .type = ConfigType::kBool, .default_value = "true",
           .help = "While sync is on: fetch and install what the hub's manifest lists (rule bundles, content, configuration, key sets)."});
    s.add({.key = "sync.downlink.chunk_bytes", .type = ConfigType::kInt, .default_value = "262144",
           .help = "Bytes asked for per downlink chunk request.", .min = 1024, .max = 1048576});
    s.add({.key = "sync.downlink.request_timeout", .type = ConfigType::kDuration, .default_value = "5s",
           .help = "A downlink chunk request unanswered this long is sent again.", .min = 100, .max = 600 * kSecond});
    s.add({.key = "sync.downlink.progress_bytes", .type = ConfigType::kInt, .default_value = "1048576",
           .help = "A downlink.progress record (telemetry) at least every this many bytes of a package.", .min = 1024,
           .max = int64_t{1} << 40});
    s.add({.key = "sync.quota.contact", .type = ConfigType::kInt, .default_value = "1073741824",
           .help = "Bytes of contact records the outbox may hold (never dropped; beyond it an alarm is raised); 0 = unlimited.",
           .min = 0, .max = int64_t{1} << 40});
    s.add({.key = "sync.quota.presence", .type = ConfigType::kInt, .default_value = "268435456",
           .help = "Bytes of presence records the outbox may hold (never dropped; alarm beyond); 0 = unlimited.",
           .min = 0, .max = int64_t{1} << 40});
    s.add({.key = "sync.quota.audit", .type = ConfigType::kInt, .default_value = "268435456",
           .help = "Bytes of audit records the outbox may hold (never dropped; alarm beyond); 0 = unlimited.",
           .min = 0, .max = int64_t{1} << 40});
    s.add({.key = "sync.quota.telemetry", .type = ConfigType::kInt, .default_value = "67108864",
           .help = "Bytes of telemetry records the outbox may hold; new ones are dropped (counted) beyond it; 0 = unlimited.",
           .min = 0, .max = int64_t{1} << 40});
    s.add({.key = "learning.content_quota_mb", .type = ConfigType::kInt, .default_value = "20480",
           .help = "Disk quota of the learning content cache (<data dir>/content), in MiB; the least recently "
                   "used unpinned packages are evicted past it.",
           .min = 1, .max = 16 * 1024 * 1024});
    s.add({.key = "learning.map_threshold", .type = ConfigType::kString, .default_value = "3.5",
           .help = "Competency item score (1–5) below which an item is weak and enters the learning map."});
    s.add({.key = "learning.tier_requirements", .type = ConfigType::kString, .default_value = "",
           .help = "Skills each tier needs beyond its queues' minimums, for the learning map's next-tier steps, "
                   "e.g. \"T2: complaints=4, cards=3; T1: complaints=5\"."});
    s.add({.key = "learning.on_pass", .type = ConfigType::kString, .default_value = "practice",
           .help = "What passing a course (all lessons, a quiz) does to the agent's routing skills for the course's "
                   "skills: off, practice (add missing skills as practice skills) or level (raise to "
                   "learning.on_pass_level). Audited."});
    s.add({.key = "learning.on_pass_level", .type = ConfigType::kInt, .default_value = "2",
           .help = "With learning.on_pass = level: the skill level a passed course raises the agent to (never lowers).",
           .min = 1, .max = 5});
    s.add({.key = "learning.point_rules", .type = ConfigType::kString, .default_value = "",
           .help = "Gamification point rules overriding the defaults, e.g. \"lesson_completed=10, quiz_passed=20, "
                   "drill_completed=15, streak_day_bonus=5, points_per_level=100\"."});
    return s;
  }();
  return kSchema;
}

}  // namespace outpost::app
