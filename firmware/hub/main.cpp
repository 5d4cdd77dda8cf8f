// outpost-hub: the cloud side of edge–cloud sync (docs/sync.md).
//
//   outpost-hub run   --db FILE [--broker HOST:PORT] [--prefix P] [--client-id ID]
//                     [--share-group G] [--mqtt auto|5|3.1.1]
//                     [--tls-ca FILE --tls-cert FILE --tls-key FILE]
//                     [--username U --password-file FILE]
//   outpost-hub sites --db FILE [--json]
//   outpost-hub publish --db FILE --site S --trust FILE --package DIR
//                     (a running hub publishes the site's new manifest within a second)
//
// `run` prints "hub: ready" once subscribed and stops on SIGTERM/SIGINT.

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "codec/json.h"
#include "codec/site_config_codec.h"
#include "hub/hub_downlink.h"
#include "hub/hub_service.h"
#include "hub/hub_store.h"
#include "signing/package.h"
#include "storage/migrations.h"
#include "sync/wire.h"

namespace {

using namespace outpost;

int usage(const std::string& why) {
  std::cerr << "outpost-hub: " << why << "\n"
            << "usage: outpost-hub run --db FILE [--broker HOST:PORT] [--prefix P] [--client-id ID] [--share-group G]\n"
            << "                       [--mqtt auto|5|3.1.1] [--tls-ca F --tls-cert F --tls-key F]\n"
            << "                       [--username U --password-file F]\n"
            << "       outpost-hub sites --db FILE [--json]\n"
            << "       outpost-hub publish --db FILE --site S --trust FILE --package DIR\n";
  return 2;
}

void setUpLogging() {
  Poco::AutoPtr<Poco::PatternFormatter> fmt(new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t"));
  Poco::AutoPtr<Poco::FormattingChannel> ch(new Poco::FormattingChannel(fmt, new Poco::ConsoleChannel(std::cout)));
  Poco::Logger::root().setChannel(ch);
  Poco::Logger::root().setLevel("information");
}

std::string jsonEscape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o;
}

std::string when(int64_t event_time) { return event_time ? formatRfc3339(fromEpochMillis(event_time)) : "-"; }

// One downlink event as JSON (null when there is none).
Poco::Dynamic::Var eventJson(const hub::DownlinkEvent& e, bool reason, bool bytes) {
  if (!e.present()) return Poco::Dynamic::Var();
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("kind", e.kind);
  o->set("id", e.id);
  o->set("version", e.version);
  o->set("at", when(e.event_time));
  if (reason) o->set("reason", e.reason);
  if (bytes) {
    o->set("bytes_done", e.bytes_done);
    o->set("size", e.size);
  }
  return o;
}

std::string downlinkJson(const hub::SiteDownlinkView& v) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("installed", eventJson(v.installed, false, false));
  o->set("refused", eventJson(v.refused, true, false));
  o->set("in_progress", eventJson(v.in_progress, false, true));
  return codec::toJson(o);
}

// The downlink lines under a site in the table.
std::vector<std::string> downlinkLines(const hub::SiteDownlinkView& v) {
  std::vector<std::string> out;
  if (v.installed.present()) out.push_back("installed   " + v.installed.label() + " at " + when(v.installed.event_time));
  if (v.refused.present()) {
    out.push_back("refused     " + v.refused.label() + " at " + when(v.refused.event_time) + ": " + v.refused.reason);
  }
  if (v.in_progress.present()) {
    out.push_back("fetching    " + v.in_progress.label() + ": " + std::to_string(v.in_progress.bytes_done) + " of " +
                  std::to_string(v.in_progress.size) + " bytes");
  }
  return out;
}

int listSites(const std::map<std::string, std::string>& flags) {
  auto db = storage::Database::open(flags.at("--db"), storage::OpenOptions{true, 5000});
  if (!db) {
    std::cerr << "outpost-hub: " << db.status().describe() << "\n";
    return 1;
  }
  auto sites = hub::listSites(**db);
  if (!sites) {
    std::cerr << "outpost-hub: " << sites.status().describe() << "\n";
    return 1;
  }
  const bool json = flags.contains("--json");
  if (json) {
    std::cout << "[";
  } else {
    std::printf("%-24s %-8s %10s %10s %8s %24s %9s %6s %6s %6s\n", "SITE", "STATUS", "HWM", "HEAD", "BACKLOG",
                "LAST SEEN", "RECORDS", "DUPS", "CONFL", "REJ");
  }
  bool first = true;
  for (const auto& s : *sites) {
    const std::string seen = s.last_seen ? formatRfc3339(fromEpochMillis(s.last_seen)) : "-";
    auto dl = hub::siteDownlinkView(**db, s.site);
    if (!dl) {
      std::cerr << "outpost-hub: " << dl.status().describe() << "\n";
      return 1;
    }
    if (json) {
      std::cout << (first ? "" : ",") << "{\"site\":\"" << jsonEscape(s.site) << "\",\"status\":\"" << s.status
                << "\",\"hwm\":" << s.hwm << ",\"head\":" << s.head << ",\"backlog\":" << s.backlog
                << ",\"last_seen\":\"" << seen << "\",\"records\":" << s.records << ",\"duplicates\":" << s.duplicates
                << ",\"conflicts\":" << s.conflicts << ",\"rejected\":" << s.rejected
                << ",\"downlink\":" << downlinkJson(*dl) << "}";
    } else {
      std::printf("%-24s %-8s %10lld %10lld %8lld %24s %9lld %6lld %6lld %6lld\n", s.site.c_str(),
                  s.status.empty() ? "-" : s.status.c_str(), static_cast<long long>(s.hwm),
                  static_cast<long long>(s.head), static_cast<long long>(s.backlog), seen.c_str(),
                  static_cast<long long>(s.records), static_cast<long long>(s.duplicates),
                  static_cast<long long>(s.conflicts), static_cast<long long>(s.rejected));
      for (const auto& line : downlinkLines(*dl)) std::printf("  %s\n", line.c_str());
    }
    first = false;
  }
  if (json) std::cout << "]\n";
  return 0;
}

// A site configuration is checked as the site will decode it, and must be for `site`:
// the hub does not offer a document the site would refuse.
Status checkSiteConfig(const std::string& dir, const std::string& site) {
  auto doc = signing::readSmallFile(dir + "/site-config.json", codec::kMaxSiteConfigBytes);
  if (!doc) return doc.status();
  auto config = codec::decodeSiteConfig(*doc);
  if (!config) return config.status().under("site-config.json ");
  if (config->site_id != site) {
    return Status::invalidArgument("is \"" + config->site_id + "\", --site says \"" + site + "\"",
                                   "site-config.json /site_id");
  }
  return Status::ok();
}

// Stores a signed package (rule bundle, content, configuration) for a site. It is
// verified here first with the same trust file the site uses, so the hub never offers
// a package the site would refuse for its signature or files.
int publish(const std::map<std::string, std::string>& flags) {
  for (const char* k : {"--site", "--trust", "--package"}) {
    if (!flags.contains(k)) return usage(std::string(k) + " is required for publish");
  }
  const std::string site = flags.at("--site");
  if (!sync::validSiteId(site)) return usage("--site must be 1-64 of A-Z a-z 0-9 . _ -");
  auto trust = signing::TrustStore::load(flags.at("--trust"));
  if (!trust) {
    std::cerr << "outpost-hub: " << trust.status().describe() << "\n";
    return 1;
  }
  const std::string dir = flags.at("--package");
  auto manifest = signing::readSmallFile(dir + "/manifest.json", signing::PackageLimits{}.max_manifest_bytes);
  auto sig = manifest ? signing::readSmallFile(dir + "/manifest.sig", 64 * 1024) : Result<std::string>(manifest.status());
  auto verified = sig ? signing::verifyManifest(*manifest, *sig, *trust) : Result<signing::VerifiedManifest>(sig.status());
  Status files = verified ? signing::verifyPackageFiles(dir, *verified) : verified.status();
  if (files && verified->kind == "config") files = checkSiteConfig(dir, site);
  if (!files) {
    std::cerr << "outpost-hub: " << dir << ": " << files.describe() << "\n";
    return 1;
  }
  auto db = storage::Database::open(flags.at("--db"));
  if (!db) {
    std::cerr << "outpost-hub: " << db.status().describe() << "\n";
    return 1;
  }
  auto migrated = storage::migrate(**db, hub::hubMigrations());
  if (!migrated) {
    std::cerr << "outpost-hub: " << migrated.status().describe() << "\n";
    return 1;
  }
  auto serial = hub::publishPackage(**db, site, *verified, dir, *sig, SystemClock::instance().wallNow());
  if (!serial) {
    std::cerr << "outpost-hub: " << serial.status().describe() << "\n";
    return 1;
  }
  std::cout << "published " << verified->kind << " " << verified->id << " v" << verified->version
            << " for " << site << " (manifest serial " << *serial << ")\n";
  return 0;
}

int run(const std::map<std::string, std::string>& flags) {
  hub::HubOptions o;
  o.db_path = flags.at("--db");
  if (auto it = flags.find("--broker"); it != flags.end()) {
    const size_t colon = it->second.rfind(':');
    if (colon == std::string::npos) return usage("--broker must be HOST:PORT");
    o.host = it->second.substr(0, colon);
    try {
      o.port = std::stoi(it->second.substr(colon + 1));
    } catch (...) {
      return usage("--broker port must be a number");
    }
    if (o.port < 1 || o.port > 65535) return usage("--broker port must be 1–65535");
  }
  auto opt = [&](const char* k, std::string& out) {
    if (auto it = flags.find(k); it != flags.end()) out = it->second;
  };
  opt("--prefix", o.topic_prefix);
  opt("--client-id", o.client_id);
  opt("--share-group", o.share_group);
  opt("--mqtt", o.mqtt);
  opt("--tls-ca", o.tls_ca);
  opt("--tls-cert", o.tls_cert);
  opt("--tls-key", o.tls_key);
  opt("--username", o.username);
  if (auto it = flags.find("--password-file"); it != flags.end()) {
    std::ifstream in(it->second);
    if (!in) return usage("cannot read --password-file " + it->second);
    std::getline(in, o.password);
  }
  if (o.mqtt != "auto" && o.mqtt != "5" && o.mqtt != "3.1.1") return usage("--mqtt must be auto, 5 or 3.1.1");

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  hub::HubService service(o, SystemClock::instance());
  Status st = service.start();
  if (!st) {
    std::cerr << "outpost-hub: " << st.describe() << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&set, &sig);
  service.stop();
  const auto s = service.stats();
  Poco::Logger::get("outpost.hub")
      .information("hub: stopped; " + std::to_string(s.batches) + " batches, " + std::to_string(s.stored) +
                   " stored, " + std::to_string(s.duplicates) + " duplicates, " + std::to_string(s.conflicts) +
                   " conflicts, " + std::to_string(s.rejected) + " refused");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage("a command is needed (run, sites)");
  const std::string cmd = argv[1];
  std::map<std::string, std::string> flags;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      flags[a] = "1";
      continue;
    }
    if (!a.starts_with("--") || i + 1 >= argc) return usage("unexpected argument \"" + a + "\"");
    flags[a] = argv[++i];
  }
  if (!flags.contains("--db")) return usage("--db FILE is required");
  setUpLogging();
  if (cmd == "run") return run(flags);
  if (cmd == "sites") return listSites(flags);
  if (cmd == "publish") return publish(flags);
  return usage("unknown command \"" + cmd + "\"");
}
