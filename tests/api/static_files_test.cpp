// StaticFiles: the built agent desktop served from a folder — content types, cache
// headers, the single-page app fallback, and no way out of the folder.

#include "api/static_files.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace outpost::api {
namespace {

namespace fs = std::filesystem;

std::string header(const Reply& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "outpost-static-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base_ = pattern;
    root_ = base_ / "dist";
    fs::create_directories(root_ / "assets");
    write(root_ / "index.html", "<!doctype html><title>app</title>");
    write(root_ / "assets/app-1234.js", "console.log(1)");
    write(root_ / "assets/app-1234.css", "body{}");
    write(root_ / "favicon.png", std::string("\x89PNG\0", 5));
    write(root_ / ".secret", "no");
    write(base_ / "outside.txt", "secret");
    fs::create_symlink(base_ / "outside.txt", root_ / "link.txt");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(base_, ec);
  }
  static void write(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
  }
  fs::path base_, root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndCacheHeaders) {
  StaticFiles files(root_.string());
  auto js = files.serve("/assets/app-1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->content_type, "text/javascript");
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(header(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  auto css = files.serve("/assets/app-1234.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->content_type, "text/css");
  auto png = files.serve("/favicon.png");
  ASSERT_TRUE(png);
  EXPECT_EQ(png->content_type, "image/png");
  EXPECT_EQ(png->body.size(), 5u);
  EXPECT_EQ(header(*png, "Cache-Control"), "no-cache");
  auto index = files.serve("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->content_type, "text/html");
  EXPECT_EQ(header(*index, "Cache-Control"), "no-cache");
  EXPECT_NE(header(*index, "Content-Security-Policy"), "");
}

TEST_F(StaticFilesTest, AppRoutesGetIndexMissingFilesGet404) {
  StaticFiles files(root_.string());
  for (const char* route : {"/agent", "/supervisor", "/admin/users"}) {
    auto r = files.serve(route);
    ASSERT_TRUE(r) << route;
    EXPECT_EQ(r->status, 200) << route;
    EXPECT_EQ(r->body, "<!doctype html><title>app</title>") << route;
  }
  for (const char* other : {"/no-such-page", "/agentx", "/favicon"}) {
    auto r = files.serve(other);
    ASSERT_TRUE(r) << other;
    EXPECT_EQ(r->status, 404) << other;
  }
  auto missing = files.serve("/assets/gone-1.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->content_type, "application/problem+json");
}

TEST_F(StaticFilesTest, NoWayOutOfTheFolder) {
  StaticFiles files(root_.string());
  for (const char* bad : {"/../outside.txt", "/assets/../../outside.txt", "/./index.html", "/.secret", "/link.txt",
                          "//etc/passwd", "/assets\\..\\x.js", "relative.js"}) {
    auto r = files.serve(bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 404) << bad;
    EXPECT_EQ(r->content_type, "application/problem+json") << bad;
  }
}

TEST_F(StaticFilesTest, ApiPathsAreNotStaticAndEmptyRootServesNothing) {
  EXPECT_FALSE(StaticFiles::handles("/api/v1/auth/me"));
  EXPECT_FALSE(StaticFiles::handles("/healthz"));
  EXPECT_FALSE(StaticFiles::handles("/readyz"));
  EXPECT_TRUE(StaticFiles::handles("/agent"));
  StaticFiles none("");
  EXPECT_FALSE(none.enabled());
  EXPECT_FALSE(none.serve("/"));
  EXPECT_EQ(StaticFiles::contentType("x.woff2"), "font/woff2");
  EXPECT_EQ(StaticFiles::contentType("x.unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace outpost::api
