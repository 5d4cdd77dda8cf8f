#include "signing/package.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "signing/digest.h"
#include "signing/ed25519.h"

namespace outpost::signing {
namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.sig";

Status prefixed(const Status& s, const std::string& file) {
  return Status(s.code(), s.message(), file + (s.where().empty() ? "" : " " + s.where()));
}

Status writeFileAtomically(const fs::path& path, std::string_view bytes) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return Status(StatusCode::kUnavailable, "cannot write", tmp.string());
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return Status(StatusCode::kUnavailable, "cannot rename: " + ec.message(), path.string());
  return Status::ok();
}

}  // namespace

bool isKnownKind(std::string_view kind) {
  return kind == "rules" || kind == "content" || kind == "config" || kind == "keyset";
}

bool isSafePackagePath(std::string_view path) {
  if (path.empty() || path.size() > 255 || path.front() == '/') return false;
  if (path == kManifest || path == kSignature) return false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view seg = path.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    for (char c : seg) {
      if (c == '\0' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    start = end + 1;
    if (end == path.size()) break;
  }
  return true;
}

void readCommonFields(codec::JsonReader& r, VerifiedManifest& m, const PackageLimits& limits) {
  r.string("kind", m.kind, true).string("id", m.id, true);
  double version = 0;
  r.number("version", version, true, 1, 9007199254740991.0);
  if (r.ok() && version != static_cast<double>(static_cast<int64_t>(version))) {
    r.fail(Status::invalidArgument("must be a whole number", "/version"));
  }
  m.version = static_cast<int64_t>(version);
  if (r.ok() && !isKnownKind(m.kind)) {
    r.fail(Status::invalidArgument("unknown kind \"" + m.kind + "\" (rules, content, config or keyset)", "/kind"));
  }
  if (r.ok() && (m.id.empty() || m.id.size() > 64 || !isValidKeyId(m.id))) {
    r.fail(Status::invalidArgument("must be 1–64 of A–Z a–z 0–9 . _ -", "/id"));
  }
  m.files.clear();
  std::set<std::string> seen;
  uint64_t total = 0;
  r.objectArray("files", true, limits.max_files, [&](codec::JsonReader& f, size_t i) {
    PackageFile pf;
    double size = -1;
    f.string("path", pf.path, true)
        .number("size", size, true, 0, static_cast<double>(limits.max_file_bytes))
        .string("sha256", pf.sha256, true);
    const std::string at = "/files/" + std::to_string(i);
    if (!f.ok()) return;
    if (size != static_cast<double>(static_cast<uint64_t>(size))) {
      f.fail(Status::invalidArgument("must be a whole number", at + "/size"));
      return;
    }
    pf.size = static_cast<uint64_t>(size);
    if (!isSafePackagePath(pf.path)) {
      f.fail(Status::invalidArgument("not a safe relative path", at + "/path"));
    } else if (!seen.insert(pf.path).second) {
      f.fail(Status::invalidArgument("\"" + pf.path + "\" is listed twice", at + "/path"));
    } else if (!isSha256Hex(pf.sha256)) {
      f.fail(Status::invalidArgument("must be 64 lowercase hex digits", at + "/sha256"));
    } else if ((total += pf.size) > limits.max_total_bytes) {
      f.fail(Status::invalidArgument("the files add up to more than the package limit", at + "/size"));
    }
    m.files.push_back(std::move(pf));
  });
}

Result<VerifiedManifest> verifyManifest(std::string_view manifest_json, std::string_view signature_json,
                                        const TrustStore& trust, const PackageLimits& limits) {
  if (manifest_json.size() > limits.max_manifest_bytes) {
    return Status::invalidArgument("larger than " + std::to_string(limits.max_manifest_bytes) + " bytes", kManifest);
  }
  auto sig = parseSignature(signature_json);
  if (!sig.isOk()) return prefixed(sig.status(), kSignature);
  if (Status s = trust.verify(manifest_json, *sig); !s.isOk()) return prefixed(s, kSignature);
  auto object = codec::JsonReader::parseObject(manifest_json);
  if (!object.isOk()) return prefixed(object.status(), kManifest);
  VerifiedManifest m;
  codec::JsonReader r(*object);
  readCommonFields(r, m, limits);
  if (!r.ok()) {
    // The first error: finish() would also flag the kind's fields, which are not ours.
    Status s = r.finish();
    return prefixed(s, kManifest);
  }
  m.key_id = sig->key_id;
  m.raw = std::string(manifest_json);
  m.json = *object;
  return m;
}

Status verifyFile(const PackageFile& f, std::string_view bytes) {
  if (bytes.size() != f.size) {
    return Status::invalidArgument("is " + std::to_string(bytes.size()) + " bytes, the manifest says " +
                                       std::to_string(f.size),
                                   f.path);
  }
  if (sha256Hex(bytes) != f.sha256) return Status::invalidArgument("SHA-256 does not match the manifest", f.path);
  return Status::ok();
}

Result<std::string> readSmallFile(const std::string& path, uint64_t max_bytes) {
  std::error_code ec;
  const auto status = fs::symlink_status(path, ec);
  if (ec || !fs::is_regular_file(status)) return Status::notFound("missing or not a regular file", path);
  const uint64_t size = fs::file_size(path, ec);
  if (ec) return Status::notFound("cannot stat: " + ec.message(), path);
  if (size > max_bytes) {
    return Status::invalidArgument("larger than " + std::to_string(max_bytes) + " bytes", path);
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (!in || static_cast<uint64_t>(in.gcount()) != size) return Status(StatusCode::kUnavailable, "read error", path);
  return bytes;
}

Result<VerifiedPackage> readPackageDir(const std::string& dir, const TrustStore& trust,
                                       const PackageLimits& limits) {
  const fs::path root(dir);
  auto manifest = readSmallFile((root / kManifest).string(), limits.max_manifest_bytes);
  if (!manifest.isOk()) return manifest.status();
  auto sig = readSmallFile((root / kSignature).string(), 4096);
  if (!sig.isOk()) return sig.status();
  auto m = verifyManifest(*manifest, *sig, trust, limits);
  if (!m.isOk()) return m.status();
  VerifiedPackage pkg;
  for (const PackageFile& f : m->files) {
    auto bytes = readSmallFile((root / f.path).string(), f.size);
    if (!bytes.isOk()) return Status(bytes.status().code(), bytes.status().message(), f.path);
    OUTPOST_RETURN_IF_ERROR(verifyFile(f, *bytes));
    pkg.files.emplace(f.path, std::move(*bytes));
  }
  pkg.manifest = std::move(*m);
  return pkg;
}

Status verifyPackageFiles(const std::string& dir, const VerifiedManifest& manifest) {
  for (const PackageFile& f : manifest.files) {
    const fs::path p = fs::path(dir) / f.path;
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(p, ec))) return Status::notFound("missing or not a regular file", f.path);
    uint64_t size = 0;
    auto digest = sha256HexOfFile(p.string(), &size);
    if (!digest.isOk()) return Status(digest.status().code(), digest.status().message(), f.path);
    if (size != f.size) {
      return Status::invalidArgument("is " + std::to_string(size) + " bytes, the manifest says " + std::to_string(f.size),
                                     f.path);
    }
    if (*digest != f.sha256) return Status::invalidArgument("SHA-256 does not match the manifest", f.path);
  }
  return Status::ok();
}

Status sealPackageDir(const std::string& dir) {
  const fs::path root(dir);
  auto text = readSmallFile((root / kManifest).string(), PackageLimits{}.max_manifest_bytes);
  if (!text.isOk()) return text.status();
  Poco::JSON::Object::Ptr object;
  try {
    Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
    object = parser.parse(*text).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    return Status::invalidArgument("not a JSON object: " + e.displayText(), kManifest);
  } catch (const std::exception& e) {
    return Status::invalidArgument(std::string("not a JSON object: ") + e.what(), kManifest);
  }
  if (!object) return Status::invalidArgument("not a JSON object", kManifest);
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), root).generic_string();
    if (rel == kManifest || rel == kSignature) continue;
    if (!isSafePackagePath(rel)) return Status::invalidArgument("not a safe package path", rel);
    paths.push_back(rel);
  }
  if (ec) return Status(StatusCode::kUnavailable, "cannot list: " + ec.message(), dir);
  std::sort(paths.begin(), paths.end());
  Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
  for (const std::string& rel : paths) {
    uint64_t size = 0;
    auto digest = sha256HexOfFile((root / rel).string(), &size);
    if (!digest.isOk()) return digest.status();
    Poco::JSON::Object::Ptr f = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    f->set("path", rel);
    f->set("size", size);
    f->set("sha256", *digest);
    files->add(f);
  }
  object->set("files", files);
  std::ostringstream out;
  object->stringify(out, 2);
  out << "\n";
  return writeFileAtomically(root / kManifest, out.str());
}

Status signPackageDir(const std::string& dir, std::string_view private_pem, const std::string& key_id) {
  if (!isValidKeyId(key_id)) return Status::invalidArgument("not a valid key id", "--key-id");
  const fs::path root(dir);
  auto text = readSmallFile((root / kManifest).string(), PackageLimits{}.max_manifest_bytes);
  if (!text.isOk()) return text.status();
  // Refuse to sign what a site would refuse to read.
  auto object = codec::JsonReader::parseObject(*text);
  if (!object.isOk()) return prefixed(object.status(), kManifest);
  VerifiedManifest m;
  codec::JsonReader r(*object);
  readCommonFields(r, m);
  if (!r.ok()) return prefixed(r.finish(), kManifest);
  auto sig = signMessage(private_pem, *text);
  if (!sig.isOk()) return sig.status();
  return writeFileAtomically(root / kSignature, formatSignature(Signature{key_id, *sig}));
}

}  // namespace outpost::signing
