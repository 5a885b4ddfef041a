#!/usr/bin/env bash
# Installs the Debian 12 packages the hub builds and runs with, if missing.
# Needs root (or sudo) only when something is missing. With arguments,
# installs those packages instead (for test set-ups that need more).
#   deploy/install-deps.sh [PACKAGE...]
set -euo pipefail

# libpq-dev: the hub's PostgreSQL store. postgresql-15: the server its tests
# start (tests/support/test_postgres.h) and the replicated deployment's drills.
# libcpp-httplib-dev: the web console's HTTPS listener. libjs-bootstrap5,
# libjs-chart.js, node-popper2: the console's style and charts, compiled into
# sxhub at build time (build dependencies only).
packages=(cmake g++ make pkg-config openssl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev libssl-dev libgtest-dev libbenchmark-dev
  libpq-dev postgresql-15
  libcpp-httplib-dev libjs-bootstrap5 libjs-chart.js node-popper2)
(($#)) && packages=("$@")
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
((${#missing[@]})) || exit 0

sudo=""
[[ $(id -u) -eq 0 ]] || sudo="sudo"
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}"
