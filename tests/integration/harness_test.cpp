// The harness itself: its failure detection must not be vacuous.

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

TEST(HarnessTest, ADaemonThatDiesDuringATestFailsIt) {
  OUTPOST_REQUIRE_DAEMON();
  EXPECT_NONFATAL_FAILURE(
      {
        Daemon d;
        if (d.start(DaemonOptions{.demo = false})) ::kill(d.pid(), SIGSEGV);
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
      },
      "outpostd");
}

TEST(HarnessTest, StartFailureShowsTheDaemonsMessage) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon d;
  const auto started = d.start(DaemonOptions{.demo = false, .extra = {"--set", "bogus.key=1"}});
  EXPECT_FALSE(started);
  EXPECT_NE(std::string(started.message()).find("bogus.key"), std::string::npos) << started.message();
}

TEST(HarnessTest, RunToExitStopsADaemonThatStarts) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon d;
  const ProcessResult r = d.runToExit({"--data-dir", d.dataDir(), "--listen", "127.0.0.1:0"});
  EXPECT_TRUE(r.started_listening) << r.describe();
  EXPECT_FALSE(r.timed_out) << r.describe();
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST(HarnessTest, SnapshotsSeeAChangeAndOnlyThen) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon d;
  ASSERT_TRUE(d.start());
  HttpClient http(d);
  const std::string admin = loginDemo(http, d, "admin");
  const DbSnapshot a = snapshotDb(d.dbPath());
  ASSERT_TRUE(a.error.empty()) << a.error;
  EXPECT_TRUE(a.tables.count("skills") && a.tables.count("audit") && a.tables.count("users"));
  EXPECT_EQ(diffSnapshots(a, snapshotDb(d.dbPath())), "");
  ASSERT_EQ(http.patch("/api/v1/skills/cards", R"({"name":{"en":"Card services!"}})", admin).status, 200);
  const std::string diff = diffSnapshots(a, snapshotDb(d.dbPath()));
  EXPECT_NE(diff.find("table skills changed"), std::string::npos) << diff;
  EXPECT_NE(diff.find("same count, different content"), std::string::npos) << diff;
  EXPECT_NE(diff.find("table audit changed"), std::string::npos) << diff;
  EXPECT_EQ(quickCheck(d.dbPath()), "ok");
}

}  // namespace
}  // namespace outpost::itest
