// Fuzz target: what outpost-hub reads from the network — an uplink batch (first byte
// even) or a high-water mark (odd) — and the appliance reads back (the mark). Nothing
// may crash or throw; an accepted batch re-encodes to a batch that decodes the same.

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "sync/wire.h"

using outpost::fuzz::invariantBroken;

using namespace outpost;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto [selector, input] = fuzz::select(data, size);
  if (selector % 2 == 1) {
    auto seq = sync::decodeHwm(input);
    if (seq && *seq < 0) invariantBroken("negative mark accepted", std::to_string(*seq));
    return 0;
  }
  auto batch = sync::decodeBatch("s1", input);
  if (!batch) {
    if (batch.status().message().empty()) invariantBroken("refusal without a reason", std::string(input));
    return 0;
  }
  if (batch->site != "s1" || batch->records.empty()) invariantBroken("bad batch accepted", std::string(input));
  std::vector<storage::OutboxRecord> rows;
  for (const auto& r : batch->records) {
    rows.push_back(storage::OutboxRecord{r.seq, batch->site, r.uuid, fromEpochMillis(r.event_time), r.type,
                                         r.schema_version, r.payload, r.record_class, "pending"});
  }
  auto again = sync::decodeBatch("s1", sync::encodeBatch("s1", batch->head, rows));
  if (!again) invariantBroken("re-encoded batch refused", again.status().toString());
  if (again->records.size() != batch->records.size()) invariantBroken("record count changed", std::string(input));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (again->records[i].payload != batch->records[i].payload || again->records[i].seq != batch->records[i].seq) {
      invariantBroken("record changed in a round trip", std::string(input));
    }
  }
  return 0;
}
