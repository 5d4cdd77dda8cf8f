// Fuzz target: outpostd's configuration file. Config::loadText() with the real
// daemon schema must never crash, and whatever it accepts must read back through the
// typed getters and be accepted again when set as is.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "app/daemon_config.h"
#include "core/config.h"

using outpost::fuzz::invariantBroken;

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const ConfigSchema& schema = app::daemonConfigSchema();

  // The value parsers on their own (short inputs: they see single values).
  if (size <= 256) {
    (void)parseInt(text);
    (void)parseBool(text);
    (void)parseDuration(text);
    (void)parseHostPort(text);
  }

  Config config(schema);
  const Status loaded = config.loadText(text, "outpost.conf");
  if (!loaded.isOk()) {
    if (loaded.code() != StatusCode::kInvalidArgument)
      invariantBroken("unexpected code: " + loaded.toString());
    if (loaded.where().rfind("outpost.conf:", 0) != 0)
      invariantBroken("error without a line: " + loaded.toString());
    return 0;
  }
  Config again(schema);
  for (const auto& spec : schema.keys()) {
    switch (spec.type) {
      case ConfigType::kString:
      case ConfigType::kEnum:
        (void)config.getString(spec.key);
        break;
      case ConfigType::kInt: {
        const int64_t v = config.getInt(spec.key);
        if (v < spec.min || v > spec.max) invariantBroken(spec.key + " out of range after load");
        break;
      }
      case ConfigType::kBool:
        (void)config.getBool(spec.key);
        break;
      case ConfigType::kDuration: {
        const auto v = config.getDuration(spec.key).count();
        if (v < spec.min || v > spec.max) invariantBroken(spec.key + " out of range after load");
        break;
      }
      case ConfigType::kHostPort:
        (void)config.getHostPort(spec.key);
        break;
    }
    const Status s = again.set(spec.key, config.getString(spec.key), "again");
    if (!s.isOk()) invariantBroken("accepted value rejected when set again: " + s.toString());
  }
  return 0;
}
