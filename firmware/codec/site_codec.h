#pragma once

// JSON form of the site directory, one pair per entity:
//   encode(value)            → the object the API returns
//   decode(reader, value, creating)
//                            → reads a create (creating=true: required fields must be
//                              present) or a patch (creating=false: `value` holds the
//                              current state and only present fields change)
// The id field cannot change in a patch. Domain validation is the caller's next step.

#include <Poco/JSON/Object.h>

#include "codec/json.h"
#include "site/directory.h"
#include "site/presence.h"

namespace outpost::codec {

Poco::JSON::Object::Ptr encode(const site::Site& v);
Poco::JSON::Object::Ptr encode(const site::Skill& v);
Poco::JSON::Object::Ptr encode(const site::Agent& v);
Poco::JSON::Object::Ptr encode(const site::Queue& v);
Poco::JSON::Object::Ptr encode(const site::WrapUpCode& v);
Poco::JSON::Object::Ptr encode(const site::NotReadyReason& v);
Poco::JSON::Object::Ptr encode(const site::User& v);
Poco::JSON::Object::Ptr encodePresence(const std::string& agent_id, const site::Presence& p);

void decode(JsonReader& r, site::Site& v, bool creating);
void decode(JsonReader& r, site::Skill& v, bool creating);
void decode(JsonReader& r, site::Agent& v, bool creating);
void decode(JsonReader& r, site::Queue& v, bool creating);
void decode(JsonReader& r, site::WrapUpCode& v, bool creating);
void decode(JsonReader& r, site::NotReadyReason& v, bool creating);
// Users carry a password on create (write-only; never encoded).
void decode(JsonReader& r, site::User& v, bool creating);

}  // namespace outpost::codec
