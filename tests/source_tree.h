#pragma once

// The source tree from tests: shipped data (models, bundles, content, docs) is read
// where ctest says the sources are (OUTPOST_SOURCE_DIR), or from "." when a test
// binary is run by hand from the top of the tree.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace outpost::source_tree {

inline std::string sourceDir() {
  const char* dir = std::getenv("OUTPOST_SOURCE_DIR");
  return dir != nullptr ? dir : ".";
}

// `rel` below the source tree, e.g. sourcePath("models/ivr/bank.flow.json").
inline std::string sourcePath(const std::string& rel) { return sourceDir() + "/" + rel; }

// A whole file as bytes ("" when it cannot be read).
inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace outpost::source_tree
