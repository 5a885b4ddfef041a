#!/usr/bin/env bash
# dev-pki-revoke.sh — revoke a certificate of the development PKI and publish
# the dev CA's new CRL so that a running hub refuses it on the next handshake.
#
# Usage: deploy/dev-pki-revoke.sh NAME OUTDIR
#
#   NAME    the certificate OUTDIR/NAME.crt, e.g. audit-bureau or admin-ops
#   OUTDIR  a directory made by deploy/dev-pki.sh (its .ca-db is the CA's
#           database, its crl/ the hub's tls.crl_directory)
#
# The new CRL lists every certificate revoked so far. It is published under
# the NEXT free hashed-dir name (crl/<ca-hash>.r1, .r2, ...): written to a
# temporary file, then linked into place in one step, so that a handshake
# never reads half a file; it never overwrites an existing one.
#
# Why not replace <ca-hash>.r0: the hub's gRPC (1.51, OpenSSL
# X509_LOOKUP_hash_dir) reads each CRL file once and caches it for the life
# of its TLS context; on every handshake it looks only for suffixes it has not
# read yet. A replaced .r0 is therefore ignored by that check until the hub
# restarts (the hub's own CRL check, which re-reads changed files, still
# catches it within tls.refresh_interval_seconds); a new .rN is used by both
# at once (tested in tests/e2e/certificate_rotation_e2e_test.cc). Of several
# CRLs of one CA, OpenSSL uses the one with the latest lastUpdate, so the new
# CRL's lastUpdate is made later than every published one (lastUpdate has
# whole seconds: of two CRLs made within a second the second is dated a
# second ahead, and until then OpenSSL keeps using the previous one).
# Do not delete lower-numbered files while the hub runs: the lookup stops at
# the first missing suffix. To tidy up, stop the hub, keep only the newest
# CRL as <ca-hash>.r0, start it again.
#
# Works for a real CA that uses `openssl ca` too, but it is NOT meant for
# production keys: it reads the CA key from OUTDIR/ca.key.
set -euo pipefail

usage() {
  echo "usage: $0 NAME OUTDIR" >&2
  exit 2
}

fail() {
  echo "dev-pki-revoke.sh: $*" >&2
  exit 1
}

# Run a command silently; show its output only if it fails.
quiet() {
  local log
  if ! log="$("$@" 2>&1)"; then
    printf '%s\n' "$log" >&2
    return 1
  fi
}

# Seconds since the epoch of a CRL's lastUpdate.
last_update_of() {
  local when
  when=$(openssl crl -noout -lastupdate -in "$1")
  date -u -d "${when#lastUpdate=}" +%s
}

main() {
  [[ $# -eq 2 ]] || usage
  local name=$1 outdir=$2
  [[ $name != -* ]] || usage
  cd "$outdir"
  [[ -f ca.crt && -f ca.key && -f .ca-db/openssl.cnf && -d .ca-db/ca ]] ||
    fail "$outdir is not a PKI made by deploy/dev-pki.sh"
  [[ -f $name.crt ]] || fail "no certificate $outdir/$name.crt"

  local ca_hash
  ca_hash=$(openssl x509 -noout -subject_hash -in ca.crt)
  [[ $(openssl x509 -noout -issuer_hash -in "$name.crt") == "$ca_hash" ]] ||
    fail "$name.crt was not issued by the dev CA in $outdir"

  # $ENV:: references in the config must resolve whenever it is loaded.
  export SX_CA_DB=.ca-db/ca SX_SAN="" SX_EKU=""
  local cnf=.ca-db/openssl.cnf serial
  serial=$(openssl x509 -noout -serial -in "$name.crt")
  serial=${serial#serial=}
  if grep -q "^R.*[[:space:]]${serial}[[:space:]]" "$SX_CA_DB/index.txt"; then
    echo "$name.crt (serial $serial) was already revoked; republishing the CRL"
  else
    quiet openssl ca -config "$cnf" -cert ca.crt -keyfile ca.key \
      -revoke "$name.crt" -crl_reason keyCompromise
  fi

  # The next free suffix, and a lastUpdate later than every published CRL's
  # (lastUpdate has whole seconds; a tie would leave the choice to OpenSSL).
  mkdir -p crl
  local suffix=0 latest=0 when
  while [[ -e crl/$ca_hash.r$suffix ]]; do
    when=$(last_update_of "crl/$ca_hash.r$suffix")
    if ((when > latest)); then latest=$when; fi
    suffix=$((suffix + 1))
  done
  local now last_update
  now=$(date -u +%s)
  last_update=$((now > latest ? now : latest + 1))

  local tmp
  tmp=$(mktemp "crl/.$ca_hash.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  quiet openssl ca -config "$cnf" -cert ca.crt -keyfile ca.key -gencrl \
    -crl_lastupdate "$(date -u -d "@$last_update" +%Y%m%d%H%M%SZ)" \
    -crldays 365 -out "$tmp"
  chmod 0644 "$tmp"
  # A hard link fails rather than replace a file published meanwhile.
  ln "$tmp" "crl/$ca_hash.r$suffix" ||
    fail "crl/$ca_hash.r$suffix appeared meanwhile; run again"
  rm -f "$tmp"
  trap - EXIT
  echo "revoked $name.crt (serial $serial); CRL published as $outdir/crl/$ca_hash.r$suffix"
}

main "$@"
