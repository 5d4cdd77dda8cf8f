#pragma once

// The JSON form of an IVR flow (schema in docs/ivr.md). decodeFlow reads it with the
// strict JsonReader (unknown fields, wrong types and fields that do not belong to a
// node's kind are refused) and then runs ivr::validateFlow. Errors name the node by
// its id and the field, e.g. "/nodes/main_menu/options/1/next".
//
// Thread-safety: pure functions.

#include <string_view>

#include "core/status.h"
#include "ivr/flow.h"

namespace outpost::codec {

Result<ivr::Flow> decodeFlow(std::string_view json);

}  // namespace outpost::codec
