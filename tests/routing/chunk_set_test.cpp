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

// Sets of every shape (empty, one chunk, many chunks, full chunks about to split),
// each given one value that it holds, one it does not, or one beyond its last:
// insertMany()/eraseMany() must leave every set as insert()/erase() one by one would,
// and say which values they added or removed.
void checkBatchMatchesOneByOne(bool inserting) {
  using Set = ChunkSet<int, Less, 8>;
  std::mt19937 rng(inserting ? 13 : 11);
  for (int round = 0; round < 300; ++round) {
    const size_t n = 1 + rng() % 30;
    std::vector<Set> sets(n);
    std::vector<std::set<int>> models(n);
    std::vector<Set::Batched> items;
    std::vector<bool> changes;
    for (size_t i = 0; i < n; ++i) {
      const int size = static_cast<int>(rng() % 120);
      for (int k = 0; k < size; ++k) {
        const int v = static_cast<int>(rng() % 300);
        sets[i].insert(v);
        models[i].insert(v);
      }
      int v = static_cast<int>(rng() % 320);  // sometimes held, sometimes not, sometimes beyond
      if (!models[i].empty() && rng() % 2 == 0) {
        auto it = models[i].begin();
        std::advance(it, static_cast<long>(rng() % models[i].size()));
        v = *it;
      }
      changes.push_back(inserting ? models[i].insert(v).second : models[i].erase(v) == 1);
      items.push_back(Set::Batched{&sets[i], v});
    }
    if (inserting) {
      Set::insertMany(items.data(), items.size());
    } else {
      Set::eraseMany(items.data(), items.size());
    }
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(items[i].done, changes[i]) << round << " " << i;
      ASSERT_TRUE(sets[i].valid()) << round << " " << i;
      std::vector<int> a(sets[i].begin(), sets[i].end());
      std::vector<int> b(models[i].begin(), models[i].end());
      ASSERT_EQ(a, b) << round << " " << i;
    }
  }
}

TEST(ChunkSetTest, EraseManyMatchesEraseOneByOne) { checkBatchMatchesOneByOne(false); }
TEST(ChunkSetTest, InsertManyMatchesInsertOneByOne) { checkBatchMatchesOneByOne(true); }

}  // namespace
}  // namespace outpost::routing::internal
