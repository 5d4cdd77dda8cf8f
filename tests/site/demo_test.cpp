#include "site/demo.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace outpost::site {
namespace {

template <typename T, typename Key>
void expectUnique(const std::vector<T>& items, Key key, const char* what) {
  std::set<std::string> seen;
  for (const auto& item : items)
    EXPECT_TRUE(seen.insert(key(item)).second) << what << " twice: " << key(item);
}

TEST(DemoSiteTest, EveryEntityIsValid) {
  const DemoSite& d = demoSite();
  EXPECT_TRUE(validate(d.site).isOk()) << validate(d.site).toString();
  for (const auto& s : d.skills) EXPECT_TRUE(validate(s).isOk()) << s.code << ": " << validate(s).toString();
  for (const auto& a : d.agents) EXPECT_TRUE(validate(a).isOk()) << a.id << ": " << validate(a).toString();
  for (const auto& q : d.queues) EXPECT_TRUE(validate(q).isOk()) << q.code << ": " << validate(q).toString();
  for (const auto& w : d.wrapup_codes)
    EXPECT_TRUE(validate(w).isOk()) << w.code << ": " << validate(w).toString();
  for (const auto& r : d.not_ready_reasons) {
    EXPECT_TRUE(validate(r).isOk()) << r.code << ": " << validate(r).toString();
  }
  for (const auto& u : d.users)
    EXPECT_TRUE(validate(u).isOk()) << u.username << ": " << validate(u).toString();
}

TEST(DemoSiteTest, IsABankBranchInChineseFirst) {
  const DemoSite& d = demoSite();
  EXPECT_EQ(d.site.default_language, "zh-CN");
  EXPECT_EQ(d.site.time_zone, "Asia/Shanghai");
  EXPECT_FALSE(d.site.name.zh.empty());
  EXPECT_FALSE(d.site.name.en.empty());
}

TEST(DemoSiteTest, TwelveAgentsAcrossAllFourTiers) {
  const DemoSite& d = demoSite();
  EXPECT_EQ(d.agents.size(), 12u);
  std::set<int> tiers;
  for (const auto& a : d.agents) tiers.insert(a.tier);
  EXPECT_EQ(tiers, (std::set<int>{1, 2, 3, 4}));
}

TEST(DemoSiteTest, CatalogueSizes) {
  const DemoSite& d = demoSite();
  EXPECT_GE(d.skills.size(), 5u);
  EXPECT_LE(d.skills.size(), 8u);
  EXPECT_GE(d.queues.size(), 3u);
  EXPECT_LE(d.queues.size(), 4u);
  EXPECT_FALSE(d.wrapup_codes.empty());
  EXPECT_FALSE(d.not_ready_reasons.empty());
}

TEST(DemoSiteTest, CodesAndIdsAreUnique) {
  const DemoSite& d = demoSite();
  expectUnique(
      d.skills, [](const Skill& s) { return s.code; }, "skill");
  expectUnique(
      d.agents, [](const Agent& a) { return a.id; }, "agent");
  expectUnique(
      d.queues, [](const Queue& q) { return q.code; }, "queue");
  expectUnique(
      d.wrapup_codes, [](const WrapUpCode& w) { return w.code; }, "wrap-up code");
  expectUnique(
      d.not_ready_reasons, [](const NotReadyReason& r) { return r.code; }, "not-ready reason");
  expectUnique(
      d.users, [](const User& u) { return u.username; }, "username");
}

TEST(DemoSiteTest, EverySkillReferencedIsInTheCatalogue) {
  const DemoSite& d = demoSite();
  std::set<std::string> catalogue;
  for (const auto& s : d.skills) catalogue.insert(s.code);
  for (const auto& a : d.agents) {
    for (const auto& s : a.skills)
      EXPECT_EQ(catalogue.count(s.skill_code), 1u) << a.id << " has " << s.skill_code;
  }
  for (const auto& q : d.queues) {
    for (const auto& s : q.skills)
      EXPECT_EQ(catalogue.count(s.skill_code), 1u) << q.code << " needs " << s.skill_code;
  }
}

TEST(DemoSiteTest, EveryQueueHasAgentsWhoCanServeIt) {
  const DemoSite& d = demoSite();
  for (const auto& q : d.queues) {
    int able = 0;
    for (const auto& a : d.agents) {
      const bool has_capacity = q.channel == Channel::kVoice ? a.voice_capacity > 0 : a.chat_capacity > 0;
      const bool has_skills = std::all_of(q.skills.begin(), q.skills.end(), [&](const SkillLevel& need) {
        return std::any_of(a.skills.begin(), a.skills.end(), [&](const SkillLevel& have) {
          return have.skill_code == need.skill_code && have.level >= need.level;
        });
      });
      if (has_capacity && has_skills) ++able;
    }
    EXPECT_GE(able, 2) << q.code << " can be served by too few agents";
  }
}

TEST(DemoSiteTest, EveryAgentHasExactlyOneLoginAndLoginsPointToAgents) {
  const DemoSite& d = demoSite();
  std::set<std::string> agent_ids;
  for (const auto& a : d.agents) agent_ids.insert(a.id);
  std::map<std::string, int> logins;
  for (const auto& u : d.users) {
    if (u.role == Role::kAgent) {
      ASSERT_TRUE(u.agent_id.has_value()) << u.username;
    }
    if (u.agent_id) {
      EXPECT_EQ(agent_ids.count(*u.agent_id), 1u) << u.username << " works as unknown agent " << *u.agent_id;
      ++logins[*u.agent_id];
    }
    EXPECT_FALSE(u.disabled) << u.username;
  }
  for (const auto& id : agent_ids) EXPECT_EQ(logins[id], 1) << id;
}

TEST(DemoSiteTest, ExactlyOneAdminAndOneSupervisor) {
  const DemoSite& d = demoSite();
  const auto count = [&](Role r) {
    return std::count_if(d.users.begin(), d.users.end(), [&](const User& u) { return u.role == r; });
  };
  EXPECT_EQ(count(Role::kAdmin), 1);
  EXPECT_EQ(count(Role::kSupervisor), 1);
  EXPECT_EQ(count(Role::kAgent), static_cast<long>(d.agents.size()));
}

TEST(DemoSiteTest, IsBuiltOnce) { EXPECT_EQ(&demoSite(), &demoSite()); }

}  // namespace
}  // namespace outpost::site
