#pragma once

// IvrFrontEnd: the live IVR sessions behind /api/v1/ivr/… (routes in ivr_routes.cpp).
//
// Holds the flow new sessions start on (the site's configured flow, or the active rule
// bundle's flow — docs/ivr.md "Flows in bundles") with the hook its nodes call, the
// intent model, and the sessions that have not ended yet. Each session keeps the flow
// and hook it started with when a bundle swaps them; sessions are kept each with its own mutex so one caller's inputs are taken one at a time
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
#include "ivr/hook.h"
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

  // `flow` may be null: no IVR until a bundle brings a flow.
  IvrFrontEnd(std::shared_ptr<const ivr::Flow> flow, std::shared_ptr<const ivr::IntentModel> model,
              const Clock& clock, size_t max_sessions);

  // The flow, node hook and intent model for new sessions (null flow: the IVR is off;
  // null model: the configured one). `source` says where the flow came from ("config" or
  // "bundle <id> v<version>").
  void setFlow(std::shared_ptr<const ivr::Flow> flow, std::shared_ptr<ivr::ActionHook> hook, std::string source,
               std::shared_ptr<const ivr::IntentModel> model = nullptr);
  std::shared_ptr<const ivr::Flow> currentFlow() const;
  std::string flowSource() const;
  std::shared_ptr<ivr::ActionHook> currentHook() const;
  // Whether the appliance itself has an intent model (ivr.model or ivr.training_data).
  bool hasModel() const { return configured_model_ != nullptr; }
  // The fallback policy for models trained here (ivr.confidence_*_pct).
  void setPolicy(const ivr::FallbackPolicy& policy) { policy_ = policy; }
  const ivr::FallbackPolicy& policy() const { return policy_; }

  // The FreeSWITCH mod_httapi adapter's settings (ivr.httapi_*); set before serving.
  struct HttapiOptions {
    std::string secret;                             // "" → the adapter is off
    std::string transfer = "{queue} XML default";  // the transfer application's data
  };
  void setHttapi(HttapiOptions options) { httapi_ = std::move(options); }
  const HttapiOptions& httapi() const { return httapi_; }

  const Clock& clock() const { return clock_; }

  // A new session (not yet started) on the current flow and hook. kResourceExhausted
  // when max_sessions are live; kUnavailable without a flow.
  Result<std::shared_ptr<Entry>> create(const std::string& id, const std::string& channel,
                                        const std::string& caller_id, const std::string& language);
  std::shared_ptr<Entry> find(const std::string& id) const;
  void remove(const std::string& id);
  // Removes and returns the sessions idle past the flow's session_ttl (already expired:
  // each Entry's session is in state kExpired, and the Step is the expiry).
  std::vector<std::pair<std::shared_ptr<Entry>, ivr::Step>> sweep();
  size_t live() const;

 private:
  const std::shared_ptr<const ivr::IntentModel> configured_model_;
  ivr::FallbackPolicy policy_;  // set before serving
  const Clock& clock_;
  size_t max_sessions_;
  HttapiOptions httapi_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> sessions_;  // guarded by mu_
  std::shared_ptr<const ivr::Flow> flow_;                    // guarded by mu_
  std::shared_ptr<ivr::ActionHook> hook_;                    // guarded by mu_
  std::shared_ptr<const ivr::IntentModel> model_;            // guarded by mu_
  std::string flow_source_ = "config";                       // guarded by mu_
};

}  // namespace outpost::api
