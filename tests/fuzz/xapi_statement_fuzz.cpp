// Fuzz target: an xAPI statement as the Statements resource reads it (storage/xapi.h).
// Nothing may crash or throw; an accepted statement has an actor key, a verb IRI and an
// object id, a voiding statement has a StatementRef object, reading the accepted
// statement again gives the same result, and the ids/canonical formats keep it JSON.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "codec/json.h"
#include "storage/xapi.h"

using outpost::fuzz::invariantBroken;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace outpost;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)storage::parseXapiTimestamp(input.substr(0, 64));
  auto object = codec::JsonReader::parseObject(input);
  if (!object.isOk()) return 0;
  auto s = storage::readStatement(*object);
  if (!s.isOk()) {
    if (s.status().code() != StatusCode::kInvalidArgument) invariantBroken("not a 400", s.status().toString());
    return 0;
  }
  if (s->verb.empty() || (s->object_id.empty() && s->object_type != "SubStatement")) {
    invariantBroken("accepted without verb or object", codec::toJson(*object));
  }
  if (s->voiding && s->object_type != "StatementRef") invariantBroken("voiding without StatementRef", s->object_id);
  auto again = storage::readStatement(s->json);
  if (!again.isOk() || again->actor != s->actor || again->id != s->id) {
    invariantBroken("not stable", codec::toJson(*object));
  }
  if (!storage::sameStatement(s->json, *object)) invariantBroken("copy differs", codec::toJson(*object));
  // The GET formats never throw and keep a JSON object.
  const std::string text = codec::toJson(s->json);
  for (const char* format : {"ids", "canonical"}) {
    if (!codec::JsonReader::parseObject(storage::formatStatement(text, format, "zh")).isOk()) {
      invariantBroken("format broke the statement", format);
    }
  }
  return 0;
}
