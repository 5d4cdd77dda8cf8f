#pragma once

// TrustStore: the publisher keys a site accepts signatures from, by key id.
//
// The trust file is plain text, one key per line, '#' starts a comment:
//
//   # key id        algorithm  public key (base64 of 32 bytes)
//   hq-rules-2026   ed25519    9Yq0…=
//
// (`outpostctl keys generate` writes the line for a new key.) A package names the key
// that signed it; verification fails with the reason when the key is unknown or the
// signature does not match — the caller refuses the package before using any of it.
//
// Thread-safety: immutable after loading; const methods are safe from any thread.

#include <map>
#include <string>
#include <vector>
#include <string_view>

#include "core/status.h"

namespace outpost::signing {

// The detached signature of a manifest: manifest.sig, a JSON object
//   {"alg": "ed25519", "key_id": "hq-rules-2026", "signature": "<base64>"}
struct Signature {
  std::string key_id;
  std::string signature_b64;
};
// Strict: exactly those three fields; errors name the field.
Result<Signature> parseSignature(std::string_view json);
std::string formatSignature(const Signature& sig);

// Key ids: 1–64 of [A-Za-z0-9._-].
bool isValidKeyId(std::string_view id);

class TrustStore {
 public:
  // Adds a key; rejects a malformed id or key, or an id already present.
  Status add(const std::string& key_id, const std::string& public_b64);
  // Reads a trust file; errors name the file and line.
  static Result<TrustStore> load(const std::string& path);
  static Result<TrustStore> parse(std::string_view text, const std::string& name);

  // OK if `sig` is a valid signature of exactly `bytes` by a trusted key.
  Status verify(std::string_view bytes, const Signature& sig) const;

  bool empty() const { return keys_.empty(); }
  // The key ids, sorted.
  std::vector<std::string> ids() const {
    std::vector<std::string> out;
    for (const auto& [id, key] : keys_) out.push_back(id);
    return out;
  }
  size_t size() const { return keys_.size(); }
  // The line of the trust file for a key.
  static std::string line(const std::string& key_id, const std::string& public_b64);

 private:
  std::map<std::string, std::string, std::less<>> keys_;  // id → public key (base64)
};

}  // namespace outpost::signing
