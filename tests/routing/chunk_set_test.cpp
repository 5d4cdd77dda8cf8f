#include "routing/internal/chunk_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace outpost::routing::internal {
namespace {

struct Less {
  bool operator()(int a, int b) const { return a < b; }
};

TEST(ChunkSetTest, BehavesLikeAnOrderedSet) {
  std::mt19937 rng(7);
  ChunkSet<int, Less, 8> set;
  std::set<int> model;
  for (int step = 0; step < 20000; ++step) {
    // Phases that grow and shrink the set, so chunks split and merge.
    const bool grow = (step / 2000) % 2 == 0;
    const int v = static_cast<int>(rng() % 500);
    if (rng() % 10 < (grow ? 7u : 3u)) {
      EXPECT_EQ(set.insert(v), model.insert(v).second) << step;
    } else {
      EXPECT_EQ(set.erase(v), model.erase(v) == 1) << step;
    }
    ASSERT_TRUE(set.valid()) << step;
    ASSERT_EQ(set.size(), model.size());
    EXPECT_EQ(set.contains(v), model.count(v) == 1);
    if (step % 97 == 0) {
      std::vector<int> a(set.begin(), set.end());
      std::vector<int> b(model.begin(), model.end());
      ASSERT_EQ(a, b) << step;
      if (!model.empty()) {
        EXPECT_EQ(set.front(), *model.begin());
      }
    }
  }
}

TEST(ChunkSetTest, RankedSetCountsWhatIsBefore) {
  std::mt19937 rng(11);
  ChunkSet<int, Less, 4, true> set;  // small chunks: many of them, several blocks
  std::set<int> model;
  for (int step = 0; step < 20000; ++step) {
    const bool grow = (step / 2500) % 2 == 0;
    const int v = static_cast<int>(rng() % 2000);
    if (rng() % 10 < (grow ? 7u : 3u)) {
      EXPECT_EQ(set.insert(v), model.insert(v).second) << step;
    } else {
      EXPECT_EQ(set.erase(v), model.erase(v) == 1) << step;
    }
    ASSERT_TRUE(set.valid()) << step;
    const int probe = static_cast<int>(rng() % 2000);
    ASSERT_EQ(set.rank(probe), static_cast<size_t>(std::distance(model.begin(), model.lower_bound(probe)))) << step;
  }
}

TEST(ChunkSetTest, EmptyAndSingle) {
  ChunkSet<int, Less, 4> set;
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.begin() == set.end());
  EXPECT_FALSE(set.erase(3));
  EXPECT_TRUE(set.insert(3));
  EXPECT_FALSE(set.insert(3));
  EXPECT_EQ(set.front(), 3);
  EXPECT_TRUE(set.erase(3));
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.valid());
}

}  // namespace
}  // namespace outpost::routing::internal
