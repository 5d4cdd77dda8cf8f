// IVR node hooks: the per-input cost of the demo-bank bundle's ivr_action through
// plugins::IvrActions, marshalling included (HookCall → Lua tables → validated
// HookAction), for an input the rule takes (key 8) and one it declines (key 1).
//
//   build/release/bench/ivr_hook_bench   (OUTPOST_SOURCE_DIR = the checkout; default ".")

#include <benchmark/benchmark.h>

#include <cstdlib>

#include "plugins/ivr_actions.h"

namespace {

using namespace outpost;

std::string sourceDir() {
  const char* dir = std::getenv("OUTPOST_SOURCE_DIR");
  return dir ? dir : ".";
}

void BM_IvrAction(benchmark::State& state) {
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));
  auto trust = signing::TrustStore::load(sourceDir() + "/plugins/lua/demo-trust.txt");
  auto bundle = trust ? plugins::readBundleDir(sourceDir() + "/plugins/lua/demo-bank", *trust,
                                               plugins::InstallTarget{"demo", {}, clock.wallNow()})
                      : Result<plugins::Bundle>(trust.status());
  auto hook = bundle ? plugins::IvrActions::build(*bundle, clock, plugins::Limits{}, 1)
                     : Result<std::shared_ptr<plugins::IvrActions>>(bundle.status());
  if (!hook) {
    state.SkipWithError("cannot load plugins/lua/demo-bank (set OUTPOST_SOURCE_DIR)");
    return;
  }
  ivr::HookCall call;
  call.session_id = "ivr-0123456789";
  call.language = "zh-CN";
  call.node = "main";
  call.path = {"welcome", "main"};
  call.input_kind = "dtmf";
  call.input = state.range(0) ? "8" : "1";
  call.now = clock.wallNow();
  for (auto _ : state) {
    auto r = (*hook)->run("ivr_action", call);
    benchmark::DoNotOptimize(r);
  }
  state.counters["errors"] = static_cast<double>((*hook)->stats().errors);
}
BENCHMARK(BM_IvrAction)->Arg(0)->Arg(1)->ArgName("taken");

}  // namespace

BENCHMARK_MAIN();
