#include "learning/learning_map.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>

namespace outpost::learning {

std::string_view reasonKindName(ReasonKind k) {
  switch (k) {
    case ReasonKind::kBelowThreshold: return "below_threshold";
    case ReasonKind::kBelowTeam: return "below_team";
    case ReasonKind::kTeamWide: return "team_wide";
    case ReasonKind::kNextTier: return "next_tier";
    case ReasonKind::kFrequentError: return "frequent_error";
  }
  return "below_threshold";
}

std::string_view stepKindName(StepKind k) {
  switch (k) {
    case StepKind::kLesson: return "lesson";
    case StepKind::kDrill: return "drill";
    case StepKind::kQuiz: return "quiz";
  }
  return "lesson";
}

namespace {

std::string fmt1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

struct TeamView {
  std::map<std::string, double> mean;
  std::map<std::string, double> share_below;
};

TeamView teamView(const CompetencyLedger& ledger, const std::vector<std::string>& team, double threshold) {
  TeamView v;
  v.mean = ledger.teamScores(team);
  std::map<std::string, std::pair<int, int>> below;  // item → (below, assessed)
  std::set<std::string> seen;
  for (const std::string& a : team) {
    if (!seen.insert(a).second) continue;
    for (const auto& [item, s] : ledger.agentScores(a)) {
      auto& b = below[item];
      b.second += 1;
      if (s.score < threshold) b.first += 1;
    }
  }
  for (const auto& [item, b] : below) v.share_below[item] = static_cast<double>(b.first) / b.second;
  return v;
}

bool teamWide(const TeamView& t, const std::string& item, const MapOptions& o) {
  auto m = t.mean.find(item);
  auto s = t.share_below.find(item);
  return (m != t.mean.end() && m->second < o.threshold) ||
         (s != t.share_below.end() && s->second >= o.team_wide_share);
}

int frameworkIndex(const Framework& f, const std::string& item) {
  for (size_t i = 0; i < f.items.size(); ++i) {
    if (f.items[i].code == item) return static_cast<int>(i);
  }
  return static_cast<int>(f.items.size());
}

void sortWeakest(const Framework& f, std::vector<WeakItem>& items) {
  std::stable_sort(items.begin(), items.end(), [&](const WeakItem& a, const WeakItem& b) {
    if (a.score != b.score) return a.score < b.score;
    const double ga = a.team ? *a.team - a.score : 0;
    const double gb = b.team ? *b.team - b.score : 0;
    if (ga != gb) return ga > gb;
    return frameworkIndex(f, a.item) < frameworkIndex(f, b.item);
  });
}

// The steps of every course training one of `items` (in that order), each course once.
std::vector<PlanStep> stepsFor(const std::vector<WeakItem>& items, const std::vector<Course>& catalog,
                               const std::set<std::string>& done, std::vector<std::string>* uncovered,
                               const std::function<bool(const std::string&)>& is_group) {
  std::vector<PlanStep> steps;
  std::set<std::string> used;
  for (const WeakItem& w : items) {
    bool covered = false;
    for (const Course& c : catalog) {
      if (std::find(c.items.begin(), c.items.end(), w.item) == c.items.end()) continue;
      covered = true;
      if (!used.insert(c.id).second) continue;
      // Reasons: this item's, plus those of any other weak item the course also trains.
      std::vector<Reason> reasons = w.reasons;
      for (const WeakItem& other : items) {
        if (other.item == w.item) continue;
        if (std::find(c.items.begin(), c.items.end(), other.item) == c.items.end()) continue;
        reasons.insert(reasons.end(), other.reasons.begin(), other.reasons.end());
      }
      auto add = [&](StepKind kind, const std::string& ref, const Text& title, int minutes) {
        PlanStep s{kind, c.id, ref, title, w.item, "", minutes, is_group(w.item), reasons};
        if (!done.contains(s.key())) steps.push_back(std::move(s));
      };
      for (const Lesson& l : c.lessons) add(StepKind::kLesson, l.id, l.title, l.minutes);
      for (const Drill& d : c.drills) add(StepKind::kDrill, d.id, d.title, 0);
      for (const Quiz& q : c.quizzes) add(StepKind::kQuiz, q.id, q.title, 0);
    }
    if (!covered && uncovered != nullptr) uncovered->push_back(w.item);
  }
  return steps;
}

const Course* findCourse(const std::vector<Course>& catalog, const std::string& id) {
  for (const Course& c : catalog) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// Adds `step` with `reason`, or the reason to the same step already planned.
void addStep(std::vector<PlanStep>& steps, PlanStep step, const Reason& reason) {
  for (PlanStep& s : steps) {
    if (s.key() == step.key()) {
      s.reasons.push_back(reason);
      return;
    }
  }
  step.reasons = {reason};
  steps.push_back(std::move(step));
}

void addNeedSteps(LearningMap& map, const std::vector<Course>& catalog, const std::set<std::string>& done) {
  for (const FrequentError& e : map.errors) {
    const Course* c = findCourse(catalog, e.course_id);
    if (c == nullptr) continue;
    Reason r{ReasonKind::kFrequentError, e.point.id, 0, 0, 0, e.point.text, e.misses, e.attempts};
    if (e.kind == StepKind::kQuiz) {
      const Quiz* q = c->quiz(e.ref);
      if (q == nullptr) continue;
      for (const Lesson& l : c->lessons) {
        addStep(map.steps, PlanStep{StepKind::kLesson, c->id, l.id, l.title, "", "", l.minutes, false, {}}, r);
      }
      addStep(map.steps, PlanStep{StepKind::kQuiz, c->id, q->id, q->title, "", "", 0, false, {}}, r);
    } else {
      for (const Drill& d : c->drills) {
        if (d.id == e.ref) addStep(map.steps, PlanStep{StepKind::kDrill, c->id, d.id, d.title, "", "", 0, false, {}}, r);
      }
    }
  }
  for (const TierGap& g : map.next_tier) {
    Reason r{ReasonKind::kNextTier, g.skill, static_cast<double>(g.current), static_cast<double>(g.required), g.tier,
             g.skill_name, 0, 0};
    bool covered = false;
    for (const Course& c : catalog) {
      if (std::find(c.skills.begin(), c.skills.end(), g.skill) == c.skills.end()) continue;
      covered = true;
      auto add = [&](StepKind kind, const std::string& ref, const Text& title, int minutes) {
        PlanStep s{kind, c.id, ref, title, "", g.skill, minutes, false, {}};
        if (!done.contains(s.key())) addStep(map.steps, std::move(s), r);
      };
      for (const Lesson& l : c.lessons) add(StepKind::kLesson, l.id, l.title, l.minutes);
      for (const Drill& d : c.drills) add(StepKind::kDrill, d.id, d.title, 0);
      for (const Quiz& q : c.quizzes) add(StepKind::kQuiz, q.id, q.title, 0);
    }
    if (!covered) map.uncovered_skills.push_back(g.skill);
  }
}

}  // namespace

std::vector<FrequentError> frequentErrors(const std::vector<AttemptOutcome>& attempts, int min_misses) {
  // Per quiz/drill: its attempts in time order.
  std::map<std::pair<std::string, std::string>, std::vector<const AttemptOutcome*>> by_ref;
  for (const AttemptOutcome& a : attempts) by_ref[{a.course_id, a.ref}].push_back(&a);
  std::vector<FrequentError> out;
  for (auto& [key, list] : by_ref) {
    std::stable_sort(list.begin(), list.end(), [](const auto* x, const auto* y) { return x->at_ms < y->at_ms; });
    std::map<std::string, int> misses;
    std::map<std::string, MissedPoint> points;
    for (const AttemptOutcome* a : list) {
      std::set<std::string> seen;
      for (const MissedPoint& p : a->missed) {
        if (!seen.insert(p.id).second) continue;
        ++misses[p.id];
        points[p.id] = p;
      }
    }
    for (const MissedPoint& p : list.back()->missed) {
      const int n = misses[p.id];
      if (n < min_misses) continue;
      if (std::any_of(out.begin(), out.end(), [&](const FrequentError& e) {
            return e.course_id == key.first && e.ref == key.second && e.point.id == p.id;
          })) {
        continue;
      }
      out.push_back({list.back()->kind, key.first, key.second, points[p.id], n, static_cast<int>(list.size())});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const FrequentError& a, const FrequentError& b) {
    if (a.misses != b.misses) return a.misses > b.misses;
    return a.misses * b.attempts > b.misses * a.attempts;
  });
  return out;
}

Text Reason::text(const Framework& f) const {
  const Item* it = f.item(item);
  const Text name = it != nullptr ? it->name : Text{item, item};
  switch (kind) {
    case ReasonKind::kBelowThreshold:
      return {"「" + name.zh + "」得分 " + fmt1(score) + ",低于标准 " + fmt1(reference),
              name.en + " scored " + fmt1(score) + ", below the threshold of " + fmt1(reference)};
    case ReasonKind::kBelowTeam:
      return {"「" + name.zh + "」得分 " + fmt1(score) + ",比团队平均 " + fmt1(reference) + " 低 " +
                  fmt1(reference - score),
              name.en + " scored " + fmt1(score) + ", " + fmt1(reference - score) + " below the team average of " +
                  fmt1(reference)};
    case ReasonKind::kTeamWide:
      return {"「" + name.zh + "」是团队共性短板(团队平均 " + fmt1(score) + "),参加小组培训",
              name.en + " is weak across the team (team average " + fmt1(score) + "): a group session"};
    case ReasonKind::kNextTier: {
      const std::string t = "T" + std::to_string(tier);
      const std::string have_zh = score > 0 ? "目前 " + std::to_string(static_cast<int>(score)) + " 级" : "目前还没有该技能";
      const std::string have_en = score > 0 ? "you are at level " + std::to_string(static_cast<int>(score))
                                            : "you do not have it yet";
      return {"晋升 " + t + " 需要技能「" + topic.zh + "」达到 " + std::to_string(static_cast<int>(reference)) + " 级," +
                  have_zh,
              "Tier " + t + " needs " + topic.en + " at level " + std::to_string(static_cast<int>(reference)) + "; " +
                  have_en};
    }
    case ReasonKind::kFrequentError:
      return {"「" + topic.zh + "」在最近 " + std::to_string(attempts) + " 次练习中错了 " + std::to_string(misses) + " 次",
              "You missed \u201c" + topic.en + "\u201d in " + std::to_string(misses) + " of " + std::to_string(attempts) +
                  " attempts"};
  }
  return {};
}

LearningMap planForAgent(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                         const std::string& agent_id, const std::vector<std::string>& team,
                         const std::set<std::string>& done, const MapOptions& options, const AgentNeeds& needs) {
  LearningMap map;
  map.agent_id = agent_id;
  const Framework& f = ledger.framework();
  const TeamView tv = teamView(ledger, team, options.threshold);
  for (const auto& [item, s] : ledger.agentScores(agent_id)) {
    WeakItem w;
    w.item = item;
    w.score = s.score;
    auto tm = tv.mean.find(item);
    if (tm != tv.mean.end()) w.team = tm->second;
    if (s.score < options.threshold) w.reasons.push_back({ReasonKind::kBelowThreshold, item, s.score, options.threshold});
    if (w.team && s.score < *w.team - options.team_margin) {
      w.reasons.push_back({ReasonKind::kBelowTeam, item, s.score, *w.team});
    }
    if (w.reasons.empty()) continue;
    if (teamWide(tv, item, options)) {
      w.reasons.push_back({ReasonKind::kTeamWide, item, w.team.value_or(s.score), options.threshold});
    }
    map.weak_items.push_back(std::move(w));
  }
  sortWeakest(f, map.weak_items);
  if (map.weak_items.size() > options.max_items) map.weak_items.resize(options.max_items);
  map.steps = stepsFor(map.weak_items, catalog, done, &map.uncovered,
                       [&](const std::string& item) { return teamWide(tv, item, options); });
  map.errors = needs.errors;
  map.next_tier = needs.next_tier;
  addNeedSteps(map, catalog, done);
  return map;
}

GroupPlan planForTeam(const CompetencyLedger& ledger, const std::vector<Course>& catalog,
                      const std::vector<std::string>& team, const MapOptions& options) {
  GroupPlan plan;
  plan.agents = team;
  const TeamView tv = teamView(ledger, team, options.threshold);
  for (const auto& [item, mean] : tv.mean) {
    if (!teamWide(tv, item, options)) continue;
    WeakItem w;
    w.item = item;
    w.score = mean;
    w.team = mean;
    w.share_below = tv.share_below.count(item) ? tv.share_below.at(item) : 0;
    w.reasons.push_back({ReasonKind::kTeamWide, item, mean, options.threshold});
    plan.items.push_back(std::move(w));
  }
  sortWeakest(ledger.framework(), plan.items);
  if (plan.items.size() > options.max_items) plan.items.resize(options.max_items);
  plan.steps = stepsFor(plan.items, catalog, {}, nullptr, [](const std::string&) { return true; });
  return plan;
}

}  // namespace outpost::learning
