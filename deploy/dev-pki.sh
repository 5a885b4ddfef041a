#!/usr/bin/env bash
# dev-pki.sh — development PKI for the supervision data exchange hub.
#
# Usage: deploy/dev-pki.sh OUTDIR [--force]
#
# Creates a throwaway CA and every certificate the hub and its tests need for
# mutual TLS with SPIFFE-style identities (spiffe://$TRUST_DOMAIN/...):
#
#   ca.crt/.key              "SX Dev Root CA" (self-signed, 10 years)
#   hub.crt/.key             hub server cert: localhost, 127.0.0.1, URI .../hub
#   <agency-id>.crt/.key     one client cert per agency, URI .../agency/<id>
#   admin-ops.crt/.key       URI .../admin/ops
#   auditor-audit.crt/.key   URI .../auditor/audit
#   crl/<ca-hash>.r0         CRL of the dev CA in OpenSSL hashed-dir layout,
#                            as read by gRPC's crl_directory option
#                            (X509_STORE_load_locations + CRL_CHECK_ALL)
#   at-rest.keys             the hub's key-encryption key for encryption at
#                            rest (encryption.key_file), mode 0600
#   signing-ca.crt/.key      "SX Dev Signing CA": issues the agencies' signing
#                            certificates (step_signatures.ca_file)
#   signing/<agency-id>.crt/.key
#                            each agency's signing certificate for its steps
#                            (key usage digitalSignature, nonRepudiation; the
#                            agency's URI; no TLS use): EC P-256, and SM2 for
#                            the stationed groups (国密)
#   negative/*.crt/.key      certs that the hub must reject: foreign CA, no URI,
#                            two URIs, expired, not yet valid, serverAuth only,
#                            revoked, unknown agency
#
# Every client cert carries exactly one URI SAN and extendedKeyUsage clientAuth.
# Keys are EC P-256 (fast to generate) and written with mode 0600.
# Signing goes through `openssl ca` with a scratch database in OUTDIR/.ca-db so
# that revocation, CRLs and explicit validity windows all work the same way.
# Needs only the openssl CLI (3.x) and coreutils. NOT for production use.
set -euo pipefail

TRUST_DOMAIN="${SX_TRUST_DOMAIN:-supervision.example}"
SPIFFE="spiffe://${TRUST_DOMAIN}"

LEAF_DAYS=730
CA_DAYS=3650
CRL_DAYS=365

# id:CN — the file name is the id, the URI is $SPIFFE/agency/<id>.
AGENCIES=(
  "discipline-commission:市纪委监委"
  "inspection-office:市委巡察办"
  "organization-dept:市委组织部"
  "audit-bureau:市审计局"
  "stationed-education:驻市教育局纪检监察组"
  "stationed-housing:驻市住建局纪检监察组"
)

CNF=.ca-db/openssl.cnf

usage() {
  echo "usage: $0 OUTDIR [--force]" >&2
  exit 2
}

# Run a command silently; show its output only if it fails.
quiet() {
  local log
  if ! log="$("$@" 2>&1)"; then
    printf '%s\n' "$log" >&2
    return 1
  fi
}

# OpenSSL config shared by req and ca. Per-certificate values (CA database,
# SANs, EKU) come from the environment, so one file serves every cert.
write_config() {
  cat > "$CNF" <<'EOF'
[ ca ]
default_ca = sx_ca

[ sx_ca ]
dir              = $ENV::SX_CA_DB
database         = $dir/index.txt
serial           = $dir/serial
crlnumber        = $dir/crlnumber
new_certs_dir    = $dir/newcerts
default_md       = sha256
policy           = policy_any
unique_subject   = no
copy_extensions  = none
string_mask      = utf8only
crl_extensions   = crl_ext

[ policy_any ]
commonName = supplied

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes

[ req_dn ]

[ v3_ca ]
basicConstraints       = critical, CA:true
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature
extendedKeyUsage       = $ENV::SX_EKU
subjectAltName         = $ENV::SX_SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ signing_leaf ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
subjectAltName         = $ENV::SX_SAN
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid

[ crl_ext ]
authorityKeyIdentifier = keyid
EOF
}

# new_key BASE — EC P-256 private key at BASE.key, mode 0600.
new_key() {
  rm -f "$1.key"
  (umask 077 && quiet openssl genpkey -algorithm EC \
    -pkeyopt ec_paramgen_curve:P-256 -out "$1.key")
}

# ca_db CA_BASE — scratch `openssl ca` database directory for that CA.
ca_db() { echo ".ca-db/$(basename "$1")"; }

# new_ca BASE CN — self-signed CA at BASE.crt/.key plus its empty database.
new_ca() {
  local base=$1 cn=$2 db
  db=$(ca_db "$base")
  new_key "$base"
  quiet openssl req -config "$CNF" -new -x509 -utf8 -key "$base.key" \
    -subj "/CN=$cn" -days "$CA_DAYS" -extensions v3_ca -out "$base.crt"
  mkdir -p "$db/newcerts"
  : > "$db/index.txt"
  openssl rand -hex 16 > "$db/serial"
  echo 1000 > "$db/crlnumber"
}

# issue CA_BASE BASE CN SAN EKU [extra `openssl ca` args...]
# Key + CSR + signature; extra args are e.g. -startdate/-enddate.
issue() {
  local ca=$1 base=$2 cn=$3 san=$4 eku=$5
  shift 5
  local db
  db=$(ca_db "$ca")
  new_key "$base"
  quiet openssl req -config "$CNF" -new -utf8 -key "$base.key" \
    -subj "/CN=$cn" -out "$db/req.csr"
  SX_CA_DB=$db SX_SAN=$san SX_EKU=$eku quiet openssl ca -config "$CNF" \
    -batch -notext -utf8 -cert "$ca.crt" -keyfile "$ca.key" \
    -extensions leaf -days "$LEAF_DAYS" "$@" \
    -in "$db/req.csr" -out "$base.crt"
  rm -f "$db/req.csr"
}

# issue_client_cert BASE URI [CN] — dev-CA client cert with exactly one URI SAN.
issue_client_cert() {
  issue ca "$1" "${3:-$(basename "$1")}" "URI:$2" clientAuth "${@:4}"
}

# The SM2 user id both sides of an SM2 signature use (GB/T 35276).
SM2_ID=1234567812345678

# issue_signing_cert ID ALGORITHM — signing/ID.crt/.key, the agency's key for
# signing its steps, issued by the signing CA; ALGORITHM is ec or sm2.
issue_signing_cert() {
  local id=$1 algorithm=$2 base="signing/$1" db
  local req_options=() ca_options=()
  db=$(ca_db signing-ca)
  if [[ $algorithm == sm2 ]]; then
    rm -f "$base.key"
    (umask 077 && quiet openssl genpkey -algorithm SM2 -out "$base.key")
    req_options=(-sm3 -sigopt "distid:$SM2_ID")
    ca_options=(-vfyopt "distid:$SM2_ID")
  else
    new_key "$base"
  fi
  quiet openssl req -config "$CNF" -new -utf8 -key "$base.key" \
    "${req_options[@]}" -subj "/CN=$id signing" -out "$db/req.csr"
  SX_CA_DB=$db SX_SAN="URI:$SPIFFE/agency/$id" quiet openssl ca \
    -config "$CNF" -batch -notext -utf8 -cert signing-ca.crt \
    -keyfile signing-ca.key -extensions signing_leaf -days "$LEAF_DAYS" \
    "${ca_options[@]}" -in "$db/req.csr" -out "$base.crt"
  rm -f "$db/req.csr"
}

# issue_signing_pki — the signing CA and every agency's signing certificate.
issue_signing_pki() {
  local entry id
  mkdir -p signing
  new_ca signing-ca "SX Dev Signing CA"
  for entry in "${AGENCIES[@]}"; do
    id=${entry%%:*}
    case $id in
      stationed-*) issue_signing_cert "$id" sm2 ;;
      *) issue_signing_cert "$id" ec ;;
    esac
  done
}

# issue_crl — revoke negative/revoked.crt and publish the CA's CRL under the
# hashed-dir name <subject_hash>.r0 that X509_LOOKUP_hash_dir looks up.
issue_crl() {
  local db hash
  db=$(ca_db ca)
  SX_CA_DB=$db quiet openssl ca -config "$CNF" -cert ca.crt -keyfile ca.key \
    -revoke negative/revoked.crt -crl_reason keyCompromise
  hash=$(openssl x509 -noout -subject_hash -in ca.crt)
  mkdir -p crl
  SX_CA_DB=$db quiet openssl ca -config "$CNF" -cert ca.crt -keyfile ca.key \
    -gencrl -crldays "$CRL_DAYS" -out "crl/$hash.r0"
}

main() {
  local outdir="" force=no arg
  for arg in "$@"; do
    case $arg in
      --force) force=yes ;;
      -h|--help) usage ;;
      -*) echo "unknown option: $arg" >&2; usage ;;
      *) [[ -z $outdir ]] || usage; outdir=$arg ;;
    esac
  done
  [[ -n $outdir ]] || usage
  # Absolute: the steps below change directory, and some write to $outdir
  # by name afterwards.
  mkdir -p "$outdir"
  outdir=$(realpath "$outdir")

  if [[ -e $outdir/ca.crt && $force == no ]]; then
    # A PKI from before encryption at rest gets its key file now, and one
    # from before signed steps its signing certificates.
    [[ -e $outdir/at-rest.keys ]] || write_at_rest_keys
    if [[ ! -e $outdir/signing-ca.crt ]]; then
      cd "$outdir"
      export SX_CA_DB="" SX_SAN="" SX_EKU=""
      write_config
      issue_signing_pki
      cd - > /dev/null
    fi
    echo "dev PKI already in $outdir (use --force to regenerate)"
    exit 0
  fi

  mkdir -p "$outdir"
  cd "$outdir"
  rm -rf .ca-db crl negative
  mkdir -p .ca-db negative

  # $ENV:: references must resolve whenever the config is loaded.
  export SX_CA_DB="" SX_SAN="" SX_EKU=""
  write_config

  new_ca ca "SX Dev Root CA"
  issue ca hub sxhub "DNS:localhost,IP:127.0.0.1,URI:$SPIFFE/hub" serverAuth

  local entry
  for entry in "${AGENCIES[@]}"; do
    issue_client_cert "${entry%%:*}" "$SPIFFE/agency/${entry%%:*}" "${entry#*:}"
  done
  issue_client_cert admin-ops "$SPIFFE/admin/ops"
  issue_client_cert auditor-audit "$SPIFFE/auditor/audit"

  # Negative cases: each differs from a valid agency cert in one way only.
  local io="$SPIFFE/agency/inspection-office"
  new_ca negative/foreign-ca "SX Foreign Dev CA"
  issue negative/foreign-ca negative/foreign foreign "URI:$io" clientAuth
  issue ca negative/no-uri no-uri "DNS:no-uri.$TRUST_DOMAIN" clientAuth
  issue ca negative/two-uris two-uris \
    "URI:$io,URI:$SPIFFE/agency/audit-bureau" clientAuth
  issue_client_cert negative/expired "$io" expired \
    -startdate 20200101000000Z -enddate 20210101000000Z
  issue_client_cert negative/not-yet-valid "$io" not-yet-valid \
    -startdate 20990101000000Z -enddate 21000101000000Z
  issue ca negative/server-only server-only "URI:$io" serverAuth
  issue_client_cert negative/revoked "$io"
  issue_client_cert negative/unknown-agency "$SPIFFE/agency/no-such-agency"

  issue_crl
  write_at_rest_keys
  issue_signing_pki

  echo "dev PKI written to $outdir: CA, hub, ${#AGENCIES[@]} agencies, admin, auditor, negative certs, CRL, signing CA and certificates"
}

# One random key-encryption key, as the hub's key file wants it: "NAME HEX",
# readable by its owner only.
write_at_rest_keys() {
  (umask 077 && printf '# sxhub key file: NAME HEX; the first key encrypts new data keys\ndev-%s %s\n' \
    "$(date -u +%Y%m%d)" "$(openssl rand -hex 32)" > "$outdir/at-rest.keys")
}

main "$@"
