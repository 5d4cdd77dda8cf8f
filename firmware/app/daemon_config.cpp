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
    s.add({.key = "log.level", .type = ConfigType::kEnum, .default_value = "information",
           .help = "Least severe log level written.",
           .allowed = {"fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"}});
    s.add({.key = "log.format", .type = ConfigType::kEnum, .default_value = "text",
           .help = "text for people, json for log collectors (one object per line).", .allowed = {"text", "json"}});
    return s;
  }();
  return kSchema;
}

}  // namespace outpost::app
