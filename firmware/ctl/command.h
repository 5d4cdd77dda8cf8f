#pragma once

// outpostctl: the site admin's command line. One table of commands (main.cpp); each
// group of commands lives in its own <group>_commands.cpp and adds its rows to the
// table. A command gets its arguments parsed into Args, prints what it did to
// stdout, and returns a Status: the tool prints a failed status as
//   outpostctl: <group> <name>: <message> (<where>)
// and exits 1 (2 for usage errors).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::ctl {

// `--flag value` pairs and positional arguments; every flag takes a value except the
// switch `--json` (value "true" when given).
class Args {
 public:
  static Result<Args> parse(const std::vector<std::string>& argv);

  // A required flag's value, or an error naming the flag.
  Result<std::string> required(const std::string& flag) const;
  std::string optional(const std::string& flag, std::string fallback = {}) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // An error naming the first flag not in `known`.
  Status only(std::initializer_list<std::string_view> known) const;

 private:
  std::map<std::string, std::string, std::less<>> flags_;
  std::vector<std::string> positional_;
};

struct Command {
  std::string_view group;
  std::string_view name;
  std::string_view usage;    // arguments, e.g. "--id ID --out DIR"
  std::string_view summary;  // one line
  Status (*run)(const Args& args);
};

// Rows of the table, by group (defined in the <group>_commands.cpp files).
std::vector<Command> keysCommands();
std::vector<Command> packageCommands();
std::vector<Command> contentCommands();
std::vector<Command> ivrCommands();
std::vector<Command> bundleCommands();
std::vector<Command> bundleRemoteCommands();  // install, list, rollback on an appliance
std::vector<Command> configCommands();        // site configuration packages (docs/sync.md)

}  // namespace outpost::ctl
