#pragma once

// Assessments and item scores.
//
// Every assessment becomes observations: one score (on the framework's 1–5 scale) for
// one agent, one item, from one source at one time. A self- or supervisor
// questionnaire gives one observation per item it answered (the mean of that item's
// answers); a quiz or drill result gives evidence for the items it trains (1 + 4 ×
// the fraction scored, so 100% → 5, 0% → 1).
//
// An agent's score for an item blends the sources: the latest self assessment, the
// latest supervisor assessment and the mean of the last `evidence_window` quiz/drill
// observations, weighted by CompetencyWeights (a missing source's weight is shared
// among the others). A team's score for an item is the mean of its agents' scores.
// history() replays the observations in time order, one point per change.
//
// Thread-safety: a ledger is used by one thread (or under the owner's lock).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "learning/framework.h"

namespace outpost::learning {

enum class Source { kSelf, kSupervisor, kQuiz, kDrill };
std::string_view sourceName(Source s);
std::optional<Source> parseSource(std::string_view name);

struct Observation {
  std::string agent_id;
  std::string item;
  Source source = Source::kSelf;
  double score = 0;       // on the framework's scale
  int64_t at_ms = 0;      // epoch milliseconds
  std::string ref;        // assessment id, quiz id, drill id …
  std::string assessor;   // who made it (user id), "" for evidence
};

struct CompetencyWeights {
  double self = 0.2;
  double supervisor = 0.5;
  double evidence = 0.3;
  size_t evidence_window = 5;
};

// Turns questionnaire answers (question id → score) into one observation per item.
// Errors name the question: unknown id, score outside the framework's range. At least
// one answer is required.
Result<std::vector<Observation>> questionnaireObservations(const Framework& f, const std::string& agent_id,
                                                           Source source, const std::map<std::string, int>& answers,
                                                           int64_t at_ms, const std::string& ref,
                                                           const std::string& assessor);
// The evidence score of a result that scored `fraction` (0–1) of its points.
double evidenceScore(const Framework& f, double fraction);

struct ItemScore {
  std::string item;
  double score = 0;
  std::optional<double> self;
  std::optional<double> supervisor;
  std::optional<double> evidence;
  int64_t updated_at_ms = 0;
};

struct HistoryPoint {
  int64_t at_ms = 0;
  double score = 0;
  Source source = Source::kSelf;
};

class CompetencyLedger {
 public:
  explicit CompetencyLedger(const Framework& framework, CompetencyWeights weights = {})
      : framework_(&framework), weights_(weights) {}

  // Adds an observation; refuses an unknown item or a score out of range.
  Status add(Observation o);
  const std::vector<Observation>& observations() const { return observations_; }

  // The agent's current score per item (only items with at least one observation).
  std::map<std::string, ItemScore> agentScores(const std::string& agent_id) const;
  std::optional<ItemScore> itemScore(const std::string& agent_id, const std::string& item) const;
  // Per item: the mean of the scores of the team's agents that have one.
  std::map<std::string, double> teamScores(const std::vector<std::string>& agent_ids) const;
  // The agent's score for the item after each observation of it, oldest first.
  std::vector<HistoryPoint> history(const std::string& agent_id, const std::string& item) const;
  // Scores as they were at `at_ms` (observations up to and including then).
  std::map<std::string, ItemScore> agentScoresAt(const std::string& agent_id, int64_t at_ms) const;
  // Team means as they were at `at_ms` (before/after a training plan).
  std::map<std::string, double> teamScoresAt(const std::vector<std::string>& agent_ids, int64_t at_ms) const;

  const Framework& framework() const { return *framework_; }

 private:
  std::optional<ItemScore> blend(const std::string& agent_id, const std::string& item, int64_t until_ms) const;
  const Framework* framework_;
  CompetencyWeights weights_;
  std::vector<Observation> observations_;  // kept in time order (stable for equal times)
};

}  // namespace outpost::learning
