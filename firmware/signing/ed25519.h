#pragma once

// Ed25519 keys, signatures and verification (OpenSSL 3, one-shot EVP_DigestSign /
// EVP_DigestVerify with no digest, as Ed25519 requires).
//
// Private keys travel as PKCS#8 PEM (what `openssl genpkey -algorithm ed25519` writes);
// public keys and signatures as standard base64 of the raw 32 and 64 bytes, short
// enough for a trust file line or a JSON field.
//
// Thread-safety: stateless; safe from any thread.

#include <string>
#include <string_view>

#include "core/status.h"

namespace outpost::signing {

struct KeyPair {
  std::string private_pem;
  std::string public_b64;
};

Result<KeyPair> generateKeyPair();
// The public key of a private key (PEM), as base64.
Result<std::string> publicKeyOf(std::string_view private_pem);
// OK if `public_b64` is base64 of a valid Ed25519 public key.
Status checkPublicKey(std::string_view public_b64);
// Signs `message`; the signature as base64 (64 bytes raw).
Result<std::string> signMessage(std::string_view private_pem, std::string_view message);
// OK if `signature_b64` is a valid Ed25519 signature of `message` by `public_b64`;
// otherwise an error that says which part is wrong (malformed key, malformed
// signature, or a signature that does not match).
Status verifyMessage(std::string_view public_b64, std::string_view message, std::string_view signature_b64);

}  // namespace outpost::signing
