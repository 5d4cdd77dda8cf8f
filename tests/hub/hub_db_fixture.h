#pragma once

// A hub database (all hub migrations applied) in a temporary folder of its own,
// removed after the test.

#include <gtest/gtest.h>

#include <memory>

#include "hub/hub_store.h"
#include "storage/storage_test_util.h"

namespace outpost::hub {

class HubDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = storage::test_util::openOrDie(tmp_.file("hub.db"));
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(storage::migrate(*db_, hubMigrations()).isOk());
  }

  storage::test_util::TempDir tmp_;  // declared first: removed after the database closes
  std::unique_ptr<storage::Database> db_;
};

}  // namespace outpost::hub
