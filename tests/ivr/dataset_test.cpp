#include "ivr/dataset.h"

#include <gtest/gtest.h>

#include "ivr/features.h"
#include "ivr/utf8.h"

namespace outpost::ivr {
namespace {

TEST(Dataset, ParsesLinesSkippingCommentsBlankLinesAndCarriageReturns) {
  auto r = parseExamples("# header\n\nbalance_inquiry\t查余额\r\ngoodbye\t bye \n", "t.tsv");
  ASSERT_TRUE(r.isOk()) << r.status().describe();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].intent, "balance_inquiry");
  EXPECT_EQ((*r)[0].text, "查余额");
  EXPECT_EQ((*r)[0].line, 3);
  EXPECT_EQ((*r)[1].text, "bye");
}

TEST(Dataset, ErrorsNameTheLine) {
  auto no_tab = parseExamples("goodbye\tbye\nbalance_inquiry 查余额\n", "bank.tsv");
  ASSERT_FALSE(no_tab.isOk());
  EXPECT_EQ(no_tab.status().where(), "bank.tsv:2");
  EXPECT_NE(no_tab.status().message().find("TAB"), std::string::npos);

  auto bad_intent = parseExamples("Balance Inquiry\t查余额\n", "x");
  ASSERT_FALSE(bad_intent.isOk());
  EXPECT_EQ(bad_intent.status().where(), "x:1");

  auto empty = parseExamples("goodbye\t  \n", "x");
  ASSERT_FALSE(empty.isOk());
  EXPECT_NE(empty.status().message().find("empty"), std::string::npos);

  auto two_tabs = parseExamples("goodbye\tbye\tnow\n", "x");
  EXPECT_FALSE(two_tabs.isOk());

  auto bad_utf8 = parseExamples("goodbye\tok\ngoodbye\tby\xC3\x28\n", "x");
  ASSERT_FALSE(bad_utf8.isOk());
  EXPECT_EQ(bad_utf8.status().where(), "x:2");
  EXPECT_NE(bad_utf8.status().message().find("UTF-8"), std::string::npos);

  auto too_long = parseExamples("goodbye\t" + std::string(kMaxUtteranceBytes + 1, 'a'), "x");
  EXPECT_FALSE(too_long.isOk());

  EXPECT_FALSE(parseExamples("# only a comment\n", "x").isOk());
}

TEST(Dataset, MissingFileIsNamed) {
  auto r = loadExamples("/nonexistent/bank.train.tsv");
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().where(), "/nonexistent/bank.train.tsv");
}

TEST(Utf8, RejectsOverlongSurrogatesAndTruncation) {
  std::vector<char32_t> cps;
  size_t bad = 99;
  EXPECT_TRUE(decodeUtf8("a中😀", cps));
  EXPECT_EQ(cps.size(), 3u);
  EXPECT_FALSE(decodeUtf8("ab\xC0\xAF", cps, &bad));  // overlong '/'
  EXPECT_EQ(bad, 2u);
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(isValidUtf8("\xE4\xB8"));      // truncated 中
  EXPECT_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  std::string s;
  appendUtf8(s, U'中');
  appendUtf8(s, U'😀');
  EXPECT_EQ(s, "中😀");
  EXPECT_EQ(utf8Length(s), 2u);
}

TEST(Features, ChineseCharacterNgramsAndEnglishWords) {
  const FeatureConfig cfg;
  // 3 chars: 3 unigrams + 2 bigrams + 1 trigram.
  EXPECT_EQ(extractFeatures("查余额", cfg).size(), 6u);
  // Punctuation separates runs: no n-gram spans "额，转".
  EXPECT_EQ(extractFeatures("查余额，转账", cfg).size(), 6u + 3u);
  // Case and full-width forms normalise to the same features.
  EXPECT_EQ(extractFeatures("APP", cfg).size(), extractFeatures("ａｐｐ", cfg).size());
  auto a = extractFeatures("APP", cfg);
  auto b = extractFeatures("app", cfg);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].hash, b[i].hash);
  // Unit norm.
  double norm = 0;
  for (const auto& f : extractFeatures("my card 丢了", cfg)) norm += static_cast<double>(f.value) * f.value;
  EXPECT_NEAR(norm, 1.0, 1e-5);
  EXPECT_TRUE(extractFeatures("，。！ ?", cfg).empty());
  EXPECT_FALSE(extractFeatures("ok\xFF\xFE中", cfg).empty());  // bad bytes skipped, no crash
}

}  // namespace
}  // namespace outpost::ivr
