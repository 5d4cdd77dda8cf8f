#pragma once

// Trusted-key rotation for rule bundles: a key set is a signed package of kind
// "keyset" (docs/packages.md) with no files —
//
//   manifest.json  {"kind": "keyset", "id": "rules", "version": 2, "files": [],
//                   "keys": {"hq-rules-2027": "<public key, base64>", …}}
//   manifest.sig   signed by a key trusted *now* (plugins.trust_file or the last key set)
//
// Installing it replaces the keys that may sign bundles with `keys` (keep a current
// key in the set to keep using it). Refused: a signature by no current key, a version
// not above the last key set's, an empty or malformed key list. Each set is stored
// (migration 8) and at start-up the stored sets are applied again in version order,
// each verified against the keys before it. Bundles installed under an earlier key stay
// installable at start-up: they are re-verified against every key the chain trusted.
//
// Storage: saveKeySet / loadKeySets in plugins/rules_store.h.
//
// Thread-safety: stateless functions; KeySet is a value.

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "signing/trust_store.h"

namespace outpost::plugins {

struct KeySet {
  int64_t version = 0;
  std::string signed_by;                    // the key id of the signature
  std::map<std::string, std::string> keys;  // id → public key (base64)
  std::string raw_manifest;
  std::string raw_signature;
  signing::TrustStore trust() const;        // the keys as a trust store
};

// Verifies a key set against the keys trusted now and the last version applied.
Result<KeySet> verifyKeySet(const std::string& manifest_json, const std::string& signature_json,
                            const signing::TrustStore& current, int64_t current_version);

}  // namespace outpost::plugins
