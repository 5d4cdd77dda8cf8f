#include "codec/site_config_codec.h"

#include <set>

#include "codec/json.h"
#include "codec/site_codec.h"

namespace outpost::codec {
namespace {

// Reads one section: an array of complete definitions (create bodies), each validated,
// no code twice.
template <typename T>
void section(JsonReader& r, const std::string& key, std::vector<T>& out) {
  std::set<std::string> codes;
  r.objectArray(key, false, kMaxSiteConfigEntries, [&](JsonReader& item, size_t i) {
    T v{};
    codec::decode(item, v, /*creating=*/true);
    if (!item.ok()) return;
    const std::string where = "/" + key + "/" + std::to_string(i);
    if (Status st = site::validate(v); !st) {
      item.fail(st.under(where));
      return;
    }
    if (!codes.insert(v.code).second) {
      item.fail(Status::invalidArgument("\"" + v.code + "\" is listed twice", where + "/code"));
      return;
    }
    out.push_back(std::move(v));
  });
}

}  // namespace

Result<SiteConfig> decodeSiteConfig(std::string_view json) {
  auto parsed = JsonReader::parseObject(json);
  if (!parsed) return parsed.status();
  SiteConfig c;
  JsonReader r(*parsed);
  r.string("site_id", c.site_id, true);
  r.object("site", false, [&](JsonReader& sr) {
    if (sr.has("site_code")) {
      sr.fail(Status::invalidArgument("is the site's identity and cannot be set by a configuration package",
                                      "/site/site_code"));
      return;
    }
    site::Site probe{"probe", {"probe", "probe"}};
    codec::decode(sr, probe, /*creating=*/false);
    if (sr.ok()) sr.fail(site::validate(probe).under("/site"));
  });
  section(r, "skills", c.skills);
  section(r, "queues", c.queues);
  section(r, "wrapup_codes", c.wrapup_codes);
  section(r, "not_ready_reasons", c.not_ready_reasons);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if ((*parsed)->has("site")) c.site = (*parsed)->getObject("site");
  return c;
}

}  // namespace outpost::codec
