// Fuzz target: a rule key set's manifest.json (kind "keyset": id, version, files, keys)
// past the signature: each input is signed on the fly with a fixed trusted key, so the
// fuzzer reaches the parser. Nothing may crash or throw; an accepted set has 1 to 16
// valid keys and a version above the current one (5).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "plugins/keyset.h"
#include "signing/ed25519.h"

namespace {

using namespace outpost;

struct Fixture {
  signing::KeyPair key = signing::generateKeyPair().value();
  signing::TrustStore trust;
  Fixture() { (void)trust.add("fuzz", key.public_b64); }
  std::string sign(const std::string& manifest) const {
    return R"({"alg": "ed25519", "key_id": "fuzz", "signature": ")" +
           signing::signMessage(key.private_pem, manifest).value() + R"("})";
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fx;
  const std::string manifest(reinterpret_cast<const char*>(data), size);
  auto set = plugins::verifyKeySet(manifest, fx.sign(manifest), fx.trust, 5);
  if (set.isOk()) {
    if (set->keys.empty() || set->keys.size() > 16 || set->version <= 5 || set->trust().size() != set->keys.size()) {
      std::fprintf(stderr, "fuzz invariant broken: accepted key set v%lld with %zu keys\n",
                   static_cast<long long>(set->version), set->keys.size());
      std::abort();
    }
  }
  return 0;
}
