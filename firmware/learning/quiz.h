#pragma once

// Quizzes and their scoring. A question has options and a set of correct options:
// one correct option is a single-choice question, more are multiple-choice (all and
// only the correct options must be chosen). Unanswered questions score 0. A result
// passes when its fraction of the points reaches the quiz's pass mark.
//
// Thread-safety: values and stateless functions.

#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "learning/framework.h"

namespace outpost::learning {

struct QuizQuestion {
  std::string id;
  Text prompt;
  std::vector<Text> options;
  std::vector<int> correct;  // indices into options, ascending, at least one
  int points = 1;
  Text explanation;
  bool multiple() const { return correct.size() > 1; }
};

struct Quiz {
  std::string id;
  Text title;
  std::vector<std::string> items;  // competency items it gives evidence for
  double pass_mark = 0.7;          // fraction of the points
  std::vector<QuizQuestion> questions;
  // Ids unique, options 2–10, correct indices valid and unique, points ≥ 1.
  Status validate() const;
  int maxPoints() const;
};

struct QuestionResult {
  std::string id;
  bool correct = false;
  int points = 0;
};

struct QuizResult {
  std::string quiz_id;
  int points = 0;
  int max_points = 0;
  double fraction = 0;
  bool passed = false;
  std::vector<QuestionResult> questions;  // in the quiz's order
};

// answers: question id → chosen option indices. Errors name the answer: unknown
// question, option out of range, repeated option, several options for single choice.
Result<QuizResult> scoreQuiz(const Quiz& quiz, const std::map<std::string, std::vector<int>>& answers);

}  // namespace outpost::learning
