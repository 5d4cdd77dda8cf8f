#include "learning/assessment.h"

#include <algorithm>
#include <limits>
#include <set>

namespace outpost::learning {

std::string_view sourceName(Source s) {
  switch (s) {
    case Source::kSelf: return "self";
    case Source::kSupervisor: return "supervisor";
    case Source::kQuiz: return "quiz";
    case Source::kDrill: return "drill";
  }
  return "self";
}

std::optional<Source> parseSource(std::string_view name) {
  for (Source s : {Source::kSelf, Source::kSupervisor, Source::kQuiz, Source::kDrill}) {
    if (sourceName(s) == name) return s;
  }
  return std::nullopt;
}

Result<std::vector<Observation>> questionnaireObservations(const Framework& f, const std::string& agent_id,
                                                           Source source, const std::map<std::string, int>& answers,
                                                           int64_t at_ms, const std::string& ref,
                                                           const std::string& assessor) {
  if (source != Source::kSelf && source != Source::kSupervisor) {
    return Status::invalidArgument("a questionnaire is a self or supervisor assessment", "/source");
  }
  if (answers.empty()) return Status::invalidArgument("at least one answer is required", "/answers");
  std::map<std::string, std::pair<double, int>> sums;  // item → (sum, count)
  for (const auto& [qid, score] : answers) {
    const Question* q = f.question(qid);
    if (q == nullptr) return Status::invalidArgument("unknown question \"" + qid + "\"", "/answers/" + qid);
    if (score < f.min_score || score > f.max_score) {
      return Status::invalidArgument("must be between " + std::to_string(f.min_score) + " and " +
                                         std::to_string(f.max_score),
                                     "/answers/" + qid);
    }
    auto& s = sums[q->item];
    s.first += score;
    s.second += 1;
  }
  std::vector<Observation> out;
  for (const Item& item : f.items) {  // framework order
    auto it = sums.find(item.code);
    if (it == sums.end()) continue;
    out.push_back({agent_id, item.code, source, it->second.first / it->second.second, at_ms, ref, assessor});
  }
  return out;
}

double evidenceScore(const Framework& f, double fraction) {
  fraction = std::clamp(fraction, 0.0, 1.0);
  return f.min_score + (f.max_score - f.min_score) * fraction;
}

Status CompetencyLedger::add(Observation o) {
  if (framework_->item(o.item) == nullptr) return Status::invalidArgument("unknown item \"" + o.item + "\"", "/item");
  if (!(o.score >= framework_->min_score && o.score <= framework_->max_score)) {
    return Status::invalidArgument("score out of the framework's range", "/score");
  }
  if (o.agent_id.empty()) return Status::invalidArgument("agent id is empty", "/agent_id");
  auto pos = std::upper_bound(observations_.begin(), observations_.end(), o.at_ms,
                              [](int64_t at, const Observation& x) { return at < x.at_ms; });
  observations_.insert(pos, std::move(o));
  return Status::ok();
}

std::optional<ItemScore> CompetencyLedger::blend(const std::string& agent_id, const std::string& item,
                                                 int64_t until_ms) const {
  ItemScore s;
  s.item = item;
  std::vector<double> evidence;
  for (const Observation& o : observations_) {
    if (o.at_ms > until_ms) break;
    if (o.agent_id != agent_id || o.item != item) continue;
    s.updated_at_ms = o.at_ms;
    switch (o.source) {
      case Source::kSelf: s.self = o.score; break;
      case Source::kSupervisor: s.supervisor = o.score; break;
      case Source::kQuiz:
      case Source::kDrill: evidence.push_back(o.score); break;
    }
  }
  if (!evidence.empty()) {
    const size_t n = std::min(evidence.size(), std::max<size_t>(weights_.evidence_window, 1));
    double sum = 0;
    for (size_t i = evidence.size() - n; i < evidence.size(); ++i) sum += evidence[i];
    s.evidence = sum / static_cast<double>(n);
  }
  double total = 0;
  double weight = 0;
  auto addPart = [&](const std::optional<double>& v, double w) {
    if (v && w > 0) {
      total += *v * w;
      weight += w;
    }
  };
  addPart(s.self, weights_.self);
  addPart(s.supervisor, weights_.supervisor);
  addPart(s.evidence, weights_.evidence);
  if (weight <= 0) {
    // Only sources with weight 0 observed: fall back to a plain mean of what there is.
    int n = 0;
    for (const auto* v : {&s.self, &s.supervisor, &s.evidence}) {
      if (*v) {
        total += **v;
        ++n;
      }
    }
    if (n == 0) return std::nullopt;
    s.score = total / n;
    return s;
  }
  s.score = total / weight;
  return s;
}

std::map<std::string, ItemScore> CompetencyLedger::agentScoresAt(const std::string& agent_id, int64_t at_ms) const {
  std::map<std::string, ItemScore> out;
  for (const Item& item : framework_->items) {
    if (auto s = blend(agent_id, item.code, at_ms)) out.emplace(item.code, std::move(*s));
  }
  return out;
}

std::map<std::string, ItemScore> CompetencyLedger::agentScores(const std::string& agent_id) const {
  return agentScoresAt(agent_id, std::numeric_limits<int64_t>::max());
}

std::optional<ItemScore> CompetencyLedger::itemScore(const std::string& agent_id, const std::string& item) const {
  return blend(agent_id, item, std::numeric_limits<int64_t>::max());
}

std::map<std::string, double> CompetencyLedger::teamScores(const std::vector<std::string>& agent_ids) const {
  return teamScoresAt(agent_ids, std::numeric_limits<int64_t>::max());
}

std::map<std::string, double> CompetencyLedger::teamScoresAt(const std::vector<std::string>& agent_ids,
                                                             int64_t at_ms) const {
  std::map<std::string, std::pair<double, int>> sums;
  std::set<std::string> seen;
  for (const std::string& a : agent_ids) {
    if (!seen.insert(a).second) continue;
    for (const auto& [item, s] : agentScoresAt(a, at_ms)) {
      sums[item].first += s.score;
      sums[item].second += 1;
    }
  }
  std::map<std::string, double> out;
  for (const auto& [item, sum] : sums) out[item] = sum.first / sum.second;
  return out;
}

std::vector<HistoryPoint> CompetencyLedger::history(const std::string& agent_id, const std::string& item) const {
  std::vector<HistoryPoint> out;
  for (const Observation& o : observations_) {
    if (o.agent_id != agent_id || o.item != item) continue;
    if (auto s = blend(agent_id, item, o.at_ms)) {
      if (!out.empty() && out.back().at_ms == o.at_ms) out.pop_back();  // same instant: the final value
      out.push_back({o.at_ms, s->score, o.source});
    }
  }
  return out;
}

}  // namespace outpost::learning
