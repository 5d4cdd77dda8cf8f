// The site directory over HTTP as an admin: a full create/read/update/delete round trip
// for every entity (with Chinese names), keyset pagination, an agent's skills as a
// sub-resource, the site settings, references between entities, and the audit trail
// every change leaves.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// A copy of `o` in a comparable form: "skills" arrays sorted by skill code (the order
// a client sent is not necessarily the order storage returns).
std::string canonical(const Object::Ptr& o) {
  if (!o) return "<null>";
  Object::Ptr copy = parseObject(toJson(o));
  if (copy->has("skills")) {
    Array::Ptr skills = copy->getArray("skills");
    std::vector<Object::Ptr> items;
    for (size_t i = 0; i < skills->size(); ++i) items.push_back(skills->getObject(static_cast<unsigned>(i)));
    std::sort(items.begin(), items.end(), [](const Object::Ptr& a, const Object::Ptr& b) {
      return strField(a, "skill") < strField(b, "skill");
    });
    Array::Ptr sorted = new Array;
    for (auto& i : items) sorted->add(i);
    copy->set("skills", sorted);
  }
  return toJson(copy);
}

// Every audit entry, newest first (follows next_before; bounded).
std::vector<Object::Ptr> auditEntries(const HttpClient& http, const std::string& admin) {
  std::vector<Object::Ptr> out;
  std::string before;
  for (int page = 0; page < 100; ++page) {
    const Response r =
        http.get("/api/v1/audit?limit=200" + (before.empty() ? "" : "&before=" + before), admin);
    if (r.status != 200 || !r.json) {
      ADD_FAILURE() << r;
      break;
    }
    auto items = r.array("items");
    for (size_t i = 0; items && i < items->size(); ++i)
      out.push_back(items->getObject(static_cast<unsigned>(i)));
    if (!r.json->has("next_before") || r.json->get("next_before").isEmpty()) break;
    before = r.json->get("next_before").toString();
  }
  return out;
}

std::vector<Object::Ptr> auditFor(const HttpClient& http, const std::string& admin, const std::string& entity,
                                  const std::string& id) {
  std::vector<Object::Ptr> found;
  for (auto& e : auditEntries(http, admin)) {
    if (strField(e, "entity") == entity && strField(e, "entity_id") == id) found.push_back(e);
  }
  return found;
}

bool isNull(const Object::Ptr& o, const std::string& key) { return o->has(key) && o->get(key).isEmpty(); }

// All keys of a list, following next_after with the given page size (bounded).
struct Listing {
  std::vector<std::string> keys;
  int pages = 0;
  bool ok = true;
};
Listing listAll(const HttpClient& http, const std::string& path, const std::string& key_field,
                const std::string& token, int limit) {
  Listing out;
  std::string after;
  for (int guard = 0; guard < 500; ++guard) {
    std::string url = path + "?limit=" + std::to_string(limit);
    if (!after.empty()) url += "&after=" + after;
    const Response r = http.get(url, token);
    if (r.status != 200 || !r.array("items")) {
      ADD_FAILURE() << r;
      out.ok = false;
      return out;
    }
    ++out.pages;
    auto items = r.array("items");
    EXPECT_LE(items->size(), static_cast<size_t>(limit)) << r;
    for (size_t i = 0; i < items->size(); ++i) {
      out.keys.push_back(strField(items->getObject(static_cast<unsigned>(i)), key_field));
    }
    if (!r.json->has("next_after")) {
      ADD_FAILURE() << "no next_after member: " << r;
      out.ok = false;
      return out;
    }
    if (r.json->get("next_after").isEmpty()) return out;
    after = r.json->get("next_after").toString();
    if (items->size() == 0) {
      ADD_FAILURE() << "an empty page with a next_after: " << r;
      out.ok = false;
      return out;
    }
  }
  ADD_FAILURE() << "pagination of " << path << " did not end";
  out.ok = false;
  return out;
}

struct EntityCase {
  std::string path;          // "/api/v1/skills"
  std::string key_field;     // "code"
  std::string key;           // the new entity's key
  std::string audit_entity;  // "skill"
  std::string create;        // POST body
  std::string patch;         // PATCH body
  std::function<void(const Object::Ptr&)> check_created;
  std::function<void(const Object::Ptr&)> check_patched;
  std::string table;  // its table and key column, to check the row is gone after DELETE
  std::string column;
};

class DirectoryTest : public DemoSiteTest {
 protected:
  void roundTrip(const EntityCase& c) {
    const std::string item = c.path + "/" + c.key;

    // Create.
    const Response created = http().post(c.path, c.create, admin_);
    ASSERT_TRUE(hasStatus(created, 201));
    EXPECT_EQ(created.header("Location"), item) << created;
    ASSERT_TRUE(created.json) << created;
    EXPECT_EQ(created.str(c.key_field), c.key);
    c.check_created(created.json);
    EXPECT_EQ(created.body.find("password"), std::string::npos) << "a password in a reply: " << created;

    // Read back: the same as the create reply, and in the list.
    const Response got = http().get(item, admin_);
    ASSERT_TRUE(hasStatus(got, 200));
    EXPECT_EQ(canonical(got.json), canonical(created.json));
    const Listing listing = listAll(http(), c.path, c.key_field, admin_, 200);
    EXPECT_EQ(std::count(listing.keys.begin(), listing.keys.end(), c.key), 1);

    // A second create with the same key is a conflict and changes nothing.
    {
      const DbSnapshot before = snapshot();
      EXPECT_TRUE(isProblem(http().post(c.path, c.create, admin_), 409));
      EXPECT_DB_UNCHANGED(before);
    }

    // Patch, then read back.
    const Response patched = http().patch(item, c.patch, admin_);
    ASSERT_TRUE(hasStatus(patched, 200));
    EXPECT_EQ(patched.str(c.key_field), c.key);
    c.check_patched(patched.json);
    const Response got2 = http().get(item, admin_);
    ASSERT_TRUE(hasStatus(got2, 200));
    EXPECT_EQ(canonical(got2.json), canonical(patched.json));

    // The key cannot change.
    {
      const DbSnapshot before = snapshot();
      EXPECT_TRUE(isProblem(http().patch(item, "{\"" + c.key_field + "\":\"renamed\"}", admin_), 400,
                            "/" + c.key_field));
      EXPECT_DB_UNCHANGED(before);
    }

    // The row is on disk.
    const std::string count_sql =
        "SELECT count(*) FROM " + c.table + " WHERE " + c.column + " = '" + c.key + "'";
    EXPECT_EQ(queryDb(daemon_.dbPath(), count_sql).rows.at(0).at(0), "1");

    // Delete; afterwards it is gone everywhere.
    const Response deleted = http().del(item, admin_);
    ASSERT_TRUE(hasStatus(deleted, 204));
    EXPECT_TRUE(deleted.body.empty()) << deleted;
    EXPECT_TRUE(isProblem(http().get(item, admin_), 404));
    EXPECT_TRUE(isProblem(http().patch(item, c.patch, admin_), 404));
    EXPECT_TRUE(isProblem(http().del(item, admin_), 404));
    const Listing after = listAll(http(), c.path, c.key_field, admin_, 200);
    EXPECT_EQ(std::count(after.keys.begin(), after.keys.end(), c.key), 0);
    EXPECT_EQ(queryDb(daemon_.dbPath(), count_sql).rows.at(0).at(0), "0");

    // Audited: create (after only), update (before and after), delete (before only).
    const auto entries = auditFor(http(), admin_, c.audit_entity, c.key);
    std::map<std::string, Object::Ptr> by_action;
    for (const auto& e : entries) by_action[strField(e, "action")] = e;
    ASSERT_EQ(entries.size(), 3u) << "audit entries for " << c.audit_entity << " " << c.key;
    ASSERT_TRUE(by_action.count("create") && by_action.count("update") && by_action.count("delete"));
    for (const auto& e : entries) {
      EXPECT_EQ(strField(e, "actor"), "admin");
      EXPECT_FALSE(strField(e, "at").empty());
    }
    const auto& create = by_action["create"];
    EXPECT_TRUE(isNull(create, "before")) << toJson(create);
    ASSERT_FALSE(isNull(create, "after")) << toJson(create);
    EXPECT_EQ(canonical(create->getObject("after")), canonical(created.json));
    const auto& update = by_action["update"];
    ASSERT_FALSE(isNull(update, "before") || isNull(update, "after")) << toJson(update);
    EXPECT_EQ(canonical(update->getObject("before")), canonical(created.json));
    EXPECT_EQ(canonical(update->getObject("after")), canonical(patched.json));
    const auto& del = by_action["delete"];
    ASSERT_FALSE(isNull(del, "before")) << toJson(del);
    EXPECT_EQ(canonical(del->getObject("before")), canonical(patched.json));
    EXPECT_TRUE(isNull(del, "after")) << toJson(del);
    // Ids grow with time: create < update < delete.
    EXPECT_LT(create->getValue<int64_t>("id"), update->getValue<int64_t>("id"));
    EXPECT_LT(update->getValue<int64_t>("id"), del->getValue<int64_t>("id"));
    EXPECT_EQ(created.body.find("\\u"), std::string::npos) << "UTF-8 is sent as is: " << created;
  }
};

Object::Ptr nameOf(const Object::Ptr& o) { return o->getObject("name"); }

TEST_F(DirectoryTest, SkillRoundTrip) {
  roundTrip(EntityCase{
      .path = "/api/v1/skills",
      .key_field = "code",
      .key = "mortgage",
      .audit_entity = "skill",
      .create = R"({"code":"mortgage","name":{"zh":"房贷业务","en":"Mortgages"}})",
      .patch = R"({"name":{"zh":"住房贷款"}})",
      .check_created =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "zh"), "房贷业务");
            EXPECT_EQ(strField(nameOf(o), "en"), "Mortgages");
          },
      .check_patched =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "zh"), "住房贷款");
            EXPECT_EQ(strField(nameOf(o), "en"), "Mortgages") << "a patch changes only what it names";
          },
      .table = "skills",
      .column = "code",
  });
}

TEST_F(DirectoryTest, AgentRoundTrip) {
  roundTrip(EntityCase{
      .path = "/api/v1/agents",
      .key_field = "id",
      .key = "a13",
      .audit_entity = "agent",
      .create = R"({"id":"a13","name":{"zh":"郑爽","en":"Zheng Shuang"},"languages":["zh-CN","en"],)"
                R"("team":"team-d","tier":2,"voice_capacity":1,"chat_capacity":4,)"
                R"("skills":[{"skill":"english","level":2},{"skill":"account","level":3}]})",
      .patch = R"({"tier":3,"team":"甲组","skills":[{"skill":"cards","level":4}]})",
      .check_created =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "zh"), "郑爽");
            EXPECT_EQ(o->getValue<int>("tier"), 2);
            EXPECT_EQ(o->getValue<int>("chat_capacity"), 4);
            EXPECT_EQ(o->getArray("languages")->size(), 2u);
            EXPECT_EQ(o->getArray("skills")->size(), 2u);
          },
      .check_patched =
          [](const Object::Ptr& o) {
            EXPECT_EQ(o->getValue<int>("tier"), 3);
            EXPECT_EQ(strField(o, "team"), "甲组");
            EXPECT_EQ(strField(nameOf(o), "en"), "Zheng Shuang");
            ASSERT_EQ(o->getArray("skills")->size(), 1u);
            EXPECT_EQ(strField(o->getArray("skills")->getObject(0), "skill"), "cards");
            EXPECT_EQ(o->getArray("skills")->getObject(0)->getValue<int>("level"), 4);
          },
      .table = "agents",
      .column = "id",
  });
}

TEST_F(DirectoryTest, QueueRoundTrip) {
  roundTrip(EntityCase{
      .path = "/api/v1/queues",
      .key_field = "code",
      .key = "vip-voice",
      .audit_entity = "queue",
      .create = R"({"code":"vip-voice","name":{"zh":"贵宾热线","en":"VIP line"},"channel":"voice",)"
                R"("sl_target_pct":90,"sl_threshold_s":15,"offer_timeout_s":20,)"
                R"("skills":[{"skill":"wealth","min_level":4}]})",
      .patch = R"({"channel":"chat","sl_target_pct":95})",
      .check_created =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "zh"), "贵宾热线");
            EXPECT_EQ(strField(o, "channel"), "voice");
            EXPECT_EQ(o->getValue<int>("sl_target_pct"), 90);
            EXPECT_EQ(o->getValue<int>("offer_timeout_s"), 20);
            ASSERT_EQ(o->getArray("skills")->size(), 1u);
            EXPECT_EQ(o->getArray("skills")->getObject(0)->getValue<int>("min_level"), 4);
          },
      .check_patched =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(o, "channel"), "chat");
            EXPECT_EQ(o->getValue<int>("sl_target_pct"), 95);
            EXPECT_EQ(o->getValue<int>("sl_threshold_s"), 15);
            EXPECT_EQ(o->getArray("skills")->size(), 1u) << "skills left out of a patch stay";
          },
      .table = "queues",
      .column = "code",
  });
}

TEST_F(DirectoryTest, WrapUpCodeRoundTrip) {
  roundTrip(EntityCase{
      .path = "/api/v1/wrapup-codes",
      .key_field = "code",
      .key = "escalated",
      .audit_entity = "wrapup_code",
      .create = R"({"code":"escalated","name":{"zh":"已升级处理","en":"Escalated"},"active":true})",
      .patch = R"({"active":false})",
      .check_created =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "zh"), "已升级处理");
            EXPECT_TRUE(o->getValue<bool>("active"));
          },
      .check_patched =
          [](const Object::Ptr& o) {
            EXPECT_FALSE(o->getValue<bool>("active"));
            EXPECT_EQ(strField(nameOf(o), "zh"), "已升级处理");
          },
      .table = "wrapup_codes",
      .column = "code",
  });
}

TEST_F(DirectoryTest, NotReadyReasonRoundTrip) {
  roundTrip(EntityCase{
      .path = "/api/v1/not-ready-reasons",
      .key_field = "code",
      .key = "coaching",
      .audit_entity = "not_ready_reason",
      .create = R"({"code":"coaching","name":{"zh":"一对一辅导","en":"Coaching"}})",
      .patch = R"({"name":{"en":"One-to-one coaching"}})",
      .check_created = [](const Object::Ptr& o) { EXPECT_EQ(strField(nameOf(o), "zh"), "一对一辅导"); },
      .check_patched =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(nameOf(o), "en"), "One-to-one coaching");
            EXPECT_EQ(strField(nameOf(o), "zh"), "一对一辅导");
          },
      .table = "not_ready_reasons",
      .column = "code",
  });
}

TEST_F(DirectoryTest, UserRoundTripAndTheNewLoginWorks) {
  const std::string password = "第二主管的密码-pw-2024";
  EntityCase c{
      .path = "/api/v1/users",
      .key_field = "username",
      .key = "supervisor2",
      .audit_entity = "user",
      .create = R"({"username":"supervisor2","role":"supervisor","agent_id":null,)"
                R"("display_name":"第二主管 Second supervisor","password":")" +
                password + R"("})",
      .patch = R"({"display_name":"夜班主管"})",
      .check_created =
          [](const Object::Ptr& o) {
            EXPECT_EQ(strField(o, "role"), "supervisor");
            EXPECT_EQ(strField(o, "display_name"), "第二主管 Second supervisor");
            EXPECT_EQ(strField(o, "agent_id"), "<null>");
            EXPECT_FALSE(o->getValue<bool>("disabled"));
          },
      .check_patched = [](const Object::Ptr& o) { EXPECT_EQ(strField(o, "display_name"), "夜班主管"); },
      .table = "users",
      .column = "username",
  };
  // Before running the generic round trip, check the new login once it exists.
  const Response created = http().post(c.path, c.create, admin_);
  ASSERT_TRUE(hasStatus(created, 201));
  const std::string token = http().login("supervisor2", password);
  ASSERT_FALSE(token.empty());
  const Response me = http().get("/api/v1/auth/me", token);
  EXPECT_EQ(me.str("role"), "supervisor") << me;
  EXPECT_EQ(me.str("display_name"), "第二主管 Second supervisor") << me;
  // Deleting the login ends its sessions and its logins.
  ASSERT_TRUE(hasStatus(http().del("/api/v1/users/supervisor2", admin_), 204));
  EXPECT_TRUE(isProblem(http().get("/api/v1/auth/me", token), 401));
  EXPECT_TRUE(isProblem(http().loginResponse("supervisor2", password), 401));

  c.key = "supervisor3";
  c.create.replace(c.create.find("supervisor2"), 11, "supervisor3");
  roundTrip(c);
}

TEST_F(DirectoryTest, EveryListPagesThroughAllItemsOnce) {
  struct Expect {
    std::string path;
    std::string key_field;
    size_t count;
  };
  const std::vector<Expect> lists = {
      {"/api/v1/agents", "id", 12},
      {"/api/v1/skills", "code", 6},
      {"/api/v1/queues", "code", 4},
      {"/api/v1/wrapup-codes", "code", 6},
      {"/api/v1/not-ready-reasons", "code", 5},
      {"/api/v1/users", "username", 14},
  };
  for (const auto& l : lists) {
    SCOPED_TRACE(l.path);
    const Listing paged = listAll(http(), l.path, l.key_field, admin_, 2);
    ASSERT_TRUE(paged.ok);
    EXPECT_EQ(paged.keys.size(), l.count);
    EXPECT_EQ(std::set<std::string>(paged.keys.begin(), paged.keys.end()).size(), paged.keys.size())
        << "an item was listed twice";
    EXPECT_TRUE(std::is_sorted(paged.keys.begin(), paged.keys.end())) << "keyset pages are in key order";
    EXPECT_EQ(paged.pages, static_cast<int>((l.count + 1) / 2)) << "pages of 2";
    // One big page holds the same.
    const Listing whole = listAll(http(), l.path, l.key_field, admin_, 200);
    EXPECT_EQ(whole.keys, paged.keys);
    EXPECT_EQ(whole.pages, 1);
  }
  // The default page (no limit) answers too, with next_after null when all fit.
  const Response r = http().get("/api/v1/agents", admin_);
  ASSERT_TRUE(hasStatus(r, 200));
  EXPECT_EQ(r.array("items")->size(), 12u);
  EXPECT_TRUE(r.json->get("next_after").isEmpty()) << r;
  // A page after the last key is empty.
  const Response end = http().get("/api/v1/agents?after=a12", admin_);
  ASSERT_TRUE(hasStatus(end, 200));
  EXPECT_EQ(end.array("items")->size(), 0u) << end;
  EXPECT_TRUE(end.json->get("next_after").isEmpty()) << end;
}

TEST_F(DirectoryTest, ListsAreReadableByTheRightRoles) {
  for (const char* path :
       {"/api/v1/skills", "/api/v1/queues", "/api/v1/wrapup-codes", "/api/v1/not-ready-reasons"}) {
    EXPECT_TRUE(hasStatus(http().get(path, agent_), 200)) << path;
  }
  EXPECT_TRUE(hasStatus(http().get("/api/v1/agents", supervisor_), 200));
  EXPECT_TRUE(hasStatus(http().get("/api/v1/agents/a01", agent_), 200)) << "an agent reads their own record";
  EXPECT_TRUE(hasStatus(http().get("/api/v1/site", agent_), 200));
}

TEST_F(DirectoryTest, AgentSkillsSubResource) {
  const Response initial = http().get("/api/v1/agents/a01/skills", admin_);
  ASSERT_TRUE(hasStatus(initial, 200));
  EXPECT_EQ(initial.str("agent_id"), "a01");
  ASSERT_TRUE(initial.array("skills"));
  EXPECT_EQ(initial.array("skills")->size(), 4u) << initial;

  auto levelOf = [](const Response& r, const std::string& skill) {
    auto skills = r.array("skills");
    for (size_t i = 0; skills && i < skills->size(); ++i) {
      auto s = skills->getObject(static_cast<unsigned>(i));
      if (strField(s, "skill") == skill) return s->getValue<int>("level");
    }
    return -1;
  };

  // Add a skill, change its level, then remove it.
  const Response added = http().put("/api/v1/agents/a01/skills/loans", R"({"level":2})", admin_);
  ASSERT_TRUE(hasStatus(added, 200));
  EXPECT_EQ(levelOf(added, "loans"), 2);
  EXPECT_EQ(added.array("skills")->size(), 5u);
  const Response changed = http().put("/api/v1/agents/a01/skills/loans", R"({"level":4})", admin_);
  ASSERT_TRUE(hasStatus(changed, 200));
  EXPECT_EQ(levelOf(changed, "loans"), 4);
  EXPECT_EQ(changed.array("skills")->size(), 5u);
  EXPECT_EQ(levelOf(http().get("/api/v1/agents/a01/skills", admin_), "loans"), 4);
  EXPECT_EQ(
      queryDb(daemon_.dbPath(), "SELECT level FROM agent_skills WHERE agent_id='a01' AND skill_code='loans'")
          .rows.at(0)
          .at(0),
      "4");
  // The agent record shows the same.
  const Response agent = http().get("/api/v1/agents/a01", admin_);
  EXPECT_EQ(levelOf(agent, "loans"), 4) << agent;

  ASSERT_TRUE(hasStatus(http().del("/api/v1/agents/a01/skills/loans", admin_), 204));
  EXPECT_EQ(levelOf(http().get("/api/v1/agents/a01/skills", admin_), "loans"), -1);
  EXPECT_TRUE(isProblem(http().del("/api/v1/agents/a01/skills/loans", admin_), 404));

  // The agent reads their own skills, not someone else's.
  EXPECT_TRUE(hasStatus(http().get("/api/v1/agents/a01/skills", agent_), 200));
  EXPECT_TRUE(isProblem(http().get("/api/v1/agents/a02/skills", agent_), 403));
  EXPECT_TRUE(hasStatus(http().get("/api/v1/agents/a02/skills", supervisor_), 200));

  // Errors change nothing.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(http().put("/api/v1/agents/a01/skills/astrology", R"({"level":2})", admin_), 422, "",
                        "astrology"));
  EXPECT_TRUE(isProblem(http().put("/api/v1/agents/a99/skills/loans", R"({"level":2})", admin_), 404));
  EXPECT_TRUE(
      isProblem(http().put("/api/v1/agents/a01/skills/loans", R"({"level":6})", admin_), 400, "/level"));
  EXPECT_TRUE(isProblem(http().get("/api/v1/agents/a99/skills", admin_), 404));
  EXPECT_DB_UNCHANGED(before);

  // Audited as agent updates with before/after.
  const auto entries = auditFor(http(), admin_, "agent", "a01");
  EXPECT_EQ(entries.size(), 3u);  // add, change, remove
  for (const auto& e : entries) {
    EXPECT_EQ(strField(e, "action"), "update");
    EXPECT_FALSE(isNull(e, "before") || isNull(e, "after")) << toJson(e);
  }
}

TEST_F(DirectoryTest, SiteSettingsReadAndPatch) {
  const Response site = http().get("/api/v1/site", agent_);
  ASSERT_TRUE(hasStatus(site, 200));
  EXPECT_EQ(site.str("site_code"), "demo-bank-bj01");
  EXPECT_EQ(strField(nameOf(site.json), "zh"), "示例银行北京朝阳支行");
  EXPECT_EQ(site.str("time_zone"), "Asia/Shanghai");
  EXPECT_EQ(site.str("default_language"), "zh-CN");

  const Response patched = http().patch(
      "/api/v1/site", R"({"name":{"zh":"示例银行北京朝阳第二支行"},"default_language":"en"})", admin_);
  ASSERT_TRUE(hasStatus(patched, 200));
  EXPECT_EQ(strField(nameOf(patched.json), "zh"), "示例银行北京朝阳第二支行");
  EXPECT_EQ(strField(nameOf(patched.json), "en"), "Demo Bank Beijing Chaoyang Branch");
  EXPECT_EQ(patched.str("default_language"), "en");
  const Response again = http().get("/api/v1/site", agent_);
  EXPECT_EQ(canonical(again.json), canonical(patched.json));

  const auto entries = auditFor(http(), admin_, "site", "site");
  ASSERT_FALSE(entries.empty());
  const auto& e = entries.front();  // newest first
  EXPECT_EQ(strField(e, "actor"), "admin");
  ASSERT_FALSE(isNull(e, "before") || isNull(e, "after")) << toJson(e);
  EXPECT_EQ(canonical(e->getObject("before")), canonical(site.json));
  EXPECT_EQ(canonical(e->getObject("after")), canonical(patched.json));

  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(http().patch("/api/v1/site", R"({"default_language":"fr"})", admin_), 400,
                        "/default_language"));
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(DirectoryTest, ReferencesToMissingEntitiesAre422AndChangeNothing) {
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(
      http().post(
          "/api/v1/agents",
          R"({"id":"a20","name":{"zh":"测试","en":"Test"},"tier":2,"skills":[{"skill":"astrology","level":3}]})",
          admin_),
      422, "/skills/0/skill", "astrology"));
  EXPECT_TRUE(isProblem(http().post("/api/v1/queues",
                                    R"({"code":"q-x","name":{"zh":"测试","en":"Test"},"channel":"voice",)"
                                    R"("skills":[{"skill":"astrology","min_level":1}]})",
                                    admin_),
                        422, "/skills/0/skill", "astrology"));
  EXPECT_TRUE(isProblem(
      http().patch("/api/v1/agents/a02",
                   R"({"skills":[{"skill":"cards","level":1},{"skill":"astrology","level":1}]})", admin_),
      422, "/skills/1/skill", "astrology"));
  EXPECT_TRUE(isProblem(http().post("/api/v1/users",
                                    R"({"username":"ghost","role":"agent","agent_id":"a99",)"
                                    R"("password":"a-long-password-1"})",
                                    admin_),
                        422, "/agent_id", "a99"));
  EXPECT_TRUE(isProblem(http().patch("/api/v1/users/agent03", R"({"agent_id":"a99"})", admin_), 422,
                        "/agent_id", "a99"));
  EXPECT_DB_UNCHANGED(before);
}

TEST_F(DirectoryTest, ClashesAre409AndChangeNothing) {
  const DbSnapshot before = snapshot();
  // A skill agents and queues still use cannot go.
  EXPECT_TRUE(isProblem(http().del("/api/v1/skills/account", admin_), 409, "", "account"));
  // An agent works under one login at most: the clash is on agent_id, not the new username.
  EXPECT_TRUE(isProblem(http().post("/api/v1/users",
                                    R"({"username":"agent01-bis","role":"agent","agent_id":"a01",)"
                                    R"("password":"a-long-password-1"})",
                                    admin_),
                        409, "/agent_id", "a01"));
  EXPECT_TRUE(isProblem(http().patch("/api/v1/users/agent03", R"({"agent_id":"a01"})", admin_), 409,
                        "/agent_id", "a01"));
  EXPECT_TRUE(
      isProblem(http().post("/api/v1/skills", R"({"code":"cards","name":{"zh":"卡","en":"Cards"}})", admin_),
                409, "/code", "cards"));
  EXPECT_DB_UNCHANGED(before);
  EXPECT_TRUE(hasStatus(http().get("/api/v1/skills/account", admin_), 200));
}

TEST_F(DirectoryTest, DeletingAnAgentWithALoginIs409ThenWorksOnceTheLoginIsGone) {
  // a12 still works under the login agent12: a state clash, nothing changes.
  const DbSnapshot before = snapshot();
  EXPECT_TRUE(isProblem(http().del("/api/v1/agents/a12", admin_), 409, "", "agent12"));
  EXPECT_DB_UNCHANGED(before);

  ASSERT_TRUE(hasStatus(http().del("/api/v1/users/agent12", admin_), 204));
  ASSERT_TRUE(hasStatus(http().del("/api/v1/agents/a12", admin_), 204));
  EXPECT_TRUE(isProblem(http().get("/api/v1/agents/a12", admin_), 404));
  EXPECT_TRUE(isProblem(http().get("/api/v1/agents/a12/presence", supervisor_), 404));
  const Response presence = http().get("/api/v1/presence", supervisor_);
  ASSERT_TRUE(hasStatus(presence, 200));
  EXPECT_EQ(presence.body.find("\"a12\""), std::string::npos) << presence;
  EXPECT_EQ(presence.array("items")->size(), 11u);
  EXPECT_TRUE(queryDb(daemon_.dbPath(), "SELECT 1 FROM agent_skills WHERE agent_id = 'a12'").rows.empty());
  EXPECT_TRUE(queryDb(daemon_.dbPath(), "SELECT 1 FROM presence WHERE agent_id = 'a12'").rows.empty());
  // Presence requests for it are 404 now.
  EXPECT_TRUE(isProblem(http().put("/api/v1/agents/a12/presence", R"({"state":"ready"})", supervisor_), 404));
}

TEST_F(DirectoryTest, AuditPagesBackwardsNewestFirst) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(hasStatus(http().patch("/api/v1/skills/cards",
                                       R"({"name":{"en":"Cards )" + std::to_string(i) + R"("}})", admin_),
                          200));
  }
  const auto all = auditEntries(http(), admin_);
  ASSERT_GE(all.size(), 6u);  // three logins, three updates (and whatever seeding wrote)
  EXPECT_EQ(strField(all.front(), "action"), "update") << "newest first: " << toJson(all.front());
  EXPECT_EQ(strField(all.front()->getObject("after")->getObject("name"), "en"), "Cards 2");

  // Pages of 2, following next_before, give the same entries in the same order.
  std::vector<int64_t> paged;
  std::string before;
  for (int guard = 0; guard < 1000; ++guard) {
    const Response r =
        http().get("/api/v1/audit?limit=2" + (before.empty() ? "" : "&before=" + before), admin_);
    ASSERT_TRUE(hasStatus(r, 200));
    auto items = r.array("items");
    ASSERT_TRUE(items);
    ASSERT_LE(items->size(), 2u);
    for (size_t i = 0; i < items->size(); ++i)
      paged.push_back(items->getObject(static_cast<unsigned>(i))->getValue<int64_t>("id"));
    if (r.json->get("next_before").isEmpty()) break;
    before = r.json->get("next_before").toString();
  }
  std::vector<int64_t> ids;
  for (const auto& e : all) ids.push_back(e->getValue<int64_t>("id"));
  EXPECT_EQ(paged, ids);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::set<int64_t>(ids.begin(), ids.end()).size(), ids.size());
  // Login entries carry the client address.
  bool saw_login = false;
  for (const auto& e : all) {
    if (strField(e, "action") != "login") continue;
    saw_login = true;
    EXPECT_EQ(strField(e, "address"), "127.0.0.1") << toJson(e);
  }
  EXPECT_TRUE(saw_login);
}

TEST_F(DirectoryTest, ChangesSurviveARestart) {
  ASSERT_TRUE(
      hasStatus(http().post("/api/v1/skills",
                            R"({"code":"insurance","name":{"zh":"保险业务","en":"Insurance"}})", admin_),
                201));
  ASSERT_TRUE(hasStatus(http().patch("/api/v1/agents/a03", R"({"team":"夜班"})", admin_), 200));
  ASSERT_TRUE(daemon_.restart());
  HttpClient http(daemon_);
  const Response skill = http.get("/api/v1/skills/insurance", admin_);
  ASSERT_TRUE(hasStatus(skill, 200));
  EXPECT_EQ(strField(nameOf(skill.json), "zh"), "保险业务");
  const Response agent = http.get("/api/v1/agents/a03", admin_);
  ASSERT_TRUE(hasStatus(agent, 200));
  EXPECT_EQ(agent.str("team"), "夜班");
}

}  // namespace
}  // namespace outpost::itest
