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
    const T& operator*() const { return (*chunks_)[c_][i_]; }
    const T* operator->() const { return &(*chunks_)[c_][i_]; }
    const_iterator& operator++() {
      if (++i_ == (*chunks_)[c_].size()) {
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
    const_iterator(const std::vector<std::vector<T>>* chunks, size_t c, size_t i)
        : chunks_(chunks), c_(c), i_(i) {}
    const std::vector<std::vector<T>>* chunks_ = nullptr;
    size_t c_ = 0;
    size_t i_ = 0;
  };
  using iterator = const_iterator;

  const_iterator begin() const { return const_iterator(&chunks_, 0, 0); }
  const_iterator end() const { return const_iterator(&chunks_, chunks_.size(), 0); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The smallest value; the set must not be empty.
  const T& front() const { return chunks_.front().front(); }

  // Walking the chunks directly (a merge of several sets keeps a plain pointer per
  // set instead of an iterator that reads the chunk table on every step).
  size_t chunkCount() const { return chunks_.size(); }
  // Chunk `c` as [first, last); never empty.
  std::pair<const T*, const T*> chunk(size_t c) const {
    const std::vector<T>& v = chunks_[c];
    return {v.data(), v.data() + v.size()};
  }

  // Adds `v`; false if an equal value is there already.
  bool insert(const T& v) {
    if (chunks_.empty()) {
      chunks_.emplace_back();
      chunks_.back().reserve(2);
      chunks_.back().push_back(v);
      lasts_.push_back(v);
      size_ = 1;
      relayout(0);
      return true;
    }
    size_t c = chunkFor(v);
    if (c == chunks_.size()) c = chunks_.size() - 1;  // beyond the last value: the last chunk
    std::vector<T>* chunk = &chunks_[c];
    auto pos = std::lower_bound(chunk->begin(), chunk->end(), v, Less());
    if (pos != chunk->end() && !Less()(v, *pos)) return false;
    size_t at = static_cast<size_t>(pos - chunk->begin());
    const size_t first = c;
    const bool split = chunk->size() == kChunk;
    if (split) {
      // Split: the upper half goes to a new chunk after this one.
      std::vector<T> upper;
      upper.reserve(kChunk);
      upper.assign(chunk->begin() + kChunk / 2, chunk->end());
      chunk->resize(kChunk / 2);
      chunks_.insert(chunks_.begin() + static_cast<std::ptrdiff_t>(c) + 1, std::move(upper));
      lasts_.insert(lasts_.begin() + static_cast<std::ptrdiff_t>(c) + 1, lasts_[c]);
      chunk = &chunks_[c];
      lasts_[c] = chunk->back();
      if (at > kChunk / 2) {
        ++c;
        chunk = &chunks_[c];
        at -= kChunk / 2;
      }
    }
    if (chunk->size() == chunk->capacity()) chunk->reserve(std::min(kChunk, chunk->capacity() * 2));
    chunk->insert(chunk->begin() + static_cast<std::ptrdiff_t>(at), v);
    if (at + 1 == chunk->size()) lasts_[c] = v;
    ++size_;
    if (split) {
      relayout(first);
    } else {
      resized(c, +1);
    }
    return true;
  }

  // Removes the value equal to `v`; false if there is none.
  bool erase(const T& v) {
    const size_t c = chunkFor(v);
    if (c == chunks_.size()) return false;
    std::vector<T>& chunk = chunks_[c];
    auto pos = std::lower_bound(chunk.begin(), chunk.end(), v, Less());
    if (pos == chunk.end() || Less()(v, *pos)) return false;
    chunk.erase(pos);
    --size_;
    if (chunk.empty()) {
      chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(c));
      lasts_.erase(lasts_.begin() + static_cast<std::ptrdiff_t>(c));
      relayout(c);
      return true;
    }
    lasts_[c] = chunk.back();
    // Keep chunks from thinning out: merge a small chunk into a neighbour with room.
    if (chunk.size() < kChunk / 4) {
      if (c + 1 < chunks_.size() && chunk.size() + chunks_[c + 1].size() <= kChunk / 2) {
        mergeInto(c, c + 1);
        relayout(c);
        return true;
      }
      if (c > 0 && chunk.size() + chunks_[c - 1].size() <= kChunk / 2) {
        mergeInto(c - 1, c);
        relayout(c - 1);
        return true;
      }
    }
    resized(c, -1);
    return true;
  }

  // How many values are less than `v` (the position `v` has or would have). Reads
  // the size of every chunk before v's: with chunks of up to kChunk values that is a
  // short contiguous walk even at 100,000 values.
  size_t rank(const T& v) const {
    const size_t c = chunkFor(v);
    size_t n = 0;
    if constexpr (kRanked) {
      const size_t before = std::min(c, chunks_.size());
      for (size_t b = 0; b < before / kBlock; ++b) n += counts_.blocks[b];
      for (size_t i = before / kBlock * kBlock; i < before; ++i) n += counts_.sizes[i];
    } else {
      for (size_t i = 0; i < c && i < chunks_.size(); ++i) n += chunks_[i].size();
    }
    if (c < chunks_.size()) {
      const std::vector<T>& chunk = chunks_[c];
      n += static_cast<size_t>(std::lower_bound(chunk.begin(), chunk.end(), v, Less()) - chunk.begin());
    }
    return n;
  }

  // Starts loading what an insert/erase will read first (the directory and the
  // chunk table), so that updates of many sets overlap their memory misses.
  void prefetch() const {
    if (lasts_.empty()) return;
    __builtin_prefetch(&lasts_[lasts_.size() / 2]);
    __builtin_prefetch(&lasts_[lasts_.size() / 4]);
    __builtin_prefetch(&lasts_[lasts_.size() * 3 / 4]);
    __builtin_prefetch(chunks_.data() + chunks_.size() / 2);
  }

  // The stored value equal to `v`, or nullptr.
  const T* find(const T& v) const {
    const size_t c = chunkFor(v);
    if (c == chunks_.size()) return nullptr;
    const std::vector<T>& chunk = chunks_[c];
    auto pos = std::lower_bound(chunk.begin(), chunk.end(), v, Less());
    return pos != chunk.end() && !Less()(v, *pos) ? &*pos : nullptr;
  }
  bool contains(const T& v) const { return find(v) != nullptr; }

  // For invariant checks: sorted, directory right, size right.
  bool valid() const {
    size_t n = 0;
    const T* prev = nullptr;
    if (chunks_.size() != lasts_.size()) return false;
    for (size_t c = 0; c < chunks_.size(); ++c) {
      if (chunks_[c].empty() || chunks_[c].size() > kChunk) return false;
      if (Less()(chunks_[c].back(), lasts_[c]) || Less()(lasts_[c], chunks_[c].back())) return false;
      for (const T& v : chunks_[c]) {
        if (prev && !Less()(*prev, v)) return false;
        prev = &v;
        ++n;
      }
    }
    if constexpr (kRanked) {
      if (counts_.sizes.size() != chunks_.size()) return false;
      if (counts_.blocks.size() != (chunks_.size() + kBlock - 1) / kBlock) return false;
      for (size_t b = 0; b < counts_.blocks.size(); ++b) {
        size_t sum = 0;
        for (size_t c = b * kBlock; c < chunks_.size() && c < (b + 1) * kBlock; ++c) {
          if (counts_.sizes[c] != chunks_[c].size()) return false;
          sum += counts_.sizes[c];
        }
        if (sum != counts_.blocks[b]) return false;
      }
    }
    return n == size_;
  }

 private:
  // The first chunk whose last value is not less than `v` (chunks_.size() if none).
  size_t chunkFor(const T& v) const {
    return static_cast<size_t>(std::lower_bound(lasts_.begin(), lasts_.end(), v, Less()) - lasts_.begin());
  }
  // Appends chunk `b` (= a + 1) to chunk `a` and drops `b`.
  void mergeInto(size_t a, size_t b) {
    chunks_[a].insert(chunks_[a].end(), chunks_[b].begin(), chunks_[b].end());
    lasts_[a] = chunks_[a].back();
    chunks_.erase(chunks_.begin() + static_cast<std::ptrdiff_t>(b));
    lasts_.erase(lasts_.begin() + static_cast<std::ptrdiff_t>(b));
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
      const size_t n = chunks_.size();
      counts_.sizes.resize(n);
      for (size_t c = from; c < n; ++c) counts_.sizes[c] = static_cast<uint32_t>(chunks_[c].size());
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

  std::vector<std::vector<T>> chunks_;
  std::vector<T> lasts_;  // the last value of each chunk
  size_t size_ = 0;
  [[no_unique_address]] std::conditional_t<kRanked, Counts, NoCounts> counts_;
};

}  // namespace outpost::routing::internal
