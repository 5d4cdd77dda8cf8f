#include "ivr/classifier.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ivr/evaluation.h"

namespace outpost::ivr {
namespace {

std::vector<Example> tiny() {
  std::vector<Example> v;
  const char* bal[] = {"查余额", "我的余额是多少", "卡里还有多少钱", "check my balance", "what is my balance",
                       "余额查询", "帮我查一下余额", "how much money do I have"};
  const char* lost[] = {"卡丢了", "我的银行卡丢了", "挂失银行卡", "I lost my card", "my card is missing",
                        "卡不见了", "银行卡被偷了要挂失", "report a lost card"};
  const char* bye[] = {"再见", "拜拜", "没事了谢谢", "goodbye", "bye bye", "thanks that's all", "好的再见", "see you"};
  for (auto s : bal) v.push_back({"balance_inquiry", s, 0});
  for (auto s : lost) v.push_back({"card_lost", s, 0});
  for (auto s : bye) v.push_back({"goodbye", s, 0});
  return v;
}

TEST(Classifier, LearnsBothLanguages) {
  auto m = IntentModel::train(tiny(), TrainOptions{});
  ASSERT_TRUE(m.isOk()) << m.status().describe();
  EXPECT_EQ(m->intents().size(), 3u);
  EXPECT_EQ(m->classify("我想查余额").intent, "balance_inquiry");
  EXPECT_EQ(m->classify("我的卡丢了怎么办").intent, "card_lost");
  EXPECT_EQ(m->classify("lost card").intent, "card_lost");
  EXPECT_EQ(m->classify("bye").intent, "goodbye");
  double sum = 0;
  for (double p : m->probabilities("whatever")) sum += p;
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST(Classifier, SameSeedSameModel) {
  auto a = IntentModel::train(tiny(), TrainOptions{});
  auto b = IntentModel::train(tiny(), TrainOptions{});
  ASSERT_TRUE(a.isOk() && b.isOk());
  EXPECT_EQ(a->serialize(), b->serialize());
  TrainOptions other;
  other.seed = 7;
  auto c = IntentModel::train(tiny(), other);
  ASSERT_TRUE(c.isOk());
  EXPECT_NE(a->serialize(), c->serialize());
}

TEST(Classifier, FallsBackBelowThresholdOrWithinMargin) {
  auto m = IntentModel::train(tiny(), TrainOptions{});
  EXPECT_EQ(m->temperature(), 1.0) << "too few examples to calibrate";
  ASSERT_TRUE(m.isOk());
  // Nothing the model knows: near-uniform confidences.
  const Prediction unknown = m->classify("xyzzy");
  EXPECT_TRUE(unknown.fallback) << unknown.intent << " " << unknown.confidence;
  const Prediction sure = m->classify("我的银行卡丢了");
  EXPECT_FALSE(sure.fallback) << sure.confidence;
  EXPECT_EQ(unknown.known_features, 0);
  ASSERT_TRUE(m->setPolicy({sure.confidence + 1e-6, 0.0}).isOk());
  EXPECT_TRUE(m->classify("我的银行卡丢了").fallback);
  ASSERT_TRUE(m->setPolicy({0.0, sure.confidence - sure.runner_up_confidence + 1e-6}).isOk());
  EXPECT_TRUE(m->classify("我的银行卡丢了").fallback);
  EXPECT_FALSE(m->setPolicy({1.5, 0.1}).isOk());
  EXPECT_FALSE(m->setPolicy({0.3, -0.1}).isOk());
}

TEST(Classifier, RefusesBadTrainingInput) {
  std::vector<Example> one = {{"goodbye", "bye", 0}, {"goodbye", "再见", 0}};
  EXPECT_FALSE(IntentModel::train(one, TrainOptions{}).isOk());
  TrainOptions bad;
  bad.epochs = 0;
  EXPECT_FALSE(IntentModel::train(tiny(), bad).isOk());
}

TEST(ModelFile, RoundTripsAndRejectsBadFiles) {
  auto m = IntentModel::train(tiny(), TrainOptions{});
  ASSERT_TRUE(m.isOk());
  const std::string bytes = m->serialize();
  auto back = IntentModel::deserialize(bytes, "m.bin");
  ASSERT_TRUE(back.isOk()) << back.status().describe();
  EXPECT_EQ(back->serialize(), bytes);
  EXPECT_EQ(back->classify("卡丢了").confidence, m->classify("卡丢了").confidence);

  auto not_model = IntentModel::deserialize("intent\tutterance\n", "x.tsv");
  ASSERT_FALSE(not_model.isOk());
  EXPECT_NE(not_model.status().message().find("not an Outpost intent model"), std::string::npos);

  std::string future = bytes;
  future[8] = 2;
  auto v2 = IntentModel::deserialize(future, "m.bin");
  ASSERT_FALSE(v2.isOk());
  EXPECT_NE(v2.status().message().find("version 2"), std::string::npos);

  auto truncated = IntentModel::deserialize(bytes.substr(0, bytes.size() / 2), "m.bin");
  ASSERT_FALSE(truncated.isOk());
  EXPECT_EQ(truncated.status().code(), StatusCode::kDataLoss);

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  auto corrupt = IntentModel::deserialize(flipped, "m.bin");
  ASSERT_FALSE(corrupt.isOk());
  EXPECT_NE(corrupt.status().message().find("checksum"), std::string::npos);

  // Every prefix is refused without a crash.
  for (size_t n = 0; n < 64 && n < bytes.size(); ++n) EXPECT_FALSE(IntentModel::deserialize(bytes.substr(0, n), "p").isOk());

  const auto path = std::filesystem::temp_directory_path() / ("outpost-ivr-" + std::to_string(::getpid()) + ".model");
  ASSERT_TRUE(m->save(path.string()).isOk());
  auto loaded = IntentModel::load(path.string());
  ASSERT_TRUE(loaded.isOk());
  EXPECT_EQ(loaded->serialize(), bytes);
  std::filesystem::remove(path);
  EXPECT_EQ(IntentModel::load(path.string()).status().code(), StatusCode::kNotFound);
}

TEST(Evaluation, MetricsFromOutcomes) {
  auto pred = [](std::string intent, bool fallback) {
    Prediction p;
    p.intent = std::move(intent);
    p.fallback = fallback;
    return p;
  };
  // a: 2 right, 1 predicted as b; b: 1 right (fell back).
  std::vector<Outcome> o = {{"a", pred("a", false)}, {"a", pred("a", false)}, {"a", pred("b", false)},
                            {"b", pred("b", true)}};
  EvalReport r = summarise(o);
  EXPECT_EQ(r.total, 4);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.75);
  EXPECT_DOUBLE_EQ(r.fallback_rate, 0.25);
  EXPECT_NEAR(r.accepted_accuracy, 2.0 / 3, 1e-12);
  ASSERT_EQ(r.per_intent.size(), 2u);
  EXPECT_DOUBLE_EQ(r.per_intent[0].precision, 1.0);
  EXPECT_NEAR(r.per_intent[0].recall, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(r.per_intent[1].precision, 0.5);
  EXPECT_DOUBLE_EQ(r.per_intent[1].recall, 1.0);
  EXPECT_NEAR(r.macro_f1, (0.8 + 2.0 / 3) / 2, 1e-12);
  EXPECT_EQ(r.confusion[0][1], 1);
  const std::string json = reportToJson(r);
  EXPECT_NE(json.find("\"accuracy\":0.7500"), std::string::npos) << json;
  EXPECT_NE(json.find("\"macro_f1\":"), std::string::npos);
  EXPECT_NE(reportToText(r).find("confusion matrix"), std::string::npos);
}

TEST(Evaluation, CrossValidationCoversEveryExampleOnce) {
  auto r = crossValidate(tiny(), 4, TrainOptions{});
  ASSERT_TRUE(r.isOk()) << r.status().describe();
  EXPECT_EQ(r->total, 24);
  EXPECT_EQ(r->folds, 4);
  EXPECT_FALSE(crossValidate(tiny(), 1, TrainOptions{}).isOk());
  EXPECT_FALSE(crossValidate(tiny(), 25, TrainOptions{}).isOk());
}

}  // namespace
}  // namespace outpost::ivr
