#!/usr/bin/env bash
# The README's test command, complete on its own: installs the Debian
# packages that are missing (as root, or with sudo), configures build/ if it
# is not configured yet (RelWithDebInfo), builds every target (the quickstart
# builds only sxhub and sxctl, so after it the test binaries are still
# missing) and runs the whole suite. Arguments go to ctest.
#
#   tests/run.sh                  # everything
#   tests/run.sh -L e2e           # one suite (labels: e2e, fault, integration, bench)
#   tests/run.sh -R sxctl         # tests whose name matches
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"

"$root/deploy/install-deps.sh"
# Chromium, node and puppeteer-core for the console's browser test.
"$root/tests/console_browser/setup.sh"
# Configuring again is cheap and repairs a build/ whose first configure failed
# (say, before the packages were there); an existing cache keeps its build
# type, so a developer's Debug build/ stays Debug.
configure=(cmake -S "$root" -B "$build")
[[ -f "$build/CMakeCache.txt" ]] || configure+=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
"${configure[@]}"
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2 "$@"
