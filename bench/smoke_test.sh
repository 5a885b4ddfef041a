#!/usr/bin/env bash
# Smoke test of sxbench (ctest label "bench"): 200 submits against a real
# sxhub with dev certificates (with inbox consumers) and 200 against sxecho;
# each run must exit 0, print JSON that parses, and count every submit (and,
# for the hub, every delivery). Timings are not checked.
#
# Usage: smoke_test.sh SXBENCH SXECHO SXHUB SOURCE_DIR WORK_DIR
set -euo pipefail

sxbench=$1 sxecho=$2 sxhub=$3 source_dir=$4 work=$5
rm -rf "$work"
mkdir -p "$work"

pids=()
cleanup() {
  local pid i
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    # A hub that hangs on shutdown must not hang the test.
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# start_server NAME LOG COMMAND... — starts it, waits for "listening on
# HOST:PORT" on its stdout, and sets $port and $pid.
start_server() {
  local name=$1 out=$2
  shift 2
  "$@" >"$out" 2>"$out.err" &
  pid=$!
  pids+=("$pid")
  local i
  for ((i = 0; i < 100; i++)); do
    if grep -q "listening on" "$out" 2>/dev/null; then
      port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$out" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "$name did not start:" >&2
  cat "$out.err" >&2
  return 1
}

# check_json FILE EXPECTED_SUBMITS [EXPECTED_DELIVERIES]
check_json() {
  cmake -DFILE="$1" -DSUBMITS="$2" -DDELIVERIES="${3:-}" \
    -P "$source_dir/bench/check_report.cmake"
}

"$source_dir/deploy/dev-pki.sh" "$work/pki" >/dev/null
# No metrics endpoint: its fixed port would collide with other hubs under
# ctest -j.
sed -e 's/^listen_address: .*/listen_address: "127.0.0.1:0"/' \
  -e '/^metrics_address:/d' \
  "$source_dir/deploy/hub.example.textproto" >"$work/hub.textproto"

start_server sxhub "$work/hub.out" "$sxhub" --config="$work/hub.textproto"
hub_pid=$pid
"$sxbench" --pki="$work/pki" --hub="127.0.0.1:$port" --count=200 --warmup=0 \
  --inflight=8 --consumers --hub-pid="$hub_pid" --json >"$work/hub.json"
check_json "$work/hub.json" 200 200

start_server sxecho "$work/echo.out" "$sxecho" --pki="$work/pki"
"$sxbench" --mode=echo --pki="$work/pki" --hub="127.0.0.1:$port" --count=200 \
  --warmup=0 --inflight=8 --hub-pid="$pid" --json >"$work/echo.json"
check_json "$work/echo.json" 200

echo "bench smoke: hub and echo runs complete, JSON parses"
