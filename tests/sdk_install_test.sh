#!/usr/bin/env bash
# Proves an agency project can build against the installed SDK: installs the
# build tree into a temporary prefix, then configures and builds
# client_sdk/examples as a separate CMake project with find_package().
#   tests/sdk_install_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir="$1"
build_dir="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/sx/client/exchange_client.h"
if find "$work/prefix/include" -name '*.pb.h' | grep -q .; then
  echo "generated code leaked into the installed headers" >&2
  exit 1
fi
cmake -S "$source_dir/client_sdk/examples" -B "$work/consumer" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/consumer" -j2 >/dev/null
# The program runs and explains itself (usage exit code 2).
set +e
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer/welfare_jobs_leads" 2>"$work/usage.txt"
code=$?
set -e
[[ $code -eq 2 ]] && grep -q "usage: welfare_jobs_leads" "$work/usage.txt"
echo "out-of-tree consumer built and ran against the installed SDK"
