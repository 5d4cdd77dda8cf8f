// outpostctl bundle …: build, sign, verify and test rule bundles (docs/plugin-api.md).
// `bundle test` compiles the bundle in the same sandbox as the appliance and runs
// every test vector, printing expected/actual for each one that fails.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "codec/json.h"
#include "ctl/command.h"
#include "plugins/rules.h"
#include "signing/ed25519.h"
#include "signing/package.h"

namespace outpost::ctl {
namespace {

namespace fs = std::filesystem;

Result<std::string> onlyDir(const Args& args) {
  if (args.positional().size() != 1) return Status::invalidArgument("expects one bundle directory");
  return args.positional()[0];
}

WallTime wallNow() {
  return fromEpochMillis(std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count());
}

// The "site" field of DIR/manifest.json (unverified; only to pick the test target).
Result<std::string> manifestSite(const std::string& dir) {
  auto text = signing::readSmallFile(dir + "/manifest.json", plugins::bundleLimits().max_manifest_bytes);
  if (!text) return text.status();
  auto object = codec::JsonReader::parseObject(*text);
  if (!object) return Status(object.status().code(), object.status().message(), "manifest.json");
  if (!(*object)->has("site") || !(*object)->get("site").isString()) {
    return Status::invalidArgument("must be a string", "manifest.json /site");
  }
  return (*object)->getValue<std::string>("site");
}

plugins::InstallTarget targetFor(const std::string& site) {
  plugins::InstallTarget t;
  t.site = site;
  if (site.rfind("group:", 0) == 0) t.site_groups.push_back(site.substr(6));
  t.now = wallNow();
  return t;
}

// Compiles a verified bundle and runs its vectors; prints each failure. Error if any fails.
Status compileAndTest(plugins::Bundle bundle, bool verbose) {
  SimulatedClock clock(wallNow());
  const std::string id = bundle.id;
  auto rules = plugins::RuleSet::build(std::move(bundle), clock, plugins::Limits{}, 1);
  if (!rules) return Status(rules.status().code(), "does not compile: " + rules.status().message(), rules.status().where());
  size_t failed = 0;
  const auto outcomes = (*rules)->runVectors();
  for (const auto& o : outcomes) {
    if (o.passed) {
      if (verbose) std::printf("  ok    %s\n", o.where.c_str());
      continue;
    }
    ++failed;
    std::printf("  FAIL  %s [%s]\n", o.where.c_str(), o.hook.c_str());
    std::printf("        expected: %s\n", o.expected.c_str());
    if (o.error.empty()) {
      std::printf("        actual:   %s\n", o.got.c_str());
    } else {
      std::printf("        error:    %s\n", o.error.c_str());
    }
  }
  std::printf("%s: %zu vectors, %zu passed, %zu failed\n", id.c_str(), outcomes.size(), outcomes.size() - failed, failed);
  if (failed) return Status::failedPrecondition(std::to_string(failed) + " test vector(s) failed");
  return Status::ok();
}

Status build(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({}));
  auto dir = onlyDir(args);
  if (!dir) return dir.status();
  OUTPOST_RETURN_IF_ERROR(signing::sealPackageDir(*dir));
  std::printf("sealed %s/manifest.json (files with sizes and SHA-256)\n", dir->c_str());
  return Status::ok();
}

Status sign(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--key", "--key-id"}));
  auto dir = onlyDir(args);
  if (!dir) return dir.status();
  auto key_path = args.required("--key");
  if (!key_path) return key_path.status();
  // Default key id: the key file's name without ".key" (as `keys generate` writes it).
  const std::string key_id = args.optional("--key-id", fs::path(*key_path).stem().string());
  auto pem = signing::readSmallFile(*key_path, 16 * 1024);
  if (!pem) return pem.status();
  OUTPOST_RETURN_IF_ERROR(signing::signPackageDir(*dir, *pem, key_id));
  std::printf("signed %s/manifest.json with key %s\n", dir->c_str(), key_id.c_str());
  return Status::ok();
}

// Every install check (signature, site, API, expiry, files, compile, vectors) without installing.
Status verify(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--trust", "--site"}));
  auto dir = onlyDir(args);
  if (!dir) return dir.status();
  auto trust_path = args.required("--trust");
  if (!trust_path) return trust_path.status();
  auto trust = signing::TrustStore::load(*trust_path);
  if (!trust) return trust.status();
  std::string site = args.optional("--site");
  if (site.empty()) {
    auto s = manifestSite(*dir);
    if (!s) return s.status();
    site = *s;
  }
  auto bundle = plugins::readBundleDir(*dir, *trust, targetFor(site));
  if (!bundle) return bundle.status();
  const std::string summary = bundle->id + " version " + std::to_string(bundle->version) + ", signed by " +
                              bundle->key_id + ", for site " + bundle->site;
  OUTPOST_RETURN_IF_ERROR(compileAndTest(std::move(*bundle), false));
  std::printf("ok: %s; it would install on site %s\n", summary.c_str(), site.c_str());
  return Status::ok();
}

// Seals and signs a copy of DIR with a throw-away key, then runs the appliance's checks
// and every vector: the files as they are now, no key needed.
Status test(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({}));
  auto dir = onlyDir(args);
  if (!dir) return dir.status();
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) return Status::notFound("not a directory", *dir);
  const fs::path tmp = fs::temp_directory_path() / ("outpostctl-bundle-test-" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  fs::copy(*dir, tmp, fs::copy_options::recursive, ec);
  if (ec) return Status(StatusCode::kUnavailable, "cannot copy: " + ec.message(), *dir);
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(p, e);
    }
  } cleanup{tmp};
  fs::remove(tmp / "manifest.sig", ec);
  Status st = [&]() -> Status {
    OUTPOST_RETURN_IF_ERROR(signing::sealPackageDir(tmp.string()));
    auto pair = signing::generateKeyPair();
    if (!pair) return pair.status();
    OUTPOST_RETURN_IF_ERROR(signing::signPackageDir(tmp.string(), pair->private_pem, "bundle-test"));
    signing::TrustStore trust;
    OUTPOST_RETURN_IF_ERROR(trust.add("bundle-test", pair->public_b64));
    auto site = manifestSite(tmp.string());
    if (!site) return site.status();
    auto bundle = plugins::readBundleDir(tmp.string(), trust, targetFor(*site));
    if (!bundle) return bundle.status();
    return compileAndTest(std::move(*bundle), true);
  }();
  return st;
}

}  // namespace

std::vector<Command> bundleCommands() {
  return {
      {"bundle", "build", "DIR", "seal DIR/manifest.json: every file with its size and SHA-256", &build},
      {"bundle", "sign", "--key FILE [--key-id ID] DIR",
       "sign DIR/manifest.json into DIR/manifest.sig (key id defaults to the key file's name)", &sign},
      {"bundle", "verify", "--trust FILE [--site S] DIR",
       "every install check (signature, site, API, expiry, files, compile, vectors) without installing", &verify},
      {"bundle", "test", "DIR", "compile DIR in the appliance's sandbox and run its test vectors (diff on failure)",
       &test},
  };
}

}  // namespace outpost::ctl
