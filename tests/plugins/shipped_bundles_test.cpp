// The bundles shipped under plugins/lua/ verify with their trust file and pass their
// own test vectors in the sandbox, as an appliance would run them at install.
#include <gtest/gtest.h>

#include <cstdlib>

#include "plugins/rules.h"
#include "source_tree.h"

namespace outpost::plugins {
namespace {

using outpost::source_tree::sourceDir;

TEST(ShippedBundles, DemoBankInstallsAndPassesItsVectors) {
  auto trust = signing::TrustStore::load(sourceDir() + "/plugins/lua/demo-trust.txt");
  ASSERT_TRUE(trust.isOk()) << trust.status().toString();
  SimulatedClock clock(fromEpochMillis(1'795'000'000'000));  // 2026-11
  RulesHost host(clock, std::move(*trust), RulesOptions{"demo", {}, {}, 1});
  auto e = host.installDir(sourceDir() + "/plugins/lua/demo-bank");
  ASSERT_TRUE(e.isOk()) << e.status().toString();
  EXPECT_EQ(e->id, "demo-bank");
  EXPECT_EQ(e->hooks.size(), 3u);
}

}  // namespace
}  // namespace outpost::plugins
