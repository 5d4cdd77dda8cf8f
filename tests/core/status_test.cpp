#include "core/status.h"

#include <gtest/gtest.h>

namespace outpost {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.isOk());
  EXPECT_EQ(s.toString(), "OK");
}

TEST(StatusTest, DescribeIncludesWhere) {
  Status s = Status::invalidArgument("must be 1..5", "/level");
  EXPECT_FALSE(s.isOk());
  EXPECT_EQ(s.describe(), "/level: must be 1..5");
  EXPECT_EQ(s.toString(), "INVALID_ARGUMENT: /level: must be 1..5");
}

TEST(StatusTest, UnderPrefixesThePath) {
  Status s = Status::invalidArgument("must be 1..5", "/level").under("/skills/2");
  EXPECT_EQ(s.where(), "/skills/2/level");
  EXPECT_TRUE(Status::ok().under("/x").isOk());
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.isOk());
  EXPECT_EQ(*good, 42);
  EXPECT_TRUE(good.status().isOk());
  Result<int> bad = Status::notFound("no such agent");
  EXPECT_FALSE(bad.isOk());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

Status failsAtTwo(int n) {
  OUTPOST_RETURN_IF_ERROR(n == 2 ? Status::conflict("two") : Status::ok());
  return Status::ok();
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_TRUE(failsAtTwo(1).isOk());
  EXPECT_EQ(failsAtTwo(2).code(), StatusCode::kConflict);
}

}  // namespace
}  // namespace outpost
