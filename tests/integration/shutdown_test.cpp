// Shutdown: SIGTERM while requests are in flight lets them finish with their 2xx,
// the daemon exits 0, and after a restart everything acknowledged is there and the
// database is sound. Also: open WebSockets are closed, not left hanging.

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "integration/support/fixtures.h"

namespace outpost::itest {
namespace {

// An HTTP/1.1 request written in two parts over a raw socket, so the server is
// provably in the middle of it (headers read, body not complete) when SIGTERM comes.
class SlowRequest {
 public:
  SlowRequest(const Daemon& d, const std::string& method, const std::string& path, const std::string& body,
              const std::string& token)
      : body_(body) {
    socket_.connect(Poco::Net::SocketAddress(d.host(), static_cast<Poco::UInt16>(d.port())),
                    Poco::Timespan(5, 0));
    socket_.setReceiveTimeout(Poco::Timespan(15, 0));
    socket_.setSendTimeout(Poco::Timespan(5, 0));
    const std::string head = method + " " + path + " HTTP/1.1\r\nHost: " + d.host() + ":" +
                             std::to_string(d.port()) + "\r\nAuthorization: Bearer " + token +
                             "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n";
    sendAll(head + body_.substr(0, body_.size() / 2));
  }

  // Sends the rest of the body and reads the answer; returns the status (0 on failure).
  int finish(std::string& reply) {
    try {
      sendAll(body_.substr(body_.size() / 2));
      char buf[4096];
      for (int guard = 0; guard < 1000; ++guard) {
        const int n = socket_.receiveBytes(buf, sizeof buf);
        if (n <= 0) break;
        reply.append(buf, static_cast<size_t>(n));
        const auto end = reply.find("\r\n\r\n");
        if (end != std::string::npos) {
          const auto cl = reply.find("Content-Length: ");
          if (cl != std::string::npos && cl < end) {
            const size_t len = std::stoul(reply.substr(cl + 16));
            if (reply.size() >= end + 4 + len) break;
          }
        }
      }
    } catch (const Poco::Exception& e) {
      reply += "\n[" + e.displayText() + "]";
    }
    if (reply.rfind("HTTP/1.1 ", 0) != 0 || reply.size() < 12) return 0;
    return std::stoi(reply.substr(9, 3));
  }

 private:
  void sendAll(const std::string& data) {
    size_t sent = 0;
    for (int guard = 0; sent < data.size() && guard < 10000; ++guard) {
      const int n = socket_.sendBytes(data.data() + sent, static_cast<int>(data.size() - sent));
      if (n <= 0) throw Poco::IOException("send failed");
      sent += static_cast<size_t>(n);
    }
  }

  Poco::Net::StreamSocket socket_;
  std::string body_;
};

std::string skillBody(const std::string& code) {
  return R"({"code":")" + code + R"(","name":{"zh":"关机测试","en":"Shutdown test"}})";
}

TEST(ShutdownTest, SigtermLetsRequestsInFlightFinish) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon daemon;
  ASSERT_TRUE(daemon.start());
  HttpClient http(daemon);
  const std::string admin = loginDemo(http, daemon, "admin");
  const std::string agent = loginDemo(http, daemon, "agent01");
  ASSERT_FALSE(admin.empty() || agent.empty());

  // Three requests whose headers are in and whose bodies are half sent.
  std::vector<std::unique_ptr<SlowRequest>> slow;
  slow.push_back(std::make_unique<SlowRequest>(daemon, "POST", "/api/v1/skills", skillBody("slow-1"), admin));
  slow.push_back(
      std::make_unique<SlowRequest>(daemon, "PATCH", "/api/v1/agents/a05", R"({"team":"关机前"})", admin));
  slow.push_back(std::make_unique<SlowRequest>(daemon, "PUT", "/api/v1/agents/a01/presence",
                                               R"({"state":"not_ready","reason":"meeting"})", agent));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the server is now waiting for the bodies

  // Meanwhile a stream of ordinary requests from two threads.
  std::mutex mutex;
  std::set<std::string> acked, refused;
  std::vector<std::string> unexpected;
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int w = 0; w < 2; ++w) {
    clients.emplace_back([&, w] {
      for (int k = 0; k < 1000 && !stop.load(); ++k) {
        const std::string code = "shut-" + std::to_string(w) + "-" + std::to_string(k);
        const Response r = http.post("/api/v1/skills", skillBody(code), admin);
        std::lock_guard lock(mutex);
        if (r.status == 201) {
          acked.insert(code);
        } else if (r.status == 0) {
          break;  // refused or cut: the listener is closed
        } else if (r.status == 503) {
          refused.insert(code);
        } else {
          unexpected.push_back(r.describe());
          break;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  daemon.sendSignal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // shutdown has begun

  std::vector<int> statuses;
  for (auto& s : slow) {
    std::string reply;
    statuses.push_back(s->finish(reply));
    EXPECT_GE(statuses.back(), 200) << reply;
    EXPECT_LT(statuses.back(), 300) << reply;
  }
  stop = true;
  for (auto& t : clients) t.join();
  for (const auto& u : unexpected) ADD_FAILURE() << "unexpected answer during shutdown: " << u;

  const int code = daemon.waitExit(std::chrono::seconds(20));
  EXPECT_EQ(code, 0) << daemon.stderrTail();

  // Everything acknowledged is there after a restart; nothing refused is.
  EXPECT_EQ(quickCheck(daemon.dbPath()), "ok");
  ASSERT_TRUE(daemon.restart());
  HttpClient again(daemon);
  const std::string admin2 = loginDemo(again, daemon, "admin");
  if (statuses[0] == 201) {
    EXPECT_TRUE(hasStatus(again.get("/api/v1/skills/slow-1", admin2), 200));
  }
  if (statuses[1] == 200) {
    EXPECT_EQ(again.get("/api/v1/agents/a05", admin2).str("team"), "关机前");
  }
  if (statuses[2] == 200) {
    const Response p = again.get("/api/v1/agents/a01/presence", admin2);
    EXPECT_EQ(p.str("state"), "not_ready") << p;
    EXPECT_EQ(p.str("reason"), "meeting") << p;
  }
  for (const auto& c : acked) EXPECT_TRUE(hasStatus(again.get("/api/v1/skills/" + c, admin2), 200)) << c;
  for (const auto& c : refused) EXPECT_TRUE(isProblem(again.get("/api/v1/skills/" + c, admin2), 404)) << c;
  RecordProperty("acknowledged_during_shutdown", static_cast<int>(acked.size()));
}

TEST(ShutdownTest, SigtermClosesWebSocketsAndExitsZero) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon daemon;
  ASSERT_TRUE(daemon.start());
  HttpClient http(daemon);
  const std::string supervisor = loginDemo(http, daemon, "supervisor");
  auto c = WsClient::connect(http, supervisor);
  ASSERT_EQ(c.status, 101) << c.error;
  ASSERT_TRUE(c.ws->receiveType("presence.snapshot", std::chrono::seconds(5)));

  const auto start = std::chrono::steady_clock::now();
  daemon.sendSignal(SIGTERM);
  EXPECT_TRUE(c.ws->waitClosed(std::chrono::seconds(10))) << "the WebSocket was not closed at shutdown";
  EXPECT_EQ(daemon.waitExit(std::chrono::seconds(20)), 0) << daemon.stderrTail();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5))
      << "shutdown with an open WebSocket took too long";
  if (c.ws->closeCode() != 0) {
    EXPECT_EQ(c.ws->closeCode(), 1001) << "expected 1001 going away";
  }
}

TEST(ShutdownTest, IdleSigtermIsQuickAndClean) {
  OUTPOST_REQUIRE_DAEMON();
  Daemon daemon;
  ASSERT_TRUE(daemon.start());
  HttpClient http(daemon);
  ASSERT_TRUE(hasStatus(http.get("/readyz"), 200));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(daemon.signalAndWait(SIGTERM), 0) << daemon.stderrTail();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(quickCheck(daemon.dbPath()), "ok");
}

}  // namespace
}  // namespace outpost::itest
