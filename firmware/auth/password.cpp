#include "auth/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <system_error>
#include <utility>

#include "signing/base64.h"

namespace outpost::auth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kMinSaltBytes = 16;
constexpr std::size_t kMaxSaltBytes = 64;
constexpr std::size_t kHashBytes = 32;  // SHA-256 output size

[[noreturn]] void fatal(const char* what) {
  std::fprintf(stderr, "outpost::auth: fatal: %s\n", what);
  std::abort();
}

// PBKDF2-HMAC-SHA256 into `out`. False if OpenSSL fails or the input is too large for its API.
bool pbkdf2(std::string_view password, std::string_view salt, int iterations,
            unsigned char* out, std::size_t out_len) {
  if (password.size() > static_cast<std::size_t>(INT_MAX) ||
      salt.size() > static_cast<std::size_t>(INT_MAX) ||
      out_len > static_cast<std::size_t>(INT_MAX)) {
    return false;
  }
  // Never hand OpenSSL a null pointer, even for an empty password.
  const char* pass = password.empty() ? "" : password.data();
  return PKCS5_PBKDF2_HMAC(pass, static_cast<int>(password.size()),
                           reinterpret_cast<const unsigned char*>(salt.data()),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(out_len), out) == 1;
}

struct ParsedHash {
  int iterations = 0;
  std::string salt;
  std::string hash;
};

Status malformed(std::string_view what) {
  std::string message = "stored password hash is malformed: ";
  message += what;
  return Status::invalidArgument(std::move(message));
}

Result<ParsedHash> parseEncoded(std::string_view encoded) {
  std::array<std::string_view, 4> fields;
  std::size_t count = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dollar = encoded.find('$', start);
    const std::string_view field =
        encoded.substr(start, dollar == std::string_view::npos ? std::string_view::npos
                                                               : dollar - start);
    if (count == fields.size()) return malformed("expected 4 '$'-separated fields");
    fields[count++] = field;
    if (dollar == std::string_view::npos) break;
    start = dollar + 1;
  }
  if (count != fields.size()) return malformed("expected 4 '$'-separated fields");

  if (fields[0] != kScheme) return malformed("unknown scheme (expected pbkdf2-sha256)");

  ParsedHash parsed;

  const std::string_view iter_text = fields[1];
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (iter_text.empty() || !std::all_of(iter_text.begin(), iter_text.end(), is_digit)) {
    return malformed("iteration count is not a decimal number");
  }
  if (iter_text.size() > 1 && iter_text.front() == '0') {
    return malformed("iteration count has leading zeros");
  }
  std::uint64_t iterations = 0;
  const auto [end, ec] =
      std::from_chars(iter_text.data(), iter_text.data() + iter_text.size(), iterations);
  if (ec != std::errc() || end != iter_text.data() + iter_text.size() ||
      iterations < static_cast<std::uint64_t>(kMinPbkdf2Iterations) ||
      iterations > static_cast<std::uint64_t>(kMaxPbkdf2Iterations)) {
    static_assert(kMinPbkdf2Iterations == 1000 && kMaxPbkdf2Iterations == 10'000'000);
    return malformed("iteration count is outside 1000..10000000");
  }
  parsed.iterations = static_cast<int>(iterations);

  std::optional<std::string> salt = signing::decodeBase64(fields[2]);
  if (!salt) return malformed("salt is not valid base64");
  if (salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) {
    static_assert(kMinSaltBytes == 16 && kMaxSaltBytes == 64);
    return malformed("salt must be 16..64 bytes");
  }
  parsed.salt = std::move(*salt);

  std::optional<std::string> hash = signing::decodeBase64(fields[3]);
  if (!hash) return malformed("hash is not valid base64");
  if (hash->size() != kHashBytes) {
    static_assert(kHashBytes == 32);
    return malformed("hash must be 32 bytes");
  }
  parsed.hash = std::move(*hash);
  return parsed;
}

// Decodes one UTF-8 code point at `text[pos]`, advancing `pos`. Rejects overlong forms,
// surrogates and values above U+10FFFF.
std::optional<char32_t> nextCodePoint(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    len = 2;
    cp = lead & 0x1F;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3;
    cp = lead & 0x0F;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4;
    cp = lead & 0x07;
    min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < len) return std::nullopt;
  for (std::size_t i = 1; i < len; ++i) {
    const unsigned char cont = byte(pos + i);
    if ((cont & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (cont & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
  pos += len;
  return cp;
}

}  // namespace

std::string hashPassword(std::string_view password, int iterations) {
  iterations = std::clamp(iterations, kMinPbkdf2Iterations, kMaxPbkdf2Iterations);

  std::array<unsigned char, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    fatal("RAND_bytes failed; refusing to create a password hash with a predictable salt");
  }
  const std::string_view salt_view(reinterpret_cast<const char*>(salt.data()), salt.size());

  std::array<unsigned char, kHashBytes> hash{};
  if (!pbkdf2(password, salt_view, iterations, hash.data(), hash.size())) {
    fatal("PKCS5_PBKDF2_HMAC failed while hashing a password");
  }
  const std::string_view hash_view(reinterpret_cast<const char*>(hash.data()), hash.size());

  std::string out(kScheme);
  out += '$';
  out += std::to_string(iterations);
  out += '$';
  out += signing::encodeBase64(salt_view);
  out += '$';
  out += signing::encodeBase64(hash_view);
  OPENSSL_cleanse(hash.data(), hash.size());
  return out;
}

Result<bool> verifyPassword(std::string_view password, std::string_view encoded) {
  Result<ParsedHash> parsed = parseEncoded(encoded);
  if (!parsed.isOk()) return parsed.status();

  // A password too long for OpenSSL's int-sized API cannot have been stored by hashPassword.
  if (password.size() > static_cast<std::size_t>(INT_MAX)) return false;

  std::array<unsigned char, kHashBytes> computed{};
  if (!pbkdf2(password, parsed->salt, parsed->iterations, computed.data(), computed.size())) {
    return Status::internal("PKCS5_PBKDF2_HMAC failed while verifying a password");
  }
  const bool match = CRYPTO_memcmp(computed.data(), parsed->hash.data(), kHashBytes) == 0;
  OPENSSL_cleanse(computed.data(), computed.size());
  return match;
}

Status checkPasswordPolicy(std::string_view password) {
  if (password.size() > static_cast<std::size_t>(kMaxPasswordBytes)) {
    static_assert(kMaxPasswordBytes == 256);
    return Status::invalidArgument("password must be at most 256 bytes long (UTF-8)");
  }
  std::size_t pos = 0;
  int chars = 0;
  bool all_same = true;
  std::optional<char32_t> first;
  while (pos < password.size()) {
    const std::optional<char32_t> cp = nextCodePoint(password, pos);
    if (!cp) return Status::invalidArgument("password is not valid UTF-8 text");
    if (!first) {
      first = cp;
    } else if (*cp != *first) {
      all_same = false;
    }
    ++chars;
  }
  if (chars < kMinPasswordChars) {
    static_assert(kMinPasswordChars == 8);
    return Status::invalidArgument("password must be at least 8 characters long");
  }
  if (all_same) {
    return Status::invalidArgument("password must not be a single character repeated");
  }
  return Status::ok();
}

}  // namespace outpost::auth
