// outpostctl config build: a site configuration package (kind "config",
// storage/site_config.h) from a site-config.json, checked as the appliance will check
// it; `outpostctl package sign` signs it and `outpost-hub publish` offers it to the site.

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ctl/command.h"
#include "signing/package.h"
#include "site/directory.h"
#include "codec/site_config_codec.h"
#include "storage/site_config.h"

namespace outpost::ctl {
namespace {

namespace fs = std::filesystem;

Status build(const Args& args) {
  OUTPOST_RETURN_IF_ERROR(args.only({"--site", "--version", "--id", "--from", "--out"}));
  if (!args.positional().empty()) return Status::invalidArgument("takes no positional arguments");
  auto site = args.required("--site");
  if (!site.isOk()) return site.status();
  auto version_text = args.required("--version");
  if (!version_text.isOk()) return version_text.status();
  auto from = args.required("--from");
  if (!from.isOk()) return from.status();
  auto out = args.required("--out");
  if (!out.isOk()) return out.status();
  const std::string id = args.optional("--id", "site");
  OUTPOST_RETURN_IF_ERROR(site::validateId(id, "--id"));
  int64_t version = 0;
  try {
    size_t used = 0;
    version = std::stoll(*version_text, &used);
    if (used != version_text->size() || version < 1) throw std::invalid_argument("version");
  } catch (...) {
    return Status::invalidArgument("must be a whole number from 1", "--version");
  }
  auto doc = signing::readSmallFile(*from, storage::kMaxSiteConfigBytes);
  if (!doc.isOk()) return doc.status();
  auto config = codec::decodeSiteConfig(*doc);
  if (!config.isOk()) return config.status().under(*from + " ");
  if (config->site_id != *site) {
    return Status::invalidArgument("is \"" + config->site_id + "\", --site says \"" + *site + "\"", *from + " /site_id");
  }
  std::error_code ec;
  if (fs::exists(*out, ec) && !fs::is_empty(*out, ec)) return Status::alreadyExists("is not empty", *out);
  fs::create_directories(*out, ec);
  if (ec) return Status::internal("cannot create " + *out + ": " + ec.message());
  std::ofstream(*out + "/site-config.json", std::ios::binary) << *doc;
  std::ofstream(*out + "/manifest.json") << "{\"kind\": \"config\", \"id\": \"" << id << "\", \"version\": " << version
                                         << ", \"files\": []}\n";
  OUTPOST_RETURN_IF_ERROR(signing::sealPackageDir(*out));
  std::printf("built configuration %s v%lld for site %s in %s (%zu skills, %zu queues, %zu wrap-up codes, "
              "%zu not-ready reasons%s); sign it with outpostctl package sign\n",
              id.c_str(), static_cast<long long>(version), site->c_str(), out->c_str(), config->skills.size(),
              config->queues.size(), config->wrapup_codes.size(), config->not_ready_reasons.size(),
              config->site ? ", site settings" : "");
  return Status::ok();
}

}  // namespace

std::vector<Command> configCommands() {
  return {
      {"config", "build", "--site ID --version N [--id ID] --from site-config.json --out DIR",
       "a site configuration package (skills, queues, wrap-up codes, …) for the sync downlink", &build},
  };
}

}  // namespace outpost::ctl
