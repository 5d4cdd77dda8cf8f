#pragma once

// Password hashing, verification and the password policy for Outpost accounts.
//
// Stored form (PHC-like, ASCII, one string per account):
//
//   pbkdf2-sha256$<iterations>$<salt>$<hash>
//
//   iterations  decimal, no sign or leading zeros, within
//               [kMinPbkdf2Iterations, kMaxPbkdf2Iterations]
//   salt        16 random bytes (RAND_bytes), standard base64 with '=' padding
//               (verification accepts 16..64 bytes)
//   hash        32 bytes of PBKDF2-HMAC-SHA256(password, salt, iterations), standard base64
//
// The password is used as the raw bytes it is given (UTF-8 from the clients); no Unicode
// normalisation is applied, so the same text typed in NFC and NFD forms hashes differently.
//
// Cost: hashPassword/verifyPassword run PBKDF2 and are deliberately slow — one hash at
// kDefaultPbkdf2Iterations is roughly a few hundred milliseconds of one core (see
// bench/auth_bench.cpp). Call them off latency-sensitive threads and behind LoginLimiter.
//
// Thread-safety: all functions are stateless and safe to call concurrently.

#include <string>
#include <string_view>

#include "core/status.h"

namespace outpost::auth {

// OWASP Password Storage Cheat Sheet (2023) figure for PBKDF2-HMAC-SHA256.
constexpr int kDefaultPbkdf2Iterations = 600000;
// Bounds accepted when parsing a stored hash (and applied to hashPassword's argument).
constexpr int kMinPbkdf2Iterations = 1000;
constexpr int kMaxPbkdf2Iterations = 10'000'000;

// Policy limits (see checkPasswordPolicy).
constexpr int kMinPasswordChars = 8;     // Unicode code points
constexpr int kMaxPasswordBytes = 256;   // UTF-8 bytes

// Hashes `password` with a fresh 16-byte random salt and returns the encoded string above.
// `iterations` is clamped to [kMinPbkdf2Iterations, kMaxPbkdf2Iterations] and the count
// actually used is recorded in the result, so the result always verifies.
// Never fails for passwords that pass checkPasswordPolicy. If the system RNG or OpenSSL's
// PBKDF2 fails, or the password is longer than INT_MAX bytes, the process is aborted: a
// predictable salt cannot be handed out safely and there is no sensible fallback.
std::string hashPassword(std::string_view password, int iterations = kDefaultPbkdf2Iterations);

// Checks `password` against a string produced by hashPassword.
//   true                   the password matches (constant-time comparison of the hashes)
//   false                  well-formed hash, wrong password
//   kInvalidArgument       `encoded` is malformed: message "stored password hash is
//                          malformed: <what>" (never echoes the hash or the password)
//   kInternal              OpenSSL failed to compute PBKDF2
// Never aborts on any input.
Result<bool> verifyPassword(std::string_view password, std::string_view encoded);

// The rule a new password must satisfy:
//   - at most kMaxPasswordBytes bytes,
//   - valid UTF-8,
//   - at least kMinPasswordChars characters, counted as Unicode code points (so eight
//     Chinese characters are enough),
//   - not one character repeated throughout ("aaaaaaaa", "密密密密密密密密").
// OK or kInvalidArgument with a message that can be shown to the user as-is.
Status checkPasswordPolicy(std::string_view password);

}  // namespace outpost::auth
