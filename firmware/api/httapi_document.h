#pragma once

// The xml/freeswitch-httapi documents the FreeSWITCH adapter answers mod_httapi with
// (POST /api/v1/ivr/httapi, docs/ivr.md "FreeSWITCH (mod_httapi)").
//
// Pure functions: text in, XML out; every text and attribute value is escaped, and
// characters XML 1.0 cannot carry are dropped, so prompt text cannot inject elements.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace outpost::api::httapi {

// What one IVR step asks FreeSWITCH to do.
struct StepView {
  std::string session_id;                 // the Outpost IVR session id
  std::string language;                   // "zh-CN" or "en"
  std::vector<std::string> say;           // prompt texts, spoken in order (one <speak>)
  std::string state;                      // active, self_served, transferred, hung_up, expired
  std::string kind;                       // node kind now waiting ("menu" binds one key)
  std::string expects;                    // dtmf, text, dtmf_or_text, none
  int digit_timeout_ms = 5000;            // wait for the first key after the prompt
  int input_timeout_ms = 3000;            // wait between keys of a multi-key entry
  std::optional<std::string> contact_id;  // set on transfer
  std::string transfer_target;            // "<extension> <dialplan> <context>" on transfer
};

// The variable mod_httapi posts the collected keys in (the `name` of <speak>).
inline constexpr std::string_view kDigitsVar = "outpost_digits";

// The fields of an application/x-www-form-urlencoded body ("+" is a space; the last of
// a repeated name wins). Error on bad percent-encoding.
Result<std::map<std::string, std::string>> parseForm(const std::string& body);

std::string escape(std::string_view text);
std::string render(const StepView& step);
// A document with no work (the answer to mod_httapi's `exiting` request).
std::string emptyDocument();
// `pattern` with "{queue}" and "{contact_id}" replaced.
std::string transferTarget(std::string_view pattern, std::string_view queue, std::string_view contact_id);

}  // namespace outpost::api::httapi
