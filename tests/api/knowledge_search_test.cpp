// Knowledge search: Chinese bigrams, English words, scoring and bad queries.

#include "api/knowledge_search.h"

#include <gtest/gtest.h>

namespace outpost::api {
namespace {

std::vector<ivr::Article> articles() {
  return {
      {"lost_card", {"挂失银行卡", "Report a lost card"}, {"请拨打热线挂失您的银行卡。", "Call the hotline to block your card."}},
      {"opening_hours", {"营业时间", "Opening hours"}, {"网点周一至周五营业。", "Branches open Monday to Friday."}},
  };
}

TEST(KnowledgeSearch, TermsAreBigramsAndWords) {
  EXPECT_EQ(knowledgeTerms("挂失卡 Lost CARD!"), (std::vector<std::string>{"挂失", "失卡", "lost", "card"}));
  EXPECT_EQ(knowledgeTerms("卡"), (std::vector<std::string>{"卡"}));
}

TEST(KnowledgeSearch, ChineseQueryFindsArticle) {
  auto hits = searchKnowledge(articles(), "银行卡挂失", "zh-CN");
  ASSERT_TRUE(hits) << hits.status().message();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ((*hits)[0].id, "lost_card");
  EXPECT_EQ((*hits)[0].title, "挂失银行卡");
  EXPECT_GT((*hits)[0].score, 0.0);
  EXPECT_LE((*hits)[0].score, 1.0);
}

TEST(KnowledgeSearch, EnglishQueryReturnsEnglishText) {
  auto hits = searchKnowledge(articles(), "opening HOURS", "en");
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "opening_hours");
  EXPECT_EQ((*hits)[0].title, "Opening hours");
  EXPECT_EQ((*hits)[0].snippet, "Branches open Monday to Friday.");
  EXPECT_DOUBLE_EQ((*hits)[0].score, 1.0);
}

TEST(KnowledgeSearch, NoMatchIsEmpty) {
  auto hits = searchKnowledge(articles(), "mortgage", "en");
  ASSERT_TRUE(hits);
  EXPECT_TRUE(hits->empty());
}

TEST(KnowledgeSearch, BadQueriesNameTheParameter) {
  for (const std::string& q : {std::string(), std::string("!!!"), std::string("\xff\xfe"), std::string(201, 'a')}) {
    auto hits = searchKnowledge(articles(), q, "en");
    ASSERT_FALSE(hits);
    EXPECT_EQ(hits.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(hits.status().where(), "?q");
  }
}

}  // namespace
}  // namespace outpost::api
