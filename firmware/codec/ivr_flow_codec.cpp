#include "codec/ivr_flow_codec.h"

#include <vector>

#include "codec/json.h"

namespace outpost::codec {
namespace {

void text(JsonReader& r, const std::string& key, ivr::Text& out, bool required) {
  r.object(key, required, [&](JsonReader& t) {
    t.string("zh-CN", out.zh, true);
    t.string("en", out.en, true);
  });
}

void skills(JsonReader& r, std::vector<ivr::SkillNeed>& out) {
  r.objectArray("skills", false, 32, [&](JsonReader& s, size_t) {
    ivr::SkillNeed need;
    s.string("skill", need.skill, true);
    s.integer("level", need.level, false, 1, 5);
    out.push_back(need);
  });
}

void node(JsonReader& r, ivr::Node& n, std::vector<std::string>& ids, size_t index) {
  // JsonReader::fail takes full paths.
  const std::string at = "/nodes/" + std::to_string(index);
  r.string("id", n.id, true);
  if (ids.size() <= index) ids.resize(index + 1);
  ids[index] = n.id;
  std::string kind;
  r.string("kind", kind, true);
  if (!r.ok()) return;
  if (!ivr::parseNodeKind(kind, n.kind)) {
    r.fail(Status::invalidArgument(
        "must be one of menu, prompt, collect, intent, answer, survey, transfer, hangup", at + "/kind"));
    return;
  }
  text(r, "prompt", n.prompt, n.kind != ivr::NodeKind::kTransfer);
  const bool waits = n.kind == ivr::NodeKind::kMenu || n.kind == ivr::NodeKind::kCollect ||
                     n.kind == ivr::NodeKind::kIntent || n.kind == ivr::NodeKind::kAnswer ||
                     n.kind == ivr::NodeKind::kSurvey;
  if (waits) {
    r.objectArray("reprompts", false, 10, [&](JsonReader& t, size_t) {
      ivr::Text x;
      t.string("zh-CN", x.zh, true);
      t.string("en", x.en, true);
      n.reprompts.push_back(std::move(x));
    });
    r.integer("max_attempts", n.max_attempts, false, 1, 10);
    r.boolean("human_escape", n.human_escape, false);
    r.string("hook", n.hook, false);
  }
  switch (n.kind) {
    case ivr::NodeKind::kMenu:
      r.objectArray("options", true, 12, [&](JsonReader& o, size_t) {
        ivr::MenuOption opt;
        o.string("digit", opt.digit, true);
        o.string("next", opt.next, true);
        o.string("segment", opt.segment, false);
        n.options.push_back(std::move(opt));
      });
      break;
    case ivr::NodeKind::kPrompt:
    case ivr::NodeKind::kSurvey:
      r.string("next", n.next, true);
      break;
    case ivr::NodeKind::kCollect: {
      r.string("slot", n.slot, true);
      std::string input = "digits";
      r.string("input", input, false);
      if (input != "digits" && input != "text") {
        r.fail(Status::invalidArgument("must be digits or text", at + "/input"));
      }
      n.digits = input == "digits";
      r.integer("min_length", n.min_length, false, 1, 256);
      r.integer("max_length", n.max_length, false, 1, 256);
      r.string("pattern", n.pattern, false);
      r.boolean("luhn", n.luhn, false);
      r.string("next", n.next, true);
      break;
    }
    case ivr::NodeKind::kIntent:
      r.objectArray("routes", true, 128, [&](JsonReader& o, size_t j) {
        std::string intent, next;
        o.string("intent", intent, true);
        o.string("next", next, true);
        if (o.ok() && !n.routes.emplace(intent, next).second) {
          o.fail(Status::invalidArgument("intent routed twice", at + "/routes/" + std::to_string(j) + "/intent"));
        }
      });
      break;
    case ivr::NodeKind::kAnswer:
      r.string("article", n.article, true);
      r.string("next", n.next, true);
      r.string("not_helped", n.not_helped, false);
      break;
    case ivr::NodeKind::kTransfer:
      r.string("queue", n.queue, true);
      r.string("chat_queue", n.chat_queue, false);
      skills(r, n.skills);
      r.string("segment", n.segment, false);
      r.integer("priority", n.priority, false, 0, 100);
      break;
    case ivr::NodeKind::kHangup:
      r.string("outcome", n.outcome, false);
      break;
  }
}

// "/nodes/3/options/0" → "/nodes/<id of node 3>/options/0", so errors name the node.
std::string nameNode(const std::string& where, const std::vector<std::string>& ids) {
  const std::string prefix = "/nodes/";
  if (where.compare(0, prefix.size(), prefix) != 0) return where;
  const size_t end = where.find('/', prefix.size());
  const std::string index = where.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
  if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos || index.size() > 4) return where;
  const size_t i = std::stoul(index);
  if (i >= ids.size() || ids[i].empty()) return where;
  return prefix + ids[i] + (end == std::string::npos ? "" : where.substr(end));
}

}  // namespace

Result<ivr::Flow> decodeFlow(std::string_view json) {
  auto body = JsonReader::parseObject(json);
  if (!body) return body.status();
  ivr::Flow flow;
  std::vector<std::string> ids;
  JsonReader r(*body);
  r.string("id", flow.id, true);
  r.integer("version", flow.version, true, 1, 1'000'000);
  r.string("start", flow.start, true);
  r.string("human", flow.human, true);
  r.boolean("human_escape", flow.human_escape, false);
  int no_input_s = 8, ttl_s = 600;
  r.integer("no_input_timeout_s", no_input_s, false, 1, 120);
  r.integer("session_ttl_s", ttl_s, false, 10, 86400);
  flow.no_input_timeout = std::chrono::seconds(no_input_s);
  flow.session_ttl = std::chrono::seconds(ttl_s);
  text(r, "no_match", flow.no_match, false);
  text(r, "no_input", flow.no_input, false);
  text(r, "did_it_help", flow.did_it_help, false);
  r.objectArray("intents", false, 1024, [&](JsonReader& o, size_t j) {
    std::string intent;
    ivr::IntentRouting routing;
    o.string("intent", intent, true);
    skills(o, routing.skills);
    o.integer("priority", routing.priority, false, 0, 100);
    o.string("segment", routing.segment, false);
    if (o.ok() && !flow.intents.emplace(intent, routing).second) {
      o.fail(Status::invalidArgument("intent listed twice", "/intents/" + std::to_string(j) + "/intent"));
    }
  });
  r.objectArray("articles", false, 1000, [&](JsonReader& o, size_t) {
    ivr::Article a;
    o.string("id", a.id, true);
    text(o, "title", a.title, true);
    text(o, "body", a.body, true);
    flow.articles.push_back(std::move(a));
  });
  r.objectArray("nodes", true, 500, [&](JsonReader& o, size_t i) {
    ivr::Node n;
    node(o, n, ids, i);
    flow.nodes.push_back(std::move(n));
  });
  Status s = r.finish();
  if (!s.isOk()) return Status(s.code(), s.message(), nameNode(s.where(), ids));
  OUTPOST_RETURN_IF_ERROR(ivr::validateFlow(flow));
  return flow;
}

}  // namespace outpost::codec
