// outpostctl — see ctl/command.h.

#include <cstdio>
#include <string>
#include <vector>

#include "ctl/command.h"

using outpost::Status;
using outpost::StatusCode;
using outpost::ctl::Args;
using outpost::ctl::Command;

namespace {

std::vector<Command> table() {
  std::vector<Command> all;
  for (auto group : {outpost::ctl::keysCommands, outpost::ctl::packageCommands,
                     outpost::ctl::contentCommands, outpost::ctl::ivrCommands,
                     outpost::ctl::bundleCommands, outpost::ctl::bundleRemoteCommands,
                     outpost::ctl::configCommands}) {
    for (const Command& c : group()) all.push_back(c);
  }
  return all;
}

void usage(FILE* out, const std::vector<Command>& commands) {
  std::fprintf(out, "usage: outpostctl <group> <command> [options]\n\n");
  for (const Command& c : commands) {
    std::fprintf(out, "  %.*s %.*s %.*s\n      %.*s\n", static_cast<int>(c.group.size()), c.group.data(),
                 static_cast<int>(c.name.size()), c.name.data(), static_cast<int>(c.usage.size()), c.usage.data(),
                 static_cast<int>(c.summary.size()), c.summary.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Command> commands = table();
  std::vector<std::string> args(argv + 1, argv + argc);
  // `outpostctl keygen …` is `outpostctl keys generate …` (issue 4's name for it).
  if (!args.empty() && args[0] == "keygen") {
    args[0] = "generate";
    args.insert(args.begin(), "keys");
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    usage(args.empty() ? stderr : stdout, commands);
    return args.empty() ? 2 : 0;
  }
  if (args.size() < 2) {
    usage(stderr, commands);
    return 2;
  }
  for (const Command& c : commands) {
    if (c.group != args[0] || c.name != args[1]) continue;
    auto parsed = Args::parse(std::vector<std::string>(args.begin() + 2, args.end()));
    Status s = parsed.isOk() ? c.run(*parsed) : parsed.status();
    if (s.isOk()) return 0;
    std::fprintf(stderr, "outpostctl: %s %s: %s%s%s%s\n", args[0].c_str(), args[1].c_str(), s.message().c_str(),
                 s.where().empty() ? "" : " (", s.where().c_str(), s.where().empty() ? "" : ")");
    return s.code() == StatusCode::kInvalidArgument && !parsed.isOk() ? 2 : 1;
  }
  std::fprintf(stderr, "outpostctl: unknown command \"%s %s\"\n\n", args[0].c_str(), args[1].c_str());
  usage(stderr, commands);
  return 2;
}
