#include "ctl/command.h"

namespace outpost::ctl {

Result<Args> Args::parse(const std::vector<std::string>& argv) {
  Args a;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--json") {  // the one switch: takes no value
      if (!a.flags_.emplace(arg, "true").second) return Status::invalidArgument("given twice", arg);
    } else if (arg.size() > 2 && arg.compare(0, 2, "--") == 0) {
      if (i + 1 >= argv.size()) return Status::invalidArgument("needs a value", arg);
      if (!a.flags_.emplace(arg, argv[i + 1]).second) return Status::invalidArgument("given twice", arg);
      ++i;
    } else {
      a.positional_.push_back(arg);
    }
  }
  return a;
}

Result<std::string> Args::required(const std::string& flag) const {
  auto it = flags_.find(flag);
  if (it == flags_.end() || it->second.empty()) return Status::invalidArgument("is required", flag);
  return it->second;
}

std::string Args::optional(const std::string& flag, std::string fallback) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? fallback : it->second;
}

Status Args::only(std::initializer_list<std::string_view> known) const {
  for (const auto& [flag, value] : flags_) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == flag;
    if (!ok) return Status::invalidArgument("unknown option", flag);
  }
  return Status::ok();
}

}  // namespace outpost::ctl
