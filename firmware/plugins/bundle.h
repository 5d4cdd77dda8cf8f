#pragma once

// Rule bundles: signed packages of kind "rules" (docs/packages.md) with these
// fields besides kind, id, version and files (docs/plugin-api.md):
//
//   "site":    the site code it is for, or "group:<name>" for a site group
//   "api":     the plugin API version it needs (this build speaks kApiVersion)
//   "expires": RFC 3339 UTC; refused after it
//   "hooks":   the hooks it implements (classify_contact, rank_candidates, on_event, ivr_action)
//   "sources": the Lua files, in load order (each listed in "files")
//   "config":  {"<name>": {"type": "string|number|integer|boolean", "default": …}}
//   "vectors": the test-vector file (listed in "files"), run before activation
//   "flow":    optional: an IVR flow (JSON, listed in "files"); decoded and validated
//              here, it replaces the site's configured flow while the bundle is active
//   "training_data": optional: labelled utterances (intent<TAB>utterance, listed in
//              "files") for the flow's intent nodes; the appliance trains its model from
//              them when the bundle becomes active (docs/ivr.md "Flows in bundles")
//
// Verification order, stopping at the first problem with its reason: size caps →
// signature (trusted key) → kind and fields → site → API → expiry → every file's
// size and SHA-256. Compiling and the vectors come next (RuleSet::build).
//
// Thread-safety: stateless functions; Bundle is a value.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "ivr/dataset.h"
#include "ivr/flow.h"
#include "plugins/value.h"
#include "signing/package.h"
#include "signing/trust_store.h"

namespace outpost::plugins {

inline constexpr int kApiVersion = 1;

struct ConfigField {
  std::string name;
  std::string type;  // string, number, integer, boolean
  Value default_value;
};

// One test vector: a hook's input and the result it must give (after validation).
struct TestVector {
  std::string name;
  std::string hook;
  Value contact;
  Value candidates;  // rank_candidates only
  Value ctx;         // extra ctx fields (e.g. now)
  Value event;       // on_event only
  Value expect;
  Value session;     // ivr_action only
  Value input;       // ivr_action only
};

struct Bundle {
  std::string id;
  int64_t version = 0;
  std::string site;
  int api = 0;
  WallTime expires{};
  std::string key_id;
  std::string manifest_sha256;
  std::vector<std::string> hooks;
  std::vector<std::string> sources;
  std::vector<ConfigField> config;
  std::string vectors_path;
  std::map<std::string, std::string> files;  // path → bytes (the listed files)
  std::string raw_manifest;                  // manifest.json and manifest.sig as signed
  std::string raw_signature;
  std::vector<TestVector> vectors;
  std::string flow_path;                  // "" when the bundle carries no IVR flow
  std::shared_ptr<const ivr::Flow> flow;  // decoded and validated
  std::string training_path;              // "" when the bundle carries no training data
  std::vector<ivr::Example> training;     // parsed and checked (intent codes, UTF-8)

  // The declared config's defaults as an object.
  Value configValues() const;
};

// Where the bundle is being installed.
struct InstallTarget {
  std::string site;                      // this appliance's site code
  std::vector<std::string> site_groups;  // groups it belongs to
  WallTime now{};
};

signing::PackageLimits bundleLimits();

// Verifies a bundle held in memory: `files` has manifest.json, manifest.sig and the
// listed files (others are ignored).
Result<Bundle> verifyBundle(const std::map<std::string, std::string>& files, const signing::TrustStore& trust,
                            const InstallTarget& target);
// The same from a directory.
Result<Bundle> readBundleDir(const std::string& dir, const signing::TrustStore& trust, const InstallTarget& target);

// "2026-12-31T23:59:59Z" (fraction optional).
Result<WallTime> parseRfc3339(const std::string& text);

}  // namespace outpost::plugins
