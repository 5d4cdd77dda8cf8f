#pragma once

// Seeds the demo site (site/demo.h) into an empty database, with a fresh random
// password per login. The logins are returned to be printed and kept in
// <data-dir>/demo-logins.txt (mode 0600) so a later `--demo` start can show them again.

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"

namespace outpost::app {

struct DemoLogin {
  std::string username;
  std::string password;
  std::string role;
};

// One transaction: all of the demo site or nothing.
Result<std::vector<DemoLogin>> seedDemo(storage::Database& db, WallTime now, int pbkdf2_iterations);

Status writeDemoLogins(const std::string& path, const std::vector<DemoLogin>& logins);
// Missing file → empty list.
Result<std::vector<DemoLogin>> readDemoLogins(const std::string& path);

}  // namespace outpost::app
