#include "learning/framework.h"

#include <gtest/gtest.h>

namespace outpost::learning {
namespace {

TEST(FrameworkTest, DefaultIsTheSeed001Model) {
  const Framework& f = defaultFramework();
  ASSERT_TRUE(f.validate().isOk()) << f.validate().toString();
  EXPECT_EQ(f.dimensions.size(), 3u);
  EXPECT_EQ(f.items.size(), 11u);
  EXPECT_EQ(f.questions.size(), 33u);
  for (const Item& i : f.items) EXPECT_EQ(f.questionsOf(i.code).size(), 3u) << i.code;
  EXPECT_EQ(f.itemsOf("work-ability").size(), 6u);
  ASSERT_NE(f.item("interpersonal"), nullptr);
  EXPECT_EQ(f.item("interpersonal")->name.zh, "人际交往能力");
  EXPECT_EQ(f.item("affinity")->name.in("zh-CN"), "亲和力");
  EXPECT_EQ(f.item("understanding")->name.in("en"), "Understanding");
  EXPECT_EQ(f.min_score, 1);
  EXPECT_EQ(f.max_score, 5);
}

TEST(FrameworkTest, ValidationNamesTheField) {
  Framework f = defaultFramework();
  f.questions[4].item = "nope";
  EXPECT_EQ(f.validate().where(), "/questions/4/item");
  f = defaultFramework();
  f.items[2].dimension = "x";
  EXPECT_EQ(f.validate().where(), "/items/2/dimension");
  f = defaultFramework();
  f.items.push_back({"lonely", "work-ability", {"孤", "Lonely"}});
  EXPECT_EQ(f.validate().where(), "/items/11");
  f = defaultFramework();
  f.questions[0].text.en.clear();
  EXPECT_EQ(f.validate().where(), "/questions/0/text/en");
  f = defaultFramework();
  f.questions[1].id = f.questions[0].id;
  EXPECT_EQ(f.validate().where(), "/questions/1/id");
}

TEST(FrameworkTest, TextFallsBackToTheOtherLanguage) {
  Text t{"", "only English"};
  EXPECT_EQ(t.in("zh-CN"), "only English");
  EXPECT_EQ(isValidCode("card-basics.v2"), true);
  EXPECT_EQ(isValidCode("Bad Code"), false);
}

}  // namespace
}  // namespace outpost::learning
