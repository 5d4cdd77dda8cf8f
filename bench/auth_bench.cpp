// Cost of the auth primitives. The number that matters most is BM_HashPassword at the
// default iteration count: it is the CPU cost of every login (verify costs the same), and
// with LoginLimiter it bounds how fast an attacker can make the appliance burn CPU.
//
//   auth_bench --benchmark_filter=Hash   (ms per 600k-iteration PBKDF2-HMAC-SHA256)

#include <benchmark/benchmark.h>

#include <string>

#include "auth/login_limiter.h"
#include "auth/password.h"
#include "auth/token.h"
#include "core/clock.h"

namespace {

using outpost::auth::kDefaultPbkdf2Iterations;

void BM_HashPassword(benchmark::State& state) {
  const int iterations = static_cast<int>(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(outpost::auth::hashPassword("correct horse battery", iterations));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashPassword)->Arg(kDefaultPbkdf2Iterations)->Unit(benchmark::kMillisecond);

void BM_VerifyPassword(benchmark::State& state) {
  const std::string encoded = outpost::auth::hashPassword("correct horse battery",
                                                          static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto ok = outpost::auth::verifyPassword("correct horse battery", encoded);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyPassword)->Arg(kDefaultPbkdf2Iterations)->Unit(benchmark::kMillisecond);

void BM_NewToken(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(outpost::auth::newToken());
  state.SetItemsProcessed(state.iterations());  // items_per_second = tokens/s
}
BENCHMARK(BM_NewToken);

void BM_TokenDigest(benchmark::State& state) {
  const std::string token = outpost::auth::newToken();
  for (auto _ : state) benchmark::DoNotOptimize(outpost::auth::tokenDigest(token));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokenDigest);

void BM_CheckPasswordPolicy(benchmark::State& state) {
  for (auto _ : state) {
    auto status = outpost::auth::checkPasswordPolicy("我的密码很安全吗 correct horse");
    benchmark::DoNotOptimize(status);
  }
}
BENCHMARK(BM_CheckPasswordPolicy);

// A username spray from many addresses at the key cap: recordFailure + check per attempt.
void BM_LoginLimiterSpray(benchmark::State& state) {
  outpost::SimulatedClock clock;
  outpost::auth::LoginLimiter limiter(clock);
  long i = 0;
  for (auto _ : state) {
    std::string user = "user";
    user += std::to_string(i);
    std::string address = "10.0.";
    address += std::to_string(i % 65536);
    auto status = limiter.check(user, address);
    benchmark::DoNotOptimize(status);
    limiter.recordFailure(user, address);
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["tracked_keys"] = static_cast<double>(limiter.trackedKeys());
}
BENCHMARK(BM_LoginLimiterSpray);

}  // namespace

BENCHMARK_MAIN();
