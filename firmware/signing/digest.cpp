#include "signing/digest.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace outpost::signing {

std::string sha256(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string toHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string sha256Hex(std::string_view bytes) { return toHex(sha256(bytes)); }

Result<std::string> sha256HexOfFile(const std::string& path, uint64_t* size_out) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return Status::notFound(std::string("cannot open: ") + std::strerror(errno), path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return Status(StatusCode::kInternal, "SHA-256 is not available", path);
  }
  char buf[64 * 1024];
  uint64_t total = 0;
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    EVP_DigestUpdate(ctx.get(), buf, n);
    total += n;
  }
  if (std::ferror(f.get())) return Status(StatusCode::kUnavailable, "read error", path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  if (size_out) *size_out = total;
  return toHex(std::string_view(reinterpret_cast<const char*>(md), len));
}

bool isSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace outpost::signing
