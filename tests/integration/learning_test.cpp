// The learning area against the real outpostd: demo courses signed with a test key and
// imported with outpostctl into the running site's data directory, then served over
// HTTP (range requests), quizzes scored and stored as evidence, self and supervisor
// assessments, the learning map with its reasons, the team report and the records.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ctl/ctl_run.h"
#include "integration/support/contacts.h"
#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {
namespace fs = std::filesystem;

// outpostctl through the shared runner (ctl/ctl_run.h): its output, and its exit code in `code`.
std::string run(const std::string& args, int* code) {
  CtlRun r = itest::ctl(args);
  *code = r.code;
  return r.output;
}

int64_t count(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t n = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

class LearningTest : public DemoSiteTest {
 protected:
  void SetUp() override {
    DemoSiteTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    work_ = fs::path(daemon_.dataDir()).parent_path() / ("learning-src-" + std::to_string(::getpid()));
    fs::remove_all(work_);
    const char* src = std::getenv("OUTPOST_SOURCE_DIR");
    ASSERT_NE(src, nullptr);
    int code = 0;
    std::string out = run("keys generate --id hq-content --out " + (work_ / "keys").string(), &code);
    ASSERT_EQ(code, 0) << out;
    std::string dirs;
    for (const char* id : {"calm-angry-customer", "explaining-fees"}) {
      const fs::path dir = work_ / id;
      fs::copy(fs::path(src) / "content" / "demo" / id, dir, fs::copy_options::recursive);
      // A small "video" so range requests have something to cut.
      fs::create_directories(dir / "media");
      std::string video(100000, '\0');
      for (size_t i = 0; i < video.size(); ++i) video[i] = static_cast<char>(i * 7 % 251);
      FILE* f = std::fopen((dir / "media" / "intro.mp4").c_str(), "wb");
      ASSERT_NE(f, nullptr);
      std::fwrite(video.data(), 1, video.size(), f);
      std::fclose(f);
      video_ = video;
      out = run("package seal " + dir.string(), &code);
      ASSERT_EQ(code, 0) << out;
      out = run("package sign --key " + (work_ / "keys" / "hq-content.key").string() + " --key-id hq-content " +
                    dir.string(),
                &code);
      ASSERT_EQ(code, 0) << out;
      dirs += " " + dir.string();
    }
    out = run("content import --data-dir " + daemon_.dataDir() + " --trust " +
                  (work_ / "keys" / "hq-content.pub").string() + dirs,
              &code);
    ASSERT_EQ(code, 0) << out;
  }
  void TearDown() override { fs::remove_all(work_); }

  fs::path work_;
  std::string video_;
};

TEST_F(LearningTest, CoursesAndFilesWithRangeRequests) {
  Response r = http().get("/api/v1/learning/courses", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  auto items = r.array("items");
  ASSERT_EQ(items->size(), 2u);
  auto calm = items->getObject(0);
  EXPECT_EQ(calm->getValue<std::string>("id"), "calm-angry-customer");
  EXPECT_EQ(calm->getObject("title")->getValue<std::string>("zh-CN"), "安抚愤怒的客户");
  // Quizzes go out without their answers.
  EXPECT_EQ(r.body.find("\"correct\""), std::string::npos);

  r = http().get("/api/v1/learning/courses/calm-angry-customer/file?path=lessons/calm-1.zh.md", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.content_type.rfind("text/markdown", 0), 0u) << r.content_type;
  EXPECT_NE(r.body.find("先处理情绪"), std::string::npos);

  const std::string media = "/api/v1/learning/courses/calm-angry-customer/file?path=media/intro.mp4";
  r = http().request("GET", media, "", agent_, {{"Range", "bytes=1000-1999"}});
  ASSERT_TRUE(hasStatus(r, 206));
  EXPECT_EQ(r.header("Content-Range"), "bytes 1000-1999/100000");
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.body, video_.substr(1000, 1000));
  r = http().request("GET", media, "", agent_, {{"Range", "bytes=-10"}});
  ASSERT_TRUE(hasStatus(r, 206));
  EXPECT_EQ(r.body, video_.substr(99990));
  r = http().request("GET", media, "", agent_, {{"Range", "bytes=100000-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("Content-Range"), "bytes */100000");
  r = http().get(media, agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.body.size(), 100000u);
  EXPECT_EQ(r.body, video_);
  EXPECT_EQ(r.content_type, "video/mp4");
  EXPECT_EQ(r.header("ETag").size(), 66u);

  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/courses/calm-angry-customer/file?path=nope.md", agent_), 404));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/courses/nope", agent_), 404));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/courses", ""), 401));
}

TEST_F(LearningTest, QuizAttemptsAreScoredStoredAndBecomeEvidence) {
  const std::string path = "/api/v1/learning/courses/explaining-fees/quizzes/explaining-fees-quiz/attempts";
  Response r = http().post(path, R"({"answers": {"q1": [1], "q2": [0]}})", agent_);
  ASSERT_TRUE(hasStatus(r, 201));
  EXPECT_EQ(r.json->getValue<bool>("passed"), false);
  EXPECT_EQ(intField(r.json, "points"), 0);
  r = http().post(path, R"({"answers": {"q1": [0], "q2": [1], "q3": [2, 1, 0], "q4": [1]}})", agent_);
  ASSERT_TRUE(hasStatus(r, 201));
  EXPECT_EQ(r.json->getValue<bool>("passed"), true);
  EXPECT_EQ(intField(r.json, "points"), 4);
  EXPECT_DOUBLE_EQ(r.json->getValue<double>("evidence_score"), 5.0);
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM quiz_attempts WHERE agent_id = 'a01'"), 2);
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM learning_observations WHERE source = 'quiz'"), 4);

  // Bad answers name the place; nothing is stored.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": {"q1": [9]}})", agent_), 400, "/answers/q1/0"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": {"q1": ["a"]}})", agent_), 400, "/answers/q1/0"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": {"zz": [0]}})", agent_), 400, "/answers/zz"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": [1]})", agent_), 400, "/answers"));
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": {}, "extra": 1})", agent_), 400, "/extra"));
  EXPECT_TRUE(isProblem(
      http().post("/api/v1/learning/courses/explaining-fees/quizzes/nope/attempts", R"({"answers": {}})", agent_),
      404));
  // A supervisor does not work as an agent: no quiz attempts.
  EXPECT_TRUE(isProblem(http().post(path, R"({"answers": {}})", supervisor_), 403));
  EXPECT_DB_UNCHANGED(before);

  // The records: one failed and one passed statement.
  r = http().get("/api/v1/learning/agents/a01/statements", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  auto st = r.array("statements");
  ASSERT_EQ(st->size(), 2u);
  EXPECT_NE(r.body.find("http://adlnet.gov/expapi/verbs/passed"), std::string::npos);
  EXPECT_NE(r.body.find("http://adlnet.gov/expapi/verbs/failed"), std::string::npos);
  EXPECT_NE(r.body.find("\"version\":\"1.0.3\""), std::string::npos);
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/agents/a02/statements", agent_), 403));

  // Points: a failed attempt (2) and a perfect pass (20 + 10), one learning day.
  r = http().get("/api/v1/learning/agents/a01/progress", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(intField(r.json, "points"), 32);
  EXPECT_EQ(intField(r.json, "streak_days"), 1);
  EXPECT_NE(r.body.find("quiz-ace"), std::string::npos);
  r = http().get("/api/v1/learning/teams/team-a/leaderboard", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.array("items")->getObject(0)->getValue<std::string>("agent"), "a01");
  ASSERT_TRUE(hasStatus(http().put("/api/v1/learning/me/leaderboard", R"({"hidden": true})", agent_), 200));
  r = http().get("/api/v1/learning/teams/team-a/leaderboard", supervisor_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.body.find("\"a01\""), std::string::npos) << r.body;
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/teams/team-b/leaderboard", agent_), 403));
  EXPECT_TRUE(isProblem(http().put("/api/v1/learning/me/leaderboard", R"({"hidden": 1})", agent_), 400, "/hidden"));
}

TEST_F(LearningTest, DrillRepliesAreScoredWithFeedback) {
  const std::string path = "/api/v1/learning/courses/calm-angry-customer/drills/calm-drill/attempts";
  Response r = http().post(path, R"({"replies": ["非常抱歉让您久等了,我理解您的心情。", "That's not our problem though."],
                                     "seconds": 90})",
                           agent_);
  ASSERT_TRUE(hasStatus(r, 201));
  EXPECT_NEAR(r.json->getValue<double>("fraction"), 1.0 / 3, 1e-9);
  EXPECT_EQ(r.array("missed")->size(), 1u);
  EXPECT_EQ(r.array("avoid_used")->size(), 1u);
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM learning_observations WHERE source = 'drill'"), 3);
  EXPECT_TRUE(isProblem(http().post(path, R"({"replies": "hi", "seconds": 1})", agent_), 400, "/replies"));
  EXPECT_TRUE(isProblem(http().post("/api/v1/learning/courses/calm-angry-customer/drills/nope/attempts",
                                    R"({"replies": [], "seconds": 1})", agent_),
                        404));
}

TEST_F(LearningTest, AssessmentsDriveTheMapAndTheTeamReport) {
  // a01 rates their affinity low; the supervisor agrees and rates the team.
  Response r = http().post("/api/v1/learning/agents/a01/assessments",
                           R"({"source": "self", "answers": {"affinity-1": 2, "affinity-2": 3, "affinity-3": 2,
                               "expression-1": 5, "expression-2": 4}})",
                           agent_);
  ASSERT_TRUE(hasStatus(r, 201));
  EXPECT_NEAR(objField(r.json, "items")->getValue<double>("affinity"), 7.0 / 3, 1e-9);
  for (const char* a : {"a01", "a02", "a03", "a04"}) {
    const bool first = std::string(a) == "a01";
    r = http().post(std::string("/api/v1/learning/agents/") + a + "/assessments",
                    std::string(R"({"source": "supervisor", "answers": {"affinity-1": )") + (first ? "2" : "4") +
                        R"(, "interpersonal-1": 3, "business-knowledge-1": 5}})",
                    supervisor_);
    ASSERT_TRUE(hasStatus(r, 201));
  }
  // Every assessment is an xAPI statement too: one self-assessment, four supervisor ones.
  EXPECT_EQ(count(daemon_.dbPath(),
                  "SELECT count(*) FROM xapi_statements WHERE agent_id = 'a01' AND verb LIKE '%/responded'"),
            1);
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM xapi_statements WHERE verb LIKE '%/scored'"), 4);
  // Only the agent assesses themself; only supervisors assess as supervisor.
  EXPECT_TRUE(isProblem(http().post("/api/v1/learning/agents/a02/assessments",
                                    R"({"source": "self", "answers": {"affinity-1": 3}})", agent_),
                        403));
  EXPECT_TRUE(isProblem(http().post("/api/v1/learning/agents/a01/assessments",
                                    R"({"source": "supervisor", "answers": {"affinity-1": 3}})", agent_),
                        403));
  EXPECT_TRUE(isProblem(http().post("/api/v1/learning/agents/a01/assessments",
                                    R"({"source": "self", "answers": {"affinity-1": 6}})", agent_),
                        400, "/answers/affinity-1"));
  EXPECT_TRUE(isProblem(http().post("/api/v1/learning/agents/a01/assessments",
                                    R"({"source": "peer", "answers": {"affinity-1": 3}})", agent_),
                        400, "/source"));

  r = http().get("/api/v1/learning/me/map", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  auto weak = r.array("weak_items");
  ASSERT_GE(weak->size(), 2u) << r.body;
  EXPECT_EQ(weak->getObject(0)->getValue<std::string>("item"), "affinity");
  EXPECT_EQ(weak->getObject(1)->getValue<std::string>("item"), "interpersonal");
  auto steps = r.array("steps");
  ASSERT_GE(steps->size(), 3u) << r.body;
  auto first = steps->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("course"), "calm-angry-customer");
  EXPECT_EQ(first->getValue<std::string>("kind"), "lesson");
  auto reason = first->getArray("reasons")->getObject(0);
  EXPECT_EQ(reason->getValue<std::string>("kind"), "below_threshold");
  EXPECT_NE(reason->getObject("text")->getValue<std::string>("zh-CN").find("亲和力"), std::string::npos);
  // Done lessons leave the map.
  ASSERT_TRUE(hasStatus(http().post("/api/v1/learning/courses/calm-angry-customer/lessons/calm-1/complete", "", agent_),
                        204));
  r = http().get("/api/v1/learning/agents/a01/map", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.body.find("\"ref\":\"calm-1\""), std::string::npos);
  EXPECT_NE(r.body.find("\"ref\":\"calm-2\""), std::string::npos);
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/agents/a02/map", agent_), 403));

  r = http().get("/api/v1/learning/teams/team-a/report", supervisor_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_DOUBLE_EQ(objField(r.json, "items")->getValue<double>("interpersonal"), 3.0);
  auto group = objField(r.json, "group_plan");
  ASSERT_TRUE(group);
  EXPECT_EQ(group->getArray("items")->getObject(0)->getValue<std::string>("item"), "interpersonal");
  r = http().get("/api/v1/learning/teams/team-a/report?before=0", supervisor_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_DOUBLE_EQ(objField(objField(r.json, "before_after"), "interpersonal")->getValue<double>("after"), 3.0);
  EXPECT_TRUE(objField(objField(r.json, "before_after"), "interpersonal")->isNull("before"));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/teams/team-a/report?before=yesterday", supervisor_), 400, "",
                        "?before"));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/teams/team-a/report", agent_), 403));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/teams/nobody/report", supervisor_), 404));
  r = http().get("/api/v1/learning/framework", agent_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.array("dimensions")->size(), 3u);
}

// The map's newer reasons: a quiz question missed twice (the latest attempt included) is
// a frequent error; a T4 agent sees the skills T3 needs (complaint contacts reach T3 after
// 30 s, never T4: the queues' skills) with the courses that train them; passing the
// course adds the missing skill as a practice skill, audited.
TEST_F(LearningTest, MapShowsFrequentErrorsNextTierAndPassingRaisesPractice) {
  const std::string a12 = loginDemo(http(), daemon_, "agent12");
  ASSERT_FALSE(a12.empty());
  const std::string quiz = "/api/v1/learning/courses/explaining-fees/quizzes/explaining-fees-quiz/attempts";
  for (int i = 0; i < 2; ++i) {
    Response r = http().post(quiz, R"({"answers": {"q1": [1], "q2": [1], "q3": [2, 1, 0], "q4": [1]}})", a12);
    ASSERT_TRUE(hasStatus(r, 201));
    EXPECT_TRUE(r.json->getValue<bool>("passed"));  // 3 of 4
  }
  Response r = http().get("/api/v1/learning/me/map", a12);
  ASSERT_TRUE(hasStatus(r, 200));
  auto errors = r.array("frequent_errors");
  ASSERT_EQ(errors->size(), 1u) << r.body;
  EXPECT_EQ(errors->getObject(0)->getValue<std::string>("point"), "q1");
  EXPECT_EQ(intField(errors->getObject(0), "misses"), 2);
  EXPECT_NE(r.body.find("\"kind\":\"frequent_error\""), std::string::npos);
  auto tier = r.array("next_tier");
  ASSERT_EQ(tier->size(), 1u) << r.body;
  EXPECT_EQ(tier->getObject(0)->getValue<std::string>("skill"), "wealth");
  EXPECT_EQ(intField(tier->getObject(0), "tier"), 3);
  EXPECT_EQ(intField(tier->getObject(0), "required"), 2);
  EXPECT_NE(r.body.find("Tier T3 needs Wealth management at level 2; you do not have it yet"), std::string::npos);
  EXPECT_NE(r.body.find("\"skill\":\"wealth\""), std::string::npos);  // explaining-fees trains it

  // Passing: the quiz passed already; reading both lessons completes the course.
  for (const char* lesson : {"fees-1", "fees-2"}) {
    ASSERT_TRUE(hasStatus(
        http().post("/api/v1/learning/courses/explaining-fees/lessons/" + std::string(lesson) + "/complete", "", a12),
        204));
  }
  r = http().get("/api/v1/agents/a12", admin_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_NE(r.body.find("\"practice_skills\":[\"english\",\"wealth\"]"), std::string::npos) << r.body;
  EXPECT_EQ(count(daemon_.dbPath(),
                  "SELECT count(*) FROM audit WHERE action = 'learning-promotion' AND entity_id = 'a12'"),
            1);
  // Passing again changes nothing more.
  r = http().post(quiz, R"({"answers": {"q1": [0], "q2": [1], "q3": [2, 1, 0], "q4": [1]}})", a12);
  ASSERT_TRUE(hasStatus(r, 201));
  EXPECT_TRUE(r.json->isNull("routing"));
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM audit WHERE action = 'learning-promotion'"), 1);
  // The fixed question is no longer a frequent error.
  r = http().get("/api/v1/learning/me/map", a12);
  EXPECT_EQ(r.array("frequent_errors")->size(), 0u);

  // Before/after for the agent: nothing was scored before, so no deltas yet; what was done since.
  r = http().get("/api/v1/learning/agents/a12/report?before=0", a12);
  ASSERT_TRUE(hasStatus(r, 200));
  auto items = r.json->getObject("items");
  ASSERT_TRUE(items && items->has("business-knowledge")) << r.body;
  EXPECT_TRUE(items->getObject("business-knowledge")->isNull("before"));
  EXPECT_EQ(intField(r.json->getObject("since_before"), "lessons"), 2);
  EXPECT_EQ(intField(r.json->getObject("since_before"), "quizzes_passed"), 3);
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/agents/a01/report?before=0", a12), 403));
  EXPECT_TRUE(isProblem(http().get("/api/v1/learning/agents/a12/report", a12), 400));
}

// learning.on_pass = level: passing a course raises the agent's level in its skills to
// learning.on_pass_level (never lowers it), audited; routing sees the new level.
class LearningLevelTest : public LearningTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "learning.on_pass=level", "--set", "learning.on_pass_level=3"};
    return o;
  }
};

TEST_F(LearningLevelTest, PassingACourseRaisesTheSkillLevel) {
  const std::string a12 = loginDemo(http(), daemon_, "agent12");  // account 1, cards 1
  ASSERT_FALSE(a12.empty());
  for (const char* lesson : {"fees-1", "fees-2"}) {
    ASSERT_TRUE(hasStatus(
        http().post("/api/v1/learning/courses/explaining-fees/lessons/" + std::string(lesson) + "/complete", "", a12),
        204));
  }
  Response r = http().post("/api/v1/learning/courses/explaining-fees/quizzes/explaining-fees-quiz/attempts",
                           R"({"answers": {"q1": [0], "q2": [1], "q3": [2, 1, 0], "q4": [1]}})", a12);
  ASSERT_TRUE(hasStatus(r, 201));
  auto routing = r.json->getObject("routing");
  ASSERT_TRUE(routing) << r.body;
  EXPECT_EQ(routing->getArray("levels_raised")->size(), 2u);  // account 1 → 3, wealth 0 → 3
  r = http().get("/api/v1/agents/a12", admin_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_NE(r.body.find(R"({"level":3,"skill":"account"})"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"({"level":3,"skill":"wealth"})"), std::string::npos) << r.body;
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM agent_skills WHERE agent_id = 'a12' AND level = 3"), 2);
  EXPECT_EQ(count(daemon_.dbPath(), "SELECT count(*) FROM audit WHERE action = 'learning-promotion'"), 1);
}

}  // namespace
}  // namespace outpost::itest
