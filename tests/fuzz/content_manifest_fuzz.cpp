// Fuzz target: a content package manifest as the site reads it after the signature
// checked out — the common fields, then the content fields (titles, items, lessons,
// media, quizzes, drills). Nothing may crash or throw; an accepted course only names
// files of the package, known competency items and valid quizzes.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "codec/json.h"
#include "learning/framework.h"
#include "signing/package.h"
#include "storage/content_package.h"

using outpost::fuzz::invariantBroken;

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto object = codec::JsonReader::parseObject(input);
  if (!object.isOk()) return 0;
  signing::VerifiedManifest m;
  {
    codec::JsonReader r(*object);
    signing::readCommonFields(r, m);
    if (!r.ok()) return 0;
  }
  m.json = *object;
  const auto& f = learning::defaultFramework();
  auto course = storage::readContentManifest(m, f);
  if (!course.isOk()) return 0;
  std::set<std::string> files;
  for (const auto& pf : m.files) files.insert(pf.path);
  for (const auto& item : course->items) {
    if (f.item(item) == nullptr) invariantBroken("unknown item accepted", item);
  }
  for (const auto& l : course->lessons) {
    if (!files.contains(l.path_zh) || !files.contains(l.path_en)) invariantBroken("lesson file not listed", l.id);
    for (const auto& md : l.media) {
      if (!files.contains(md.path)) invariantBroken("media not listed", md.path);
    }
  }
  for (const auto& q : course->quizzes) {
    if (!q.validate().isOk()) invariantBroken("invalid quiz accepted", q.id);
  }
  return 0;
}
