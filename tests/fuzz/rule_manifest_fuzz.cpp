// Fuzz target: a rule bundle's manifest.json (kind "rules" fields: site, api, expires,
// hooks, sources, config, vectors) and its vectors file, past the signature: each
// input is signed on the fly with a fixed key, so the fuzzer reaches the parsers.
// The first byte picks what the input is: manifest (even) or vectors.json (odd, with
// a fixed valid manifest). Nothing may crash or throw; an accepted bundle's sources
// and vectors are among its files.

#include <cstdint>
#include <map>
#include <string>

#include "fuzz_check.h"
#include "plugins/bundle.h"
#include "signing/digest.h"
#include "fuzz_signer.h"

using outpost::fuzz::invariantBroken;

namespace {

using namespace outpost;

const char* kLua = "function classify_contact() return nil end\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::Signer fx;
  if (size == 0) return 0;
  const auto [selector, rest] = fuzz::select(data, size);
  const std::string input(rest);
  std::map<std::string, std::string> files;
  std::string manifest = input;
  std::string vectors = R"({"vectors": []})";
  if (selector % 2 == 1) {
    vectors = input;
    manifest = R"({"kind": "rules", "id": "f", "version": 1, "site": "s", "api": 1, "expires": "2030-01-01T00:00:00Z",)"
               R"( "hooks": ["classify_contact", "ivr_action"], "sources": ["main.lua"], "vectors": "vectors.json", "files": [)"
               R"({"path": "main.lua", "size": )" + std::to_string(std::string(kLua).size()) + R"(, "sha256": ")" +
               signing::sha256Hex(kLua) + R"("}, {"path": "vectors.json", "size": )" + std::to_string(vectors.size()) +
               R"(, "sha256": ")" + signing::sha256Hex(vectors) + R"("}]})";
  }
  files["manifest.json"] = manifest;
  files["manifest.sig"] = fx.sign(manifest);
  files["main.lua"] = kLua;
  files["vectors.json"] = vectors;
  auto b = plugins::verifyBundle(files, fx.trust, plugins::InstallTarget{"s", {"g"}, fromEpochMillis(1'767'225'600'000)});
  if (b.isOk()) {
    for (const auto& s : b->sources) {
      if (!b->files.count(s)) invariantBroken("source not among the files", s);
    }
    if (!b->files.count(b->vectors_path)) invariantBroken("vectors not among the files", b->vectors_path);
  }
  return 0;
}
