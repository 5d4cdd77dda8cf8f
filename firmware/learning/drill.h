#pragma once

// Drills: practice against a simulated customer (seed 003). A scenario script has the
// customer's turns, a rubric of key points the agent must cover (each recognised by
// keywords in either language), phrases to avoid, and a time limit. The agent's typed
// replies are scored: the share of key points covered, less one key point's share per
// phrase to avoid that was used, halved when over the time limit; the feedback names
// what was missed and what should not have been said.
//
// Thread-safety: values and stateless functions.

#include <string>
#include <vector>

#include "learning/framework.h"

namespace outpost::learning {

struct KeyPoint {
  Text text;
  std::vector<std::string> keywords;  // any one of them (case-insensitive) covers the point
};

struct AvoidPhrase {
  Text text;
  std::vector<std::string> phrases;
};

struct DrillScript {
  std::vector<Text> customer_turns;
  std::vector<KeyPoint> key_points;
  std::vector<AvoidPhrase> avoid;
  int time_limit_seconds = 0;  // 0: none
};

struct DrillResult {
  double fraction = 0;            // 0–1
  std::vector<Text> covered;
  std::vector<Text> missed;       // feedback: key points not covered
  std::vector<Text> avoid_used;   // feedback: phrases that should not have been said
  bool over_time = false;
};

DrillResult scoreDrill(const DrillScript& script, const std::vector<std::string>& replies, int seconds);

}  // namespace outpost::learning
