#include "integration/support/daemon.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#ifndef OUTPOST_DAEMON_PATH
#define OUTPOST_DAEMON_PATH ""
#endif

namespace outpost::itest {
namespace {

// A test process writes to sockets the daemon may have closed; a broken pipe must be an
// error code, not the end of the test binary.
[[maybe_unused]] const bool kSigpipeIgnored = [] {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGPIPE, &sa, nullptr) == 0;
}();

bool envSet(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' && std::string_view(v) != "0";
}

int exitCodeOf(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

std::string tail(const std::string& text, size_t lines) {
  size_t pos = text.size();
  size_t seen = 0;
  while (pos > 0 && seen <= lines) {
    pos = text.rfind('\n', pos - 1);
    if (pos == std::string::npos) return text;
    ++seen;
  }
  return seen > lines ? "…\n" + text.substr(pos + 1) : text;
}

bool isLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

}  // namespace

std::string daemonPath() { return OUTPOST_DAEMON_PATH; }

std::string ProcessResult::describe() const {
  std::ostringstream s;
  if (!spawn_error.empty()) s << "could not start: " << spawn_error << "\n";
  s << "exit code " << exit_code << (timed_out ? " (timed out)" : "")
    << (started_listening ? " (started listening)" : "") << "\n--- stdout ---\n"
    << tail(out, 40) << "\n--- stderr ---\n"
    << tail(err, 40);
  return s.str();
}

// --- ChildProcess ----------------------------------------------------------------------

std::unique_ptr<ChildProcess> ChildProcess::spawn(const std::string& path,
                                                  const std::vector<std::string>& args, std::string& error) {
  // Everything the child needs is prepared before fork(): after it, only
  // async-signal-safe calls are allowed (the test binary has threads).
  std::vector<std::string> storage;
  storage.push_back(path);
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int exec_pipe[2] = {-1, -1};  // carries errno if execv fails; EOF on success (CLOEXEC)
  auto close_all = [&] {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1], exec_pipe[0], exec_pipe[1]}) {
      if (fd >= 0) ::close(fd);
    }
  };
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    error = std::string("pipe2: ") + std::strerror(errno);
    close_all();
    return nullptr;
  }
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) {
    error = std::string("open /dev/null: ") + std::strerror(errno);
    close_all();
    return nullptr;
  }
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    ::close(devnull);
    close_all();
    return nullptr;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGPIPE, &dfl, nullptr);
    ::dup2(devnull, 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    ::execv(argv[0], argv.data());
    const int e = errno;
    [[maybe_unused]] const auto n = ::write(exec_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(devnull);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(exec_pipe[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_pipe[0]);

  std::unique_ptr<ChildProcess> child(new ChildProcess);
  child->pid_ = pid;
  child->out_fd_ = out_pipe[0];
  child->err_fd_ = err_pipe[0];
  child->echo_ = envSet("OUTPOST_TEST_ECHO_LOGS");
  if (n > 0) {
    error = "execv " + path + ": " + std::strerror(child_errno);
    child->waitExit(5s);
    ::close(child->out_fd_);
    ::close(child->err_fd_);
    child->out_fd_ = child->err_fd_ = -1;
    return nullptr;
  }
  child->reader_ = std::thread([c = child.get()] { c->readLoop(); });
  return child;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    waitExit(10s);
  }
  if (reader_.joinable()) {
    waitOutputClosed(2s);
    {
      std::lock_guard lock(mutex_);
      stop_reader_ = true;
    }
    reader_.join();
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

void ChildProcess::readLoop() {
  char buf[8192];
  for (;;) {
    pollfd fds[2];
    int nfds = 0;
    {
      std::lock_guard lock(mutex_);
      if (stop_reader_ || (out_closed_ && err_closed_)) return;
      if (!out_closed_) fds[nfds++] = pollfd{out_fd_, POLLIN, 0};
      if (!err_closed_) fds[nfds++] = pollfd{err_fd_, POLLIN, 0};
    }
    const int ready = ::poll(fds, static_cast<nfds_t>(nfds), 100);
    if (ready < 0 && errno != EINTR) {
      std::lock_guard lock(mutex_);
      out_closed_ = err_closed_ = true;
      changed_.notify_all();
      return;
    }
    for (int i = 0; i < nfds && ready > 0; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      const bool is_out = fds[i].fd == out_fd_;
      if (got <= 0) {
        if (is_out) {
          out_closed_ = true;
          if (!out_partial_.empty()) out_lines_.push_back(std::move(out_partial_));
          out_partial_.clear();
        } else {
          err_closed_ = true;
        }
      } else if (is_out) {
        out_partial_.append(buf, static_cast<size_t>(got));
        size_t nl;
        while ((nl = out_partial_.find('\n')) != std::string::npos) {
          out_lines_.push_back(out_partial_.substr(0, nl));
          if (echo_) std::cerr << "[outpostd " << pid_ << " out] " << out_lines_.back() << "\n";
          out_partial_.erase(0, nl + 1);
        }
      } else {
        err_.append(buf, static_cast<size_t>(got));
        if (echo_) std::cerr.write(buf, got);
      }
      changed_.notify_all();
    }
  }
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::waitExit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = exitCodeOf(status);
      return exit_code_;
    }
    if (r < 0 && errno != EINTR) {  // not our child any more (should not happen)
      exit_code_ = -1;
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(5ms);
  }
}

std::optional<std::string> ChildProcess::waitForLine(const std::function<bool(const std::string&)>& pred,
                                                     std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  size_t checked = 0;
  for (;;) {
    for (; checked < out_lines_.size(); ++checked) {
      if (pred(out_lines_[checked])) return out_lines_[checked];
    }
    if (out_closed_) return std::nullopt;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; checked < out_lines_.size(); ++checked) {
        if (pred(out_lines_[checked])) return out_lines_[checked];
      }
      return std::nullopt;
    }
  }
}

bool ChildProcess::waitOutputClosed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return out_closed_ && err_closed_; });
}

std::vector<std::string> ChildProcess::outLines() const {
  std::lock_guard lock(mutex_);
  auto lines = out_lines_;
  if (!out_partial_.empty()) lines.push_back(out_partial_);
  return lines;
}

std::string ChildProcess::outText() const {
  std::string text;
  for (const auto& l : outLines()) text += l + "\n";
  return text;
}

std::string ChildProcess::errText() const {
  std::lock_guard lock(mutex_);
  return err_;
}

namespace {

// Collects a child's end: kills it if it has not exited (code empty), then its status
// and output.
void finish(ChildProcess& child, std::optional<int> code, ProcessResult& result) {
  if (!code) {
    result.timed_out = true;
    child.signal(SIGKILL);
    code = child.waitExit(10s);
  }
  child.waitOutputClosed(2s);
  result.exit_code = code.value_or(-1);
  result.out = child.outText();
  result.err = child.errText();
}

}  // namespace

ProcessResult runProgram(const std::string& path, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout) {
  ProcessResult result;
  auto child = ChildProcess::spawn(path, args, result.spawn_error);
  if (!child) return result;
  finish(*child, child->waitExit(timeout), result);
  return result;
}

// --- Daemon ----------------------------------------------------------------------------

Daemon::Daemon() {
  std::string pattern = "/tmp/outpost-itest-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp: " << std::strerror(errno);
    return;
  }
  data_dir_ = pattern;
}

Daemon::~Daemon() {
  if (child_) {
    if (!child_->exited()) {
      const int code = stop();
      if (code != 0) {
        ADD_FAILURE() << "outpostd did not shut down cleanly at the end of the test: exit code " << code
                      << "\n--- stderr (tail) ---\n"
                      << stderrTail();
      }
    } else if (!expect_exit_) {
      ADD_FAILURE() << "outpostd exited on its own during the test with code "
                    << child_->exitCode().value_or(-1) << "\n--- stderr (tail) ---\n"
                    << stderrTail();
    }
  }
  child_.reset();
  if (data_dir_.empty()) return;
  if (envSet("OUTPOST_KEEP_TEST_DATA")) {
    std::cerr << "[integration] kept data directory " << data_dir_ << "\n";
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(data_dir_, ec);
}

std::string Daemon::baseUrl() const { return scheme_ + "://" + host_ + ":" + std::to_string(port_); }

bool Daemon::running() const { return child_ && !child_->exited(); }

::testing::AssertionResult Daemon::start(DaemonOptions options) {
  if (running()) return ::testing::AssertionFailure() << "outpostd is already running";
  options_ = std::move(options);
  return launch();
}

::testing::AssertionResult Daemon::restart() {
  if (child_ && child_->exited() && !expect_exit_) {
    expect_exit_ = true;
    return ::testing::AssertionFailure() << "outpostd had exited on its own (code "
                                         << child_->exitCode().value_or(-1) << ") before the restart\n"
                                         << stderrTail();
  }
  if (running()) {
    const int code = stop();
    if (code != 0) {
      return ::testing::AssertionFailure() << "stopping for a restart: exit code " << code << "\n"
                                           << stderrTail();
    }
  }
  return launch();
}

::testing::AssertionResult Daemon::launch() {
  if (daemonPath().empty()) return ::testing::AssertionFailure() << "outpostd is not built";
  if (data_dir_.empty()) return ::testing::AssertionFailure() << "no data directory";
  std::vector<std::string> args = {"--data-dir", data_dir_, "--listen", options_.listen};
  if (options_.demo) args.emplace_back("--demo");
  if (options_.fast_hashing) {
    args.emplace_back("--set");
    args.emplace_back("auth.pbkdf2_iterations=1000");
  }
  args.insert(args.end(), options_.extra.begin(), options_.extra.end());

  child_.reset();  // the previous run's process (already reaped) and its output
  expect_exit_ = false;
  std::string error;
  child_ = ChildProcess::spawn(daemonPath(), args, error);
  if (!child_) return ::testing::AssertionFailure() << error;

  const auto deadline = std::chrono::steady_clock::now() + 30s;
  auto line = child_->waitForLine(
      [](const std::string& l) { return l.find(" listening on ") != std::string::npos; }, deadline);
  if (!line) {
    const bool ended = child_->waitExit(2s).has_value();
    expect_exit_ = true;
    if (!ended) {
      child_->signal(SIGKILL);
      child_->waitExit(10s);
    }
    child_->waitOutputClosed(2s);
    std::string cmd = daemonPath();
    for (const auto& a : args) cmd += " " + a;
    return ::testing::AssertionFailure()
           << (ended ? "outpostd exited with code " + std::to_string(child_->exitCode().value_or(-1))
                     : std::string("outpostd printed no \"listening on\" line within 30 s"))
           << " before it was ready\ncommand: " << cmd << "\n--- stdout ---\n"
           << child_->outText() << "--- stderr (tail) ---\n"
           << stderrTail();
  }
  listening_line_ = *line;
  static const std::regex kUrl(R"(listening on (https?)://(\[[^\]]+\]|[^:/\s]+):([0-9]+))");
  std::smatch m;
  if (!std::regex_search(*line, m, kUrl)) {
    return ::testing::AssertionFailure() << "cannot parse the listening line: \"" << *line << "\"";
  }
  scheme_ = m[1];
  host_ = m[2];
  port_ = std::stoi(m[3]);
  if (port_ <= 0 || port_ > 65535) return ::testing::AssertionFailure() << "bad port in \"" << *line << "\"";
  if (!isLoopbackHost(host_)) {
    return ::testing::AssertionFailure()
           << "outpostd listens on " << host_ << "; the integration tests only talk to loopback addresses";
  }
  if (host_ == "localhost") host_ = "127.0.0.1";

  if (options_.demo) {
    // The demo logins are printed when the site is seeded (an empty database); on a
    // restart they come from <data-dir>/demo-logins.txt (or the earlier run).
    const auto logins_deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      std::vector<DemoLogin> found;
      parseDemoLogins(child_->outLines(), found);
      if (found.size() < kDemoUsers) {
        std::ifstream file(data_dir_ + "/demo-logins.txt");
        // The file has "username password role" lines (or the printed form).
        std::vector<std::string> lines;
        for (std::string l; std::getline(file, l);) {
          if (l.empty() || l[0] == '#') continue;
          lines.push_back(l.rfind("demo login: ", 0) == 0 ? l : "demo login: " + l);
        }
        std::vector<DemoLogin> from_file;
        parseDemoLogins(lines, from_file);
        if (from_file.size() > found.size()) found = std::move(from_file);
      }
      if (found.size() >= kDemoUsers) {
        demo_logins_ = std::move(found);
        break;
      }
      if (std::chrono::steady_clock::now() >= logins_deadline) {
        if (demo_logins_.size() >= kDemoUsers) break;  // seeded by an earlier run of this data dir
        return ::testing::AssertionFailure()
               << "--demo: found " << found.size() << " \"demo login:\" lines, expected " << kDemoUsers
               << "\n--- stdout ---\n"
               << child_->outText();
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  return ::testing::AssertionSuccess();
}

void Daemon::parseDemoLogins(const std::vector<std::string>& lines, std::vector<DemoLogin>& out) const {
  static const std::regex kLogin(R"(demo login: (\S+) (\S+) (\S+))");
  for (const auto& l : lines) {
    std::smatch m;
    if (std::regex_search(l, m, kLogin)) out.push_back(DemoLogin{m[1], m[2], m[3]});
  }
}

std::string Daemon::password(std::string_view username) const {
  for (const auto& l : demo_logins_) {
    if (l.username == username) return l.password;
  }
  ADD_FAILURE() << "no demo login for \"" << username << "\"";
  return {};
}

int Daemon::stop(std::chrono::milliseconds timeout) {
  if (!child_) return -1;
  expect_exit_ = true;
  if (child_->exited()) return child_->exitCode().value_or(-1);
  child_->signal(SIGTERM);
  if (auto code = child_->waitExit(timeout)) {
    child_->waitOutputClosed(2s);
    return *code;
  }
  child_->signal(SIGKILL);
  child_->waitExit(10s);
  child_->waitOutputClosed(2s);
  return 128 + SIGKILL;
}

int Daemon::signalAndWait(int sig, std::chrono::milliseconds timeout) {
  sendSignal(sig);
  return waitExit(timeout);
}

void Daemon::sendSignal(int sig) {
  if (!running()) return;
  expect_exit_ = true;
  child_->signal(sig);
}

int Daemon::waitExit(std::chrono::milliseconds timeout) {
  if (!child_) return -1;
  expect_exit_ = true;
  if (auto code = child_->waitExit(timeout)) {
    child_->waitOutputClosed(2s);
    return *code;
  }
  child_->signal(SIGKILL);
  child_->waitExit(10s);
  return -1;
}

void Daemon::kill9() {
  if (!running()) return;
  expect_exit_ = true;
  child_->signal(SIGKILL);
  child_->waitExit(10s);
  child_->waitOutputClosed(2s);
}

ProcessResult Daemon::runToExit(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  ProcessResult result;
  if (daemonPath().empty()) {
    result.spawn_error = "outpostd is not built";
    return result;
  }
  auto child = ChildProcess::spawn(daemonPath(), args, result.spawn_error);
  if (!child) return result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Either it ends by itself, or it starts serving (then it is stopped at once).
  auto line = child->waitForLine(
      [](const std::string& l) { return l.find(" listening on ") != std::string::npos; }, deadline);
  if (line) {
    result.started_listening = true;
    child->signal(SIGTERM);
  }
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  finish(*child, child->waitExit(std::max(left, line ? 10000ms : 0ms)), result);
  return result;
}

std::vector<std::string> Daemon::stdoutLines() const {
  return child_ ? child_->outLines() : std::vector<std::string>{};
}

std::string Daemon::stderrText() const { return child_ ? child_->errText() : std::string(); }

std::string Daemon::stderrTail(size_t lines) const { return tail(stderrText(), lines); }

}  // namespace outpost::itest
