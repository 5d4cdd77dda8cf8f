#pragma once

// EventJournal: the engine's Journal on top of the storage writer. Each batch of
// domain events becomes one writer job (so it shares the group commit with
// everything else queued at that moment) that updates the state tables (presence,
// contacts), the contact history and the audit trail; later the sync outbox rows join
// the same job. Jobs commit in the order they were recorded.
//
// Thread-safety: record() from any thread (the engine loop).

#include "engine/engine.h"
#include "storage/writer.h"

namespace outpost::storage {

class EventJournal final : public engine::Journal {
 public:
  EventJournal(Writer& writer, const Clock& clock) : writer_(writer), clock_(clock) {}
  void record(std::vector<engine::DomainEvent> events, std::function<void(const Status&)> done) override;

 private:
  Writer& writer_;
  const Clock& clock_;
};

}  // namespace outpost::storage
