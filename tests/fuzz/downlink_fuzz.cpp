// Fuzz target: the downlink messages from the network — a site manifest (first byte
// % 3 == 0) and a chunk (2) as the appliance reads them, a fetch request (1) as
// outpost-hub reads it. Nothing may crash or throw; whatever is accepted re-encodes
// to a message that decodes the same.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "sync/downlink_wire.h"

using outpost::fuzz::invariantBroken;

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto [selector, input] = fuzz::select(data, size);
  switch (selector % 3) {
    case 0: {
      auto m = sync::decodeManifest("s1", input);
      if (!m) {
        if (m.status().message().empty()) invariantBroken("refusal without a reason", std::string(input));
        return 0;
      }
      if (m->site != "s1") invariantBroken("manifest of another site accepted", std::string(input));
      auto again = sync::decodeManifest("s1", sync::encodeManifest(*m));
      if (!again) invariantBroken("re-encoded manifest refused", again.status().toString());
      if (again->packages.size() != m->packages.size()) invariantBroken("package count changed", std::string(input));
      for (size_t i = 0; i < m->packages.size(); ++i) {
        if (again->packages[i].manifest != m->packages[i].manifest ||
            again->packages[i].signature != m->packages[i].signature) {
          invariantBroken("signed text changed in a round trip", std::string(input));
        }
      }
      return 0;
    }
    case 1: {
      auto f = sync::decodeFetch(input);
      if (!f) return 0;
      if (f->length < 1 || f->length > sync::kMaxChunkBytes || f->offset < 0) {
        invariantBroken("bad fetch accepted", std::string(input));
      }
      auto again = sync::decodeFetch(sync::encodeFetch(*f));
      if (!again || again->offset != f->offset || again->sha256 != f->sha256) {
        invariantBroken("fetch changed in a round trip", std::string(input));
      }
      return 0;
    }
    default: {
      auto c = sync::decodeChunk(input);
      if (!c) return 0;
      if (c->error.empty() && c->offset + static_cast<int64_t>(c->bytes.size()) > c->total) {
        invariantBroken("chunk beyond its file accepted", std::string(input));
      }
      auto again = sync::decodeChunk(sync::encodeChunk(*c));
      if (!again || again->bytes != c->bytes || again->error != c->error) {
        invariantBroken("chunk changed in a round trip", std::string(input));
      }
      return 0;
    }
  }
}
