#!/usr/bin/env bash
# HTTP figures for outpostd on loopback: cold start to /readyz (empty database and demo
# site), idle RSS, and requests/s + latency percentiles of an authenticated GET and of a
# committed POST, measured with wrk.
#
#   cmake --preset release && cmake --build --preset release --target outpostd
#   bench/load/http_load.sh [path/to/outpostd]
#
# Env: DURATION (default 10s), CONNECTIONS (default 16), THREADS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-build/release/firmware/app/outpostd}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-16}"
threads="${THREADS:-2}"
port=18$(( RANDOM % 900 + 100 ))
work="$(mktemp -d)"
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

now_ms() { date +%s%3N; }

# start <data-dir> [args...]: starts outpostd (pid in $pid), sets $ready_ms to the
# milliseconds until /readyz answered 200.
start() {
  local dir="$1"; shift
  local t0 t1
  t0=$(now_ms)
  "$bin" --data-dir "$dir" --listen "127.0.0.1:$port" "$@" >"$work/out.txt" 2>"$work/err.txt" &
  pid=$!
  for _ in $(seq 1 3000); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then
      t1=$(now_ms)
      ready_ms=$((t1 - t0))
      return 0
    fi
    sleep 0.005
  done
  echo "outpostd did not become ready; stderr:" >&2
  cat "$work/err.txt" >&2
  exit 1
}

stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

echo "outpostd: $bin ($("$bin" --version))"
start "$work/empty"
echo "cold start to /readyz, empty database:   $ready_ms ms"
stop
start "$work/demo" --demo
echo "cold start to /readyz, demo site seeded: $ready_ms ms  (first start: seeding hashes 14 passwords at 600k PBKDF2 iterations)"
stop
start "$work/demo" --demo
echo "warm start to /readyz, demo site:        $ready_ms ms"
sleep 2
echo "idle RSS after start:                    $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"

password=$(awk '$1 == "admin" {print $2}' "$work/demo/demo-logins.txt")
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

echo
echo "== authenticated GET /api/v1/agents/a01 (wrk -t$threads -c$connections -d$duration) =="
wrk -t"$threads" -c"$connections" -d"$duration" --latency -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port/api/v1/agents/a01"

echo
echo "== committed POST /api/v1/wrapup-codes (wrk -t$threads -c$connections -d$duration) =="
OUTPOST_TOKEN="$token" OUTPOST_RUN="r$RANDOM" wrk -t"$threads" -c"$connections" -d"$duration" --latency \
  -s bench/load/post_wrapup.lua "http://127.0.0.1:$port"
created=$(sqlite3 "file:$work/demo/outpost.db?mode=ro" "SELECT count(*) FROM wrapup_codes")
echo "wrap-up codes in the database afterwards: $created"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$pid/status)"
