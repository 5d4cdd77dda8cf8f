#include "learning/quiz.h"

#include <algorithm>
#include <set>

namespace outpost::learning {

int Quiz::maxPoints() const {
  int sum = 0;
  for (const QuizQuestion& q : questions) sum += q.points;
  return sum;
}

Status Quiz::validate() const {
  if (!isValidCode(id)) return Status::invalidArgument("not a valid quiz id", "/id");
  if (questions.empty()) return Status::invalidArgument("a quiz needs at least one question", "/questions");
  if (!(pass_mark > 0 && pass_mark <= 1)) return Status::invalidArgument("must be in (0, 1]", "/pass_mark");
  std::set<std::string> ids;
  for (size_t i = 0; i < questions.size(); ++i) {
    const QuizQuestion& q = questions[i];
    const std::string at = "/questions/" + std::to_string(i);
    if (!isValidCode(q.id)) return Status::invalidArgument("not a valid question id", at + "/id");
    if (!ids.insert(q.id).second) return Status::invalidArgument("duplicate question \"" + q.id + "\"", at + "/id");
    if (q.options.size() < 2 || q.options.size() > 10) {
      return Status::invalidArgument("a question needs 2 to 10 options", at + "/options");
    }
    if (q.correct.empty()) return Status::invalidArgument("at least one option must be correct", at + "/correct");
    std::set<int> seen;
    for (size_t c = 0; c < q.correct.size(); ++c) {
      const int idx = q.correct[c];
      if (idx < 0 || idx >= static_cast<int>(q.options.size())) {
        return Status::invalidArgument("no such option", at + "/correct/" + std::to_string(c));
      }
      if (!seen.insert(idx).second) {
        return Status::invalidArgument("option listed twice", at + "/correct/" + std::to_string(c));
      }
    }
    if (q.points < 1) return Status::invalidArgument("must be at least 1", at + "/points");
  }
  return Status::ok();
}

Result<QuizResult> scoreQuiz(const Quiz& quiz, const std::map<std::string, std::vector<int>>& answers) {
  std::map<std::string, const QuizQuestion*> by_id;
  for (const QuizQuestion& q : quiz.questions) by_id[q.id] = &q;
  for (const auto& [qid, chosen] : answers) {
    auto it = by_id.find(qid);
    const std::string at = "/answers/" + qid;
    if (it == by_id.end()) return Status::invalidArgument("unknown question \"" + qid + "\"", at);
    const QuizQuestion& q = *it->second;
    std::set<int> seen;
    for (size_t i = 0; i < chosen.size(); ++i) {
      if (chosen[i] < 0 || chosen[i] >= static_cast<int>(q.options.size())) {
        return Status::invalidArgument("no such option", at + "/" + std::to_string(i));
      }
      if (!seen.insert(chosen[i]).second) {
        return Status::invalidArgument("option chosen twice", at + "/" + std::to_string(i));
      }
    }
    if (!q.multiple() && chosen.size() > 1) {
      return Status::invalidArgument("a single-choice question takes one option", at);
    }
  }
  QuizResult r;
  r.quiz_id = quiz.id;
  for (const QuizQuestion& q : quiz.questions) {
    QuestionResult qr{q.id, false, 0};
    auto it = answers.find(q.id);
    if (it != answers.end()) {
      std::vector<int> chosen = it->second;
      std::vector<int> correct = q.correct;
      std::sort(chosen.begin(), chosen.end());
      std::sort(correct.begin(), correct.end());
      qr.correct = chosen == correct;
    }
    qr.points = qr.correct ? q.points : 0;
    r.points += qr.points;
    r.max_points += q.points;
    r.questions.push_back(std::move(qr));
  }
  r.fraction = r.max_points > 0 ? static_cast<double>(r.points) / r.max_points : 0.0;
  r.passed = r.fraction + 1e-9 >= quiz.pass_mark;
  return r;
}

}  // namespace outpost::learning
