#pragma once

// A fixed trusted key for fuzz targets that must get past a signature check to reach
// the parser behind it: each input is signed on the fly.

#include <string>

#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace outpost::fuzz {

struct Signer {
  signing::KeyPair key = signing::generateKeyPair().value();
  signing::TrustStore trust;
  Signer() { (void)trust.add("fuzz", key.public_b64); }
  // manifest.sig for `manifest`, by key id "fuzz".
  std::string sign(const std::string& manifest) const {
    return R"({"alg": "ed25519", "key_id": "fuzz", "signature": ")" +
           signing::signMessage(key.private_pem, manifest).value() + R"("})";
  }
};

}  // namespace outpost::fuzz
