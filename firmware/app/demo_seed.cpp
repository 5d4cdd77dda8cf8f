#include "app/demo_seed.h"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <sstream>

#include "auth/password.h"
#include "auth/token.h"
#include "site/demo.h"
#include "storage/directory_store.h"

namespace outpost::app {
namespace {

Status seedRows(storage::Database& db, const site::DemoSite& demo, const std::vector<std::string>& hashes,
                WallTime now) {
  using namespace storage;
  OUTPOST_RETURN_IF_ERROR(saveSite(db, demo.site, now));
  for (const auto& v : demo.skills) OUTPOST_RETURN_IF_ERROR(insert(db, v, now));
  for (const auto& v : demo.agents) OUTPOST_RETURN_IF_ERROR(insert(db, v, now));
  for (const auto& v : demo.queues) OUTPOST_RETURN_IF_ERROR(insert(db, v, now));
  for (const auto& v : demo.wrapup_codes) OUTPOST_RETURN_IF_ERROR(insert(db, v, now));
  for (const auto& v : demo.not_ready_reasons) OUTPOST_RETURN_IF_ERROR(insert(db, v, now));
  for (size_t i = 0; i < demo.users.size(); ++i) {
    OUTPOST_RETURN_IF_ERROR(insert(db, demo.users[i], now));
    OUTPOST_RETURN_IF_ERROR(setPasswordHash(db, demo.users[i].username, hashes[i], now));
  }
  return appendAudit(db, AuditEntry{0, now, "system", "create", "site", demo.site.site_code, std::nullopt,
                                    std::string("{\"seed\":\"demo\"}"), ""});
}

}  // namespace

Result<std::vector<DemoLogin>> seedDemo(storage::Database& db, WallTime now, int pbkdf2_iterations) {
  const site::DemoSite& demo = site::demoSite();
  std::vector<DemoLogin> logins;
  std::vector<std::future<std::string>> hashing;
  for (const auto& u : demo.users) {
    DemoLogin l{u.username, "demo-" + auth::newToken().substr(0, 10), std::string(site::roleName(u.role))};
    // Hashing dominates a demo start; spread it over the cores.
    hashing.push_back(std::async(std::launch::async, [pw = l.password, pbkdf2_iterations] {
      return auth::hashPassword(pw, pbkdf2_iterations);
    }));
    logins.push_back(std::move(l));
  }
  std::vector<std::string> hashes;
  for (auto& f : hashing) hashes.push_back(f.get());

  OUTPOST_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  Status s = seedRows(db, demo, hashes, now);
  if (s.isOk()) s = db.exec("COMMIT");
  if (!s.isOk()) {
    (void)db.exec("ROLLBACK");
    return Status(s.code(), "seeding the demo site failed: " + s.message(), s.where());
  }
  return logins;
}

Status writeDemoLogins(const std::string& path, const std::vector<DemoLogin>& logins) {
  std::ostringstream text;
  text << "# Outpost demo logins: username password role\n";
  for (const auto& l : logins) text << l.username << ' ' << l.password << ' ' << l.role << '\n';
  const std::string data = text.str();
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::unavailable("cannot write " + tmp);
  const bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return Status::unavailable("cannot write " + path);
  return Status::ok();
}

Result<std::vector<DemoLogin>> readDemoLogins(const std::string& path) {
  std::ifstream in(path);
  std::vector<DemoLogin> out;
  if (!in) return out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    DemoLogin l;
    if (!(fields >> l.username >> l.password >> l.role)) {
      return Status::invalidArgument("malformed line \"" + line + "\"", path);
    }
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace outpost::app
