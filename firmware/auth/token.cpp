#include "auth/token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>

#include "signing/base64.h"

namespace outpost::auth {
namespace {

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "outpost::auth: fatal: %s\n", what);
  std::abort();
}

bool isBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

}  // namespace

std::string newToken() {
  std::array<unsigned char, kTokenBytes> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    fatal("RAND_bytes failed; refusing to issue a session token");
  }
  std::string token = signing::encodeBase64Url(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string tokenDigest(std::string_view token) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_len = 0;
  const char* data = token.empty() ? "" : token.data();
  if (EVP_Digest(data, token.size(), digest.data(), &digest_len, EVP_sha256(), nullptr) != 1 ||
      digest_len * 2 != kTokenDigestLength) {
    fatal("EVP_Digest(SHA-256) failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(kTokenDigestLength);
  for (unsigned int i = 0; i < digest_len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

bool looksLikeToken(std::string_view text) {
  return text.size() == kTokenLength && std::all_of(text.begin(), text.end(), isBase64UrlChar);
}

}  // namespace outpost::auth
