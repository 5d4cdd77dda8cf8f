// Fuzz target: site-config.json, the document of a site configuration package (kind
// "config", docs/sync.md "Site configuration") as the appliance decodes it after the
// package's signature and digests checked out. Nothing may crash or throw; an accepted
// document holds only valid entries, no code twice in a section, and a site patch
// without site_code.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "codec/site_config_codec.h"

using outpost::fuzz::invariantBroken;

namespace {

using namespace outpost;

template <typename T>
void checkSection(const std::vector<T>& items, const char* section) {
  std::set<std::string> codes;
  for (const auto& v : items) {
    if (!site::validate(v).isOk()) invariantBroken("invalid entry accepted", std::string(section) + " " + v.code);
    if (!codes.insert(v.code).second) invariantBroken("code listed twice", std::string(section) + " " + v.code);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto c = codec::decodeSiteConfig(input);
  if (!c.isOk()) {
    if (c.status().code() != StatusCode::kInvalidArgument) invariantBroken("not invalid-argument", c.status().toString());
    return 0;
  }
  checkSection(c->skills, "skills");
  checkSection(c->queues, "queues");
  checkSection(c->wrapup_codes, "wrapup_codes");
  checkSection(c->not_ready_reasons, "not_ready_reasons");
  if (c->site && c->site->has("site_code")) invariantBroken("site_code accepted", c->site_id);
  return 0;
}
