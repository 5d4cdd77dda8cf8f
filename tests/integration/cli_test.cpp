// The command line: --version, --help, configuration errors (they must name what is
// wrong and where), and a start with no configuration file at all.

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override { OUTPOST_REQUIRE_DAEMON(); }

  // Args that keep a run that should fail harmless if it starts after all: its own
  // data directory and a loopback port.
  std::vector<std::string> safeArgs(std::vector<std::string> more) const {
    std::vector<std::string> args = {"--data-dir", daemon_.dataDir(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }

  std::string writeConfig(const std::string& name, const std::string& text) const {
    const std::string path = daemon_.dataDir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  Daemon daemon_;
};

TEST_F(CliTest, VersionPrintsTheVersionAndExitsZero) {
  const ProcessResult r = daemon_.runToExit({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.out, "outpostd")) << r.describe();
  EXPECT_TRUE(contains(r.out, OUTPOST_VERSION)) << "expected version " << OUTPOST_VERSION << "\n"
                                                << r.describe();
}

TEST_F(CliTest, HelpListsEveryOption) {
  const ProcessResult r = daemon_.runToExit({"--help"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  for (const char* option :
       {"--config", "--data-dir", "--listen", "--demo", "--set", "--version", "--help"}) {
    EXPECT_TRUE(contains(r.out, option)) << "--help does not mention " << option << "\n" << r.describe();
  }
}

TEST_F(CliTest, UnknownCommandLineOptionIsRefused) {
  const ProcessResult r = daemon_.runToExit(safeArgs({"--frobnicate"}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "--frobnicate")) << r.describe();
}

TEST_F(CliTest, UnknownConfigKeyInSetIsRefusedNamingTheKey) {
  const ProcessResult r = daemon_.runToExit(safeArgs({"--set", "htp.listen=127.0.0.1:0"}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "htp.listen")) << r.describe();
}

TEST_F(CliTest, BadConfigValueInSetIsRefusedNamingKeyAndValue) {
  const ProcessResult r = daemon_.runToExit(safeArgs({"--set", "http.threads=abc"}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "http.threads")) << r.describe();
  EXPECT_TRUE(contains(r.err, "abc")) << r.describe();
}

TEST_F(CliTest, SetWithoutEqualsSignIsRefused) {
  const ProcessResult r = daemon_.runToExit(safeArgs({"--set", "http.threads"}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "http.threads")) << r.describe();
}

TEST_F(CliTest, BadListenAddressIsRefusedNamingTheValue) {
  const ProcessResult r = daemon_.runToExit({"--data-dir", daemon_.dataDir(), "--listen", "nowhere"});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "nowhere")) << r.describe();
}

TEST_F(CliTest, ConfigFileUnknownKeyNamesFileLineAndKey) {
  const std::string file = writeConfig("outpost.conf", "# test config\n\nhtp.listen = x\n");
  const ProcessResult r = daemon_.runToExit(safeArgs({"--config", file}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, file + ":3") || contains(r.err, "outpost.conf:3")) << r.describe();
  EXPECT_TRUE(contains(r.err, "htp.listen")) << r.describe();
}

TEST_F(CliTest, ConfigFileBadValueNamesFileLineKeyAndValue) {
  const std::string file = writeConfig("bad-value.conf", "log.level = information\nhttp.threads = abc\n");
  const ProcessResult r = daemon_.runToExit(safeArgs({"--config", file}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, file + ":2") || contains(r.err, "bad-value.conf:2")) << r.describe();
  EXPECT_TRUE(contains(r.err, "http.threads")) << r.describe();
  EXPECT_TRUE(contains(r.err, "abc")) << r.describe();
}

TEST_F(CliTest, ConfigFileSyntaxErrorNamesFileAndLine) {
  const std::string file = writeConfig("syntax.conf", "# ok\nthis line has no equals sign\n");
  const ProcessResult r = daemon_.runToExit(safeArgs({"--config", file}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, file + ":2") || contains(r.err, "syntax.conf:2")) << r.describe();
}

TEST_F(CliTest, MissingConfigFileIsRefusedNamingIt) {
  const std::string file = daemon_.dataDir() + "/does-not-exist.conf";
  const ProcessResult r = daemon_.runToExit(safeArgs({"--config", file}));
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "does-not-exist.conf")) << r.describe();
}

TEST_F(CliTest, ValidConfigFileIsUsed) {
  const std::string file = writeConfig("good.conf", "# all fine\nauth.pbkdf2_iterations = 1000\n");
  ASSERT_TRUE(daemon_.start(DaemonOptions{.demo = false, .extra = {"--config", file}}));
  HttpClient http(daemon_);
  EXPECT_TRUE(hasStatus(http.get("/healthz"), 200));
  EXPECT_EQ(daemon_.stop(), 0) << daemon_.stderrTail();
}

TEST_F(CliTest, StartsWithoutAnyConfigFileAndAnswersHealthAndReadiness) {
  ASSERT_TRUE(daemon_.start(DaemonOptions{.demo = false}));
  EXPECT_TRUE(contains(daemon_.listeningLine(), "outpostd ")) << daemon_.listeningLine();
  EXPECT_TRUE(contains(daemon_.listeningLine(), OUTPOST_VERSION)) << daemon_.listeningLine();
  HttpClient http(daemon_);
  const Response health = http.get("/healthz");
  EXPECT_TRUE(hasStatus(health, 200));
  EXPECT_EQ(health.str("status"), "ok") << health;
  const Response ready = http.get("/readyz");
  EXPECT_TRUE(hasStatus(ready, 200));
  EXPECT_EQ(ready.str("status"), "ready") << ready;
  EXPECT_TRUE(std::ifstream(daemon_.dbPath()).good()) << "no database at " << daemon_.dbPath();
  EXPECT_EQ(daemon_.stop(), 0) << daemon_.stderrTail();
}

TEST_F(CliTest, DemoPrintsLoginsAndWritesThemToTheDataDir) {
  ASSERT_TRUE(daemon_.start());
  const auto& logins = daemon_.demoLogins();
  ASSERT_EQ(logins.size(), static_cast<size_t>(Daemon::kDemoUsers));
  std::map<std::string, std::string> role_of;
  for (const auto& l : logins) role_of[l.username] = l.role;
  for (int i = 1; i <= 12; ++i) {
    const std::string name = (i < 10 ? "agent0" : "agent") + std::to_string(i);
    EXPECT_EQ(role_of[name], "agent") << name;
  }
  EXPECT_EQ(role_of["supervisor"], "supervisor");
  EXPECT_EQ(role_of["admin"], "admin");

  // The file holds the same logins as stdout ("username password role" per line,
  // optionally with the "demo login: " prefix; '#' lines are comments).
  std::ifstream file(daemon_.dataDir() + "/demo-logins.txt");
  ASSERT_TRUE(file.good()) << "no demo-logins.txt in the data directory";
  std::vector<std::string> file_logins;
  for (std::string l; std::getline(file, l);) {
    if (l.empty() || l[0] == '#') continue;
    if (l.rfind("demo login: ", 0) == 0) l = l.substr(12);
    file_logins.push_back(l);
  }
  std::vector<std::string> printed;
  for (const auto& l : logins) printed.push_back(l.username + " " + l.password + " " + l.role);
  EXPECT_EQ(file_logins, printed);

  // Every printed login works.
  HttpClient http(daemon_);
  for (const auto& l : logins) {
    const Response r = http.loginResponse(l.username, l.password);
    EXPECT_TRUE(hasStatus(r, 200)) << l.username;
  }
}

TEST_F(CliTest, DemoDoesNotReseedANonEmptyDatabase) {
  ASSERT_TRUE(daemon_.start());
  const auto first = daemon_.demoLogins();
  ASSERT_TRUE(daemon_.restart());
  // A restart may show the logins again, but they must be the first run's.
  for (const auto& l : daemon_.stdoutLines()) {
    if (l.find("demo login: ") == std::string::npos) continue;
    bool known = false;
    for (const auto& f : first)
      known = known || l.find("demo login: " + f.username + " " + f.password + " ") != std::string::npos;
    EXPECT_TRUE(known) << "new demo password after a restart (reseeded?): " << l;
  }
  // The passwords of the first run still work, and there is still one admin.
  HttpClient http(daemon_);
  for (const auto& f : first)
    EXPECT_TRUE(hasStatus(http.loginResponse(f.username, f.password), 200)) << f.username;
  EXPECT_EQ(queryDb(daemon_.dbPath(), "SELECT count(*) FROM users").rows.at(0).at(0),
            std::to_string(Daemon::kDemoUsers));
}

TEST_F(CliTest, SigintStopsCleanly) {
  ASSERT_TRUE(daemon_.start(DaemonOptions{.demo = false}));
  EXPECT_EQ(daemon_.signalAndWait(SIGINT), 0) << daemon_.stderrTail();
}

}  // namespace
}  // namespace outpost::itest
