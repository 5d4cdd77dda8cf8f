// Durability: a 2xx means committed. Over and over: write (sequentially, then a burst
// from two threads), kill -9 at a random moment, restart on the same data directory
// and check that every acknowledged write is there, that no refused write is, that
// each change came with its audit entry (same transaction), and that the database
// passes quick_check.
//
// OUTPOST_CRASH_ITERATIONS overrides the number of rounds (default 20).

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

int iterations() {
  const char* v = std::getenv("OUTPOST_CRASH_ITERATIONS");
  const int n = v ? std::atoi(v) : 20;
  return std::clamp(n, 1, 1000);
}

// What the daemon acknowledged (2xx), refused (an error reply) or left unanswered.
struct Ledger {
  std::mutex mutex;
  std::set<std::string> skills;                                    // acknowledged skill codes
  std::set<std::string> refused_skills;                            // answered with an error: must not exist
  std::map<std::string, std::string> agent_team;                   // agent id → last acknowledged team
  std::map<std::string, std::map<std::string, int>> agent_skills;  // agent → skill → level
  std::map<std::string, std::pair<std::string, std::string>> presence;  // agent → (state, reason)
  int unanswered = 0;
};

void expectOk(const Response& r, int status) { ASSERT_EQ(r.status, status) << r; }

// Every item of a list (follows next_after; bounded).
std::vector<Poco::JSON::Object::Ptr> listAll(const HttpClient& http, const std::string& path,
                                             const std::string& token) {
  std::vector<Poco::JSON::Object::Ptr> out;
  std::string after;
  for (int page = 0; page < 200; ++page) {
    const Response r = http.get(path + "?limit=200" + (after.empty() ? "" : "&after=" + after), token);
    if (r.status != 200 || !r.array("items")) {
      ADD_FAILURE() << r;
      return out;
    }
    auto items = r.array("items");
    for (size_t i = 0; i < items->size(); ++i) out.push_back(items->getObject(static_cast<unsigned>(i)));
    if (r.json->get("next_after").isEmpty()) return out;
    after = r.json->get("next_after").toString();
  }
  ADD_FAILURE() << "listing " << path << " did not end";
  return out;
}

void verify(const Daemon& daemon, Ledger& ledger, int round) {
  SCOPED_TRACE("after the kill in round " + std::to_string(round));
  HttpClient http(daemon);
  EXPECT_TRUE(hasStatus(http.get("/readyz"), 200));
  const std::string admin = loginDemo(http, daemon, "admin");
  ASSERT_FALSE(admin.empty());

  std::set<std::string> skills;
  for (const auto& s : listAll(http, "/api/v1/skills", admin)) skills.insert(strField(s, "code"));
  for (const auto& code : ledger.skills)
    EXPECT_TRUE(skills.count(code)) << "acknowledged skill lost: " << code;
  for (const auto& code : ledger.refused_skills)
    EXPECT_FALSE(skills.count(code)) << "refused skill exists: " << code;

  std::map<std::string, Poco::JSON::Object::Ptr> agents;
  for (const auto& a : listAll(http, "/api/v1/agents", admin)) agents[strField(a, "id")] = a;
  for (const auto& [id, team] : ledger.agent_team) {
    ASSERT_TRUE(agents.count(id)) << "acknowledged agent lost: " << id;
    EXPECT_EQ(strField(agents[id], "team"), team) << "agent " << id;
  }
  for (const auto& [id, levels] : ledger.agent_skills) {
    ASSERT_TRUE(agents.count(id)) << "acknowledged agent lost: " << id;
    std::map<std::string, int> have;
    auto arr = agents[id]->getArray("skills");
    for (size_t i = 0; i < arr->size(); ++i) {
      auto s = arr->getObject(static_cast<unsigned>(i));
      have[strField(s, "skill")] = s->getValue<int>("level");
    }
    EXPECT_EQ(have, levels) << "skills of agent " << id;
  }

  const Response presence = http.get("/api/v1/presence", admin);
  ASSERT_EQ(presence.status, 200) << presence;
  std::map<std::string, std::pair<std::string, std::string>> now;
  auto items = presence.array("items");
  for (size_t i = 0; i < items->size(); ++i) {
    auto p = items->getObject(static_cast<unsigned>(i));
    now[strField(p, "agent_id")] = {strField(p, "state"), strField(p, "reason")};
  }
  for (const auto& [id, want] : ledger.presence) {
    EXPECT_EQ(now[id], want) << "presence of " << id;
  }

  // Each skill create and its audit entry were one transaction: both or neither.
  const DbRows audited = queryDb(daemon.dbPath(),
                                 "SELECT entity_id FROM audit WHERE action = 'create' AND entity = 'skill' "
                                 "AND entity_id LIKE 'crash-%'");
  const DbRows stored = queryDb(daemon.dbPath(), "SELECT code FROM skills WHERE code LIKE 'crash-%'");
  ASSERT_TRUE(audited.error.empty() && stored.error.empty()) << audited.error << stored.error;
  std::set<std::string> audited_set, stored_set;
  for (const auto& r : audited.rows) audited_set.insert(r[0]);
  for (const auto& r : stored.rows) stored_set.insert(r[0]);
  EXPECT_EQ(audited_set, stored_set) << "skills and their audit entries disagree";
}

TEST(CrashTest, AcknowledgedWritesSurviveKill9) {
  OUTPOST_REQUIRE_DAEMON();
  const int rounds = iterations();
  const unsigned seed = static_cast<unsigned>(std::random_device{}());
  std::mt19937 rng(seed);
  RecordProperty("seed", static_cast<int>(seed));
  SCOPED_TRACE("random seed " + std::to_string(seed));

  Daemon daemon;
  ASSERT_TRUE(daemon.start());
  Ledger ledger;
  const std::vector<std::pair<std::string, std::string>> states = {
      {"ready", "<null>"}, {"not_ready", "break"}, {"offline", "<null>"}, {"not_ready", "training"}};

  for (int round = 0; round < rounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    HttpClient http(daemon);
    const std::string admin = loginDemo(http, daemon, "admin");
    const std::string agent = loginDemo(http, daemon, "agent01");
    ASSERT_FALSE(admin.empty() || agent.empty());
    const std::string r = std::to_string(round);

    // Sequential writes of every kind, each acknowledged before the next.
    const std::string skill = "crash-" + r + "-s";
    expectOk(
        http.post("/api/v1/skills",
                  R"({"code":")" + skill + R"(","name":{"zh":"崩溃测试)" + r + R"(","en":"Crash test"}})",
                  admin),
        201);
    ledger.skills.insert(skill);
    const std::string agent_id = "crash-agent-" + r;
    expectOk(http.post("/api/v1/agents",
                       R"({"id":")" + agent_id + R"(","name":{"zh":"测试员)" + r +
                           R"(","en":"Tester"},"tier":3,)" + R"("team":"t0","skills":[{"skill":")" + skill +
                           R"(","level":2}]})",
                       admin),
             201);
    ledger.agent_team[agent_id] = "t0";
    ledger.agent_skills[agent_id] = {{skill, 2}};
    expectOk(http.put("/api/v1/agents/" + agent_id + "/skills/cards", R"({"level":3})", admin), 200);
    ledger.agent_skills[agent_id]["cards"] = 3;
    const std::string demo_agent = (round % 12 + 1 < 10 ? "a0" : "a") + std::to_string(round % 12 + 1);
    expectOk(http.patch("/api/v1/agents/" + demo_agent, R"({"team":"round-)" + r + R"("})", admin), 200);
    ledger.agent_team[demo_agent] = "round-" + r;
    const auto& [state, reason] = states[static_cast<size_t>(round) % states.size()];
    const std::string body = reason == "<null>"
                                 ? R"({"state":")" + state + R"("})"
                                 : R"({"state":")" + state + R"(","reason":")" + reason + R"("})";
    expectOk(http.put("/api/v1/agents/a01/presence", body, agent), 200);
    ledger.presence["a01"] = {state, reason};
    expectOk(http.put("/api/v1/agents/" + demo_agent + "/presence", R"({"state":"ready"})", admin), 200);
    ledger.presence[demo_agent] = {"ready", "<null>"};
    if (HasFatalFailure()) return;

    // A burst from two threads, killed at a random moment.
    std::atomic<bool> stop{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < 2; ++w) {
      writers.emplace_back([&, w] {
        for (int k = 0; k < 500 && !stop.load(); ++k) {
          const std::string code = "crash-" + r + "-b" + std::to_string(w) + "-" + std::to_string(k);
          const Response resp = http.post(
              "/api/v1/skills", R"({"code":")" + code + R"(","name":{"zh":"突发","en":"Burst"}})", admin);
          std::lock_guard lock(ledger.mutex);
          if (resp.status == 201) {
            ledger.skills.insert(code);
          } else if (resp.status == 0) {
            ++ledger.unanswered;
            break;  // the daemon is gone
          } else {
            ledger.refused_skills.insert(code);
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(10, 150)(rng)));
    daemon.kill9();
    stop = true;
    for (auto& t : writers) t.join();

    // The files as the crash left them are a sound database.
    EXPECT_EQ(quickCheck(daemon.dbPath()), "ok");
    ASSERT_TRUE(daemon.restart());
    verify(daemon, ledger, round);
    if (HasFatalFailure()) return;
  }
  RecordProperty("acknowledged_skills", static_cast<int>(ledger.skills.size()));
  EXPECT_GT(ledger.skills.size(), static_cast<size_t>(rounds)) << "the bursts wrote nothing";
  EXPECT_EQ(daemon.stop(), 0) << daemon.stderrTail();
  EXPECT_EQ(quickCheck(daemon.dbPath()), "ok");
}

}  // namespace
}  // namespace outpost::itest
