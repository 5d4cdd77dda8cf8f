#pragma once

// SHA-256 of bytes and of files, as lowercase hex: how packages name and check the
// files they carry (OpenSSL EVP).
//
// Thread-safety: stateless; safe from any thread.

#include <string>
#include <string_view>

#include "core/status.h"

namespace outpost::signing {

// The raw 32-byte digest.
std::string sha256(std::string_view bytes);
// Lowercase hex (64 characters).
std::string sha256Hex(std::string_view bytes);
std::string toHex(std::string_view bytes);

// Streams a file through SHA-256 (files may be large: media in content packages).
// `size_out` receives the number of bytes read.
Result<std::string> sha256HexOfFile(const std::string& path, uint64_t* size_out = nullptr);

// True for exactly 64 lowercase hex characters.
bool isSha256Hex(std::string_view s);

}  // namespace outpost::signing
