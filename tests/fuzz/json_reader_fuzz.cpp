// Fuzz target: untrusted request bodies through the strict JSON reader and the
// directory codec, the way the HTTP handlers use them (parse → decode → finish →
// validate). Whatever the bytes, nothing may crash or throw. For every value that
// decodes and validates, encode → parse → decode must give the same value back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "codec/site_codec.h"
#include "codec/json.h"
#include "site/demo.h"
#include "site/directory.h"

using outpost::fuzz::invariantBroken;

namespace {

using namespace outpost;

template <typename T>
void decodeAs(const Poco::JSON::Object::Ptr& body, const T& current) {
  for (const bool creating : {true, false}) {
    T value = creating ? T{} : current;
    codec::JsonReader reader(body);
    codec::decode(reader, value, creating);
    if (!reader.finish().isOk()) continue;
    if (!site::validate(value).isOk()) continue;

    // A valid value survives its own JSON form unchanged.
    const std::string json = codec::toJson(codec::encode(value));
    auto again = codec::JsonReader::parseObject(json);
    if (!again) invariantBroken("encoded value does not parse", json + " → " + again.status().toString());
    T back{};
    codec::JsonReader back_reader(*again);
    codec::decode(back_reader, back, /*creating=*/true);
    const Status s = back_reader.finish();
    if (!s.isOk()) invariantBroken("encoded value does not decode", json + " → " + s.toString());
    const std::string json_back = codec::toJson(codec::encode(back));
    if (json_back != json) invariantBroken("round trip changed the value", json + " → " + json_back);
  }
}

// Presence and login bodies are read with the plain accessors in their handlers.
void readLikeHandlers(const Poco::JSON::Object::Ptr& body) {
  std::string state, username, password, type, token;
  std::optional<std::string> reason;
  codec::JsonReader presence(body);
  presence.string("state", state, true).optionalString("reason", reason, false);
  (void)presence.finish();
  codec::JsonReader login(body);
  login.string("username", username, true).string("password", password, true);
  (void)login.finish();
  int level = 0;
  codec::JsonReader skill(body);
  skill.integer("level", level, true, site::kMinSkillLevel, site::kMaxSkillLevel);
  (void)skill.finish();
  std::vector<std::string> items;
  bool flag = false;
  codec::JsonReader misc(body);
  misc.stringArray("languages", items, false, 4).boolean("active", flag, false).string("type", type, false);
  misc.object("name", false, [&](codec::JsonReader& n) { n.string("zh", token, false); });
  (void)misc.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = codec::JsonReader::parseObject(text);
  if (!body) return 0;
  const site::DemoSite& demo = site::demoSite();
  decodeAs(*body, demo.site);
  decodeAs(*body, demo.skills.front());
  decodeAs(*body, demo.agents.front());
  decodeAs(*body, demo.queues.back());
  decodeAs(*body, demo.wrapup_codes.front());
  decodeAs(*body, demo.not_ready_reasons.front());
  decodeAs(*body, demo.users.front());
  readLikeHandlers(*body);
  return 0;
}
