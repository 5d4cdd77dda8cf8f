#pragma once

// A hub database (all hub migrations applied) in a temporary folder of its own,
// removed after the test.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "hub/hub_store.h"

namespace outpost::hub {

class HubDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = "/tmp/outpost-hub-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = storage::Database::open(dir_ + "/hub.db");
    ASSERT_TRUE(db.isOk());
    db_ = std::move(*db);
    ASSERT_TRUE(storage::migrate(*db_, hubMigrations()).isOk());
  }
  void TearDown() override {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  std::unique_ptr<storage::Database> db_;
};

}  // namespace outpost::hub
