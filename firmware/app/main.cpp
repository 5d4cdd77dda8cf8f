// outpostd: the Outpost appliance daemon.

#include <Poco/Net/NetSSL.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/daemon.h"
#include "app/daemon_config.h"
#include "app/logging.h"

namespace {

constexpr const char* kUsage =
    "Usage: outpostd [options]\n"
    "\n"
    "The Outpost branch-site appliance: contact routing, IVR, learning cache, plugins, sync.\n"
    "Starts with built-in defaults when no config file is given.\n"
    "\n"
    "Options:\n"
    "  --config FILE       read settings from FILE (key = value lines; see docs/configuration.md)\n"
    "  --data-dir DIR      folder for the database and state (storage.data_dir, default ./data)\n"
    "  --listen HOST:PORT  HTTP(S) listener (http.listen, default 127.0.0.1:8080; port 0 = any free)\n"
    "  --set KEY=VALUE     set any config key; applied after --config\n"
    "  --demo              seed the demo site into an empty database and print its logins\n"
    "  --create-admin NAME create an admin login NAME (password read from the first line of\n"
    "                      standard input), then exit — for sites set up without --demo\n"
    "  --version           print the version and exit\n"
    "  --help              print this help and exit\n";

int fail(const outpost::Status& s) {
  std::cerr << "outpostd: " << s.describe() << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using outpost::Config;
  using outpost::Status;
  const auto& schema = outpost::app::daemonConfigSchema();
  Config config(schema);
  outpost::app::DaemonOptions options;
  std::string config_file;
  std::string create_admin;
  std::vector<std::pair<std::string, std::string>> overrides;  // applied after the file

  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* what) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)what;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "outpostd " << OUTPOST_VERSION << "\n";
      return 0;
    } else if (arg == "--demo") {
      options.demo = true;
    } else if (arg == "--config" || arg == "--data-dir" || arg == "--listen" || arg == "--set" ||
               arg == "--create-admin") {
      const char* v = value(arg.c_str());
      if (v == nullptr) return fail(Status::invalidArgument(arg + " needs a value; see --help"));
      if (arg == "--config") {
        config_file = v;
      } else if (arg == "--create-admin") {
        create_admin = v;
      } else if (arg == "--data-dir") {
        overrides.emplace_back("storage.data_dir", v);
      } else if (arg == "--listen") {
        overrides.emplace_back("http.listen", v);
      } else {
        const std::string kv = v;
        const auto eq = kv.find('=');
        if (eq == std::string::npos) return fail(Status::invalidArgument("--set needs KEY=VALUE, got \"" + kv + "\""));
        overrides.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
    } else {
      return fail(Status::invalidArgument("unknown option \"" + arg + "\"; see --help"));
    }
  }

  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) return fail(Status::invalidArgument("cannot read config file \"" + config_file + "\""));
    std::stringstream text;
    text << in.rdbuf();
    if (Status s = config.loadText(text.str(), config_file); !s.isOk()) return fail(s);
  }
  for (const auto& [key, value] : overrides) {
    const std::string origin = key == "storage.data_dir" ? "--data-dir"
                               : key == "http.listen"    ? "--listen"
                                                         : "--set " + key;
    if (Status s = config.set(key, value, origin); !s.isOk()) return fail(s);
  }

  outpost::app::setupLogging(config.getString("log.level"), config.getString("log.format"));

  if (!create_admin.empty()) {
    std::string password;
    std::getline(std::cin, password);
    if (Status s = outpost::app::createAdmin(config, create_admin, password); !s.isOk()) return fail(s);
    std::cout << "created admin login \"" << create_admin << "\"\n";
    return 0;
  }

  // Signals are taken by sigwait() below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  Poco::Net::initializeSSL();

  int code = 0;
  {
    outpost::app::Daemon daemon(config, options);
    if (Status s = daemon.start(); !s.isOk()) {
      code = fail(s);
    } else {
      if (options.demo) {
        std::cout << "Outpost demo site — 示例银行北京朝阳支行 (Demo Bank Beijing Chaoyang Branch)\n";
        for (const auto& l : daemon.demoLogins()) {
          std::cout << "demo login: " << l.username << " " << l.password << " " << l.role << "\n";
        }
        std::cout << "(logins are also in " << config.getString("storage.data_dir") << "/demo-logins.txt)\n";
      }
      std::cout << "outpostd " << OUTPOST_VERSION << " listening on " << daemon.baseUrl() << std::endl;
      int sig = 0;
      sigwait(&signals, &sig);
      std::cerr << "outpostd: " << (sig == SIGTERM ? "SIGTERM" : "SIGINT") << " received, shutting down\n";
      daemon.stop();
    }
  }
  Poco::Net::uninitializeSSL();
  return code;
}
