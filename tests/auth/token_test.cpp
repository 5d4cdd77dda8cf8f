#include "auth/token.h"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace outpost::auth {
namespace {

bool isBase64Url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

TEST(Token, HasLength43AndBase64UrlAlphabet) {
  for (int i = 0; i < 1000; ++i) {
    const std::string token = newToken();
    ASSERT_EQ(token.size(), 43u) << token;
    for (char c : token) ASSERT_TRUE(isBase64Url(c)) << token;
    EXPECT_TRUE(looksLikeToken(token)) << token;
  }
}

TEST(Token, UniqueOver10000) {
  std::unordered_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    EXPECT_TRUE(seen.insert(newToken()).second) << "duplicate token at " << i;
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(Token, LooksLikeTokenRejectsWrongShapes) {
  const std::string good = newToken();
  EXPECT_TRUE(looksLikeToken(std::string(43, 'A')));
  EXPECT_TRUE(looksLikeToken(std::string(42, '-') + "_"));
  EXPECT_FALSE(looksLikeToken(""));
  EXPECT_FALSE(looksLikeToken(good.substr(0, 42)));
  EXPECT_FALSE(looksLikeToken(good + "A"));
  EXPECT_FALSE(looksLikeToken(good + "="));
  for (char bad : {'+', '/', '=', ' ', '.', '\0', '\n', '%'}) {
    std::string t = good;
    t[10] = bad;
    EXPECT_FALSE(looksLikeToken(t)) << static_cast<int>(bad);
  }
  std::string non_ascii = good.substr(0, 40) + "密";  // 3 bytes: still 43 bytes total
  ASSERT_EQ(non_ascii.size(), 43u);
  EXPECT_FALSE(looksLikeToken(non_ascii));
}

TEST(TokenDigest, Is64LowercaseHexAndStable) {
  const std::string token = newToken();
  const std::string digest = tokenDigest(token);
  ASSERT_EQ(digest.size(), 64u);
  for (char c : digest) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << digest;
  }
  EXPECT_EQ(tokenDigest(token), digest);
  EXPECT_NE(tokenDigest(newToken()), digest);
  EXPECT_NE(digest, token);
}

TEST(TokenDigest, KnownSha256Vectors) {
  EXPECT_EQ(tokenDigest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(tokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace outpost::auth
