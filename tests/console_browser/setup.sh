#!/usr/bin/env bash
# What the console's browser test (console.test.mjs, run by
# console_e2e_test) needs beyond the build: Debian's chromium, the NSS tools
# that put the test certificates into its database, a CJK font for the
# screenshots, node with npm, and puppeteer-core as package-lock.json pins
# it (npm ci, only when node_modules is missing or older than the lock).
# Needs root (or sudo) only when a package is missing. tests/run.sh runs it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

packages=(chromium libnss3-tools fonts-wqy-microhei)
# node and npm may come from elsewhere (NodeSource's nodejs carries npm and
# conflicts with Debian's npm package): Debian's only when there is none.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
"$here/../../deploy/install-deps.sh" "${packages[@]}"

if [[ ! -f "$here/node_modules/.package-lock.json" ||
      "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi
