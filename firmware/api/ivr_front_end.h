#pragma once

// IvrFrontEnd: the live IVR sessions behind /api/v1/ivr/… (routes in ivr_routes.cpp).
//
// Holds the site's validated flow and intent model, and the sessions that have not
// ended yet, each with its own mutex so one caller's inputs are taken one at a time
// while other callers proceed. Ended sessions leave memory at once (their record
// stays in SQLite); idle ones are expired by sweep().
//
// Thread-safety: all methods may be called from any HTTP thread.

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ivr/classifier.h"
#include "ivr/flow.h"
#include "ivr/session.h"

namespace outpost::api {

class IvrFrontEnd {
 public:
  struct Entry {
    std::mutex mu;  // held while an input is taken and recorded
    std::string id;
    std::string channel;
    std::string caller_id;
    WallTime started_at{};
    int seq = 0;  // steps recorded so far
    std::unique_ptr<ivr::Session> session;  // guarded by mu
  };

  IvrFrontEnd(std::shared_ptr<const ivr::Flow> flow, std::shared_ptr<const ivr::IntentModel> model,
              const Clock& clock, size_t max_sessions);

  // The FreeSWITCH mod_httapi adapter's settings (ivr.httapi_*); set before serving.
  struct HttapiOptions {
    std::string secret;                             // "" → the adapter is off
    std::string transfer = "{queue} XML default";  // the transfer application's data
  };
  void setHttapi(HttapiOptions options) { httapi_ = std::move(options); }
  const HttapiOptions& httapi() const { return httapi_; }

  const ivr::Flow& flow() const { return *flow_; }
  const Clock& clock() const { return clock_; }

  // A new session (not yet started). kResourceExhausted when max_sessions are live.
  Result<std::shared_ptr<Entry>> create(const std::string& id, const std::string& channel,
                                        const std::string& caller_id, const std::string& language);
  std::shared_ptr<Entry> find(const std::string& id) const;
  void remove(const std::string& id);
  // Removes and returns the sessions idle past the flow's session_ttl (already expired:
  // each Entry's session is in state kExpired, and the Step is the expiry).
  std::vector<std::pair<std::shared_ptr<Entry>, ivr::Step>> sweep();
  size_t live() const;

 private:
  std::shared_ptr<const ivr::Flow> flow_;
  std::shared_ptr<const ivr::IntentModel> model_;
  const Clock& clock_;
  size_t max_sessions_;
  HttapiOptions httapi_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> sessions_;  // guarded by mu_
};

}  // namespace outpost::api
