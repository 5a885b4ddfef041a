#!/usr/bin/env bash
# Builds the libFuzzer targets in tests/fuzz with clang-14 (ASan + UBSan) in
# build-fuzz/ and runs each over a copy of its saved corpus, so that the tree
# stays clean:
#   - with SECONDS (default 30), explores for that long. The targets run side
#     by side: each gets its full time, and the whole step fits CI's budget
#     on two cores.
#   - with --replay, runs every saved input once and stops: deterministic, so
#     CI can block on it (the corpus holds the reproducers of fixed bugs).
# Fails if any target finds a crash, a leak, a timeout or an invariant
# violation, and prints where the reproducer is.
#
#   tests/fuzz/run.sh --replay
#   tests/fuzz/run.sh 45
#   build-fuzz/tests/fuzz/exchange_fuzzer REPRODUCER   # to replay one
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds="${1:-30}"
replay=0
if [[ $seconds == --replay ]]; then
  replay=1
  seconds=0
fi
targets=(config_parse_fuzzer request_validation_fuzzer exchange_fuzzer)

# Debian 12 ships libFuzzer with clang-14's runtime libraries.
packages=(clang-14 libclang-rt-14-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
fi

cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DSX_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Only what the fuzz targets need: proto, storage, core.
cmake --build build-fuzz --target sx_fuzzers -j2

# Corpus copies, and the exchange fuzzer's databases (on tmpfs if there is
# one: the store fsyncs every transaction).
work="$(mktemp -d "${TMPDIR:-/tmp}/sx-fuzz-XXXXXX")"
databases="$work"
if [[ -d /dev/shm && -w /dev/shm ]]; then
  databases="$(mktemp -d /dev/shm/sx-fuzz-XXXXXX)"
fi
trap 'rm -rf "$work" "$databases"' EXIT

artifacts="$PWD/build-fuzz/fuzz-artifacts"
mkdir -p "$artifacts"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp:print_suppressions=0"

pids=()
for target in "${targets[@]}"; do
  cp -r "tests/fuzz/corpus/$target" "$work/$target"
  args=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/$target-")
  if ((replay)); then
    args+=(-runs=0)
  else
    args+=(-max_total_time="$seconds")
  fi
  [[ -f tests/fuzz/$target.dict ]] && args+=(-dict="tests/fuzz/$target.dict")
  # Every input of the exchange fuzzer grows its long-lived store and
  # model, which would make libFuzzer run LeakSanitizer after each one;
  # leaks are still reported when the process exits.
  [[ $target == exchange_fuzzer ]] && args+=(-detect_leaks=0)
  # Replay also hands the exchange core strings that are not UTF-8 (which
  # gRPC would refuse to parse), so the corpus's regression input for such
  # leads reaches the core's own check.
  environment=(TMPDIR="$databases")
  if ((replay)) && [[ $target == exchange_fuzzer ]]; then
    environment+=(SX_FUZZ_INVALID_UTF8=1)
  fi
  env "${environment[@]}" "build-fuzz/tests/fuzz/$target" "${args[@]}" \
    "$work/$target" >"$work/$target.log" 2>&1 &
  pids+=($!)
done

failed=0
for i in "${!targets[@]}"; do
  target="${targets[$i]}"
  if wait "${pids[$i]}"; then
    summary="$(grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)' "$work/$target.log" | tail -1)"
    echo "fuzz: $target: ok: ${summary:-done}"
  else
    failed=1
    echo "fuzz: $target FAILED; its log ends:"
    tail -n 60 "$work/$target.log"
    reproducer="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/$target.log" | tail -1)"
    echo "fuzz: $target: reproducer: ${reproducer:-none written}"
    [[ -n $reproducer ]] &&
      echo "fuzz: replay: build-fuzz/tests/fuzz/$target $reproducer"
  fi
done
exit "$failed"
