// Fuzz target: what a site reads from a pushed package before trusting it — the
// signature envelope (manifest.sig), the trust file, and the manifest's common fields
// (kind, id, version, files). The first byte picks the parser; the rest is the input.
// Nothing may crash or throw; an accepted manifest only lists safe paths and digests.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "codec/json.h"
#include "signing/digest.h"
#include "signing/package.h"
#include "signing/trust_store.h"

using outpost::fuzz::invariantBroken;

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto [selector, input] = fuzz::select(data, size);
  switch (selector % 3) {
    case 0: {
      auto sig = signing::parseSignature(input);
      if (sig.isOk() && !signing::isValidKeyId(sig->key_id)) invariantBroken("key id accepted", sig->key_id);
      break;
    }
    case 1:
      (void)signing::TrustStore::parse(input, "fuzz");
      break;
    default: {
      auto object = codec::JsonReader::parseObject(input);
      if (!object.isOk()) break;
      codec::JsonReader r(*object);
      signing::VerifiedManifest m;
      signing::readCommonFields(r, m);
      if (!r.ok()) break;
      for (const auto& f : m.files) {
        if (!signing::isSafePackagePath(f.path)) invariantBroken("unsafe path accepted", f.path);
        if (!signing::isSha256Hex(f.sha256)) invariantBroken("bad digest accepted", f.sha256);
      }
      break;
    }
  }
  return 0;
}
