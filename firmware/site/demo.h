#pragma once

// The demo site: a bank branch (zh-CN first, English too) with 12 agents across the
// four tiers, six skills, four queues, wrap-up codes, not-ready reasons, one
// supervisor and one admin. Seeded by `outpostd --demo` into an empty database.
//
// Passwords are not part of the data set: the seeder makes random ones and prints
// them, so no demo password is ever written in the source or the docs.

#include <vector>

#include "site/directory.h"

namespace outpost::site {

struct DemoSite {
  Site site;
  std::vector<Skill> skills;
  std::vector<Agent> agents;
  std::vector<Queue> queues;
  std::vector<WrapUpCode> wrapup_codes;
  std::vector<NotReadyReason> not_ready_reasons;
  std::vector<User> users;  // one login per agent, plus a supervisor and an admin
};

const DemoSite& demoSite();

}  // namespace outpost::site
