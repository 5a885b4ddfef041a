#!/usr/bin/env bash
# A second implementation of step signing (StepSignature in referral.proto),
# with nothing of the hub's code: protoc writes the request's bytes from text
# format, openssl hashes and signs. What a non-C++ client does.
#
# Usage: sign_step_with_openssl.sh PROTO_DIR MESSAGE METHOD KEY CERT ALG OUT < request.textproto
#   MESSAGE  e.g. supervision.v1.AcceptReferralRequest
#   METHOD   e.g. /supervision.v1.ExchangeService/AcceptReferral
#   ALG      ecdsa (ECDSA with SHA-256) or sm2 (SM2 with SM3, user id
#            1234567812345678)
# Writes OUT/request.bin (the request), OUT/signature.der and
# OUT/certificate.der (the DER signing certificate).
set -euo pipefail
proto_dir=$1 message=$2 method=$3 key=$4 cert=$5 algorithm=$6 out=$7
mkdir -p "$out"

protoc --proto_path="$proto_dir" --encode="$message" \
  "$proto_dir/supervision/v1/exchange.proto" > "$out/request.bin"
# request_sha256, then the step digest over
# "sxhub step v1" 0x00 method 0x00 request_sha256.
openssl dgst -sha256 -binary "$out/request.bin" > "$out/request.sha256"
{ printf 'sxhub step v1\0%s\0' "$method"; cat "$out/request.sha256"; } |
  openssl dgst -sha256 -binary > "$out/step.digest"
# A tree of one step: root = SHA-256(0x00 || step digest).
{ printf '\0'; cat "$out/step.digest"; } |
  openssl dgst -sha256 -binary > "$out/root"
case $algorithm in
  ecdsa) openssl dgst -sha256 -sign "$key" -out "$out/signature.der" "$out/root" ;;
  sm2) openssl dgst -sm3 -sign "$key" -sigopt distid:1234567812345678 \
         -out "$out/signature.der" "$out/root" ;;
  *) echo "unknown algorithm $algorithm" >&2; exit 2 ;;
esac
openssl x509 -in "$cert" -outform DER -out "$out/certificate.der"
