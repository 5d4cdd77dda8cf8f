#include "storage/content_cache.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

#include "signing/ed25519.h"
#include "signing/package.h"
#include "storage/migrations.h"
#include "storage/storage_test_util.h"

namespace outpost::storage {
namespace {
namespace fs = std::filesystem;
using test_util::openOrDie;
using test_util::scalar;
using test_util::TempDir;

std::string manifest(const std::string& id, int version, const std::string& extra_lesson_file = "") {
  return R"({"kind": "content", "id": ")" + id + R"(", "version": )" + std::to_string(version) + R"(,
  "title": {"zh-CN": "安抚客户", "en": "Calming customers"},
  "items": ["soothing", "affinity"], "minutes": 10,
  "lessons": [{"id": "l1", "title": {"zh-CN": "第一课", "en": "Lesson one"}, "format": "markdown", "minutes": 5,
               "files": {"zh-CN": "l1.zh.md", "en": "l1.en.md"},
               "media": [{"path": "media/clip.bin", "type": "video/mp4"}]})" +
         extra_lesson_file + R"(],
  "quizzes": [{"id": "quiz", "title": {"zh-CN": "测验", "en": "Quiz"}, "pass_mark": 0.5,
               "questions": [{"id": "q1", "prompt": {"zh-CN": "先做什么?", "en": "What first?"},
                              "options": [{"zh-CN": "争辩", "en": "Argue"},
                                          {"zh-CN": "倾听", "en": "Listen", "correct": true}]}]}],
  "files": []})";
}

class ContentCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = openOrDie(dir_.file("outpost.db"));
    ASSERT_TRUE(migrate(*db_, outpostMigrations()).isOk());
    auto k = signing::generateKeyPair();
    ASSERT_TRUE(k.isOk());
    key_ = *k;
    ASSERT_TRUE(trust_.add("hq-content", key_.public_b64).isOk());
    cache_ = std::make_unique<ContentCache>(ContentCacheOptions{dir_.file("content"), 1'000'000, {}},
                                            learning::defaultFramework(), clock_);
    ASSERT_TRUE(cache_->open(*db_).isOk());
  }

  // Writes a package directory; `media` sets the clip's bytes (its size).
  std::string makePackage(const std::string& id, int version, const std::string& media = "clip-bytes",
                          const std::string& manifest_text = "") {
    const std::string dir = dir_.file("src-" + id + "-" + std::to_string(version) + "-" + std::to_string(++n_));
    fs::create_directories(dir + "/media");
    std::ofstream(dir + "/manifest.json") << (manifest_text.empty() ? manifest(id, version) : manifest_text);
    std::ofstream(dir + "/l1.zh.md") << "# 第一课\n先处理情绪,再处理事情。\n";
    std::ofstream(dir + "/l1.en.md") << "# Lesson one\nFeelings first, then facts. v" << version << "\n";
    std::ofstream(dir + "/media/clip.bin", std::ios::binary) << media;
    EXPECT_TRUE(signing::sealPackageDir(dir).isOk());
    Status s = signing::signPackageDir(dir, key_.private_pem, "hq-content");
    EXPECT_TRUE(s.isOk()) << s.toString();
    return dir;
  }
  Result<ImportReport> import(const std::string& dir) { return cache_->importDir(*db_, dir, trust_); }

  TempDir dir_;
  SimulatedClock clock_;
  std::unique_ptr<Database> db_;
  signing::KeyPair key_;
  signing::TrustStore trust_;
  std::unique_ptr<ContentCache> cache_;
  int n_ = 0;
};

TEST_F(ContentCacheTest, ImportsAndServesVerifiedFiles) {
  auto r = import(makePackage("calm", 1));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->id, "calm");
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->files, 3u);
  auto courses = cache_->courses(*db_);
  ASSERT_TRUE(courses.isOk()) << courses.status().toString();
  ASSERT_EQ(courses->size(), 1u);
  EXPECT_EQ((*courses)[0].title.zh, "安抚客户");
  EXPECT_EQ((*courses)[0].quizzes[0].questions[0].correct, std::vector<int>{1});
  auto f = cache_->file(*db_, "calm", "media/clip.bin");
  ASSERT_TRUE(f.isOk()) << f.status().toString();
  EXPECT_EQ(f->size, 10u);
  std::ifstream in(f->disk_path, std::ios::binary);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "clip-bytes");
  EXPECT_EQ(cache_->file(*db_, "calm", "nope.md").status().code(), StatusCode::kNotFound);
}

TEST_F(ContentCacheTest, RefusesTamperedTruncatedAndWronglySignedPackages) {
  std::string dir = makePackage("calm", 1);
  std::ofstream(dir + "/l1.en.md", std::ios::app) << "extra";
  auto r = import(dir);
  EXPECT_EQ(r.status().where(), "l1.en.md");
  EXPECT_NE(r.status().message().find("bytes"), std::string::npos);

  dir = makePackage("calm", 1);
  { std::ofstream(dir + "/media/clip.bin", std::ios::binary) << "clip-bytez"; }  // same size, other bytes
  r = import(dir);
  EXPECT_EQ(r.status().where(), "media/clip.bin");
  EXPECT_EQ(r.status().message(), "SHA-256 does not match the manifest");

  dir = makePackage("calm", 1);
  fs::resize_file(dir + "/media/clip.bin", 4);  // truncated
  EXPECT_EQ(import(dir).status().where(), "media/clip.bin");

  dir = makePackage("calm", 1);
  auto other = signing::generateKeyPair();
  ASSERT_TRUE(signing::signPackageDir(dir, other->private_pem, "hq-content").isOk());
  r = import(dir);
  EXPECT_EQ(r.status().where().rfind("manifest.sig", 0), 0u) << r.status().toString();

  dir = makePackage("calm", 1);
  ASSERT_TRUE(signing::signPackageDir(dir, key_.private_pem, "stranger").isOk());
  EXPECT_EQ(import(dir).status().where().rfind("manifest.sig", 0), 0u);

  // Nothing of the refused packages is stored.
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM content_packages"), 0);
  EXPECT_EQ(*cache_->usedBytes(*db_), 0u);
  size_t objects = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_.file("content/objects"))) objects += e.is_regular_file();
  EXPECT_EQ(objects, 0u);
}

TEST_F(ContentCacheTest, ManifestErrorsNameTheField) {
  std::string text = manifest("calm", 1);
  text.replace(text.find("\"soothing\""), 10, "\"juggling\"");
  auto r = import(makePackage("calm", 1, "x", text));
  EXPECT_EQ(r.status().where(), "manifest.json /items/0") << r.status().toString();
  text = manifest("calm", 1);
  text.replace(text.find("media/clip.bin"), 14, "media/gone.bin");
  r = import(makePackage("calm", 1, "x", text));
  EXPECT_EQ(r.status().where(), "manifest.json /lessons/0/media/0/path") << r.status().toString();
  text = manifest("calm", 1);
  text.replace(text.find("\"correct\": true"), 15, "\"correct\": false");
  r = import(makePackage("calm", 1, "x", text));
  EXPECT_EQ(r.status().where(), "manifest.json /quizzes/0/questions/0/correct") << r.status().toString();
  text = manifest("calm", 1);
  text.replace(text.find("\"minutes\": 10"), 13, "\"minutes\": 10, \"colour\": 1");
  r = import(makePackage("calm", 1, "x", text));
  EXPECT_EQ(r.status().where(), "manifest.json /colour") << r.status().toString();
  text = manifest("calm", 1);
  text.replace(text.find("\"content\""), 9, "\"rules\"");
  r = import(makePackage("calm", 1, "x", text));
  EXPECT_EQ(r.status().where(), "/kind") << r.status().toString();
}

TEST_F(ContentCacheTest, VersionsOnlyGoUpAndOldFilesGo) {
  ASSERT_TRUE(import(makePackage("calm", 2, "old-media")).isOk());
  auto r = import(makePackage("calm", 2, "new-media"));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().where(), "manifest.json /version");
  r = import(makePackage("calm", 1, "new-media"));
  EXPECT_NE(r.status().message().find("not newer than the installed version 2"), std::string::npos);
  r = import(makePackage("calm", 3, "new-media"));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->previous_version, 2);
  EXPECT_EQ(cache_->package(*db_, "calm")->version, 3);
  // The zh lesson is shared; the old English lesson and clip are gone.
  EXPECT_EQ(scalar(*db_, "SELECT count(*) FROM content_blobs"), 3);
  size_t objects = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_.file("content/objects"))) objects += e.is_regular_file();
  EXPECT_EQ(objects, 3u);
}

TEST_F(ContentCacheTest, QuotaEvictsLeastRecentlyUsedButNeverPinned) {
  cache_ = std::make_unique<ContentCache>(ContentCacheOptions{dir_.file("content"), 650, {}},
                                          learning::defaultFramework(), clock_);
  const std::string big(200, 'a');
  ASSERT_TRUE(import(makePackage("a", 1, big + "1")).isOk());
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(import(makePackage("b", 1, big + "2")).isOk());
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(cache_->pin(*db_, "a", "agent-1").isOk());  // a is oldest but pinned
  auto r = import(makePackage("c", 1, big + "3"));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->evicted, std::vector<std::string>{"b"});
  EXPECT_LE(*cache_->usedBytes(*db_), 650u);
  EXPECT_TRUE(cache_->package(*db_, "a")->present);
  EXPECT_FALSE(cache_->package(*db_, "b")->present);
  EXPECT_TRUE(cache_->file(*db_, "a", "media/clip.bin").isOk());
  EXPECT_EQ(cache_->file(*db_, "b", "media/clip.bin").status().code(), StatusCode::kFailedPrecondition);
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(cache_->pin(*db_, "c", "agent-1").isOk());
  // Now a and c are pinned (~500 bytes): a package of 300 bytes does not fit.
  r = import(makePackage("d", 1, std::string(300, 'd')));
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().toString();
  EXPECT_NE(r.status().message().find("pinned"), std::string::npos);
  // Unpinned, it fits by evicting c.
  ASSERT_TRUE(cache_->unpin(*db_, "c", "agent-1").isOk());
  r = import(makePackage("d", 1, std::string(300, 'd')));
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->evicted, std::vector<std::string>{"c"});
  EXPECT_TRUE(cache_->package(*db_, "a")->present);
}

TEST_F(ContentCacheTest, ServedFilesAreVerified) {
  ASSERT_TRUE(import(makePackage("calm", 1)).isOk());
  auto q = db_->query("SELECT sha256 FROM content_files WHERE path = 'media/clip.bin'");
  ASSERT_TRUE(q->step().isOk());
  const std::string sha = q->columnText(0);
  {
    std::ofstream out(dir_.file("content/objects/" + sha.substr(0, 2) + "/" + sha), std::ios::binary);
    out << "clip-bytez";
  }
  auto f = cache_->file(*db_, "calm", "media/clip.bin");
  EXPECT_EQ(f.status().code(), StatusCode::kDataLoss) << f.status().toString();
}

TEST_F(ContentCacheTest, KillDuringImportLeavesTheOldPackage) {
  ASSERT_TRUE(import(makePackage("calm", 1, "old-media")).isOk());
  const std::string v2 = makePackage("calm", 2, "new-media");
  for (size_t kill_after : {0u, 1u}) {
    db_.reset();
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto db = Database::open(dir_.file("outpost.db"));
      ContentCacheOptions o{dir_.file("content"), 1'000'000, [&](size_t i) {
                              if (i >= kill_after) ::raise(SIGKILL);
                            }};
      ContentCache cache(o, learning::defaultFramework(), clock_);
      (void)cache.importDir(**db, v2, trust_);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    db_ = openOrDie(dir_.file("outpost.db"));
    ASSERT_TRUE(cache_->open(*db_).isOk());
    EXPECT_EQ(cache_->package(*db_, "calm")->version, 1);
    auto f = cache_->file(*db_, "calm", "media/clip.bin");
    ASSERT_TRUE(f.isOk()) << f.status().toString();
    EXPECT_EQ(f->size, 9u);
    size_t objects = 0;
    for (auto& e : fs::recursive_directory_iterator(dir_.file("content/objects"))) objects += e.is_regular_file();
    EXPECT_EQ(objects, 3u);  // the half-imported version's files are gone
  }
  auto r = import(v2);
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(cache_->package(*db_, "calm")->version, 2);
}

}  // namespace
}  // namespace outpost::storage
