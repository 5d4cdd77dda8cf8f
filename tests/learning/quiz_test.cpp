#include "learning/quiz.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

Quiz sample() {
  Quiz q;
  q.id = "fees-quiz";
  q.title = {"费用测验", "Fees quiz"};
  q.items = {"expression"};
  q.pass_mark = 0.7;
  q.questions = {
      {"q1", {"一", "One"}, {{"a", "a"}, {"b", "b"}, {"c", "c"}}, {1}, 1, {}},
      {"q2", {"二", "Two"}, {{"a", "a"}, {"b", "b"}, {"c", "c"}}, {0, 2}, 2, {}},
      {"q3", {"三", "Three"}, {{"a", "a"}, {"b", "b"}}, {0}, 1, {}},
  };
  return q;
}

TEST(QuizTest, SingleAndMultipleChoiceScoring) {
  Quiz q = sample();
  ASSERT_TRUE(q.validate().isOk());
  EXPECT_EQ(q.maxPoints(), 4);
  auto r = scoreQuiz(q, {{"q1", {1}}, {"q2", {2, 0}}, {"q3", {1}}});
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->points, 3);
  EXPECT_DOUBLE_EQ(r->fraction, 0.75);
  EXPECT_TRUE(r->passed);
  EXPECT_TRUE(r->questions[1].correct);
  EXPECT_FALSE(r->questions[2].correct);
  // Part of a multiple-choice answer is wrong; unanswered scores 0.
  r = scoreQuiz(q, {{"q2", {0}}});
  EXPECT_EQ(r->points, 0);
  EXPECT_FALSE(r->passed);
  // Exactly at the pass mark passes.
  q.pass_mark = 0.75;
  EXPECT_TRUE(scoreQuiz(q, {{"q1", {1}}, {"q2", {0, 2}}})->passed);
}

TEST(QuizTest, BadAnswersNameThePlace) {
  Quiz q = sample();
  EXPECT_EQ(scoreQuiz(q, {{"zz", {0}}}).status().where(), "/answers/zz");
  EXPECT_EQ(scoreQuiz(q, {{"q1", {7}}}).status().where(), "/answers/q1/0");
  EXPECT_EQ(scoreQuiz(q, {{"q2", {0, 0}}}).status().where(), "/answers/q2/1");
  EXPECT_EQ(scoreQuiz(q, {{"q1", {0, 1}}}).status().where(), "/answers/q1");
}

TEST(QuizTest, ValidationNamesTheField) {
  Quiz q = sample();
  q.questions[1].correct = {0, 5};
  EXPECT_EQ(q.validate().where(), "/questions/1/correct/1");
  q = sample();
  q.questions[2].options.resize(1);
  EXPECT_EQ(q.validate().where(), "/questions/2/options");
  q = sample();
  q.questions.clear();
  EXPECT_EQ(q.validate().where(), "/questions");
}

}  // namespace
}  // namespace outpost::learning
