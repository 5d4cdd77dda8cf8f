// HTTPS with a self-signed certificate made for the test, and the refusal to serve
// plain HTTP on a non-loopback address without http.allow_plain_lan = true.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

bool contains(const std::string& text, std::string_view what) { return text.find(what) != std::string::npos; }

std::string opensslPath() {
  for (const char* p : {"/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    OUTPOST_REQUIRE_DAEMON();
    const std::string openssl = opensslPath();
    if (openssl.empty()) GTEST_SKIP() << "no openssl command to make a test certificate";
    cert_ = daemon_.dataDir() + "/cert.pem";
    key_ = daemon_.dataDir() + "/key.pem";
    const ProcessResult r = runProgram(openssl,
                                       {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                                        "/CN=localhost", "-days", "1", "-keyout", key_, "-out", cert_},
                                       std::chrono::seconds(60));
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  DaemonOptions tlsOptions(bool demo = true) const {
    return DaemonOptions{.demo = demo,
                         .extra = {"--set", "http.tls.cert=" + cert_, "--set", "http.tls.key=" + key_}};
  }

  Daemon daemon_;
  std::string cert_;
  std::string key_;
};

TEST_F(TlsTest, HttpsListenerAnswersHealthLoginAndWebSocket) {
  ASSERT_TRUE(daemon_.start(tlsOptions()));
  EXPECT_EQ(daemon_.scheme(), "https") << daemon_.listeningLine();
  EXPECT_TRUE(contains(daemon_.listeningLine(), "listening on https://127.0.0.1:"))
      << daemon_.listeningLine();

  HttpClient https(daemon_);
  const Response health = https.get("/healthz");
  ASSERT_TRUE(hasStatus(health, 200));
  EXPECT_EQ(health.str("status"), "ok");
  EXPECT_TRUE(hasStatus(https.get("/readyz"), 200));

  // Over HTTPS the session cookie is Secure.
  const Response login = https.loginResponse("supervisor", daemon_.password("supervisor"));
  ASSERT_TRUE(hasStatus(login, 200));
  const auto cookies = login.headersNamed("Set-Cookie");
  ASSERT_EQ(cookies.size(), 1u) << login;
  EXPECT_TRUE(contains(cookies[0], "Secure")) << cookies[0];

  // A WebSocket over TLS gets its greeting.
  auto c = WsClient::connect(https, login.str("token"));
  ASSERT_EQ(c.status, 101) << c.error;
  auto hello = c.ws->receiveJson(std::chrono::seconds(5));
  ASSERT_TRUE(hello);
  EXPECT_EQ(strField(hello, "type"), "hello");

  // Plain HTTP to the TLS port gets no answer worth the name.
  HttpClient plain("http", daemon_.host(), daemon_.port());
  plain.timeout = std::chrono::seconds(5);
  const Response r = plain.get("/healthz");
  EXPECT_NE(r.status, 200) << r;
}

TEST_F(TlsTest, CertificateWithoutKeyIsRefused) {
  const ProcessResult r = daemon_.runToExit(
      {"--data-dir", daemon_.dataDir(), "--listen", "127.0.0.1:0", "--set", "http.tls.cert=" + cert_});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "http.tls.key")) << r.describe();
}

TEST_F(TlsTest, UnreadableCertificateFileIsRefusedNamingIt) {
  const std::string missing = daemon_.dataDir() + "/no-such-cert.pem";
  const ProcessResult r =
      daemon_.runToExit({"--data-dir", daemon_.dataDir(), "--listen", "127.0.0.1:0", "--set",
                         "http.tls.cert=" + missing, "--set", "http.tls.key=" + key_});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "no-such-cert.pem")) << r.describe();
}

TEST_F(TlsTest, KeyThatIsNotAKeyIsRefused) {
  const std::string bogus = daemon_.dataDir() + "/bogus-key.pem";
  std::ofstream(bogus) << "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  const ProcessResult r =
      daemon_.runToExit({"--data-dir", daemon_.dataDir(), "--listen", "127.0.0.1:0", "--set",
                         "http.tls.cert=" + cert_, "--set", "http.tls.key=" + bogus});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_FALSE(r.err.empty()) << r.describe();
}

TEST(PlainLanTest, PlainHttpOnANonLoopbackAddressIsRefusedAtStartup) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon daemon;
  // 0.0.0.0:0 would listen on every interface: the daemon must refuse before binding.
  const ProcessResult r = daemon.runToExit({"--data-dir", daemon.dataDir(), "--listen", "0.0.0.0:0"});
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(r.started_listening) << r.describe();
  EXPECT_TRUE(contains(r.err, "allow_plain_lan")) << r.describe();
  EXPECT_TRUE(contains(r.err, "0.0.0.0")) << r.describe();
  // Same when the address comes from a config file.
  const std::string conf = daemon.dataDir() + "/lan.conf";
  std::ofstream(conf) << "http.listen = 0.0.0.0:0\n";
  const ProcessResult from_file = daemon.runToExit({"--data-dir", daemon.dataDir(), "--config", conf});
  EXPECT_NE(from_file.exit_code, 0) << from_file.describe();
  EXPECT_FALSE(from_file.started_listening) << from_file.describe();
  EXPECT_TRUE(contains(from_file.err, "allow_plain_lan")) << from_file.describe();
}

}  // namespace
}  // namespace outpost::itest
