// Intent recognition on the shipped bank-branch data (models/ivr/).
//
//   BM_Classify   one utterance through feature extraction, the linear model and the
//                 calibrated softmax; cycles through the 288 held-out utterances
//                 (zh-CN and English). Each call is timed alone; counters p50_us and
//                 p99_us are per utterance.
//   BM_Train      training on the 1,106 shipped utterances with the default options
//                 (40 epochs, temperature fitted on a 15% hold-out, then retrained).
//   BM_Session    a whole IVR session in the engine: menu → intent (text) → collect
//                 (card number, Luhn) → transfer; no I/O.
//
// The data is read from $OUTPOST_SOURCE_DIR/models/ivr (default: the source tree this
// was built from).

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "ivr/classifier.h"
#include "ivr/session.h"

namespace {

using outpost::ivr::Example;
using outpost::ivr::IntentModel;

std::string dataPath(const std::string& name) {
  const char* src = std::getenv("OUTPOST_SOURCE_DIR");
  return std::string(src ? src : OUTPOST_SOURCE_DIR_DEFAULT) + "/models/ivr/" + name;
}

const std::vector<Example>& trainSet() {
  static const std::vector<Example> v = outpost::ivr::loadExamples(dataPath("bank.train.tsv")).value();
  return v;
}
const std::vector<Example>& testSet() {
  static const std::vector<Example> v = outpost::ivr::loadExamples(dataPath("bank.test.tsv")).value();
  return v;
}
const IntentModel& model() {
  static const IntentModel m = IntentModel::train(trainSet(), outpost::ivr::TrainOptions{}).value();
  return m;
}

void percentiles(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = us[us.size() / 2];
  state.counters["p99_us"] = us[std::min(us.size() - 1, us.size() * 99 / 100)];
}

void BM_Classify(benchmark::State& state) {
  const IntentModel& m = model();
  const auto& test = testSet();
  std::vector<double> us;
  us.reserve(1 << 20);
  size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto p = m.classify(test[i].text);
    const auto t1 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(p);
    if (us.size() < (1 << 20)) us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    i = (i + 1) % test.size();
  }
  percentiles(state, us);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Classify);

void BM_Train(benchmark::State& state) {
  const auto& train = trainSet();
  for (auto _ : state) {
    auto m = IntentModel::train(train, outpost::ivr::TrainOptions{});
    benchmark::DoNotOptimize(m);
  }
  state.counters["utterances"] = static_cast<double>(train.size());
}
BENCHMARK(BM_Train)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Session(benchmark::State& state) {
  using namespace outpost::ivr;
  Flow f;
  f.id = "bench";
  f.start = "menu";
  f.human = "agent";
  Text t{"请选择", "Choose"};
  Node menu{.id = "menu", .kind = NodeKind::kMenu, .prompt = t};
  menu.options = {{"1", "ask", ""}};
  Node ask{.id = "ask", .kind = NodeKind::kIntent, .prompt = t};
  ask.routes = {{"card_lost", "card"}, {"*", "agent"}};
  Node card{.id = "card", .kind = NodeKind::kCollect, .prompt = t, .next = "agent"};
  card.slot = "card_number";
  card.min_length = 16;
  card.max_length = 19;
  card.luhn = true;
  Node agent{.id = "agent", .kind = NodeKind::kTransfer, .prompt = t};
  agent.queue = "cards-voice";
  f.nodes = {menu, ask, card, agent};
  auto flow = std::make_shared<const Flow>(f);
  auto m = std::make_shared<const IntentModel>(model());
  outpost::SimulatedClock clock;
  for (auto _ : state) {
    Session s(flow, m, "zh-CN", clock);
    s.start();
    (void)s.input({Input::Kind::kDtmf, "1"});
    (void)s.input({Input::Kind::kText, "我的银行卡丢了"});
    auto end = s.input({Input::Kind::kDtmf, "4111111111111111"});
    benchmark::DoNotOptimize(end);
  }
}
BENCHMARK(BM_Session);

}  // namespace

BENCHMARK_MAIN();
