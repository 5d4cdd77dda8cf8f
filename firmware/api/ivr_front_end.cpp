#include "api/ivr_front_end.h"

namespace outpost::api {

IvrFrontEnd::IvrFrontEnd(std::shared_ptr<const ivr::Flow> flow, std::shared_ptr<const ivr::IntentModel> model,
                         const Clock& clock, size_t max_sessions)
    : configured_model_(model), clock_(clock), max_sessions_(max_sessions), flow_(std::move(flow)), model_(std::move(model)) {}

void IvrFrontEnd::setFlow(std::shared_ptr<const ivr::Flow> flow, std::shared_ptr<ivr::ActionHook> hook,
                          std::string source, std::shared_ptr<const ivr::IntentModel> model) {
  std::lock_guard lock(mu_);
  flow_ = std::move(flow);
  hook_ = std::move(hook);
  model_ = model ? std::move(model) : configured_model_;
  flow_source_ = std::move(source);
}

std::shared_ptr<const ivr::Flow> IvrFrontEnd::currentFlow() const {
  std::lock_guard lock(mu_);
  return flow_;
}

std::shared_ptr<ivr::ActionHook> IvrFrontEnd::currentHook() const {
  std::lock_guard lock(mu_);
  return hook_;
}

std::string IvrFrontEnd::flowSource() const {
  std::lock_guard lock(mu_);
  return flow_source_;
}

Result<std::shared_ptr<IvrFrontEnd::Entry>> IvrFrontEnd::create(const std::string& id, const std::string& channel,
                                                                const std::string& caller_id,
                                                                const std::string& language) {
  auto e = std::make_shared<Entry>();
  e->id = id;
  e->channel = channel;
  e->caller_id = caller_id;
  e->started_at = clock_.wallNow();
  std::lock_guard lock(mu_);
  if (!flow_) return Status::unavailable("no IVR flow is configured on this appliance (ivr.flow or a rule bundle)");
  e->session = std::make_unique<ivr::Session>(flow_, model_, language, clock_);
  e->session->setId(id);
  e->session->setHook(hook_);
  if (sessions_.size() >= max_sessions_) {
    return Status::resourceExhausted("too many IVR sessions at once (ivr.max_sessions = " +
                                     std::to_string(max_sessions_) + ")");
  }
  sessions_[id] = e;
  return e;
}

std::shared_ptr<IvrFrontEnd::Entry> IvrFrontEnd::find(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

void IvrFrontEnd::remove(const std::string& id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

size_t IvrFrontEnd::live() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::vector<std::pair<std::shared_ptr<IvrFrontEnd::Entry>, ivr::Step>> IvrFrontEnd::sweep() {
  std::vector<std::shared_ptr<Entry>> all;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : sessions_) all.push_back(e);
  }
  std::vector<std::pair<std::shared_ptr<Entry>, ivr::Step>> out;
  for (auto& e : all) {
    std::unique_lock elock(e->mu, std::try_to_lock);
    if (!elock.owns_lock()) continue;  // busy with an input: not idle
    if (!e->session->idleExpired()) continue;
    out.emplace_back(e, e->session->expire());
    remove(e->id);
  }
  return out;
}

}  // namespace outpost::api
