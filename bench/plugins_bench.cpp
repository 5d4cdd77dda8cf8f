// Lua rules: per-call overhead of the hooks with the demo-bank bundle, marshalling
// included (ContactSpec / AgentProfile → Lua tables → validated result), and the
// cost of installing a bundle (verify + compile + vectors).
//
//   build/release/bench/plugins_bench   (OUTPOST_SOURCE_DIR = the checkout; default ".")

#include <benchmark/benchmark.h>

#include <cstdlib>

#include "plugins/rules.h"

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

void BM_ClassifyContact(benchmark::State& state) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto host = makeHost(clock);
  if (!host) {
    state.SkipWithError("cannot install plugins/lua/demo-bank (set OUTPOST_SOURCE_DIR)");
    return;
  }
  const auto spec = contact(state.range(0) ? "my card was stolen" : "balance please");
  for (auto _ : state) {
    auto out = host->classify(spec, clock.wallNow());
    benchmark::DoNotOptimize(out);
  }
  state.counters["errors"] = static_cast<double>(host->status().active->counters.errors);
}
BENCHMARK(BM_ClassifyContact)->Arg(0)->Arg(1)->ArgName("fraud");

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
  for (auto _ : state) {
    auto out = rs->classify(plugins::contactValue(spec), clock.wallNow());
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_BareClassify);

// The same with the contact pushed straight into Lua (what RulesHost does).
void BM_BareClassifyDirect(benchmark::State& state) {
  SimulatedClock clock;
  auto rs = bareRules(clock);
  const auto spec = contact("balance please");
  for (auto _ : state) {
    auto out = rs->classify(spec, clock.wallNow());
    benchmark::DoNotOptimize(out);
  }
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

void BM_InstallBundle(benchmark::State& state) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  for (auto _ : state) {
    auto host = makeHost(clock);
    if (!host) {
      state.SkipWithError("cannot install plugins/lua/demo-bank (set OUTPOST_SOURCE_DIR)");
      return;
    }
    state.counters["state_bytes"] = static_cast<double>(host->status().active->memory_bytes);
  }
}
BENCHMARK(BM_InstallBundle)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
