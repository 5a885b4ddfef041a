#!/usr/bin/env bash
# The layers of the tree, checked on every quoted #include: foundations (base)
# at the bottom, transparency and storage above them, encryption at rest over
# storage, the domain core above storage, the server and the SDK above the
# core, tools on top. A library may include its own private headers (by path
# from the project root), the public headers (include/sx/<lib>/) of the
# libraries below it, and nothing else:
# no upward include, and no reaching into another library's private files.
#   tests/include_layers_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"

# folder (its own files only, not subfolders) → allowed include prefixes.
# Test sources and shared test fixtures (include/sx/<lib>/testing/) may also
# use the shared test support in tests/support/.
declare -A allowed=(
  [base]="sx/base/"
  [transparency]="sx/base/ sx/transparency/ transparency/"
  [storage]="sx/base/ sx/transparency/ sx/storage/ storage/ supervision/v1/referral.pb.h supervision/v1/records.pb.h supervision/v1/storage_dump.pb.h"
  [encryption]="sx/base/ sx/storage/ sx/encryption/ encryption/ supervision/v1/ google/protobuf/"
  [server/core]="sx/base/ sx/transparency/ sx/storage/ sx/encryption/ sx/core/ server/core/ supervision/v1/ google/protobuf/"
  [server/metrics]="sx/metrics/ server/metrics/"
  [server/console]="sx/base/ sx/core/ sx/console/ server/console/ supervision/v1/ google/protobuf/"
  [server]="sx/base/ sx/transparency/ sx/storage/ sx/encryption/ sx/core/ sx/metrics/ sx/console/ server/ supervision/v1/ google/protobuf/"
  [client_sdk]="sx/base/ sx/transparency/ sx/client/ client_sdk/ supervision/v1/ google/protobuf/"
  [client_sdk/sxctl]="sx/base/ sx/client/ sx/transparency/ client_sdk/sxctl/"
  [client_sdk/examples]="sx/client/ sx/transparency/"
)
# Private folders that no other library may name, even where a prefix above
# would otherwise match (server/ must not reach into server/core/ privates).
private_folders="server/core/ server/metrics/ server/console/ client_sdk/sxctl/"

violations=0
for folder in "${!allowed[@]}"; do
  while IFS= read -r -d '' file; do
    while IFS= read -r include; do
      ok=0
      for prefix in ${allowed[$folder]}; do
        [[ "$include" == "$prefix"* ]] && ok=1
      done
      [[ "$file" == *_test.cc && "$include" == tests/support/* ]] && ok=1
      [[ "$file" == *_test.cc && "$include" == sx/transparency/testing/* ]] && ok=1
      for private in $private_folders; do
        if [[ "$include" == "$private"* && "$folder/" != "$private" ]]; then
          ok=0
        fi
      done
      if [[ $ok -eq 0 ]]; then
        echo "$file includes \"$include\": not allowed for $folder/" >&2
        violations=$((violations + 1))
      fi
    done < <(sed -n 's/^#include "\(.*\)".*/\1/p' "$file" |
             grep -v '^absl/\|^grpcpp/\|^grpc/\|^gtest/\|^gmock/\|^rocksdb/\|^openssl/')
  done < <(find "$folder" -maxdepth 1 \( -name '*.cc' -o -name '*.h' \) -print0)
  # Public headers of the folder's library: same rules.
  if [[ -d "$folder/include" ]]; then
    while IFS= read -r -d '' header; do
      # Shared test fixtures (include/sx/<lib>/testing/) may use the test
      # support too.
      test_support='^$'
      [[ "$header" == */testing/* ]] && test_support='^tests/support/'
      if sed -n 's/^#include "\(.*\)".*/\1/p' "$header" |
          grep -v '^absl/\|^grpcpp/\|^gtest/\|^rocksdb/\|^openssl/' |
          grep -v "$test_support" |
          grep -v '^sx/\|^supervision/v1/\|^google/protobuf/' | grep -q .; then
        echo "$header: a public header includes a private one" >&2
        violations=$((violations + 1))
      fi
    done < <(find "$folder/include" -name '*.h' -print0)
  fi
done
if [[ $violations -gt 0 ]]; then
  echo "$violations include(s) cross the layers" >&2
  exit 1
fi
echo "includes follow the layers"
