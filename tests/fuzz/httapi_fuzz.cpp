// Fuzz target: the FreeSWITCH adapter's parser of mod_httapi's form posts, and the
// document writer with arbitrary prompt text. Nothing may crash or throw; the escaped
// text may carry no markup characters, so prompt text can never add elements.

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "api/httapi_document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace outpost::api::httapi;
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto form = parseForm(input);
  if (form && form->empty() && input.find('=') != std::string::npos && input.find_first_not_of('&') != std::string::npos) {
    outpost::fuzz::invariantBroken("a form with a field parsed as empty");
  }
  const std::string escaped = escape(input);
  if (escaped.find_first_of("<>\"'") != std::string::npos) outpost::fuzz::invariantBroken("markup survived escaping");
  StepView v;
  v.session_id = input;
  v.say = {input};
  v.state = "active";
  v.kind = "menu";
  const std::string doc = render(v);
  if (doc.rfind("<document type=\"xml/freeswitch-httapi\">", 0) != 0) outpost::fuzz::invariantBroken("document header");
  return 0;
}
