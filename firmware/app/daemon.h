#pragma once

// Daemon: outpostd's parts, wired and started in order, stopped in reverse.
//
// Threads (see docs/architecture.md):
//   main        — start-up, then waits for SIGTERM/SIGINT, then shutdown
//   engine loop — owns the domain state (presence today; the router next)
//   storage     — the writer thread: group commit, completions
//   HTTP        — POCO's worker pool: parse, authenticate, read, post to engine/writer
//   WebSocket   — the hub thread: every live socket
//
// Start-up: data folder → open SQLite → quick_check → migrations → (demo seed) →
// writer → engine state from storage → engine loop → hub → HTTP listener.

#include <memory>
#include <string>
#include <vector>

#include "app/demo_seed.h"
#include "core/config.h"
#include "core/status.h"
#include "storage/database.h"

namespace outpost::app {

struct DaemonOptions {
  bool demo = false;  // seed the demo site if the database is empty
};

// Opens <data-dir>/outpost.db (creating the folder), checks it and applies the
// migrations. Used by the daemon and by one-shot admin commands.
Result<std::unique_ptr<storage::Database>> openStorage(const Config& config);

// Creates an admin login in the database (for a site set up without --demo).
Status createAdmin(const Config& config, const std::string& username, const std::string& password);

class Daemon {
 public:
  Daemon(const Config& config, DaemonOptions options);
  ~Daemon();

  // Everything up to an open listener. Errors say what failed and how to fix it.
  Status start();
  // Stops in reverse order; requests in flight finish first. Idempotent.
  void stop();

  std::string baseUrl() const;
  // Demo logins to print (seeded now, or kept from an earlier demo start).
  const std::vector<DemoLogin>& demoLogins() const { return demo_logins_; }

 private:
  struct Parts;
  const Config& config_;
  DaemonOptions options_;
  std::unique_ptr<Parts> parts_;
  std::vector<DemoLogin> demo_logins_;
  bool started_ = false;
};

}  // namespace outpost::app
