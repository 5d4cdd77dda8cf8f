// outpostctl package …: seal, sign and verify signed packages (rule bundles, content,
// configuration) — see signing/package.h.

#include <cstdio>

#include "ctl/command.h"
#include "signing/package.h"

namespace outpost::ctl {
namespace {

Result<std::string> onlyDir(const Args& args) {
  if (args.positional().size() != 1) return Status::invalidArgument("expects one package directory");
  return args.positional()[0];
}

Status seal(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({}));
  auto dir = onlyDir(args);
  if (!dir.isOk()) return dir.status();
  OUTPOST_RETURN_IF_ERROR(signing::sealPackageDir(*dir));
  std::printf("sealed %s/manifest.json\n", dir->c_str());
  return Status::ok();
}

Status sign(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--key", "--key-id"}));
  auto dir = onlyDir(args);
  if (!dir.isOk()) return dir.status();
  auto key_path = args.required("--key");
  if (!key_path.isOk()) return key_path.status();
  auto key_id = args.required("--key-id");
  if (!key_id.isOk()) return key_id.status();
  auto pem = signing::readSmallFile(*key_path, 16 * 1024);
  if (!pem.isOk()) return pem.status();
  OUTPOST_RETURN_IF_ERROR(signing::signPackageDir(*dir, *pem, *key_id));
  std::printf("signed %s/manifest.json with key %s\n", dir->c_str(), key_id->c_str());
  return Status::ok();
}

Status verify(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--trust"}));
  auto dir = onlyDir(args);
  if (!dir.isOk()) return dir.status();
  auto trust_path = args.required("--trust");
  if (!trust_path.isOk()) return trust_path.status();
  auto trust = signing::TrustStore::load(*trust_path);
  if (!trust.isOk()) return trust.status();
  auto m = signing::readSmallFile(*dir + "/manifest.json", signing::PackageLimits{}.max_manifest_bytes);
  if (!m.isOk()) return m.status();
  auto s = signing::readSmallFile(*dir + "/manifest.sig", 4096);
  if (!s.isOk()) return s.status();
  auto manifest = signing::verifyManifest(*m, *s, *trust);
  if (!manifest.isOk()) return manifest.status();
  OUTPOST_RETURN_IF_ERROR(signing::verifyPackageFiles(*dir, *manifest));
  std::printf("ok: %s %s version %lld, %zu files, signed by %s\n", manifest->kind.c_str(), manifest->id.c_str(),
              static_cast<long long>(manifest->version), manifest->files.size(), manifest->key_id.c_str());
  return Status::ok();
}

}  // namespace

std::vector<Command> packageCommands() {
  return {
      {"package", "seal", "DIR", "list every file of DIR with its size and SHA-256 in DIR/manifest.json", &seal},
      {"package", "sign", "--key FILE --key-id ID DIR", "sign DIR/manifest.json into DIR/manifest.sig", &sign},
      {"package", "verify", "--trust FILE DIR", "check the signature and every file of a package", &verify},
  };
}

}  // namespace outpost::ctl
