#pragma once

// The configuration schema of outpostd: every key, its type, default, limits and
// help. docs/configuration.md documents the same keys (a test keeps them in step).

#include "core/config.h"

namespace outpost::app {

const ConfigSchema& daemonConfigSchema();

}  // namespace outpost::app
