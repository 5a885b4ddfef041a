#!/usr/bin/env bash
# Proves an agency project can build against the installed SDK: installs the
# build tree into a temporary prefix, then configures and builds
# client_sdk/examples as a separate CMake project with find_package(), and
# has its offline verifier (sx::transparency alone) check an event export
# whose tree, proofs and signature are made here with the openssl CLI.
# Also proves that the installed sxctl finds the shared libsxclient through
# its relative RPATH alone, even after the prefix has moved.
#   tests/sdk_install_test.sh SOURCE_DIR BUILD_DIR VERSION
set -euo pipefail
source_dir="$1"
build_dir="$2"
version="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null

# No LD_LIBRARY_PATH, and a prefix moved after installing: only an RPATH
# relative to the binary ($ORIGIN) finds libsxclient.so.0 now. ldd shows it
# is the moved copy, not one that ldconfig knows from an earlier install.
mv "$work/prefix" "$work/moved"
for program in sxctl sxhub; do
  printed="$(env -u LD_LIBRARY_PATH "$work/moved/bin/$program" --version)"
  if [[ "$printed" != "$program $version" ]]; then
    echo "installed $program --version printed '$printed'," \
      "expected '$program $version'" >&2
    exit 1
  fi
done
libraries="$(env -u LD_LIBRARY_PATH ldd "$work/moved/bin/sxctl")"
if [[ "$libraries" != *"libsxclient.so.0 => $work/moved/"* ]]; then
  echo "installed sxctl does not load libsxclient from its own prefix:" >&2
  echo "$libraries" >&2
  exit 1
fi
mv "$work/moved" "$work/prefix"

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
test -f "$work/prefix/include/sx/transparency/merkle_verifier.h"

# A log of three events signed by a fresh key: leaf hash H(0x00 || event),
# node hash H(0x01 || left || right), root H(1 || H(1||L0||L1) || L2).
cd "$work"
sha() { openssl dgst -sha256 -binary; }
b64() { base64 -w0 "$1"; }
for i in 0 1 2; do
  printf 'event-%s' "$i" >"event$i"
  { printf '\x00'; cat "event$i"; } | sha >"leaf$i"
done
{ printf '\x01'; cat leaf0 leaf1; } | sha >node01
{ printf '\x01'; cat node01 leaf2; } | sha >root
printf 'sxhub-checkpoint/v1\norigin demo\nhash sha256\nsize 3\nroot %s\ntime 2024-05-01T12:00:00Z\n' \
  "$(b64 root)" >checkpoint.txt
openssl ecparam -name prime256v1 -genkey -noout -out hub.key 2>/dev/null
openssl req -x509 -new -key hub.key -subj /CN=hub -days 1 -out hub.crt 2>/dev/null
openssl dgst -sha256 -sign hub.key -out signature checkpoint.txt
{
  printf 'sxctl-event-export/v1\nrange 1 3\n'
  cat checkpoint.txt
  printf '\xe2\x80\x94 signature %s\n' "$(b64 signature)"
  printf 'event 0 3 %s %s %s\n' "$(b64 event0)" "$(b64 leaf1)" "$(b64 leaf2)"
  printf 'event 1 3 %s %s %s\n' "$(b64 event1)" "$(b64 leaf0)" "$(b64 leaf2)"
  printf 'event 2 3 %s %s\n' "$(b64 event2)" "$(b64 node01)"
} >export.txt
"$work/consumer/verify_audit_export" export.txt hub.crt | grep -q "3 events included"
# One changed event byte, or another key's signature, must not verify.
sed "s|$(b64 event1)|$(printf 'event-X' | base64 -w0)|" export.txt >tampered.txt
if "$work/consumer/verify_audit_export" tampered.txt hub.crt 2>/dev/null; then
  echo "a tampered export verified" >&2
  exit 1
fi
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout other.key -subj /CN=other -days 1 -out other.crt 2>/dev/null
if "$work/consumer/verify_audit_export" export.txt other.crt 2>/dev/null; then
  echo "an export verified against another hub's certificate" >&2
  exit 1
fi
echo "installed sxctl and sxhub run from a moved prefix without LD_LIBRARY_PATH; out-of-tree consumer built and ran against the installed SDK; its offline verifier accepts a signed export and refuses tampered ones"
