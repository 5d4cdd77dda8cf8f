#pragma once

// ApplianceClient: outpostctl talking to a running appliance's HTTP API with an admin
// login (the same routes as the admin console). Flags every remote command takes:
//
//   --url URL            https://host:port (http:// only to a loopback address)
//   --user NAME          the admin login (default "admin")
//   --password-file F    the password's file (first line); else $OUTPOSTCTL_PASSWORD
//   --ca FILE            the certificate (or CA) that signed the appliance's HTTPS
//                        certificate; else the system's CAs
//
// Thread-safety: one thread.

#include <Poco/JSON/Object.h>

#include <memory>
#include <string>

#include "core/status.h"
#include "ctl/command.h"

namespace outpost::ctl {

// An error naming the first flag that is not one of the above (or --json).
inline Status onlyApplianceFlags(const Args& args) {
  return args.only({"--url", "--user", "--password-file", "--ca", "--json"});
}

class ApplianceClient {
 public:
  // Reads the flags and logs in.
  static Result<std::unique_ptr<ApplianceClient>> login(const Args& args);
  ~ApplianceClient();  // logs out

  // A JSON request; a problem+json reply becomes a Status with its detail.
  Result<Poco::JSON::Object::Ptr> call(const std::string& method, const std::string& path, const std::string& body);

 private:
  ApplianceClient() = default;
  struct Target;
  std::unique_ptr<Target> target_;
  std::string token_;
};

}  // namespace outpost::ctl
