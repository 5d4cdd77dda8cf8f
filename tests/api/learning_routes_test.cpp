#include "api/learning_routes.h"

#include <gtest/gtest.h>

namespace outpost::api {
namespace {

TEST(ParseRange, ServesTheAskedBytes) {
  auto r = parseRange("bytes=0-9", 100);
  ASSERT_TRUE(r.isOk());
  EXPECT_TRUE(r->partial);
  EXPECT_EQ(r->offset, 0u);
  EXPECT_EQ(r->length, 10u);
  r = parseRange("bytes=90-", 100);
  EXPECT_EQ(r->offset, 90u);
  EXPECT_EQ(r->length, 10u);
  r = parseRange("bytes=-30", 100);
  EXPECT_EQ(r->offset, 70u);
  EXPECT_EQ(r->length, 30u);
  r = parseRange("bytes=-300", 100);  // a suffix longer than the file: all of it
  EXPECT_EQ(r->offset, 0u);
  EXPECT_EQ(r->length, 100u);
  r = parseRange("bytes=50-1000", 100);  // clipped at the end
  EXPECT_EQ(r->length, 50u);
}

TEST(ParseRange, UnsatisfiableAndIgnoredRanges) {
  EXPECT_EQ(parseRange("bytes=100-", 100).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(parseRange("bytes=-0", 100).status().code(), StatusCode::kFailedPrecondition);
  for (const char* ignored : {"items=0-5", "bytes=5-2", "bytes=0-1,4-5", "bytes=a-b", "bytes=", "bytes=99999999999999999999-"}) {
    auto r = parseRange(ignored, 100);
    ASSERT_TRUE(r.isOk()) << ignored;
    EXPECT_FALSE(r->partial) << ignored;
    EXPECT_EQ(r->length, 100u) << ignored;
  }
}

}  // namespace
}  // namespace outpost::api
