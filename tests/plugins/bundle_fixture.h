#pragma once
// A signed rule bundle in a temporary directory, for the plugins tests.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "signing/ed25519.h"
#include "signing/package.h"
#include "signing/trust_store.h"

namespace outpost::plugins::testing {

inline const char* kMainLua = R"(
function classify_contact(contact, ctx)
  local text = contact.attributes.text or ''
  if text:find('fraud', 1, true) or text:find('盗刷', 1, true) then
    return {segment = 'vip', priority = 95, skills = {fraud = 3}}
  end
  if contact.value >= ctx.config.vip_value then
    return {segment = 'vip', priority = math.max(contact.priority, 80)}
  end
  return nil
end

function rank_candidates(contact, candidates, ctx)
  -- highest tier (lowest number) first, then reward
  local list = {}
  for i, c in ipairs(candidates) do list[i] = c end
  table.sort(list, function(a, b)
    if a.tier ~= b.tier then return a.tier < b.tier end
    return a.id < b.id
  end)
  local out = {}
  for i, c in ipairs(list) do out[i] = c.id end
  return out
end
)";

inline const char* kVectors = R"({"vectors": [
  {"name": "fraud text", "hook": "classify_contact",
   "contact": {"id": "c1", "value": 0, "priority": 50, "attributes": {"text": "card fraud!"}},
   "expect": {"segment": "vip", "priority": 95, "skills": {"fraud": 3}}},
  {"name": "plain", "hook": "classify_contact",
   "contact": {"id": "c2", "value": 10, "priority": 50, "attributes": {}}, "expect": {}},
  {"name": "tier first", "hook": "rank_candidates",
   "contact": {"id": "c3", "value": 0, "priority": 50, "attributes": {}},
   "candidates": [{"id": "a2", "tier": 3}, {"id": "a1", "tier": 1}],
   "expect": ["a1", "a2"]}
]})";

class BundleDir {
 public:
  explicit BundleDir(const std::string& name) {
    dir_ = std::filesystem::temp_directory_path() /
           ("outpost-rules-" + std::to_string(::getpid()) + "-" + name + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto k = signing::generateKeyPair();
    key_ = k.value();
    EXPECT_TRUE(trust_.add("hq-rules", key_.public_b64).isOk());
    main_lua = kMainLua;
    vectors = kVectors;
  }
  ~BundleDir() { std::filesystem::remove_all(dir_); }

  std::string manifest(int version) const {
    return R"({"kind": "rules", "id": "demo", "version": )" + std::to_string(version) + R"(, "site": ")" + site +
           R"(", "api": )" + std::to_string(api) + R"(, "expires": ")" + expires +
           R"(", "hooks": )" + hooks + R"(, "sources": ["main.lua"],
  "config": {"vip_value": {"type": "number", "default": 100000}}, "vectors": "vectors.json", "files": []})";
  }
  // Writes, seals and signs version `version`.
  void build(int version) {
    write("main.lua", main_lua);
    write("vectors.json", vectors);
    write("manifest.json", manifest(version));
    ASSERT_TRUE(signing::sealPackageDir(dir_.string()).isOk());
    ASSERT_TRUE(signing::signPackageDir(dir_.string(), key_.private_pem, "hq-rules").isOk());
  }
  void write(const std::string& rel, const std::string& bytes) const {
    std::ofstream(dir_ / rel, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string path() const { return dir_.string(); }
  const signing::TrustStore& trust() const { return trust_; }
  const signing::KeyPair& key() const { return key_; }

  std::string main_lua;
  std::string vectors;
  std::string site = "sz-01";
  int api = 1;
  std::string expires = "2030-01-01T00:00:00Z";
  std::string hooks = R"(["classify_contact", "rank_candidates"])";

 private:
  std::filesystem::path dir_;
  signing::KeyPair key_;
  signing::TrustStore trust_;
};

}  // namespace outpost::plugins::testing
