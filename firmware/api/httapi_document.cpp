#include "api/httapi_document.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

namespace outpost::api::httapi {

Result<std::map<std::string, std::string>> parseForm(const std::string& body) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= body.size() && !body.empty()) {
    size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string pair = body.substr(start, end - start);
    if (!pair.empty()) {
      for (char& c : pair) c = c == '+' ? ' ' : c;
      const size_t eq = pair.find('=');
      std::string name, value;
      try {
        Poco::URI::decode(pair.substr(0, eq), name);
        if (eq != std::string::npos) Poco::URI::decode(pair.substr(eq + 1), value);
      } catch (const Poco::Exception&) {
        return Status::invalidArgument("bad percent-encoding in the form body near \"" + pair.substr(0, 40) + "\"");
      }
      out[name] = value;
    }
    start = end + 1;
  }
  return out;
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out += c;
    }
  }
  return out;
}

namespace {

void variable(std::string& out, std::string_view name, std::string_view value) {
  out += "    <";
  out += name;
  out += ">";
  out += escape(value);
  out += "</";
  out += name;
  out += ">\n";
}

std::string joined(const std::vector<std::string>& say) {
  std::string text;
  for (const auto& s : say) {
    if (!text.empty()) text += ' ';
    text += s;
  }
  return text;
}

}  // namespace

std::string transferTarget(std::string_view pattern, std::string_view queue, std::string_view contact_id) {
  std::string out;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.substr(i, 7) == "{queue}") {
      out += queue;
      i += 7;
    } else if (pattern.substr(i, 12) == "{contact_id}") {
      out += contact_id;
      i += 12;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

std::string emptyDocument() { return "<document type=\"xml/freeswitch-httapi\">\n  <work/>\n</document>\n"; }

std::string render(const StepView& step) {
  std::string out = "<document type=\"xml/freeswitch-httapi\">\n  <variables>\n";
  variable(out, "outpost_ivr_session", step.session_id);
  variable(out, "outpost_language", step.language);
  if (step.contact_id) variable(out, "outpost_contact_id", *step.contact_id);
  out += "  </variables>\n  <work>\n";
  const std::string text = joined(step.say);
  const bool waiting = step.state == "active";
  if (waiting) {
    // Every waiting node takes keys ("0" reaches a person from anywhere); a text-only
    // node hears no keys on the phone, which counts as no input.
    out += "    <speak name=\"" + std::string(kDigitsVar) + "\" digit-timeout=\"" + std::to_string(step.digit_timeout_ms) +
           "\" input-timeout=\"" + std::to_string(step.input_timeout_ms) + "\" loops=\"1\" terminators=\"#\">";
    out += escape(text.empty() ? std::string(" ") : text);
    if (step.kind == "menu") {
      out += "<bind>~[0-9*#]</bind>";
    } else {
      out += "<bind>~[0-9*]+</bind>";
    }
    out += "</speak>\n";
  } else {
    if (!text.empty()) out += "    <speak>" + escape(text) + "</speak>\n";
    if (step.state == "transferred") {
      out += "    <execute application=\"transfer\" data=\"" + escape(step.transfer_target) + "\"/>\n";
    } else {
      out += "    <hangup cause=\"NORMAL_CLEARING\"/>\n";
    }
  }
  out += "  </work>\n</document>\n";
  return out;
}

}  // namespace outpost::api::httapi
