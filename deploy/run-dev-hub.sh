#!/usr/bin/env bash
# Sets up and runs a development hub on this machine: installs the Debian
# packages, builds, generates a dev PKI and starts sxhub on 127.0.0.1:7443
# (metrics on http://127.0.0.1:9464/metrics, the web console on
# https://127.0.0.1:7444/) with an embedded RocksDB data
# directory. Everything lives in the work directory, .sxhub-dev/ in the
# source tree unless --workdir says otherwise; delete it to start from
# scratch.
#
#   deploy/run-dev-hub.sh                  # runs in the foreground; Ctrl-C stops it
#   deploy/run-dev-hub.sh --workdir=DIR    # config, certificates and data in DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dev="$root/.sxhub-dev"
for arg in "$@"; do
  case "$arg" in
    --workdir=*) dev="${arg#*=}" ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-dev-hub: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

"$root/deploy/install-deps.sh"
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$root/build" -j2 --target sxhub

mkdir -p "$dev"
dev="$(cd "$dev" && pwd)"
"$root/deploy/dev-pki.sh" "$dev/pki"
cp "$root/deploy/hub.example.textproto" "$dev/hub.textproto"
# The web console on loopback (deploy/README.md, "Web console"): a browser
# logs in with the administrator's certificate as PKCS#12 (password "dev")
# once it trusts the dev CA.
echo 'console_address: "127.0.0.1:7444"' >>"$dev/hub.textproto"
openssl pkcs12 -export -in "$dev/pki/admin-ops.crt" -inkey "$dev/pki/admin-ops.key" \
  -name admin-ops -passout pass:dev -out "$dev/pki/admin-ops.p12"
echo "config: $dev/hub.textproto   certificates: $dev/pki   data: $dev/data"
echo "console: https://127.0.0.1:7444/ (import $dev/pki/admin-ops.p12, password dev; trust $dev/pki/ca.crt)"
exec "$root/build/server/sxhub" --config="$dev/hub.textproto"
