// Fuzz target: the IVR's parsers of untrusted input — training TSV, the binary model
// file, flow JSON — and classification of arbitrary caller text. The first byte picks
// the parser (mod 4); the rest is the input. Nothing may crash or throw; a model that
// loads must serialise back to the same bytes; a flow that loads must validate.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "codec/ivr_flow_codec.h"
#include "ivr/classifier.h"
#include "ivr/dataset.h"

using outpost::fuzz::invariantBroken;

namespace {

using namespace outpost;

const ivr::IntentModel& tinyModel() {
  static const ivr::IntentModel m = [] {
    std::vector<ivr::Example> v = {{"card_lost", "卡丢了", 0},       {"card_lost", "lost my card", 0},
                                   {"card_lost", "银行卡挂失", 0},   {"goodbye", "再见", 0},
                                   {"goodbye", "bye bye", 0},        {"goodbye", "没事了谢谢", 0}};
    return ivr::IntentModel::train(v, ivr::TrainOptions{}).value();
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto [selector, input] = fuzz::select(data, size);
  switch (selector % 4) {
    case 0: {
      auto r = ivr::parseExamples(input, "fuzz.tsv");
      if (r) {
        for (const auto& e : *r) {
          if (!ivr::isIntentCode(e.intent) || e.text.empty()) invariantBroken("accepted a bad example");
        }
      }
      break;
    }
    case 1: {
      auto m = ivr::IntentModel::deserialize(input, "fuzz.model");
      if (m) {
        if (m->serialize() != input) invariantBroken("a loaded model does not serialise back to its bytes");
        (void)m->classify("我的卡丢了 lost card");
      }
      break;
    }
    case 2: {
      auto f = codec::decodeFlow(input);
      if (f && !ivr::validateFlow(*f).isOk()) invariantBroken("decodeFlow accepted an invalid flow");
      break;
    }
    default: {
      const auto p = tinyModel().classify(input);
      if (!(p.confidence >= 0 && p.confidence <= 1)) invariantBroken("confidence outside [0,1]");
      break;
    }
  }
  return 0;
}
