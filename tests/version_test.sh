#!/usr/bin/env bash
# Every binary answers --version with its name and the project's version
# (PROJECT_VERSION in the top-level CMakeLists.txt) on stdout, and exits 0:
# what an operator or a package script checks before anything else.
#   tests/version_test.sh VERSION BINARY...
set -euo pipefail
version="$1"
shift
failures=0
for binary in "$@"; do
  name="$(basename "$binary")"
  set +e
  output="$("$binary" --version)"
  code=$?
  set -e
  if [[ $code -ne 0 || "$output" != "$name $version" ]]; then
    echo "$binary --version: exit status $code, printed '$output'; expected '$name $version'" >&2
    failures=$((failures + 1))
  fi
done
if [[ $failures -gt 0 ]]; then
  exit 1
fi
names=()
for binary in "$@"; do names+=("$(basename "$binary")"); done
echo "${names[*]}: --version reports $version"
