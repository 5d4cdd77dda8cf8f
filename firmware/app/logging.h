#pragma once

// Structured logging through POCO: one line per event on stderr, either
// "2026-11-23T08:30:00.123Z information outpost.http: message" (text) or one JSON
// object per line (json) for log collectors.

#include <string>

namespace outpost::app {

void setupLogging(const std::string& level, const std::string& format);

}  // namespace outpost::app
