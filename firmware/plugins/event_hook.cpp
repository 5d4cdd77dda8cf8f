#include "plugins/event_hook.h"

#include <cmath>

#include "plugins/rules.h"

namespace outpost::plugins {
namespace {

double millisBetween(std::optional<WallTime> from, std::optional<WallTime> to) {
  if (!from || !to) return 0;
  return static_cast<double>(std::chrono::duration_cast<Millis>(*to - *from).count());
}

bool validText(const Value& v, size_t max) {
  return v.isString() && !v.asString().empty() && v.asString().size() <= max;
}

}  // namespace

std::optional<Value> eventValue(const engine::DomainEvent& event) {
  if (const auto* ended = std::get_if<routing::OfferEnded>(&event)) {
    if (ended->outcome != "rejected" && ended->outcome != "timed_out") return std::nullopt;
    return Value(Value::Object{{"type", Value("offer_missed")},
                               {"contact_id", Value(ended->contact_id)},
                               {"agent", Value(ended->agent_id)},
                               {"outcome", Value(ended->outcome)}});
  }
  const auto* changed = std::get_if<routing::ContactChanged>(&event);
  if (!changed) return std::nullopt;
  const routing::ContactView& c = changed->contact;
  Value::Object o;
  switch (c.state) {
    case routing::ContactState::kCompleted: {
      o.emplace("type", Value("completed"));
      o.emplace("agent", Value(c.agent_id.value_or("")));
      Value::Object outcome;
      if (c.wrap_up) {
        outcome.emplace("code", Value(c.wrap_up->code));
        outcome.emplace("resolved", Value(c.wrap_up->resolved));
        outcome.emplace("first_contact_resolution", Value(c.wrap_up->first_contact_resolution));
      }
      o.emplace("outcome", Value(std::move(outcome)));
      o.emplace("wait_ms", Value(millisBetween(c.spec->arrived_at, c.answered_at)));
      o.emplace("handle_ms", Value(millisBetween(c.answered_at, c.wrap_up_at)));
      break;
    }
    case routing::ContactState::kAbandoned:
      o.emplace("type", Value("abandoned"));
      o.emplace("wait_ms", Value(millisBetween(c.spec->arrived_at, c.ended_at)));
      o.emplace("offers", Value(c.offers));
      break;
    case routing::ContactState::kCancelled:
      o.emplace("type", Value("cancelled"));
      break;
    default:
      return std::nullopt;
  }
  o.emplace("contact", contactValue(*c.spec));
  return Value(std::move(o));
}

Result<std::vector<EventAction>> validateEventActions(const Value& r) {
  std::vector<EventAction> out;
  if (r.isNil() || (r.isObject() && r.asObject().empty())) return out;
  if (!r.isArray()) return Status::invalidArgument("on_event must return a list of actions or nil");
  if (r.asArray().size() > 16) return Status::invalidArgument("more than 16 actions");
  for (size_t i = 0; i < r.asArray().size(); ++i) {
    const Value& item = r.asArray()[i];
    const std::string at = "/" + std::to_string(i + 1);
    if (!item.isObject()) return Status::invalidArgument("must be a table {kind = …}", at);
    EventAction a;
    const Value& kind = item["kind"];
    if (!kind.isString() || (kind.asString() != "points" && kind.asString() != "alert")) {
      return Status::invalidArgument("must be \"points\" or \"alert\"", at + "/kind");
    }
    a.kind = kind.asString();
    const bool points = a.kind == "points";
    for (const auto& [key, v] : item.asObject()) {
      const std::string field = at + "/" + key;
      if (key == "kind") continue;
      if (key == "agent") {
        if (!validText(v, 64)) return Status::invalidArgument("must be an agent id of 1 to 64 bytes", field);
        a.agent = v.asString();
      } else if (points && key == "points") {
        if (!v.isNumber() || std::floor(v.asNumber()) != v.asNumber() || std::fabs(v.asNumber()) > 1000) {
          return Status::invalidArgument("must be a whole number from -1000 to 1000", field);
        }
        a.points = static_cast<int>(v.asNumber());
      } else if (points && key == "reason") {
        if (!validText(v, 200)) return Status::invalidArgument("must be text of 1 to 200 bytes", field);
        a.reason = v.asString();
      } else if (!points && key == "severity") {
        if (!v.isString() || (v.asString() != "info" && v.asString() != "warning" && v.asString() != "critical")) {
          return Status::invalidArgument("must be info, warning or critical", field);
        }
        a.severity = v.asString();
      } else if (!points && key == "message") {
        if (!validText(v, 500)) return Status::invalidArgument("must be text of 1 to 500 bytes", field);
        a.message = v.asString();
      } else {
        return Status::invalidArgument(points ? "unknown field (kind, agent, points, reason)"
                                              : "unknown field (kind, severity, message, agent)",
                                       field);
      }
    }
    if (points && a.agent.empty()) return Status::invalidArgument("points need an agent", at + "/agent");
    if (points && item["points"].isNil()) return Status::invalidArgument("is required", at + "/points");
    if (!points && a.severity.empty()) return Status::invalidArgument("is required", at + "/severity");
    if (!points && a.message.empty()) return Status::invalidArgument("is required", at + "/message");
    out.push_back(std::move(a));
  }
  return out;
}

Value actionsValue(const std::vector<EventAction>& actions) {
  Value::Array list;
  for (const auto& a : actions) {
    Value::Object o{{"kind", Value(a.kind)}};
    if (!a.agent.empty()) o.emplace("agent", Value(a.agent));
    if (a.kind == "points") {
      o.emplace("points", Value(a.points));
      if (!a.reason.empty()) o.emplace("reason", Value(a.reason));
    } else {
      o.emplace("severity", Value(a.severity));
      o.emplace("message", Value(a.message));
    }
    list.push_back(Value(std::move(o)));
  }
  return Value(std::move(list));
}

}  // namespace outpost::plugins
