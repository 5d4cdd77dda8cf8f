#include "signing/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace outpost::signing {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encodeBase64(plain), encoded);
    const auto decoded = decodeBase64(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(i));
    const auto decoded = decodeBase64(encodeBase64(bytes));
    ASSERT_TRUE(decoded.has_value()) << i;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64, UrlVariantHasNoPaddingOrPlusSlash) {
  EXPECT_EQ(encodeBase64Url("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(encodeBase64("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(encodeBase64Url("f"), "Zg");
  EXPECT_EQ(encodeBase64Url("fo"), "Zm8");
  EXPECT_EQ(encodeBase64Url(std::string(32, '\0')).size(), 43u);
}

TEST(Base64, DecodeRejectsNonCanonicalInput) {
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Z===", "====", "Zh==", "Zm9=", "Zm9v\n",
                          " Zm9v", "Zm9v ", "Zm 9v", "Zm=v", "=Zm9", "-_-_", "Zm9v====",
                          "Zg==Zg=="}) {
    EXPECT_FALSE(decodeBase64(bad).has_value()) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace outpost::signing
