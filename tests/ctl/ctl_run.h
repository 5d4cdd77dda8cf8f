#pragma once

// Runs outpostctl as a child process, as an admin would, and keeps what it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace outpost::itest {

struct CtlRun {
  int code = -1;
  std::string output;  // stdout and stderr
};

// `args` is appended to the command line as is (quote paths with spaces yourself).
inline CtlRun ctl(const std::string& args) {
  CtlRun r;
  const std::string cmd = std::string(OUTPOSTCTL_PATH) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace outpost::itest
