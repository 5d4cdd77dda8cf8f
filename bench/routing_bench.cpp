// Cost of one routing decision at site scale, and the router's memory.
//
//   BM_ContactArrives  a contact arrives: the best eligible agent is found and offered
//                      the contact (or it is queued with its position)
//   BM_AgentFreesUp    an agent ends its wrap-up: the contact completes, the agent is
//                      free and gets the waiting contact with the highest effective
//                      priority it can take
//
// Each case runs at …/agents:2000/waiting:10000 and …/agents:20000/waiting:100000 on
// a realistic mix: 50 skills (popularity skewed), agents with 3–6 skills at levels
// 1–5, 4 tiers, zh-CN and some en, voice and chat (1 voice or 3 chats), four queues
// with the built-in tier ladder and all three strategies, contacts needing 1–2
// skills. The site is filled until the given number of contacts wait, with mostly
// standard traffic (5% vip/complaint): as under the tier ladder at a busy hour, the
// T3–T4 agents are all busy and standard contacts queue for them, while many T1–T2
// agents are free for the next vip or complaint. No agent who is free can take any
// waiting contact. The timed arrivals then have the normal mix (12% vip, 8%
// complaint); offered_pct says how many of them found an agent, and p50_offered_us /
// p99_offered_us are the figures of those alone.
//
// An agent who frees up takes as many waiting contacts as it has room for (a voice
// agent freed of its call may take 3 chats): one call then makes several decisions.
// For BM_AgentFreesUp, p50_us/p99_us are per decision — a call that made n offers
// counts as n decisions of a n-th of its time each, a call that found nothing to take
// as one decision — and p50_call_us/p99_call_us are per call (offers_per_call says
// how many offers a call made on average).
//
// Each decision is timed alone (steady_clock around the one call; setup and the undo
// that keeps the site at size are not timed) and reported as counters p50_us, p99_us
// and decisions_per_s; rss_mb is the process's resident memory after setup and
// router_mb what setting up the router added to it.
//
//   routing_bench --benchmark_format=json

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_loop.h"
#include "routing/router.h"

namespace {

using namespace outpost;
using namespace outpost::routing;
using namespace std::chrono_literals;

constexpr int kSkills = 50;
constexpr int kIterations = 50'000;

double rssMb() {
  long pages = 0;
  long resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Keeps the offers (to accept them during the untimed undo) and drops the rest.
class OfferSink final : public EventSink {
 public:
  void emit(RouterEvent event) override {
    if (auto* o = std::get_if<ContactOffered>(&event))
      offers.emplace_back(o->contact.spec->id, o->decision.agent_id);
  }
  std::vector<std::pair<std::string, std::string>> offers;
};

class Site {
 public:
  Site(int agents, int waiting) : rng_(20260101), router_(clock_, timers_, sink_, RouterOptions{}) {
    for (int k = 0; k < kSkills; ++k) skill_weights_.push_back(1.0 / std::pow(k + 1, 0.7));
    setQueues();
    for (int i = 0; i < agents; ++i) addAgent(i);
    // Fill: contacts arrive; every offer is accepted; until `waiting` wait.
    senior_share_ = 0.05;
    while (waiting_ < waiting) {
      add(makeSpec());
      acceptOffers();
    }
    senior_share_ = 0.20;
  }

  Router& router() { return router_; }
  OfferSink& sink() { return sink_; }

  ContactSpec makeSpec() {
    ContactSpec s;
    s.id = "c" + std::to_string(next_contact_++);
    const bool voice = chance(0.6);
    const bool priority = chance(0.2);
    s.channel = voice ? site::Channel::kVoice : site::Channel::kChat;
    s.queue = voice ? (priority ? "voice-priority" : "voice-general")
                    : (priority ? "chat-priority" : "chat-general");
    s.language = chance(0.85) ? "zh-CN" : "en";
    const int first = skill();
    s.skills.push_back({skillName(first), level({40, 30, 20, 10})});
    if (chance(0.3)) {
      int second = skill();
      while (second == first) second = skill();
      s.skills.push_back({skillName(second), level({50, 30, 20})});
    }
    const double seg = uniform01();
    s.segment = seg >= senior_share_ ? "standard" : seg < senior_share_ * 0.6 ? "vip" : "complaint";
    s.priority = 20 + static_cast<int>(uniform01() * 60);
    s.intent = "card_lost";
    s.intent_confidence = 0.9;
    s.ivr_path = {"welcome", "cards"};
    return s;
  }

  // Adds a contact; counts it as waiting unless it was offered.
  void add(ContactSpec s) {
    auto r = router_.addContact(std::move(s));
    if (r.isOk() && r->contact.state == ContactState::kQueued) ++waiting_;
  }

  void acceptOffers() {
    for (auto& [contact, agent] : sink_.offers) {
      const ContactView* c = router_.contact(contact);
      if (c && c->state == ContactState::kOffered && c->agent_id == agent) {
        if (router_.accept(contact, agent).isOk()) connected_.emplace_back(contact, agent);
      }
    }
    sink_.offers.clear();
  }

  // A random connected contact, taken off the list.
  std::pair<std::string, std::string> takeConnected() {
    const size_t i = static_cast<size_t>(rng_() % connected_.size());
    std::swap(connected_[i], connected_.back());
    auto c = connected_.back();
    connected_.pop_back();
    return c;
  }
  void offeredFromWaiting(int n) { waiting_ -= n; }
  int waiting() const { return waiting_; }

 private:
  void setQueues() {
    const struct {
      const char* code;
      site::Channel channel;
      Strategy strategy;
      double weight;
    } queues[] = {
        {"voice-general", site::Channel::kVoice, Strategy::kLongestIdle, 1.0},
        {"voice-priority", site::Channel::kVoice, Strategy::kRewardWeighted, 2.0},
        {"chat-general", site::Channel::kChat, Strategy::kLongestIdle, 1.0},
        {"chat-priority", site::Channel::kChat, Strategy::kLeastOccupied, 1.5},
    };
    for (const auto& q : queues) {
      QueuePolicy p;  // built-in rings: the tier ladder
      p.code = q.code;
      p.channel = q.channel;
      p.strategy = q.strategy;
      p.weight = q.weight;
      p.wrap_up_time = Millis(0);  // the agent ends its wrap-up (the timed call)
      router_.setQueue(p);
    }
  }

  void addAgent(int i) {
    AgentProfile p;
    p.id = "a" + std::to_string(i);
    const double t = uniform01();
    p.tier = t < 0.15 ? 1 : t < 0.40 ? 2 : t < 0.70 ? 3 : 4;
    p.languages = {"zh-CN"};
    if (chance(0.35)) p.languages.push_back("en");
    p.voice_capacity = 1;
    p.chat_capacity = 3;
    const int n = 3 + static_cast<int>(rng_() % 4);
    std::vector<int> have;
    while (static_cast<int>(have.size()) < n) {
      const int k = skill();
      if (std::find(have.begin(), have.end(), k) == have.end()) have.push_back(k);
    }
    for (int k : have) p.skills.push_back({skillName(k), level({10, 25, 30, 25, 10})});
    if (chance(0.15)) p.practice_skills.push_back(skillName(have.front()));
    p.reward_score = 0.5 + uniform01() * 2.5;
    router_.upsertAgent(p);
    clock_.advance(1ms);  // agents become ready at different times
    (void)router_.requestPresence(p.id, site::PresenceState::kReady, std::nullopt, p.id, false);
  }

  double uniform01() { return std::uniform_real_distribution<double>(0, 1)(rng_); }
  bool chance(double p) { return uniform01() < p; }
  int skill() {
    return std::discrete_distribution<int>(skill_weights_.begin(), skill_weights_.end())(rng_);
  }
  // A level 1… with the given weights.
  int level(std::initializer_list<int> weights) {
    return 1 + std::discrete_distribution<int>(weights.begin(), weights.end())(rng_);
  }
  static std::string skillName(int k) { return "skill" + std::to_string(k); }

  std::mt19937_64 rng_;
  std::vector<double> skill_weights_;
  SimulatedClock clock_;
  EventLoop loop_{clock_};
  LoopTimers timers_{loop_};  // never run: timers cost what they cost, none fires
  OfferSink sink_;
  Router router_;
  int next_contact_ = 0;
  int waiting_ = 0;
  double senior_share_ = 0.20;  // vip + complaint
  std::vector<std::pair<std::string, std::string>> connected_;
};

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// us: one entry per decision; calls (if not null): one entry per call.
void report(benchmark::State& state, std::vector<double>& us, double rss, double router_mb, int64_t offered,
            int64_t timed_calls, std::vector<double>* calls = nullptr, int64_t offers = 0) {
  if (us.empty()) return;
  double sum = 0;
  for (double v : us) sum += v;
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
  state.counters["max_us"] = us.back();
  state.counters["decisions_per_s"] = 1e6 * static_cast<double>(us.size()) / sum;
  state.counters["offered_pct"] = 100.0 * static_cast<double>(offered) / static_cast<double>(timed_calls);
  state.counters["rss_mb"] = rss;
  state.counters["router_mb"] = router_mb;
  if (calls && !calls->empty()) {
    state.counters["offers_per_call"] = static_cast<double>(offers) / static_cast<double>(calls->size());
    state.counters["p50_call_us"] = percentile(*calls, 0.50);
    state.counters["p99_call_us"] = percentile(*calls, 0.99);
  }
}

double setupMemory(std::unique_ptr<Site>& site, int agents, int waiting, double* rss) {
  malloc_trim(0);
  const double before = rssMb();
  site = std::make_unique<Site>(agents, waiting);
  *rss = rssMb();
  return *rss - before;
}

void BM_ContactArrives(benchmark::State& state) {
  std::unique_ptr<Site> site;
  double rss = 0;
  const double router_mb =
      setupMemory(site, static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), &rss);
  std::vector<ContactSpec> pool;
  for (int i = 0; i < 8192; ++i) pool.push_back(site->makeSpec());
  std::vector<double> us;
  std::vector<double> when_offered;  // arrivals that found an agent
  us.reserve(kIterations);
  int64_t offered = 0;
  size_t i = 0;
  for (auto _ : state) {
    ContactSpec spec = pool[i++ % pool.size()];
    spec.id = "bench" + std::to_string(i);
    const std::string id = spec.id;
    site->sink().offers.clear();
    const auto t0 = std::chrono::steady_clock::now();
    auto r = site->router().addContact(std::move(spec));
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(r);
    const double d = std::chrono::duration<double, std::micro>(t1 - t0).count();
    state.SetIterationTime(d / 1e6);
    us.push_back(d);
    offered += !site->sink().offers.empty();
    if (!site->sink().offers.empty()) when_offered.push_back(d);
    // Undo: the customer leaves (an offer is withdrawn; the agent is free again).
    (void)site->router().abandonContact(id, true);
    site->sink().offers.clear();
  }
  std::sort(when_offered.begin(), when_offered.end());
  if (!when_offered.empty()) {
    state.counters["p50_offered_us"] = when_offered[when_offered.size() / 2];
    state.counters["p99_offered_us"] =
        when_offered[std::min(when_offered.size() - 1, when_offered.size() * 99 / 100)];
  }
  report(state, us, rss, router_mb, offered, static_cast<int64_t>(us.size()));
}

void BM_AgentFreesUp(benchmark::State& state) {
  std::unique_ptr<Site> site;
  double rss = 0;
  const int waiting = static_cast<int>(state.range(1));
  const double router_mb = setupMemory(site, static_cast<int>(state.range(0)), waiting, &rss);
  std::vector<double> us;     // per decision
  std::vector<double> calls;  // per call
  us.reserve(2 * kIterations);
  calls.reserve(kIterations);
  int64_t offered = 0;
  int64_t offers = 0;
  for (auto _ : state) {
    auto [contact, agent] = site->takeConnected();
    (void)site->router().complete(contact, agent, WrapUp{"done", true, true, ""});
    site->sink().offers.clear();
    const auto t0 = std::chrono::steady_clock::now();
    Status s = site->router().endWrapUp(contact, agent);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(s);
    const double d = std::chrono::duration<double, std::micro>(t1 - t0).count();
    state.SetIterationTime(d / 1e6);
    calls.push_back(d);
    const int n = static_cast<int>(site->sink().offers.size());
    offered += n > 0;
    offers += n;
    for (int k = 0; k < std::max(n, 1); ++k) us.push_back(d / std::max(n, 1));
    site->offeredFromWaiting(n);
    // Undo: the agent accepts; new contacts arrive until the site waits at size again.
    site->acceptOffers();
    while (site->waiting() < waiting) {
      site->add(site->makeSpec());
      site->acceptOffers();
    }
  }
  report(state, us, rss, router_mb, offered, static_cast<int64_t>(calls.size()), &calls, offers);
}

// Both cases at site scale and at ten times it.
void siteSizes(benchmark::internal::Benchmark* b) {
  b->ArgNames({"agents", "waiting"})
      ->Args({2000, 10000})
      ->Args({20000, 100000})
      ->Iterations(kIterations)
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}
BENCHMARK(BM_ContactArrives)->Apply(siteSizes);
BENCHMARK(BM_AgentFreesUp)->Apply(siteSizes);

}  // namespace

BENCHMARK_MAIN();
