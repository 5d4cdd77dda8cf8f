#pragma once

// The daemon under test as a child process.
//
// Daemon owns a fresh data directory (mkdtemp under /tmp; removed in the destructor
// unless OUTPOST_KEEP_TEST_DATA is set) and runs OUTPOST_DAEMON_PATH in it with
// stdout/stderr captured through pipes. start() returns once the daemon printed its
// "outpostd <version> listening on http://127.0.0.1:<port>" line; the base URL, the
// port and the demo logins (--demo) are parsed from its output.
//
// Every wait is bounded. A daemon still running when the Daemon is destroyed is
// stopped with SIGTERM, and anything but a clean exit 0 — or a daemon that died on its
// own during the test — is reported as a test failure with the tail of its stderr (so
// crashes, hangs at shutdown and sanitizer reports never pass silently).
//
// The child gets PR_SET_PDEATHSIG=SIGKILL, so a test binary that dies never leaves a
// daemon behind. That signal follows the *thread* that forked: start daemons from the
// test's main thread only.
//
// Environment knobs:
//   OUTPOST_KEEP_TEST_DATA=1   keep the data directories (their paths are printed)
//   OUTPOST_TEST_ECHO_LOGS=1   copy the daemon's stdout/stderr to this process's stderr

#include <gtest/gtest.h>
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace outpost::itest {

using namespace std::chrono_literals;

// Path of the outpostd binary under test; empty when the tree has no outpostd target.
std::string daemonPath();

// Skips the test (with the reason) when there is no daemon to test.
#define OUTPOST_REQUIRE_DAEMON()                                                       \
  do {                                                                                 \
    if (::outpost::itest::daemonPath().empty()) {                                      \
      GTEST_SKIP() << "outpostd is not built in this tree (no CMake target outpostd)"; \
    }                                                                                  \
  } while (false)

// Outcome of a process run to its end.
struct ProcessResult {
  int exit_code = -1;              // exit status; 128+N when ended by signal N; -1 if it never ran
  bool timed_out = false;          // killed because it ran past the timeout
  bool started_listening = false;  // runToExit: printed "listening on" (and was then stopped)
  std::string out;
  std::string err;
  std::string spawn_error;  // why it could not be started

  std::string describe() const;  // for failure messages
};

// One child process with its stdout and stderr captured by a reader thread.
class ChildProcess {
 public:
  // Starts `path` with `args` (argv[1..]); nullptr and `error` set on failure.
  static std::unique_ptr<ChildProcess> spawn(const std::string& path, const std::vector<std::string>& args,
                                             std::string& error);
  ~ChildProcess();  // SIGKILLs the child if still running, reaps it, joins the reader
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig) const;
  // Reaps the child if it ended within `timeout`; returns its exit code (see ProcessResult).
  std::optional<int> waitExit(std::chrono::milliseconds timeout);
  bool exited() const { return exit_code_.has_value(); }
  std::optional<int> exitCode() const { return exit_code_; }

  // Waits until a stdout line satisfies `pred` (returned), stdout is closed, or the deadline.
  std::optional<std::string> waitForLine(const std::function<bool(const std::string&)>& pred,
                                         std::chrono::steady_clock::time_point deadline);
  // Waits (bounded) until the reader saw EOF on both pipes.
  bool waitOutputClosed(std::chrono::milliseconds timeout);

  std::vector<std::string> outLines() const;
  std::string outText() const;
  std::string errText() const;

 private:
  ChildProcess() = default;
  void readLoop();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::optional<int> exit_code_;
  bool echo_ = false;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> out_lines_;
  std::string out_partial_;
  std::string err_;
  bool out_closed_ = false;
  bool err_closed_ = false;
  bool stop_reader_ = false;
  std::thread reader_;
};

// Runs any program to its end (bounded); for tools such as openssl.
ProcessResult runProgram(const std::string& path, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout = 30s);

struct DemoLogin {
  std::string username;
  std::string password;
  std::string role;
};

struct DaemonOptions {
  bool demo = true;                    // --demo (seeds the demo site into an empty database)
  std::string listen = "127.0.0.1:0";  // --listen
  bool fast_hashing = true;            // --set auth.pbkdf2_iterations=1000
  std::vector<std::string> extra;      // appended verbatim, e.g. {"--set", "ws.auth_timeout=2s"}
};

class Daemon {
 public:
  static constexpr int kDemoUsers = 14;  // agent01..agent12, supervisor, admin

  Daemon();
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts the daemon on this data directory and waits (bounded) until it listens.
  ::testing::AssertionResult start(DaemonOptions options = {});
  // Stops it if running (SIGTERM), then starts it again with the same options and data.
  ::testing::AssertionResult restart();
  // SIGTERM and a bounded wait; returns the exit code (137 if it had to be SIGKILLed,
  // the previous exit code if it was not running).
  int stop(std::chrono::milliseconds timeout = 20s);
  // Sends `sig` and waits (bounded) for the exit; returns the exit code or -1 on timeout
  // (the process is then SIGKILLed).
  int signalAndWait(int sig, std::chrono::milliseconds timeout = 20s);
  // Sends `sig` without waiting (e.g. SIGTERM while requests are in flight).
  void sendSignal(int sig);
  // Waits for an exit after sendSignal(); the exit code, or -1 when it did not end in time.
  int waitExit(std::chrono::milliseconds timeout = 20s);
  // SIGKILL and reap: a power cut as far as the data directory is concerned.
  void kill9();
  bool running() const;
  pid_t pid() const { return child_ ? child_->pid() : -1; }

  // Runs outpostd with exactly `args` to its end (CLI checks). Should it print
  // "listening on", it is stopped at once and started_listening is set.
  ProcessResult runToExit(const std::vector<std::string>& args, std::chrono::milliseconds timeout = 20s);

  const std::string& dataDir() const { return data_dir_; }
  std::string dbPath() const { return data_dir_ + "/outpost.db"; }
  const std::string& scheme() const { return scheme_; }
  const std::string& host() const { return host_; }
  int port() const { return port_; }
  std::string baseUrl() const;
  const std::string& listeningLine() const { return listening_line_; }

  const std::vector<DemoLogin>& demoLogins() const { return demo_logins_; }
  // The demo password of `username` (a failure is recorded if there is none).
  std::string password(std::string_view username) const;

  // Output of the current (or last) run.
  std::vector<std::string> stdoutLines() const;
  std::string stderrText() const;
  // The last lines of stderr, for failure messages.
  std::string stderrTail(size_t lines = 40) const;

 private:
  ::testing::AssertionResult launch();
  void parseDemoLogins(const std::vector<std::string>& lines, std::vector<DemoLogin>& out) const;

  std::string data_dir_;
  DaemonOptions options_;
  std::unique_ptr<ChildProcess> child_;
  bool expect_exit_ = false;  // we stopped/killed it; an exit is not a surprise
  std::string scheme_;
  std::string host_;
  int port_ = 0;
  std::string listening_line_;
  std::vector<DemoLogin> demo_logins_;
};

}  // namespace outpost::itest
