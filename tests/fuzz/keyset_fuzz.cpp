// Fuzz target: a rule key set's manifest.json (kind "keyset": id, version, files, keys)
// past the signature: each input is signed on the fly with a fixed trusted key, so the
// fuzzer reaches the parser. Nothing may crash or throw; an accepted set has 1 to 16
// valid keys and a version above the current one (5).

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "fuzz_signer.h"
#include "plugins/keyset.h"

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::Signer fx;
  const std::string manifest(reinterpret_cast<const char*>(data), size);
  auto set = plugins::verifyKeySet(manifest, fx.sign(manifest), fx.trust, 5);
  if (set.isOk()) {
    if (set->keys.empty() || set->keys.size() > 16 || set->version <= 5 || set->trust().size() != set->keys.size()) {
      fuzz::invariantBroken("accepted key set", "v" + std::to_string(set->version) + " with " +
                                                     std::to_string(set->keys.size()) + " keys");
    }
  }
  return 0;
}
