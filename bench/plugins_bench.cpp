// Lua rules: per-call overhead of the hooks with the shipped default bundle (the
// issue's figure: classify_contact p50 <= 5 us) and the demo-bank bundle, marshalling
// included (ContactSpec / AgentProfile -> Lua tables -> validated result), and the
// cost of installing a bundle (verify + compile + vectors).
//
// Every call is timed on its own (steady_clock around the call); p50_us and p99_us are
// per call, like bench/routing_bench.cpp.
//
//   build/release/bench/plugins_bench   (OUTPOST_SOURCE_DIR = the checkout; default ".")

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "plugins/rules.h"
#include "signing/ed25519.h"
#include "signing/package.h"

namespace {

using namespace outpost;

std::string sourceDir() {
  const char* dir = std::getenv("OUTPOST_SOURCE_DIR");
  return dir ? dir : ".";
}

std::unique_ptr<plugins::RulesHost> makeHost(const Clock& clock) {
  auto trust = signing::TrustStore::load(sourceDir() + "/plugins/lua/demo-trust.txt");
  if (!trust) return nullptr;
  auto host = std::make_unique<plugins::RulesHost>(clock, std::move(*trust), plugins::RulesOptions{"demo", {}, {}, 1});
  if (!host->installDir(sourceDir() + "/plugins/lua/demo-bank")) return nullptr;
  return host;
}

// The shipped default bundle is not signed: a copy in a temporary directory, sealed
// and signed once with a key made here, installed as an appliance would.
struct SignedDefault {
  std::filesystem::path dir;
  signing::TrustStore trust;
  bool ok = false;
  SignedDefault() {
    namespace fs = std::filesystem;
    dir = fs::temp_directory_path() / ("outpost-bench-default-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::copy(sourceDir() + "/plugins/lua/default", dir, ec);
    auto key = signing::generateKeyPair();
    ok = !ec && key && trust.add("bench", key->public_b64) && signing::sealPackageDir(dir.string()) &&
         signing::signPackageDir(dir.string(), key->private_pem, "bench");
  }
  ~SignedDefault() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const SignedDefault& signedDefault() {
  static const SignedDefault d;
  return d;
}

std::unique_ptr<plugins::RulesHost> makeDefaultHost(const Clock& clock) {
  const SignedDefault& d = signedDefault();
  if (!d.ok) return nullptr;
  auto host = std::make_unique<plugins::RulesHost>(clock, d.trust, plugins::RulesOptions{"demo", {}, {}, 1});
  if (!host->installDir(d.dir.string())) return nullptr;
  return host;
}

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Times fn() once per iteration; p50_us / p99_us per call.
template <typename Fn>
void timed(benchmark::State& state, Fn&& fn) {
  std::vector<double> us;
  us.reserve(1u << 20);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    const auto t1 = std::chrono::steady_clock::now();
    if (us.size() < us.capacity()) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  if (us.empty()) return;
  state.counters["p50_us"] = percentile(us, 0.50);
  state.counters["p99_us"] = percentile(us, 0.99);
}

routing::ContactSpec contact(const std::string& text) {
  routing::ContactSpec s;
  s.id = "c1";
  s.queue = "cards";
  s.skills = {{"cards", 2}};
  s.segment = "vip";
  s.value = 500;
  s.attributes_json = R"({"text": ")" + text + R"("})";
  return s;
}

using MakeHost = std::unique_ptr<plugins::RulesHost> (*)(const Clock&);

// The host with the shipped `bundle` installed, or null with the benchmark skipped.
std::unique_ptr<plugins::RulesHost> hostOrSkip(benchmark::State& state, MakeHost make, const Clock& clock,
                                               const char* bundle) {
  auto host = make(clock);
  if (!host) state.SkipWithError((std::string("cannot install plugins/lua/") + bundle + " (set OUTPOST_SOURCE_DIR)").c_str());
  return host;
}

// classify_contact timed call by call over `specs` in turn.
void classifyLoop(benchmark::State& state, MakeHost make, const char* bundle,
                  const std::vector<routing::ContactSpec>& specs) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto host = hostOrSkip(state, make, clock, bundle);
  if (!host) return;
  size_t i = 0;
  timed(state, [&] {
    auto out = host->classify(specs[i++ % specs.size()], clock.wallNow());
    benchmark::DoNotOptimize(out);
  });
  state.counters["errors"] = static_cast<double>(host->status().active->counters.errors);
}

void BM_ClassifyContact(benchmark::State& state) {
  classifyLoop(state, makeHost, "demo-bank", {contact(state.range(0) ? "my card was stolen" : "balance please")});
}
BENCHMARK(BM_ClassifyContact)->Arg(0)->Arg(1)->ArgName("fraud");

// The issue's figure: classify_contact with the shipped default bundle. text:0 is a
// contact no rule matches (every keyword list is searched, then the VIP test), text:1
// one the first rule (fraud) takes, text:2 a zh-CN complaint (third rule).
void BM_ClassifyDefault(benchmark::State& state) {
  static const char* const kTexts[] = {"I would like to check my balance please", "my card was stolen",
                                       "我要投诉你们的服务"};
  classifyLoop(state, makeDefaultHost, "default", {contact(kTexts[state.range(0)])});
}
BENCHMARK(BM_ClassifyDefault)->Arg(0)->Arg(1)->Arg(2)->ArgName("text");

// The same with a different contact on every call (texts 0-2 in turn, each with its own
// reference number), as at a site where each contact is classified once when it
// arrives: the attributes are parsed on every call (BM_ClassifyDefault's repeated
// contact parses them once).
void BM_ClassifyDefaultFresh(benchmark::State& state) {
  static const char* const kTexts[] = {"I would like to check my balance please, ref ", "my card was stolen, ref ",
                                       "我要投诉你们的服务 ref "};
  std::vector<routing::ContactSpec> pool;
  for (int i = 0; i < 3000; ++i) {
    pool.push_back(contact(kTexts[i % 3] + std::to_string(100000 + i)));
    pool.back().id = "c" + std::to_string(i);
  }
  classifyLoop(state, makeDefaultHost, "default", pool);
}
BENCHMARK(BM_ClassifyDefaultFresh);

void BM_RankCandidates(benchmark::State& state) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto host = makeHost(clock);
  if (!host) {
    state.SkipWithError("cannot install plugins/lua/demo-bank (set OUTPOST_SOURCE_DIR)");
    return;
  }
  std::vector<routing::AgentProfile> agents(static_cast<size_t>(state.range(0)));
  std::vector<const routing::AgentProfile*> candidates;
  for (size_t i = 0; i < agents.size(); ++i) {
    agents[i].id = "a" + std::to_string(i);
    agents[i].tier = 1 + static_cast<int>(i % 4);
    agents[i].languages = {"zh-CN", "en"};
    agents[i].skills = {{"cards", 1 + static_cast<int>(i * 7 % 5)}, {"loans", 3}};
    candidates.push_back(&agents[i]);
  }
  routing::ContactView view;
  view.spec = std::make_shared<const routing::ContactSpec>(contact("balance"));
  for (auto _ : state) {
    auto pick = host->choose(view, candidates, clock.wallNow());
    benchmark::DoNotOptimize(pick);
  }
  state.counters["errors"] = static_cast<double>(host->status().active->counters.errors);
}
BENCHMARK(BM_RankCandidates)->Arg(20)->ArgName("candidates");

// The hooks' own overhead: a bundle whose hooks return nil at once, so what is left
// is marshalling the inputs, the protected call with its limits, and the result.
std::shared_ptr<plugins::RuleSet> bareRules(const Clock& clock) {
  plugins::Bundle b;
  b.id = "bare";
  b.version = 1;
  b.hooks = {"classify_contact", "rank_candidates"};
  b.sources = {"main.lua"};
  b.files["main.lua"] =
      "function classify_contact(contact, ctx) return nil end\n"
      "function rank_candidates(contact, candidates, ctx) return nil end\n";
  auto rs = plugins::RuleSet::build(std::move(b), clock, plugins::Limits{}, 1);
  return rs ? rs.value() : nullptr;
}

void BM_BareClassify(benchmark::State& state) {
  SimulatedClock clock;
  auto rs = bareRules(clock);
  const auto spec = contact("balance please");
  timed(state, [&] {
    auto out = rs->classify(plugins::contactValue(spec), clock.wallNow());
    benchmark::DoNotOptimize(out);
  });
}
BENCHMARK(BM_BareClassify);

// The same with the contact pushed straight into Lua (what RulesHost does).
void BM_BareClassifyDirect(benchmark::State& state) {
  SimulatedClock clock;
  auto rs = bareRules(clock);
  const auto spec = contact("balance please");
  timed(state, [&] {
    auto out = rs->classify(spec, clock.wallNow());
    benchmark::DoNotOptimize(out);
  });
}
BENCHMARK(BM_BareClassifyDirect);

void BM_BareRank(benchmark::State& state) {
  SimulatedClock clock;
  auto rs = bareRules(clock);
  std::vector<routing::AgentProfile> agents(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < agents.size(); ++i) {
    agents[i].id = "a" + std::to_string(i);
    agents[i].languages = {"zh-CN", "en"};
    agents[i].skills = {{"cards", 3}, {"loans", 3}};
  }
  const auto spec = contact("balance please");
  for (auto _ : state) {
    std::vector<std::string> ids;
    plugins::Value::Array list;
    for (const auto& a : agents) {
      ids.push_back(a.id);
      list.push_back(plugins::candidateValue(a));
    }
    auto out = rs->rank(plugins::contactValue(spec), ids, plugins::Value(std::move(list)), clock.wallNow());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BareRank)->Arg(20)->ArgName("candidates");

// Installing a shipped bundle (verify + compile + its vectors); state_bytes is the
// memory of its loaded Lua state.
void installLoop(benchmark::State& state, MakeHost make, const char* bundle) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  for (auto _ : state) {
    auto host = hostOrSkip(state, make, clock, bundle);
    if (!host) return;
    state.counters["state_bytes"] = static_cast<double>(host->status().active->memory_bytes);
  }
}

void BM_InstallBundle(benchmark::State& state) { installLoop(state, makeHost, "demo-bank"); }
BENCHMARK(BM_InstallBundle)->Unit(benchmark::kMillisecond);

void BM_InstallDefault(benchmark::State& state) { installLoop(state, makeDefaultHost, "default"); }
BENCHMARK(BM_InstallDefault)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
