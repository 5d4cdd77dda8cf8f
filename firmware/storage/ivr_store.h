#pragma once

// IVR sessions and their steps in SQLite (schema v6). Every step a caller takes is
// one ivr_steps row, written together with the session's new state in the same job.
//
// Thread-safety: functions over a Database the caller owns (writer or reader).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "storage/database.h"

namespace outpost::storage {

struct IvrSessionRow {
  std::string id;
  std::string flow_id;
  int flow_version = 1;
  std::string channel;    // voice, chat
  std::string caller_id;
  std::string language;
  std::string state;      // active, self_served, transferred, hung_up, expired
  std::string node;
  std::string intent;
  double intent_confidence = 0;
  std::string path_json = "[]";
  std::string slots_json = "{}";
  std::optional<int> csat;
  std::optional<std::string> contact_id;
  WallTime started_at{};
  WallTime updated_at{};
  std::optional<WallTime> ended_at;
};

struct IvrStepRow {
  std::string session_id;
  int seq = 0;
  WallTime at{};
  std::string node;
  std::string event;
  std::string input_kind;  // none, dtmf, text
  std::string input;
  std::string say_json = "[]";
  std::string state;
};

struct IvrMetrics {
  int64_t sessions = 0;
  std::map<std::string, int64_t> by_state;              // active, self_served, transferred, hung_up, expired
  std::map<std::string, int64_t> transfers_by_intent;   // "" = no intent recognised
  std::map<std::string, std::pair<int64_t, int64_t>> node_events;  // node → (no_input, no_match)
  std::vector<int64_t> confidence_histogram = std::vector<int64_t>(10, 0);  // sessions by intent confidence, 0.1 wide
};

// Figures over every recorded session (see docs/ivr.md, Metrics).
Result<IvrMetrics> ivrMetrics(Database& db);
// The same over the sessions that ended in [from, to) and the no-input/no-match steps
// taken in it (the periodic ivr.metrics outbox record).
Result<IvrMetrics> ivrMetrics(Database& db, WallTime from, WallTime to);

// Marks every active session expired (at start-up: live sessions do not survive a
// restart). Returns how many there were.
Result<int> endLiveIvrSessions(Database& db, WallTime now);

// Inserts the session row, or updates its changing fields (its steps stay).
Status saveIvrSession(Database& db, const IvrSessionRow& row);
Status insertIvrStep(Database& db, const IvrStepRow& row);
Result<std::optional<IvrSessionRow>> findIvrSession(Database& db, const std::string& id);
Result<std::vector<IvrStepRow>> ivrSteps(Database& db, const std::string& session_id);

}  // namespace outpost::storage
