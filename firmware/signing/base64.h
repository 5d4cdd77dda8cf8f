#pragma once

// Base64 (RFC 4648) as thin wrappers over OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock:
// password hashes and session tokens (auth), public keys and signatures (signing).
//
// - encodeBase64: standard alphabet (+ /) with '=' padding; stored password hashes, keys, signatures.
// - encodeBase64Url: URL-safe alphabet (- _) without padding; used for session tokens.
// - decodeBase64: the strict inverse of encodeBase64. It accepts only the canonical
//   encoding (length a multiple of 4, standard alphabet, 0–2 '=' at the very end, unused
//   trailing bits zero) and returns std::nullopt for anything else, including whitespace,
//   line breaks and the URL-safe alphabet. Never aborts or reads out of bounds.
//
// Thread-safety: stateless; safe to call from any thread.

#include <optional>
#include <string>
#include <string_view>

namespace outpost::signing {

std::string encodeBase64(std::string_view bytes);
std::string encodeBase64Url(std::string_view bytes);
std::optional<std::string> decodeBase64(std::string_view text);

}  // namespace outpost::signing
