// outpostctl keys …: signing keys for packages.

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ctl/command.h"
#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace outpost::ctl {
namespace {

// Writes ID.key (the private key, mode 0600) and ID.pub (its trust file line) in DIR.
Status generate(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--id", "--out"}));
  auto id = args.required("--id");
  if (!id.isOk()) return id.status();
  auto out = args.required("--out");
  if (!out.isOk()) return out.status();
  if (!signing::isValidKeyId(*id)) return Status::invalidArgument("1–64 of A–Z a–z 0–9 . _ -", "--id");
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(*out, ec);
  const fs::path key = fs::path(*out) / (*id + ".key");
  const fs::path pub = fs::path(*out) / (*id + ".pub");
  if (fs::exists(key) || fs::exists(pub)) return Status::alreadyExists("refusing to overwrite an existing key", key.string());
  auto pair = signing::generateKeyPair();
  if (!pair.isOk()) return pair.status();
  {
    const mode_t old = ::umask(077);
    std::ofstream k(key, std::ios::binary);
    k << pair->private_pem;
    ::umask(old);
    if (!k) return Status(StatusCode::kUnavailable, "cannot write", key.string());
  }
  std::ofstream p(pub, std::ios::binary);
  p << signing::TrustStore::line(*id, pair->public_b64) << "\n";
  if (!p) return Status(StatusCode::kUnavailable, "cannot write", pub.string());
  std::printf("private key: %s (keep it off the sites)\ntrust line:  %s (add it to the sites' trust file)\n",
              key.c_str(), pub.c_str());
  return Status::ok();
}

}  // namespace

std::vector<Command> keysCommands() {
  return {{"keys", "generate", "--id ID --out DIR", "a new Ed25519 signing key: DIR/ID.key and its trust line DIR/ID.pub",
           &generate}};
}

}  // namespace outpost::ctl
