#pragma once

// Signed packages: one mechanism for everything an admin pushes to a site — rule
// bundles (kind "rules"), content packages ("content") and configuration ("config").
//
// A package is a directory:
//
//   manifest.json   {"kind": "rules", "id": "default", "version": 7,
//                    "files": [{"path": "main.lua", "size": 1234, "sha256": "…"}, …],
//                    …fields of the kind…}
//   manifest.sig    {"alg": "ed25519", "key_id": "hq-rules-2026", "signature": "…"}
//   main.lua …      the files the manifest lists (paths relative, '/'-separated)
//
// The signature covers the exact bytes of manifest.json, and the manifest pins every
// file by size and SHA-256, so one signature check plus one digest per file proves
// the whole package. Verification order is fixed: the signature first (nothing in an
// unsigned manifest is even parsed beyond JSON), then the common fields, then each
// file. Files not listed are ignored, never used. Over the sync downlink the same
// manifest travels and files are fetched by their digest.
//
// Producers use sealPackageDir() (fills in "files" from the directory) and
// signPackageDir() (writes manifest.sig) — `outpostctl package seal|sign|verify`.
//
// Thread-safety: stateless functions.

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "codec/json.h"
#include "core/status.h"
#include "signing/trust_store.h"

namespace outpost::signing {

struct PackageFile {
  std::string path;
  uint64_t size = 0;
  std::string sha256;  // lowercase hex
};

struct PackageLimits {
  size_t max_manifest_bytes = 1024 * 1024;
  size_t max_files = 4096;
  uint64_t max_file_bytes = 256ull * 1024 * 1024;
  uint64_t max_total_bytes = 2ull * 1024 * 1024 * 1024;
};

struct VerifiedManifest {
  std::string kind;
  std::string id;
  int64_t version = 0;
  std::vector<PackageFile> files;
  std::string key_id;             // who signed it
  std::string raw;                // the exact bytes that were signed
  Poco::JSON::Object::Ptr json;   // for the kind's own fields (readCommonFields + finish)
};

// The kinds a package may have.
bool isKnownKind(std::string_view kind);
// A relative '/'-separated path without "", ".", ".." segments, NUL, backslash or a
// leading '/', at most 255 bytes, and not manifest.json / manifest.sig.
bool isSafePackagePath(std::string_view path);

// Reads the common fields (kind, id, version, files) with `r`, so a kind's reader
// can read its own fields with the same reader and call finish().
void readCommonFields(codec::JsonReader& r, VerifiedManifest& m, const PackageLimits& limits = {});

// The signature, then the common fields. Errors say what is wrong and where
// ("/files/3/sha256", "manifest.sig /key_id", …).
Result<VerifiedManifest> verifyManifest(std::string_view manifest_json, std::string_view signature_json,
                                        const TrustStore& trust, const PackageLimits& limits = {});
// The file's size and digest against the manifest.
Status verifyFile(const PackageFile& f, std::string_view bytes);

struct VerifiedPackage {
  VerifiedManifest manifest;
  std::map<std::string, std::string> files;  // path → bytes (every listed file)
};
// Reads and verifies a whole package into memory (rule bundles, small packages).
Result<VerifiedPackage> readPackageDir(const std::string& dir, const TrustStore& trust,
                                       const PackageLimits& limits = {});
// Verifies the listed files on disk without keeping them (content with media).
Status verifyPackageFiles(const std::string& dir, const VerifiedManifest& manifest);

// Producer side. Rewrites manifest.json's "files" with every regular file under `dir`
// (except manifest.*), sorted by path; other fields are kept in their order.
Status sealPackageDir(const std::string& dir);
// Signs manifest.json as it is and writes manifest.sig.
Status signPackageDir(const std::string& dir, std::string_view private_pem, const std::string& key_id);

// Reads a whole small file (at most `max_bytes`); errors name the path.
Result<std::string> readSmallFile(const std::string& path, uint64_t max_bytes);

}  // namespace outpost::signing
