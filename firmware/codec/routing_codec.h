#pragma once

// JSON forms of the router's values: contacts, decisions, queue statistics, and the
// contact body a channel adapter or the IVR posts.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "codec/json.h"
#include "routing/types.h"

namespace outpost::codec {

Poco::JSON::Object::Ptr encode(const routing::ContactView& contact);
Poco::JSON::Object::Ptr encode(const routing::Decision& decision);
Poco::JSON::Object::Ptr encode(const routing::QueueStats& stats);
Poco::JSON::Object::Ptr encode(const routing::WrapUp& wrap_up);
Poco::JSON::Array::Ptr encodeSkillRequirements(const std::vector<site::SkillLevel>& skills);
Poco::JSON::Array::Ptr encodeStrings(const std::vector<std::string>& items);

// A new contact. The id, queue default skills and arrival time are the caller's.
// attributes must be a JSON object (kept as text, at most 4 KiB).
void decode(JsonReader& r, routing::ContactSpec& spec);
void decode(JsonReader& r, routing::WrapUp& wrap_up);

// Storage round trips of the JSON columns.
Result<std::vector<site::SkillLevel>> decodeSkillRequirements(const std::string& json);
Result<std::vector<std::string>> decodeStrings(const std::string& json);
Result<routing::WrapUp> decodeWrapUp(const std::string& json);

}  // namespace outpost::codec
