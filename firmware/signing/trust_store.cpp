#include "signing/trust_store.h"

#include <fstream>
#include <sstream>

#include "codec/json.h"
#include "signing/ed25519.h"

namespace outpost::signing {
namespace {

constexpr size_t kMaxSignatureJson = 4096;
constexpr size_t kMaxTrustFile = 1024 * 1024;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool isValidKeyId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<Signature> parseSignature(std::string_view json) {
  if (json.size() > kMaxSignatureJson) {
    return Status::invalidArgument("manifest.sig is larger than " + std::to_string(kMaxSignatureJson) + " bytes");
  }
  auto object = codec::JsonReader::parseObject(json);
  if (!object.isOk()) return object.status();
  codec::JsonReader r(*object);
  std::string alg;
  Signature sig;
  r.string("alg", alg, true).string("key_id", sig.key_id, true).string("signature", sig.signature_b64, true);
  OUTPOST_RETURN_IF_ERROR(r.finish());
  if (alg != "ed25519") return Status::invalidArgument("unsupported algorithm \"" + alg + "\" (ed25519 only)", "/alg");
  if (!isValidKeyId(sig.key_id)) return Status::invalidArgument("not a valid key id", "/key_id");
  return sig;
}

std::string formatSignature(const Signature& sig) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("alg", "ed25519");
  o->set("key_id", sig.key_id);
  o->set("signature", sig.signature_b64);
  return codec::toJson(o) + "\n";
}

std::string TrustStore::line(const std::string& key_id, const std::string& public_b64) {
  return key_id + " ed25519 " + public_b64;
}

Status TrustStore::add(const std::string& key_id, const std::string& public_b64) {
  if (!isValidKeyId(key_id)) return Status::invalidArgument("not a valid key id (1–64 of A–Z a–z 0–9 . _ -)");
  // A key that cannot verify anything is an error now, not at the first package.
  OUTPOST_RETURN_IF_ERROR(checkPublicKey(public_b64));
  if (!keys_.emplace(key_id, public_b64).second) {
    return Status::alreadyExists("key id \"" + key_id + "\" is listed twice");
  }
  return Status::ok();
}

Result<TrustStore> TrustStore::parse(std::string_view text, const std::string& name) {
  if (text.size() > kMaxTrustFile) return Status::invalidArgument("the trust file is larger than 1 MiB", name);
  TrustStore store;
  size_t lineno = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineno;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) {
      if (end == text.size()) break;
      continue;
    }
    std::istringstream in{std::string(line)};
    std::string id, alg, key, extra;
    in >> id >> alg >> key;
    const std::string where = name + ":" + std::to_string(lineno);
    if (key.empty() || (in >> extra)) {
      return Status::invalidArgument("expected \"<key id> ed25519 <public key>\"", where);
    }
    if (alg != "ed25519") return Status::invalidArgument("unsupported algorithm \"" + alg + "\"", where);
    const Status s = store.add(id, key);
    if (!s.isOk()) return Status(s.code(), s.message(), where);
    if (end == text.size()) break;
  }
  return store;
}

Result<TrustStore> TrustStore::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::notFound("cannot read the trust file", path);
  std::ostringstream text;  // (istreambuf_iterator trips GCC 12's -Wnull-dereference at -O2)
  text << in.rdbuf();
  return parse(text.str(), path);
}

Status TrustStore::verify(std::string_view bytes, const Signature& sig) const {
  auto it = keys_.find(sig.key_id);
  if (it == keys_.end()) return Status::permissionDenied("signed by key \"" + sig.key_id + "\", which this site does not trust");
  const Status s = verifyMessage(it->second, bytes, sig.signature_b64);
  if (!s.isOk()) return Status::permissionDenied(s.message() + " (key \"" + sig.key_id + "\")");
  return Status::ok();
}

}  // namespace outpost::signing
