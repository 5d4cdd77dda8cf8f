#pragma once

// What every fuzz target shares: how a broken invariant stops the run (abort, so
// libFuzzer and the ctest replay runner both report the input), and how a target that
// fuzzes several parsers picks one with its first byte.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace outpost::fuzz {

[[noreturn]] inline void invariantBroken(std::string_view what, std::string_view detail = {}) {
  const std::string w(what), d(detail);
  if (d.empty()) {
    std::fprintf(stderr, "fuzz invariant broken: %s\n", w.c_str());
  } else {
    std::fprintf(stderr, "fuzz invariant broken: %s: %s\n", w.c_str(), d.c_str());
  }
  std::abort();
}

// The input split into a selector (its first byte) and the rest.
struct Selected {
  uint8_t selector = 0;
  std::string_view rest;
};

inline Selected select(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return {data[0], std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1)};
}

}  // namespace outpost::fuzz
