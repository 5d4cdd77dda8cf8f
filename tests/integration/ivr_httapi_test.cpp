// The FreeSWITCH mod_httapi adapter through the real outpostd: form posts as
// mod_httapi sends them walk a session (start → menu key → transfer), answered with
// xml/freeswitch-httapi documents; the same session shows in the channel API.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "integration/support/contacts.h"
#include "source_tree.h"

namespace outpost::itest {
namespace {

using outpost::source_tree::sourcePath;

// The outbox records of a type, read from the daemon's SQLite file.
std::vector<std::string> outboxPayloads(const std::string& db_path, const std::string& type) {
  std::vector<std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT payload FROM outbox WHERE type = ?1 ORDER BY seq", -1, &st, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, type.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(st) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return out;
}

const char* kUuid = "3f2a9c1e-0b7d-4c55-9e21-6a8f0d4b7c10";

class IvrHttapiTest : public DemoSiteTest {
 protected:
  DaemonOptions options() const override {
    DaemonOptions o;
    o.extra = {"--set", "ivr.flow=" + sourcePath("models/ivr/bank.flow.json"), "--set",
               "ivr.training_data=" + sourcePath("models/ivr/bank.train.tsv"), "--set", "ivr.httapi_secret=s3cret",
               "--set", "ivr.httapi_transfer=agents_{queue} XML outpost", "--set", "sync.enabled=true", "--set",
               "sync.site_id=site-test", "--set", "sync.broker=127.0.0.1:9"};  // no broker: records stay
    return o;
  }
  Response form(const std::string& body, const std::string& key = "s3cret") {
    return http().request("POST", "/api/v1/ivr/httapi?key=" + key, body, "",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  }
};

TEST_F(IvrHttapiTest, StartMenuKeyThenTransfer) {
  Response first = form(std::string("session_id=") + kUuid +
                        "&hostname=fs1&Caller-Caller-ID-Number=%2B8613800001111&outpost_language=en");
  ASSERT_EQ(first.status, 200) << first;
  EXPECT_EQ(first.content_type.rfind("text/xml", 0), 0u) << first.content_type;
  EXPECT_NE(first.body.find("<document type=\"xml/freeswitch-httapi\">"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("<speak name=\"outpost_digits\""), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("Welcome"), std::string::npos) << first.body;
  EXPECT_NE(first.body.find("<bind>~[0-9*#]</bind>"), std::string::npos) << "the menu takes one key";
  const std::string id = std::string("ivr-fs-") + kUuid;
  EXPECT_NE(first.body.find("<outpost_ivr_session>" + id + "</outpost_ivr_session>"), std::string::npos);

  Response hours = form(std::string("session_id=") + kUuid + "&outpost_digits=3");
  ASSERT_EQ(hours.status, 200) << hours;
  EXPECT_NE(hours.body.find("<speak name=\"outpost_digits\""), std::string::npos) << hours.body;

  Response human = form(std::string("session_id=") + kUuid + "&outpost_digits=0");
  ASSERT_EQ(human.status, 200) << human;
  const auto at = human.body.find("<outpost_contact_id>");
  ASSERT_NE(at, std::string::npos) << human.body;
  const auto end = human.body.find("</outpost_contact_id>", at);
  const std::string contact_id = human.body.substr(at + 20, end - at - 20);
  EXPECT_NE(human.body.find("<execute application=\"transfer\" data=\"agents_"), std::string::npos) << human.body;
  EXPECT_NE(human.body.find(" XML outpost\"/>"), std::string::npos) << human.body;

  Response c = http().get("/api/v1/contacts/" + contact_id, supervisor_);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.str("channel"), "voice");
  EXPECT_EQ(c.str("language"), "en");
  EXPECT_NE(human.body.find("agents_" + c.str("queue") + " XML outpost"), std::string::npos) << human.body;

  Response rec = http().get("/api/v1/ivr/sessions/" + id, supervisor_);
  ASSERT_EQ(rec.status, 200) << rec;
  EXPECT_EQ(rec.str("state"), "transferred");
  EXPECT_EQ(rec.str("caller_id"), "+8613800001111");
  EXPECT_EQ(rec.str("contact_id"), contact_id);

  // mod_httapi's last request when the call leaves: an empty document.
  Response bye = form(std::string("session_id=") + kUuid + "&exiting=true");
  ASSERT_EQ(bye.status, 200) << bye;
  EXPECT_EQ(bye.body.find("<speak"), std::string::npos) << bye.body;

  // The ended session is one telemetry record in the sync outbox.
  auto records = outboxPayloads(daemon_.dbPath(), "ivr.session_ended");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].find("\"outcome\":\"transferred\""), std::string::npos) << records[0];
  EXPECT_NE(records[0].find(contact_id), std::string::npos) << records[0];
  EXPECT_NE(records[0].find("\"steps\":3"), std::string::npos) << records[0];
}

TEST_F(IvrHttapiTest, CallerHangingUpInTheIvrIsAbandonment) {
  const std::string uuid = "aaaabbbb-0000-1111-2222-333344445555";
  ASSERT_EQ(form("session_id=" + uuid).status, 200);
  Response bye = form("session_id=" + uuid + "&exiting=true");
  ASSERT_EQ(bye.status, 200) << bye;
  Response rec = http().get("/api/v1/ivr/sessions/ivr-fs-" + uuid, supervisor_);
  EXPECT_EQ(rec.str("state"), "expired") << rec;
  EXPECT_EQ(rec.str("language"), "zh-CN") << "the default language";
  auto records = outboxPayloads(daemon_.dbPath(), "ivr.session_ended");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].find("\"outcome\":\"expired\""), std::string::npos) << records[0];
}

TEST_F(IvrHttapiTest, SecretAndBadInputAreRefused) {
  EXPECT_EQ(form(std::string("session_id=") + kUuid, "wrong").status, 401);
  EXPECT_EQ(form(std::string("session_id=") + kUuid, "").status, 401);
  Response bad = form("session_id=<script>");
  EXPECT_EQ(bad.status, 400) << bad;
  EXPECT_NE(bad.body.find("session_id"), std::string::npos) << bad;
  EXPECT_EQ(form("session_id=%zz").status, 400);
  ASSERT_EQ(form(std::string("session_id=") + kUuid).status, 200);
  EXPECT_EQ(form(std::string("session_id=") + kUuid + "&outpost_digits=1x").status, 400);
}

}  // namespace
}  // namespace outpost::itest
