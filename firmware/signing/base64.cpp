#include "signing/base64.h"

#include <openssl/evp.h>

#include <climits>
#include <cstddef>

namespace outpost::signing {
namespace {

bool isStandardBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

}  // namespace

std::string encodeBase64(std::string_view bytes) {
  if (bytes.empty()) return {};
  // Inputs here are salts, hashes and tokens (tens of bytes); anything near INT_MAX is a bug.
  if (bytes.size() > static_cast<std::size_t>(INT_MAX / 4 * 3)) return {};
  const std::size_t encoded_len = 4 * ((bytes.size() + 2) / 3);
  std::string out(encoded_len + 1, '\0');  // EVP_EncodeBlock writes a trailing NUL
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

std::string encodeBase64Url(std::string_view bytes) {
  std::string out = encodeBase64(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') {
      c = '-';
    } else if (c == '/') {
      c = '_';
    }
  }
  return out;
}

std::optional<std::string> decodeBase64(std::string_view text) {
  if (text.empty()) return std::string();
  if (text.size() % 4 != 0 || text.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;

  // EVP_DecodeBlock is lenient (skips leading/trailing whitespace, ignores where '=' sits),
  // so validate the shape first.
  std::size_t padding = 0;
  if (text.back() == '=') {
    padding = text[text.size() - 2] == '=' ? 2 : 1;
  }
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!isStandardBase64Char(text[i])) return std::nullopt;
  }

  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  // EVP_DecodeBlock counts the zero bytes produced by '=' padding; drop them.
  if (n < 0 || static_cast<std::size_t>(n) < padding) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);

  // Reject non-canonical encodings (non-zero unused bits), so each byte string has exactly
  // one accepted spelling.
  if (encodeBase64(out) != text) return std::nullopt;
  return out;
}

}  // namespace outpost::signing
