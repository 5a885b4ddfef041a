#!/usr/bin/env bash
# Sets up and runs a development hub on this machine: installs the Debian
# packages, builds, generates a dev PKI and starts sxhub on 127.0.0.1:7443
# with an embedded RocksDB data directory. Everything lives under .sxhub-dev/
# in the source tree; delete it to start from scratch.
#
#   deploy/run-dev-hub.sh            # runs in the foreground; Ctrl-C stops it
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dev="$root/.sxhub-dev"

"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j2 --target sxhub

mkdir -p "$dev"
"$root/deploy/dev-pki.sh" "$dev/pki"
cp "$root/deploy/hub.example.textproto" "$dev/hub.textproto"
echo "config: $dev/hub.textproto   certificates: $dev/pki   data: $dev/data"
exec "$root/build/server/sxhub" --config="$dev/hub.textproto"
