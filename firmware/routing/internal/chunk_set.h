#pragma once

// ChunkSet: an ordered set kept as a sequence of small sorted chunks (at most kChunk
// values each) plus a directory of each chunk's last value — a two-level B-tree.
//
// The router's buckets are ordered sets that change on every offer and every agent
// freeing up, and at site scale they no longer fit in the CPU caches: a red-black
// tree then costs a memory miss per level on each insert or erase. Here an insert or
// erase is a binary search in the contiguous directory, one in a chunk and a short
// move inside the chunk — a few cache lines. Chunks grow like vectors, so a bucket of
// two values takes little memory.
//
// Most of the router's sets hold one chunk (up to kChunk values). That chunk is kept
// in the set object itself and the directory is not read while there is only one, so
// an update of a small set reads the set and its values only (two dependent loads,
// not four), and a set that empties keeps its chunk's memory for the next value.
//
// Values are compared with Less and must be unique under it (insert reports a
// duplicate); they should be small and trivially copyable. Iterators are invalidated
// by insert and erase.
//
// kRanked adds order statistics: the chunk sizes in one contiguous array plus their
// sums per block of kBlock chunks, so rank() reads a few cache lines however large the
// set is (at the price of a rebuild of the sizes after a split or merge).
//
// Internal to routing. Thread-safety: none.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace outpost::routing::internal {

template <typename T, typename Less, size_t kChunk, bool kRanked = false>
class ChunkSet {
  static_assert(kChunk >= 4 && kChunk % 2 == 0);
  static constexpr size_t kBlock = 64;  // chunks per block sum (kRanked)

 public:
  class const_iterator {
   public:
    using value_type = T;
    using reference = const T&;
    using pointer = const T*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::forward_iterator_tag;

    const_iterator() = default;
    const T& operator*() const { return set_->at(c_)[i_]; }
    const T* operator->() const { return &set_->at(c_)[i_]; }
    const_iterator& operator++() {
      if (++i_ == set_->at(c_).size()) {
        ++c_;
        i_ = 0;
      }
      return *this;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) {
      return a.c_ == b.c_ && a.i_ == b.i_;
    }

   private:
    friend class ChunkSet;
    const_iterator(const ChunkSet* set, size_t c, size_t i) : set_(set), c_(c), i_(i) {}
    const ChunkSet* set_ = nullptr;
    size_t c_ = 0;
    size_t i_ = 0;
  };
  using iterator = const_iterator;

  const_iterator begin() const { return const_iterator(this, 0, 0); }
  const_iterator end() const { return const_iterator(this, lasts_.size(), 0); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The smallest value; the set must not be empty.
  const T& front() const { return first_.front(); }

  // Walking the chunks directly (a merge of several sets keeps a plain pointer per
  // set instead of an iterator that reads the chunk table on every step).
  size_t chunkCount() const { return lasts_.size(); }
  // Chunk `c` as [first, last); never empty.
  std::pair<const T*, const T*> chunk(size_t c) const {
    const std::vector<T>& v = at(c);
    return {v.data(), v.data() + v.size()};
  }

  // Adds `v`; false if an equal value is there already.
  bool insert(const T& v) {
    if (lasts_.empty()) {
      insertFirst(v);
      return true;
    }
    size_t c = chunkFor(v);
    if (c == lasts_.size()) c = lasts_.size() - 1;  // beyond the last value: the last chunk
    const std::vector<T>& chunk = at(c);
    auto pos = std::lower_bound(chunk.begin(), chunk.end(), v, Less());
    if (pos != chunk.end() && !Less()(v, *pos)) return false;
    insertAt(c, static_cast<size_t>(pos - chunk.begin()), v);
    return true;
  }

  // Removes the value equal to `v`; false if there is none.
  bool erase(const T& v) {
    const size_t c = chunkFor(v);
    if (c == lasts_.size()) return false;
    std::vector<T>& chunk = at(c);
    auto pos = std::lower_bound(chunk.begin(), chunk.end(), v, Less());
    if (pos == chunk.end() || Less()(v, *pos)) return false;
    eraseAt(c, pos);
    return true;
  }

  // One value for one set, for insertMany() and eraseMany().
  struct Batched {
    ChunkSet* set;
    T value;
    bool done = false;  // set by insertMany()/eraseMany(): inserted / erased
    // locateMany()'s state: the search range and, after the directory, the chunk.
    const T* base = nullptr;
    size_t len = 0;
    size_t chunk = 0;
  };
  // Inserts each `value` into its `set` (the sets must be distinct), like insert();
  // `done` says whether it was added (false: an equal value was there already).
  static void insertMany(Batched* items, size_t n) {
    locateMany(items, n);
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      ChunkSet& set = *e.set;
      if (set.lasts_.empty()) {
        set.insertFirst(e.value);
        e.done = true;
        continue;
      }
      size_t k;
      if (e.chunk >= set.lasts_.size()) {  // beyond the last value: the end of the last chunk
        e.chunk = set.lasts_.size() - 1;
        k = set.at(e.chunk).size();
      } else {
        const std::vector<T>& chunk = set.at(e.chunk);
        k = static_cast<size_t>(e.base - chunk.data());
        if (k < chunk.size() && !Less()(e.value, chunk[k])) continue;  // there already
      }
      set.insertAt(e.chunk, k, e.value);
      e.done = true;
    }
  }
  // Erases each `value` from its `set` (the sets must be distinct), like erase();
  // `done` says whether it was there.
  static void eraseMany(Batched* items, size_t n) {
    locateMany(items, n);
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      if (!e.base) continue;
      std::vector<T>& chunk = e.set->at(e.chunk);
      const auto pos = chunk.begin() + (e.base - chunk.data());
      if (pos == chunk.end() || Less()(e.value, *pos)) continue;  // not there
      e.set->eraseAt(e.chunk, pos);
      e.done = true;
    }
  }

 private:
  // For each item: `chunk` becomes chunkFor(value) and, if that is a chunk of the set,
  // `base` the value's lower bound in it (else null). The lookups run in lockstep, one
  // binary-search probe of every set per round with the next probe prefetched, so the
  // sets' dependent misses (directory, then chunk) overlap instead of following one
  // another: an agent entering or leaving ~26 index sets waits for about as many
  // rounds as one set's search has steps.
  static void locateMany(Batched* items, size_t n) {
    // The directory (only sets with more than one chunk read it). A small one is
    // loaded whole at once: one wait for all its lines instead of one per probe.
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      const size_t chunks = e.set->lasts_.size();
      e.done = false;
      e.chunk = 0;
      e.base = chunks > 1 ? e.set->lasts_.data() : nullptr;
      e.len = chunks > 1 ? chunks : 0;
      if (e.len > 1) prefetchSmall(e.base, e.len);
    }
    lockstepLowerBound(items, n);
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      if (e.base) {
        e.chunk = static_cast<size_t>(e.base - e.set->lasts_.data());
        if (e.chunk > 0 && e.chunk < e.set->lasts_.size()) __builtin_prefetch(&e.set->rest_[e.chunk - 1]);
      }
    }
    // The chunk.
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      if (e.chunk >= e.set->lasts_.size()) {  // empty set, or beyond its last value
        e.base = nullptr;
        e.len = 0;
        continue;
      }
      const std::vector<T>& chunk = e.set->at(e.chunk);
      e.base = chunk.data();
      e.len = chunk.size();
      // The whole chunk: the search's probes and the move of an insert or erase read
      // it, at most kChunk values.
      prefetchSmall(e.base, e.len);
    }
    lockstepLowerBound(items, n);
  }
  // Starts loading [p, p + n) if it spans at most 2 kB.
  static void prefetchSmall(const T* p, size_t n) {
    const auto* first = reinterpret_cast<const char*>(p);
    const size_t bytes = n * sizeof(T);
    if (bytes == 0 || bytes > 2048) return;
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(first + off);
    __builtin_prefetch(first + bytes - 1);  // the last line, if the range is not aligned
  }
  // For each item with a non-empty range [base, base + len): base becomes the
  // range's lower bound of `value` (base + len if every element is less). Branch-free
  // halving, one probe per item per round, the next probe prefetched.
  static void lockstepLowerBound(Batched* items, size_t n) {
    size_t active = 0;
    for (size_t i = 0; i < n; ++i) {
      if (items[i].len > 1) {
        __builtin_prefetch(items[i].base + items[i].len / 2);
        ++active;
      }
    }
    while (active > 0) {
      active = 0;
      for (size_t i = 0; i < n; ++i) {
        Batched& e = items[i];
        if (e.len <= 1) continue;
        const size_t half = e.len / 2;
        // No branch on the probe: a mispredicted one would wait for the load and
        // throw away the other sets' loads issued meanwhile.
        const size_t less = Less()(e.base[half], e.value);
        e.base += half * less;
        e.len -= half;
        if (e.len > 1) {
          __builtin_prefetch(e.base + e.len / 2);
          ++active;
        }
      }
    }
    for (size_t i = 0; i < n; ++i) {
      Batched& e = items[i];
      if (e.len == 1 && Less()(*e.base, e.value)) ++e.base;
    }
  }
  // The first value of an empty set.
  void insertFirst(const T& v) {
    if (first_.capacity() == 0) first_.reserve(2);
    first_.push_back(v);
    lasts_.push_back(v);
    size_ = 1;
    relayout(0);
  }
  // Inserts `v` at position `k` of chunk `c` (where it belongs), splitting a full chunk.
  void insertAt(size_t c, size_t k, const T& v) {
    std::vector<T>* chunk = &at(c);
    const size_t first = c;
    const bool split = chunk->size() == kChunk;
    if (split) {
      // Split: the upper half goes to a new chunk after this one.
      std::vector<T> upper;
      upper.reserve(kChunk);
      upper.assign(chunk->begin() + kChunk / 2, chunk->end());
      chunk->resize(kChunk / 2);
      rest_.insert(rest_.begin() + static_cast<std::ptrdiff_t>(c), std::move(upper));  // chunk c + 1
      lasts_.insert(lasts_.begin() + static_cast<std::ptrdiff_t>(c) + 1, lasts_[c]);
      chunk = &at(c);
      lasts_[c] = chunk->back();
      if (k > kChunk / 2) {
        ++c;
        chunk = &at(c);
        k -= kChunk / 2;
      }
    }
    if (chunk->size() == chunk->capacity()) chunk->reserve(std::min(kChunk, chunk->capacity() * 2));
    chunk->insert(chunk->begin() + static_cast<std::ptrdiff_t>(k), v);
    if (k + 1 == chunk->size()) lasts_[c] = v;
    ++size_;
    if (split) {
      relayout(first);
    } else {
      resized(c, +1);
    }
  }

 public:
  // Removes the value at `pos` of chunk `c`.
  void eraseAt(size_t c, typename std::vector<T>::iterator pos) {
    std::vector<T>& chunk = at(c);
    const bool was_last = pos + 1 == chunk.end();
    chunk.erase(pos);
    --size_;
    if (chunk.empty()) {
      eraseChunk(c);
      relayout(c);
      return;
    }
    if (was_last) lasts_[c] = chunk.back();  // (no write, and no miss, otherwise)
    // Keep chunks from thinning out: merge a small chunk into a neighbour with room.
    if (chunk.size() < kChunk / 4) {
      if (c + 1 < lasts_.size() && chunk.size() + at(c + 1).size() <= kChunk / 2) {
        mergeInto(c, c + 1);
        relayout(c);
        return;
      }
      if (c > 0 && chunk.size() + at(c - 1).size() <= kChunk / 2) {
        mergeInto(c - 1, c);
        relayout(c - 1);
        return;
      }
    }
    resized(c, -1);
    return;
  }

  // How many values are less than `v` (the position `v` has or would have). Reads
  // the size of every chunk before v's: with chunks of up to kChunk values that is a
  // short contiguous walk even at 100,000 values.
  size_t rank(const T& v) const {
    const size_t c = chunkFor(v);
    size_t n = 0;
    if constexpr (kRanked) {
      const size_t before = std::min(c, lasts_.size());
      for (size_t b = 0; b < before / kBlock; ++b) n += counts_.blocks[b];
      for (size_t i = before / kBlock * kBlock; i < before; ++i) n += counts_.sizes[i];
    } else {
      for (size_t i = 0; i < c && i < lasts_.size(); ++i) n += at(i).size();
    }
    if (c < lasts_.size()) {
      const std::vector<T>& chunk = at(c);
      n += static_cast<size_t>(std::lower_bound(chunk.begin(), chunk.end(), v, Less()) - chunk.begin());
    }
    return n;
  }

  // The stored value equal to `v`, or nullptr.
  const T* find(const T& v) const {
    const size_t c = chunkFor(v);
    if (c == lasts_.size()) return nullptr;
    const std::vector<T>& chunk = at(c);
    auto pos = std::lower_bound(chunk.begin(), chunk.end(), v, Less());
    return pos != chunk.end() && !Less()(v, *pos) ? &*pos : nullptr;
  }
  bool contains(const T& v) const { return find(v) != nullptr; }

  // For invariant checks: sorted, directory right, size right.
  bool valid() const {
    size_t n = 0;
    const T* prev = nullptr;
    if (lasts_.size() != (lasts_.empty() ? 0 : rest_.size() + 1)) return false;
    if (lasts_.empty() && !first_.empty()) return false;
    for (size_t c = 0; c < lasts_.size(); ++c) {
      if (at(c).empty() || at(c).size() > kChunk) return false;
      if (Less()(at(c).back(), lasts_[c]) || Less()(lasts_[c], at(c).back())) return false;
      for (const T& v : at(c)) {
        if (prev && !Less()(*prev, v)) return false;
        prev = &v;
        ++n;
      }
    }
    if constexpr (kRanked) {
      if (counts_.sizes.size() != lasts_.size()) return false;
      if (counts_.blocks.size() != (lasts_.size() + kBlock - 1) / kBlock) return false;
      for (size_t b = 0; b < counts_.blocks.size(); ++b) {
        size_t sum = 0;
        for (size_t c = b * kBlock; c < lasts_.size() && c < (b + 1) * kBlock; ++c) {
          if (counts_.sizes[c] != at(c).size()) return false;
          sum += counts_.sizes[c];
        }
        if (sum != counts_.blocks[b]) return false;
      }
    }
    return n == size_;
  }

 private:
  // Chunk c: the first is kept in the set itself (one load less on every update and
  // read of a small set, and its memory stays when the set empties), the others in
  // rest_.
  const std::vector<T>& at(size_t c) const { return c == 0 ? first_ : rest_[c - 1]; }
  std::vector<T>& at(size_t c) { return c == 0 ? first_ : rest_[c - 1]; }
  // Drops chunk c (empty, or merged into its neighbour) and its directory entry.
  void eraseChunk(size_t c) {
    if (c == 0) {
      if (rest_.empty()) {
        first_.clear();  // keeps its capacity for the next value
      } else {
        first_ = std::move(rest_.front());
        rest_.erase(rest_.begin());
      }
    } else {
      rest_.erase(rest_.begin() + static_cast<std::ptrdiff_t>(c) - 1);
    }
    lasts_.erase(lasts_.begin() + static_cast<std::ptrdiff_t>(c));
  }
  // The first chunk whose last value is not less than `v` (lasts_.size() if none).
  // With one chunk (most sets of the router) it is chunk 0 whatever `v` is: a caller
  // that looks `v` up in it finds it or not there, and the directory is not read.
  size_t chunkFor(const T& v) const {
    if (lasts_.size() <= 1) return 0;
    return static_cast<size_t>(std::lower_bound(lasts_.begin(), lasts_.end(), v, Less()) - lasts_.begin());
  }
  // Appends chunk `b` (= a + 1) to chunk `a` and drops `b`.
  void mergeInto(size_t a, size_t b) {
    at(a).insert(at(a).end(), at(b).begin(), at(b).end());
    lasts_[a] = at(a).back();
    eraseChunk(b);
  }

  // kRanked: chunk `c` gained (+1) or lost (-1) a value.
  void resized(size_t c, int d) {
    if constexpr (kRanked) {
      counts_.sizes[c] = static_cast<uint32_t>(static_cast<int>(counts_.sizes[c]) + d);
      counts_.blocks[c / kBlock] = static_cast<uint32_t>(static_cast<int>(counts_.blocks[c / kBlock]) + d);
    } else {
      (void)c;
      (void)d;
    }
  }
  // kRanked: chunks from `from` on moved (split, merge, removal): rebuild their sizes
  // and the block sums from there.
  void relayout(size_t from) {
    if constexpr (kRanked) {
      const size_t n = lasts_.size();
      counts_.sizes.resize(n);
      for (size_t c = from; c < n; ++c) counts_.sizes[c] = static_cast<uint32_t>(at(c).size());
      counts_.blocks.resize((n + kBlock - 1) / kBlock);
      for (size_t b = from / kBlock; b < counts_.blocks.size(); ++b) {
        uint32_t sum = 0;
        for (size_t c = b * kBlock; c < n && c < (b + 1) * kBlock; ++c) sum += counts_.sizes[c];
        counts_.blocks[b] = sum;
      }
    } else {
      (void)from;
    }
  }

  struct Counts {
    std::vector<uint32_t> sizes;   // per chunk
    std::vector<uint32_t> blocks;  // per kBlock chunks
  };
  struct NoCounts {};

  std::vector<T> first_;               // chunk 0
  std::vector<std::vector<T>> rest_;   // chunks 1 …
  std::vector<T> lasts_;  // the last value of each chunk
  size_t size_ = 0;
  [[no_unique_address]] std::conditional_t<kRanked, Counts, NoCounts> counts_;
};

}  // namespace outpost::routing::internal
