// contact_load: end-to-end routing latency of a running outpostd over loopback.
//
// It starts nothing itself. Against the daemon at --url it
//   1. creates (or reuses) N agents lt-0001… (skill account level 3, tiers 1–4 in turn,
//      voice capacity 1) and a login per agent (role agent) through the admin API, and
//      the voice queue lt-voice (account ≥ 1, every tier from the start, wrap-up until
//      the agent ends it, longest idle);
//   2. logs every agent in, opens one WebSocket per agent (a few threads poll them all
//      with Poco::Net::PollSet) and sets them ready;
//   3. posts contacts to lt-voice at a fixed rate (default 200/s for 60 s) from a few
//      keep-alive connections, as the supervisor;
//   4. measures, for every contact, the time from just before its POST is sent to the
//      moment the "offer" frame for it is read from the offered agent's WebSocket.
// Agents answer automatically so they free up again: on an offer the agent accepts at
// once, holds the contact for --hold-ms, then completes it (wrap-up code "resolved")
// and ends the wrap-up. At 200 contacts/s and a 500 ms hold about 200 × (0.5 s + a few
// round trips) ≈ 110–130 of the 500 agents are on a contact at any moment, so every
// contact finds a free agent at once and the figure measured is the routing path (HTTP
// → engine → commit → WebSocket), not queueing for agents.
//
// Prints: contacts posted, created (201), POST errors, offered, lost (no offer within
// --lost-after-ms), offer latency p50/p90/p99/max in ms, the achieved posting rate, and
// the agents' answer errors. Exit code 0 when the run went through (whatever the
// figures), 1 on a set-up failure, 2 on bad arguments.
//
// See docs/performance.md for the daemon settings the run needs (fast password hashing
// for 500 logins, ws.max_connections above the agent count).

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/PollSet.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using Poco::JSON::Object;

int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// --- options ------------------------------------------------------------------------

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string admin_user = "admin";
  std::string admin_password;
  std::string supervisor_user = "supervisor";
  std::string supervisor_password;
  std::string logins_file;  // <data-dir>/demo-logins.txt: "username password role" lines
  int agents = 500;
  int ready = -1;           // agents set ready (the first N); -1 = all
  double rate = 200;        // contacts per second
  double duration_s = 60;
  int hold_ms = 500;        // an agent holds a contact this long before completing it
  int lost_after_ms = 5000; // a contact not offered within this is lost
  int post_connections = 4;
  int action_connections = 4;
  int ws_threads = 2;
  int setup_threads = 4;
  std::string queue = "lt-voice";
  std::string agent_password = "lt-load-password-1";
  std::string json_out;     // also write the figures as JSON here
};

void usage(std::ostream& out) {
  out << "usage: contact_load [options]\n"
         "  --url URL                  outpostd base URL (default http://127.0.0.1:8080)\n"
         "  --logins FILE              read admin/supervisor passwords from <data-dir>/demo-logins.txt\n"
         "  --admin-user U --admin-password P\n"
         "  --supervisor-user U --supervisor-password P\n"
         "  --agents N                 agents lt-0001… to create and connect (default 500)\n"
         "  --ready N                  set only the first N agents ready (default all; 0 = contacts just wait,\n"
         "                             e.g. to measure memory with many waiting contacts)\n"
         "  --rate R                   contacts per second (default 200)\n"
         "  --duration S               seconds of posting (default 60)\n"
         "  --hold-ms MS               how long an agent holds a contact (default 500)\n"
         "  --lost-after-ms MS         a contact not offered within this is lost (default 5000)\n"
         "  --post-connections N       keep-alive connections posting contacts (default 4)\n"
         "  --action-connections N     keep-alive connections for accept/complete (default 4)\n"
         "  --ws-threads N             threads polling the WebSockets (default 2)\n"
         "  --setup-threads N          parallel requests while creating agents (default 4)\n"
         "  --queue CODE               the queue to create and use (default lt-voice)\n"
         "  --json-out FILE            also write the results as JSON\n";
}

std::optional<Options> parseArgs(int argc, char** argv) {
  Options o;
  auto need = [&](int& i) -> std::optional<std::string> {
    if (i + 1 >= argc) {
      std::cerr << argv[i] << " needs a value\n";
      return std::nullopt;
    }
    return std::string(argv[++i]);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::optional<std::string> v;
    auto num = [&](auto& out) {
      v = need(i);
      if (!v) return false;
      try {
        if constexpr (std::is_same_v<std::decay_t<decltype(out)>, double>) out = std::stod(*v);
        else out = std::stoi(*v);
      } catch (const std::exception&) {
        std::cerr << a << ": not a number: " << *v << "\n";
        return false;
      }
      return true;
    };
    auto str = [&](std::string& out) {
      v = need(i);
      if (!v) return false;
      out = *v;
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h") {
      usage(std::cout);
      std::exit(0);
    } else if (a == "--url") ok = str(o.url);
    else if (a == "--logins") ok = str(o.logins_file);
    else if (a == "--admin-user") ok = str(o.admin_user);
    else if (a == "--admin-password") ok = str(o.admin_password);
    else if (a == "--supervisor-user") ok = str(o.supervisor_user);
    else if (a == "--supervisor-password") ok = str(o.supervisor_password);
    else if (a == "--agents") ok = num(o.agents);
    else if (a == "--ready") ok = num(o.ready);
    else if (a == "--rate") ok = num(o.rate);
    else if (a == "--duration") ok = num(o.duration_s);
    else if (a == "--hold-ms") ok = num(o.hold_ms);
    else if (a == "--lost-after-ms") ok = num(o.lost_after_ms);
    else if (a == "--post-connections") ok = num(o.post_connections);
    else if (a == "--action-connections") ok = num(o.action_connections);
    else if (a == "--ws-threads") ok = num(o.ws_threads);
    else if (a == "--setup-threads") ok = num(o.setup_threads);
    else if (a == "--queue") ok = str(o.queue);
    else if (a == "--json-out") ok = str(o.json_out);
    else {
      std::cerr << "unknown option " << a << "\n";
      ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (!o.logins_file.empty()) {
    std::ifstream in(o.logins_file);
    if (!in) {
      std::cerr << "cannot read " << o.logins_file << "\n";
      return std::nullopt;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string user, password, role;
      fields >> user >> password >> role;
      if (user == o.admin_user && o.admin_password.empty()) o.admin_password = password;
      if (user == o.supervisor_user && o.supervisor_password.empty()) o.supervisor_password = password;
    }
  }
  if (o.admin_password.empty() || o.supervisor_password.empty()) {
    std::cerr << "the admin and supervisor passwords are needed (--logins FILE or --admin-password/"
                 "--supervisor-password)\n";
    return std::nullopt;
  }
  if (o.ready < 0 || o.ready > o.agents) o.ready = o.agents;
  if (o.agents < 1 || o.agents > 9999 || o.rate <= 0 || o.duration_s <= 0 || o.hold_ms < 0 ||
      o.post_connections < 1 || o.action_connections < 1 || o.ws_threads < 1 || o.setup_threads < 1) {
    std::cerr << "an option is out of range\n";
    return std::nullopt;
  }
  return o;
}

// --- HTTP over one keep-alive connection ----------------------------------------------

struct Reply {
  int status = 0;  // 0: no answer
  std::string body;
  std::string error;
};

class Http {
 public:
  explicit Http(const Poco::URI& base) : base_(base) {}

  Reply request(const std::string& method, const std::string& path, const std::string& body,
                const std::string& token, int64_t* sent_ns = nullptr) {
    Reply r;
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!session_) {
          session_ = std::make_unique<Poco::Net::HTTPClientSession>(base_.getHost(), base_.getPort());
          session_->setKeepAlive(true);
          session_->setTimeout(Poco::Timespan(30, 0));
        }
        Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        req.setKeepAlive(true);
        if (!token.empty()) req.set("Authorization", "Bearer " + token);
        if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
          req.setContentLength(static_cast<std::streamsize>(body.size()));
          if (!body.empty()) req.setContentType("application/json");
        }
        if (sent_ns) *sent_ns = nowNs();
        std::ostream& out = session_->sendRequest(req);
        out << body;
        Poco::Net::HTTPResponse resp;
        std::istream& in = session_->receiveResponse(resp);
        r.status = static_cast<int>(resp.getStatus());
        r.body.clear();
        Poco::StreamCopier::copyToString(in, r.body);
        r.error.clear();
        return r;
      } catch (const Poco::Exception& e) {
        r.error = e.displayText();
        session_.reset();  // a fresh connection for the retry
      }
    }
    return r;
  }

 private:
  Poco::URI base_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

Object::Ptr parseObject(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(text);
    return v.extract<Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string login(Http& http, const std::string& user, const std::string& password, std::string& error) {
  const Reply r = http.request("POST", "/api/v1/auth/login",
                               "{\"username\":" + jsonString(user) + ",\"password\":" + jsonString(password) + "}", "");
  if (r.status != 200) {
    error = "login " + user + ": " + std::to_string(r.status) + " " + r.error + r.body;
    return "";
  }
  auto o = parseObject(r.body);
  return o ? o->optValue<std::string>("token", "") : "";
}

// Runs fn(i) for i in [0, n) on `threads` threads, each with its own connection.
void parallelFor(const Poco::URI& base, int n, int threads, const std::function<void(Http&, int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      Http http(base);
      for (int i = next++; i < n; i = next++) fn(http, i);
    });
  }
  for (auto& th : pool) th.join();
}

// --- the run ------------------------------------------------------------------------

struct Agent {
  std::string id;
  std::string token;
  std::unique_ptr<Poco::Net::HTTPClientSession> ws_session;
  std::unique_ptr<Poco::Net::WebSocket> ws;
  bool closed = false;
};

// An agent's next step on a contact, due at `due_ns`.
struct Job {
  int64_t due_ns = 0;
  int agent = 0;
  std::string contact_id;
  enum Step { kAccept, kComplete, kEndWrapUp } step = kAccept;
  bool operator>(const Job& o) const { return due_ns > o.due_ns; }
};

class Run {
 public:
  explicit Run(Options o) : opt_(std::move(o)), base_(opt_.url) {
    total_ = static_cast<int64_t>(opt_.rate * opt_.duration_s);
    sent_ns_ = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(total_));
    offered_ns_ = std::make_unique<std::atomic<int64_t>[]>(static_cast<size_t>(total_));
    created_ = std::make_unique<std::atomic<bool>[]>(static_cast<size_t>(total_));
    for (int64_t i = 0; i < total_; ++i) {
      sent_ns_[static_cast<size_t>(i)] = 0;
      offered_ns_[static_cast<size_t>(i)] = 0;
      created_[static_cast<size_t>(i)] = false;
    }
    std::random_device rd;
    run_id_ = "lt" + std::to_string(rd() % 100000) + "-";
  }

  int main() {
    if (!setUp()) return 1;
    startWebSockets();
    if (!setReady()) return 1;
    postContacts();
    finish();
    report();
    return 0;
  }

 private:
  bool setUp() {
    Http http(base_);
    std::string error;
    admin_ = login(http, opt_.admin_user, opt_.admin_password, error);
    supervisor_ = login(http, opt_.supervisor_user, opt_.supervisor_password, error);
    if (admin_.empty() || supervisor_.empty()) {
      std::cerr << "cannot log in: " << error << "\n";
      return false;
    }
    // The queue: voice, account ≥ 1, every tier from the start, wrap-up until ended.
    const std::string queue_fields =
        R"("channel":"voice","sl_target_pct":80,"sl_threshold_s":20,"offer_timeout_s":30,)"
        R"("skills":[{"skill":"account","min_level":1}],"strategy":"longest_idle","wrap_up_s":0,)"
        R"("rings":[{"segment":"*","after_s":0,"min_tier":1,"max_tier":4}])";
    Reply q = http.request("POST", "/api/v1/queues",
                           "{\"code\":" + jsonString(opt_.queue) +
                               R"(,"name":{"zh":"压测队列","en":"Load test queue"},)" + queue_fields + "}",
                           admin_);
    if (q.status == 409) q = http.request("PATCH", "/api/v1/queues/" + opt_.queue, "{" + queue_fields + "}", admin_);
    if (q.status != 200 && q.status != 201) {
      std::cerr << "queue " << opt_.queue << ": " << q.status << " " << q.error << q.body << "\n";
      return false;
    }

    const auto t0 = Clock::now();
    agents_.resize(static_cast<size_t>(opt_.agents));
    std::atomic<int> failures{0};
    std::mutex err_mu;
    std::string first_error;
    parallelFor(base_, opt_.agents, opt_.setup_threads, [&](Http& h, int i) {
      Agent& a = agents_[static_cast<size_t>(i)];
      char id[16];
      std::snprintf(id, sizeof id, "lt-%04d", i + 1);
      a.id = id;
      auto fail = [&](const std::string& what, const Reply& r) {
        ++failures;
        std::lock_guard lock(err_mu);
        if (first_error.empty()) first_error = what + ": " + std::to_string(r.status) + " " + r.error + r.body;
      };
      const std::string agent_fields = R"("tier":)" + std::to_string(1 + i % 4) +
                                       R"(,"languages":["zh-CN"],"voice_capacity":1,"chat_capacity":0,)"
                                       R"("skills":[{"skill":"account","level":3}])";
      Reply r = h.request("POST", "/api/v1/agents",
                          "{\"id\":\"" + a.id + R"(","name":{"zh":"压测坐席)" + a.id.substr(3) +
                              R"(","en":"Load agent )" + a.id.substr(3) + "\"}," + agent_fields + "}",
                          admin_);
      if (r.status == 409) r = h.request("PATCH", "/api/v1/agents/" + a.id, "{" + agent_fields + "}", admin_);
      if (r.status != 200 && r.status != 201) return fail("agent " + a.id, r);
      const std::string pw = "\"password\":" + jsonString(opt_.agent_password);
      r = h.request("POST", "/api/v1/users",
                    "{\"username\":\"" + a.id + R"(","role":"agent","agent_id":")" + a.id + "\"," + pw + "}", admin_);
      if (r.status == 409) r = h.request("PATCH", "/api/v1/users/" + a.id, "{" + pw + "}", admin_);
      if (r.status != 200 && r.status != 201) return fail("login " + a.id, r);
      std::string error_text;
      a.token = login(h, a.id, opt_.agent_password, error_text);
      if (a.token.empty()) return fail(error_text, Reply{});
    });
    if (failures > 0) {
      std::cerr << failures << " agents could not be set up; first: " << first_error << "\n";
      return false;
    }
    std::cout << "set up " << opt_.agents << " agents with logins in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() << " ms\n";
    return true;
  }

  void startWebSockets() {
    const auto t0 = Clock::now();
    for (auto& a : agents_) {
      try {
        a.ws_session = std::make_unique<Poco::Net::HTTPClientSession>(base_.getHost(), base_.getPort());
        Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/api/v1/ws", Poco::Net::HTTPMessage::HTTP_1_1);
        req.set("Authorization", "Bearer " + a.token);
        Poco::Net::HTTPResponse resp;
        a.ws = std::make_unique<Poco::Net::WebSocket>(*a.ws_session, req, resp);
        a.ws->setReceiveTimeout(Poco::Timespan(5, 0));
      } catch (const Poco::Exception& e) {
        std::cerr << "WebSocket of " << a.id << ": " << e.displayText() << "\n";
        a.closed = true;
        ++ws_failed_;
      }
    }
    for (int t = 0; t < opt_.ws_threads; ++t) {
      ws_threads_.emplace_back([this, t] { pollLoop(t); });
    }
    for (int t = 0; t < opt_.action_connections; ++t) {
      action_threads_.emplace_back([this] { actionLoop(); });
    }
    std::cout << "opened " << (opt_.agents - ws_failed_) << " WebSockets in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count() << " ms\n";
  }

  bool setReady() {
    std::atomic<int> failures{0};
    parallelFor(base_, opt_.ready, opt_.setup_threads, [&](Http& h, int i) {
      Agent& a = agents_[static_cast<size_t>(i)];
      const Reply r = h.request("PUT", "/api/v1/agents/" + a.id + "/presence", R"({"state":"ready"})", a.token);
      if (r.status != 200) {
        if (failures++ == 0) std::cerr << "ready " << a.id << ": " << r.status << " " << r.error << r.body << "\n";
      }
    });
    if (failures > 0) return false;
    std::this_thread::sleep_for(std::chrono::seconds(1));  // presence messages drain
    return true;
  }

  // Threads of the WebSocket side: each polls agents t, t+T, t+2T, …
  void pollLoop(int t) {
    Poco::Net::PollSet poll;
    std::unordered_map<int, size_t> by_fd;
    for (size_t i = static_cast<size_t>(t); i < agents_.size(); i += static_cast<size_t>(opt_.ws_threads)) {
      if (agents_[i].closed) continue;
      poll.add(*agents_[i].ws, Poco::Net::PollSet::POLL_READ);
      by_fd[agents_[i].ws->impl()->sockfd()] = i;
    }
    Poco::Buffer<char> buffer(0);
    while (!stop_ws_) {
      Poco::Net::PollSet::SocketModeMap ready;
      try {
        ready = poll.poll(Poco::Timespan(0, 100'000));
      } catch (const Poco::Exception& e) {
        std::cerr << "poll: " << e.displayText() << "\n";
        continue;
      }
      for (const auto& [socket, mode] : ready) {
        auto it = by_fd.find(socket.impl()->sockfd());
        if (it == by_fd.end()) continue;
        Agent& a = agents_[it->second];
        int flags = 0;
        int n = 0;
        buffer.resize(0);
        try {
          n = a.ws->receiveFrame(buffer, flags);
        } catch (const Poco::Exception&) {
          n = 0;
          flags = 0;
        }
        const int64_t received = nowNs();
        const int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
        if ((n == 0 && flags == 0) || op == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
          poll.remove(*a.ws);
          by_fd.erase(it);
          a.closed = true;
          ++ws_closed_;
          continue;
        }
        if (op != Poco::Net::WebSocket::FRAME_OP_TEXT) continue;
        const std::string_view text(buffer.begin(), static_cast<size_t>(n));
        if (text.find(R"("type":"offer")") == std::string_view::npos) continue;
        onOffer(it->second, std::string(text), received);
      }
    }
  }

  void onOffer(size_t agent, const std::string& text, int64_t received_ns) {
    auto msg = parseObject(text);
    auto contact = msg ? msg->getObject("contact") : nullptr;
    const std::string id = contact ? contact->optValue<std::string>("id", "") : "";
    if (id.empty()) return;
    ++offers_seen_;
    if (id.rfind(run_id_, 0) == 0) {
      const int64_t n = std::atoll(id.c_str() + run_id_.size());
      if (n >= 0 && n < total_) {
        int64_t expected = 0;
        if (!offered_ns_[static_cast<size_t>(n)].compare_exchange_strong(expected, received_ns)) ++offered_twice_;
      }
    }
    push(Job{nowNs(), static_cast<int>(agent), id, Job::kAccept});  // answer every offer, ours or not
  }

  void push(Job job) {
    {
      std::lock_guard lock(jobs_mu_);
      jobs_.push(std::move(job));
    }
    jobs_cv_.notify_one();
  }

  // The agents' side over HTTP: accept at once, complete after the hold, end wrap-up.
  void actionLoop() {
    Http http(base_);
    for (;;) {
      Job job;
      {
        std::unique_lock lock(jobs_mu_);
        for (;;) {
          if (stop_actions_ && jobs_.empty()) return;
          if (!jobs_.empty() && jobs_.top().due_ns <= nowNs()) break;
          if (jobs_.empty()) {
            jobs_cv_.wait_for(lock, std::chrono::milliseconds(50));
          } else {
            jobs_cv_.wait_for(lock, std::chrono::nanoseconds(std::max<int64_t>(jobs_.top().due_ns - nowNs(), 0)));
          }
        }
        job = jobs_.top();
        jobs_.pop();
      }
      const Agent& a = agents_[static_cast<size_t>(job.agent)];
      const std::string base = "/api/v1/contacts/" + job.contact_id + "/";
      Reply r;
      switch (job.step) {
        case Job::kAccept:
          r = http.request("POST", base + "accept", "", a.token);
          if (r.status == 204) {
            push(Job{nowNs() + int64_t{opt_.hold_ms} * 1'000'000, job.agent, job.contact_id, Job::kComplete});
          }
          break;
        case Job::kComplete:
          r = http.request("POST", base + "complete", R"({"code":"resolved","resolved":true})", a.token);
          if (r.status == 204) push(Job{nowNs(), job.agent, job.contact_id, Job::kEndWrapUp});
          break;
        case Job::kEndWrapUp:
          r = http.request("POST", base + "end-wrap-up", "", a.token);
          if (r.status == 204) ++handled_;
          break;
      }
      if (r.status != 204) {
        if (action_errors_++ < 5) {
          std::cerr << "agent " << a.id << " " << base << ": " << r.status << " " << r.error << r.body << "\n";
        }
      }
    }
  }

  void postContacts() {
    std::cout << "posting " << total_ << " contacts to " << opt_.queue << " at " << opt_.rate << "/s for "
              << opt_.duration_s << " s from " << opt_.post_connections << " connections\n";
    const int64_t interval_ns = static_cast<int64_t>(1e9 / opt_.rate);
    std::atomic<int64_t> next{0};
    std::vector<std::thread> posters;
    post_start_ns_ = nowNs() + 100'000'000;
    for (int t = 0; t < opt_.post_connections; ++t) {
      posters.emplace_back([&, this] {
        Http http(base_);
        for (int64_t n = next++; n < total_; n = next++) {
          const int64_t due = post_start_ns_ + n * interval_ns;
          const int64_t wait = due - nowNs();
          if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
          const std::string body = "{\"id\":\"" + run_id_ + std::to_string(n) +
                                   R"(","channel":"voice","language":"zh-CN","segment":"standard","priority":50,)"
                                   R"("intent":{"code":"balance","confidence":0.8},"ivr_path":["main","account"],)"
                                   R"("queue":")" +
                                   opt_.queue + "\"}";
          int64_t sent = 0;
          const Reply r = http.request("POST", "/api/v1/contacts", body, supervisor_, &sent);
          sent_ns_[static_cast<size_t>(n)] = sent;
          const int64_t answered = nowNs();
          {
            std::lock_guard lock(post_mu_);
            post_ms_.push_back(static_cast<double>(answered - sent) / 1e6);
          }
          if (r.status == 201) {
            created_[static_cast<size_t>(n)] = true;
          } else if (post_errors_++ < 5) {
            std::cerr << "POST contact " << n << ": " << r.status << " " << r.error << r.body << "\n";
          }
        }
      });
    }
    for (auto& p : posters) p.join();
    post_end_ns_ = nowNs();
  }

  void finish() {
    // Offers still on their way, then the agents' last answers.
    const int64_t deadline = nowNs() + int64_t{opt_.lost_after_ms} * 1'000'000;
    while (nowNs() < deadline) {
      bool all = true;
      for (int64_t i = 0; i < total_ && all; ++i) {
        if (created_[static_cast<size_t>(i)] && offered_ns_[static_cast<size_t>(i)] == 0) all = false;
      }
      if (all) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const int64_t drain_deadline = nowNs() + int64_t{opt_.hold_ms + 10'000} * 1'000'000;
    for (;;) {
      {
        std::lock_guard lock(jobs_mu_);
        if (jobs_.empty() || nowNs() > drain_deadline) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    stop_actions_ = true;
    jobs_cv_.notify_all();
    for (auto& t : action_threads_) t.join();
    stop_ws_ = true;
    for (auto& t : ws_threads_) t.join();
  }

  static double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
    return v[k];
  }

  void report() {
    std::vector<double> latency;
    int64_t created = 0, lost = 0;
    const int64_t lost_ns = int64_t{opt_.lost_after_ms} * 1'000'000;
    for (int64_t i = 0; i < total_; ++i) {
      const auto k = static_cast<size_t>(i);
      if (!created_[k]) continue;
      ++created;
      const int64_t offered = offered_ns_[k];
      if (offered == 0 || offered - sent_ns_[k] > lost_ns) {
        ++lost;
        continue;
      }
      latency.push_back(static_cast<double>(offered - sent_ns_[k]) / 1e6);
    }
    const double posting_s = static_cast<double>(post_end_ns_ - post_start_ns_) / 1e9;
    const double achieved = posting_s > 0 ? static_cast<double>(total_) / posting_s : 0;
    double max_ms = latency.empty() ? 0 : *std::max_element(latency.begin(), latency.end());
    const double p50 = percentile(latency, 50), p90 = percentile(latency, 90), p99 = percentile(latency, 99);
    std::vector<double> post_ms;
    {
      std::lock_guard lock(post_mu_);
      post_ms = post_ms_;
    }
    const double post_p50 = percentile(post_ms, 50), post_p99 = percentile(post_ms, 99);

    char line[512];
    std::cout << "\n== POST /api/v1/contacts → offer on the agent's WebSocket ==\n";
    std::printf("agents %d, %d of them ready (WebSockets open %d, closed during the run %d)\n", opt_.agents,
                opt_.ready, opt_.agents - ws_failed_, ws_closed_.load());
    std::printf("contacts posted %lld, created %lld, POST errors %d, offered %lld, lost %lld (no offer within %d ms)\n",
                static_cast<long long>(total_), static_cast<long long>(created), post_errors_.load(),
                static_cast<long long>(latency.size()), static_cast<long long>(lost), opt_.lost_after_ms);
    std::snprintf(line, sizeof line, "offer latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", p50, p90, p99, max_ms);
    std::cout << line << "\n";
    std::printf("rate: target %.1f/s, achieved %.1f/s over %.1f s\n", opt_.rate, achieved, posting_s);
    std::printf("POST reply ms: p50 %.2f  p99 %.2f\n", post_p50, post_p99);
    std::printf("agents' answers: %lld contacts handled to the end, %d answer errors, %d offers seen twice\n",
                static_cast<long long>(handled_.load()), action_errors_.load(), offered_twice_.load());
    std::cout.flush();
    if (!opt_.json_out.empty()) {
      std::ofstream out(opt_.json_out);
      out << "{\"agents\":" << opt_.agents << ",\"rate_target\":" << opt_.rate << ",\"rate_achieved\":" << achieved
          << ",\"posted\":" << total_ << ",\"created\":" << created << ",\"post_errors\":" << post_errors_.load()
          << ",\"lost\":" << lost << ",\"p50_ms\":" << p50 << ",\"p90_ms\":" << p90 << ",\"p99_ms\":" << p99
          << ",\"max_ms\":" << max_ms << ",\"post_p50_ms\":" << post_p50 << ",\"post_p99_ms\":" << post_p99
          << ",\"answer_errors\":" << action_errors_.load() << "}\n";
    }
  }

  Options opt_;
  Poco::URI base_;
  std::string run_id_;
  std::string admin_, supervisor_;
  std::vector<Agent> agents_;
  int64_t total_ = 0;
  std::unique_ptr<std::atomic<int64_t>[]> sent_ns_;
  std::unique_ptr<std::atomic<int64_t>[]> offered_ns_;
  std::unique_ptr<std::atomic<bool>[]> created_;
  int64_t post_start_ns_ = 0, post_end_ns_ = 0;
  std::mutex post_mu_;
  std::vector<double> post_ms_;
  std::atomic<int> post_errors_{0}, action_errors_{0}, offered_twice_{0}, ws_closed_{0};
  std::atomic<int64_t> offers_seen_{0}, handled_{0};
  int ws_failed_ = 0;
  std::vector<std::thread> ws_threads_, action_threads_;
  std::atomic<bool> stop_ws_{false}, stop_actions_{false};
  std::mutex jobs_mu_;
  std::condition_variable jobs_cv_;
  std::priority_queue<Job, std::vector<Job>, std::greater<>> jobs_;
};

}  // namespace

int main(int argc, char** argv) {
  auto options = parseArgs(argc, argv);
  if (!options) {
    usage(std::cerr);
    return 2;
  }
  try {
    Run run(std::move(*options));
    return run.main();
  } catch (const Poco::Exception& e) {
    std::cerr << "contact_load: " << e.displayText() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "contact_load: " << e.what() << "\n";
    return 1;
  }
}
