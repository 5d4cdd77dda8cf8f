#include "signing/package.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "signing/digest.h"
#include "signing/ed25519.h"

namespace outpost::signing {
namespace {
namespace fs = std::filesystem;

class PackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("outpost-pkg-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "lib");
    auto k = generateKeyPair();
    ASSERT_TRUE(k.isOk());
    key_ = *k;
    ASSERT_TRUE(trust_.add("hq", key_.public_b64).isOk());
    write("manifest.json", R"({"kind": "rules", "id": "default", "version": 3, "entry": "main.lua", "files": []})");
    write("main.lua", "return {}\n");
    write("lib/util.lua", "-- 工具\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& rel, const std::string& bytes) {
    std::ofstream(dir_ / rel, std::ios::binary) << bytes;
  }
  std::string read(const std::string& rel) {
    std::ifstream in(dir_ / rel, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  void sealAndSign() {
    ASSERT_TRUE(sealPackageDir(dir_.string()).isOk());
    ASSERT_TRUE(signPackageDir(dir_.string(), key_.private_pem, "hq").isOk());
  }

  fs::path dir_;
  KeyPair key_;
  TrustStore trust_;
};

TEST_F(PackageTest, SealedAndSignedPackageVerifies) {
  sealAndSign();
  auto pkg = readPackageDir(dir_.string(), trust_);
  ASSERT_TRUE(pkg.isOk()) << pkg.status().toString();
  EXPECT_EQ(pkg->manifest.kind, "rules");
  EXPECT_EQ(pkg->manifest.id, "default");
  EXPECT_EQ(pkg->manifest.version, 3);
  EXPECT_EQ(pkg->manifest.key_id, "hq");
  ASSERT_EQ(pkg->manifest.files.size(), 2u);
  EXPECT_EQ(pkg->manifest.files[0].path, "lib/util.lua");
  EXPECT_EQ(pkg->files.at("main.lua"), "return {}\n");
  // The kind's own fields stay readable; unknown ones are the kind reader's call.
  codec::JsonReader r(pkg->manifest.json);
  VerifiedManifest again;
  readCommonFields(r, again);
  std::string entry;
  r.string("entry", entry, true);
  EXPECT_TRUE(r.finish().isOk());
  EXPECT_EQ(entry, "main.lua");
  EXPECT_TRUE(verifyPackageFiles(dir_.string(), pkg->manifest).isOk());
}

TEST_F(PackageTest, AnyChangeAfterSigningIsRefusedWithTheReason) {
  sealAndSign();
  write("main.lua", "os.exit()\n");
  auto changed = readPackageDir(dir_.string(), trust_);
  ASSERT_FALSE(changed.isOk());
  EXPECT_EQ(changed.status().where(), "main.lua");

  write("main.lua", "return {}\n");
  std::string m = read("manifest.json");
  m.replace(m.find("\"version\": 3"), 12, "\"version\": 4");
  write("manifest.json", m);
  auto bumped = readPackageDir(dir_.string(), trust_);
  ASSERT_FALSE(bumped.isOk());
  EXPECT_EQ(bumped.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(bumped.status().where().find("manifest.sig"), std::string::npos);

  fs::remove(dir_ / "manifest.sig");
  EXPECT_EQ(readPackageDir(dir_.string(), trust_).status().code(), StatusCode::kNotFound);
}

TEST_F(PackageTest, UntrustedSignerIsRefused) {
  sealAndSign();
  TrustStore other;
  auto k = generateKeyPair();
  ASSERT_TRUE(other.add("hq", k->public_b64).isOk());
  EXPECT_EQ(readPackageDir(dir_.string(), other).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(PackageTest, SignedButMalformedManifestsNameTheField) {
  auto check = [&](const std::string& manifest, const std::string& where) {
    auto sig = signMessage(key_.private_pem, manifest);
    ASSERT_TRUE(sig.isOk());
    auto m = verifyManifest(manifest, formatSignature({"hq", *sig}), trust_);
    ASSERT_FALSE(m.isOk()) << manifest;
    SCOPED_TRACE(manifest);
    EXPECT_EQ(m.status().where(), "manifest.json " + where) << m.status().toString();
  };
  const std::string h = sha256Hex("x");
  check(R"({"kind":"rules","id":"a","version":1,"files":[{"path":"../etc/passwd","size":1,"sha256":")" + h + "\"}]}",
        "/files/0/path");
  check(R"({"kind":"rules","id":"a","version":1,"files":[{"path":"/abs","size":1,"sha256":")" + h + "\"}]}",
        "/files/0/path");
  check(R"({"kind":"rules","id":"a","version":1,"files":[{"path":"a","size":1,"sha256":"zz"}]})",
        "/files/0/sha256");
  check(R"({"kind":"rules","id":"a","version":0,"files":[]})", "/version");
  check(R"({"kind":"virus","id":"a","version":1,"files":[]})", "/kind");
  check(R"({"kind":"rules","id":"a b","version":1,"files":[]})", "/id");
  check(R"({"kind":"rules","id":"a","version":1,"files":[{"path":"a","size":1,"sha256":")" + h +
            R"("},{"path":"a","size":1,"sha256":")" + h + "\"}]}",
        "/files/1/path");
  check(R"({"kind":"rules","id":"a","version":1,"files":[{"path":"a","size":-1,"sha256":")" + h + "\"}]}",
        "/files/0/size");
}

TEST(PackagePath, OnlySafeRelativePaths) {
  EXPECT_TRUE(isSafePackagePath("main.lua"));
  EXPECT_TRUE(isSafePackagePath("media/课程/1.mp4"));
  for (const char* bad : {"", "/x", "a/../b", "./a", "a//b", "a/", "manifest.json", "manifest.sig", "a\\b"}) {
    EXPECT_FALSE(isSafePackagePath(bad)) << bad;
  }
  EXPECT_FALSE(isSafePackagePath(std::string(256, 'a')));
}

}  // namespace
}  // namespace outpost::signing
