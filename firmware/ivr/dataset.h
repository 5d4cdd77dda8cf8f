#pragma once

// Labelled utterances for intent training and evaluation.
//
// File format (UTF-8, one example a line):   intent<TAB>utterance
//   - blank lines and lines starting with '#' are ignored;
//   - a trailing '\r' (files edited on Windows) is dropped;
//   - the intent is a code of [a-z0-9_], 1..64 characters;
//   - the utterance is non-empty, valid UTF-8, at most kMaxUtteranceBytes bytes,
//     with no further TAB.
// Errors name the source and line, e.g. "bank.train.tsv:12".
//
// Thread-safety: values and pure functions.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::ivr {

inline constexpr size_t kMaxUtteranceBytes = 1024;

struct Example {
  std::string intent;
  std::string text;
  int line = 0;  // 1-based line in the source file (0 when built in code)
};

// Whether `code` is a valid intent code ([a-z0-9_], 1..64).
bool isIntentCode(std::string_view code);

// Parses TSV text. `source` names it in errors.
Result<std::vector<Example>> parseExamples(std::string_view tsv, const std::string& source);

// Reads and parses a TSV file (at most 64 MiB).
Result<std::vector<Example>> loadExamples(const std::string& path);

// The distinct intents of `examples`, sorted.
std::vector<std::string> intentsOf(const std::vector<Example>& examples);

// Reads a whole file (at most `max_bytes`); errors name the path.
Result<std::string> readFile(const std::string& path, size_t max_bytes);

}  // namespace outpost::ivr
