#pragma once

// Session tokens: bearer secrets handed to a client after login.
//
// A token is 32 bytes from the OpenSSL CSPRNG encoded as base64url without padding
// (RFC 4648 §5), always exactly kTokenLength (43) characters of [A-Za-z0-9_-], so it can
// travel in headers, cookies and URLs unescaped.
//
// The server never stores a token: sessions are keyed by tokenDigest(token), the lowercase
// hex SHA-256 of the token text, so a copy of the database does not yield usable sessions.
// An ordinary (non-constant-time) map lookup by digest is fine: timing can at most reveal
// bits of a stored digest, and SHA-256 preimage resistance makes those useless.
//
// Thread-safety: stateless; safe to call from any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace outpost::auth {

constexpr std::size_t kTokenBytes = 32;
constexpr std::size_t kTokenLength = 43;         // base64url, no padding, of kTokenBytes
constexpr std::size_t kTokenDigestLength = 64;   // hex SHA-256

// A fresh random token. If the system RNG fails the process is aborted: handing out a
// guessable session token is worse than stopping.
std::string newToken();

// Lowercase hex SHA-256 of `token` (64 characters). Deterministic; accepts any input.
// Aborts only if OpenSSL cannot compute SHA-256 at all (a broken installation).
std::string tokenDigest(std::string_view token);

// Cheap shape check before any lookup: exactly kTokenLength characters, all from the
// base64url alphabet. True does not mean the token exists or is valid.
bool looksLikeToken(std::string_view text);

}  // namespace outpost::auth
