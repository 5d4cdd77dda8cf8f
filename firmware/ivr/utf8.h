#pragma once

// UTF-8 decoding for the IVR: utterances arrive from callers (speech-to-text, chat,
// keypads) and from training files; both must be valid UTF-8.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace outpost::ivr {

// Decodes `text` into code points. On invalid UTF-8 (bad lead or continuation byte,
// overlong form, surrogate, beyond U+10FFFF, truncated sequence) returns false and
// sets `bad_offset` to the byte offset of the offending sequence.
bool decodeUtf8(std::string_view text, std::vector<char32_t>& out, size_t* bad_offset = nullptr);

// Whether `text` is valid UTF-8.
bool isValidUtf8(std::string_view text);

// Appends the UTF-8 encoding of `cp` to `out`.
void appendUtf8(std::string& out, char32_t cp);

// Number of code points in valid UTF-8 `text`.
size_t utf8Length(std::string_view text);

}  // namespace outpost::ivr
