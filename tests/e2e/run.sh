#!/usr/bin/env bash
# ctest entry for the desktop tests: skips (exit 77) only when node or Debian's
# Chromium is missing — scripts/test installs both (install-deps --browser).
#   run.sh e2e  <outpostd> <screenshot dir>   the browser end-to-end flow
#   run.sh e2e-desk <outpostd> <screenshot dir>  chat, admin editing, rules, zh-CN explanation, IVR metrics
#   run.sh unit                               vitest (state logic, i18n)
#   run.sh script <file.mjs> <args…>          another browser flow (e.g. learning_flow.mjs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
client="$here/../../agent-client"
kind="${1:?usage: run.sh e2e|unit …}"
shift

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "SKIP: node/npm not installed (scripts/install-deps --browser installs them)"
  exit 77
fi
if [[ ( "$kind" == e2e* || "$kind" == script ) && ! -x /usr/bin/chromium ]]; then
  echo "SKIP: /usr/bin/chromium not installed (scripts/install-deps --browser installs it)"
  exit 77
fi
# The packages and the build, once (scripts/build-agent-client is idempotent).
"$here/../../scripts/build-agent-client"

case "$kind" in
  e2e) exec node "$here/agent_flow.mjs" "$@" ;;
  e2e-desk) exec node "$here/desk_flow.mjs" "$@" ;;
  unit) cd "$client" && exec npx --no-install vitest run ;;
  script) script="$1"; shift; exec node "$here/$script" "$@" ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac
