#include "signing/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>
#include <memory>

#include "signing/base64.h"

namespace outpost::signing {
namespace {

constexpr size_t kPublicKeyBytes = 32;
constexpr size_t kSignatureBytes = 64;
constexpr size_t kMaxPem = 16 * 1024;

using PKey = std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)>;

Result<PKey> readPrivate(std::string_view pem) {
  if (pem.empty() || pem.size() > kMaxPem) return Status::invalidArgument("not a PEM private key");
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  if (!bio) return Status(StatusCode::kInternal, "out of memory");
  PKey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) return Status::invalidArgument("not a PEM private key");
  if (EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return Status::invalidArgument("not an Ed25519 key");
  return key;
}

Result<std::string> rawPublic(EVP_PKEY* key) {
  unsigned char raw[kPublicKeyBytes];
  size_t len = sizeof raw;
  if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != kPublicKeyBytes) {
    return Status(StatusCode::kInternal, "cannot read the public key");
  }
  return encodeBase64(std::string_view(reinterpret_cast<const char*>(raw), len));
}

}  // namespace

Result<KeyPair> generateKeyPair() {
  std::unique_ptr<EVP_PKEY_CTX, void (*)(EVP_PKEY_CTX*)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr),
                                                             &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &raw) != 1) {
    return Status(StatusCode::kInternal, "Ed25519 key generation failed");
  }
  PKey key(raw, &EVP_PKEY_free);
  std::unique_ptr<BIO, int (*)(BIO*)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Status(StatusCode::kInternal, "cannot write the private key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  KeyPair pair;
  pair.private_pem.assign(data, static_cast<size_t>(n));
  auto pub = rawPublic(key.get());
  if (!pub.isOk()) return pub.status();
  pair.public_b64 = *pub;
  return pair;
}

Result<std::string> publicKeyOf(std::string_view private_pem) {
  auto key = readPrivate(private_pem);
  if (!key.isOk()) return key.status();
  return rawPublic(key->get());
}

Result<std::string> signMessage(std::string_view private_pem, std::string_view message) {
  auto key = readPrivate(private_pem);
  if (!key.isOk()) return key.status();
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char sig[kSignatureBytes];
  size_t len = sizeof sig;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1) {
    return Status(StatusCode::kInternal, "Ed25519 signing failed");
  }
  return encodeBase64(std::string_view(reinterpret_cast<const char*>(sig), len));
}

namespace {

Result<PKey> readPublic(std::string_view public_b64) {
  const auto pub = decodeBase64(public_b64);
  if (!pub || pub->size() != kPublicKeyBytes) {
    return Status::invalidArgument("the public key is not base64 of 32 bytes");
  }
  PKey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                       reinterpret_cast<const unsigned char*>(pub->data()), pub->size()),
           &EVP_PKEY_free);
  if (!key) return Status::invalidArgument("the public key is not a valid Ed25519 key");
  return key;
}

}  // namespace

Status checkPublicKey(std::string_view public_b64) { return readPublic(public_b64).status(); }

Status verifyMessage(std::string_view public_b64, std::string_view message, std::string_view signature_b64) {
  auto key = readPublic(public_b64);
  if (!key.isOk()) return key.status();
  const auto sig = decodeBase64(signature_b64);
  if (!sig || sig->size() != kSignatureBytes) {
    return Status::invalidArgument("the signature is not base64 of 64 bytes");
  }
  MdCtx ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1) {
    return Status(StatusCode::kInternal, "Ed25519 verification is not available");
  }
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data()), sig->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    return Status::invalidArgument("the signature does not match (altered content or another key)");
  }
  return Status::ok();
}

}  // namespace outpost::signing
