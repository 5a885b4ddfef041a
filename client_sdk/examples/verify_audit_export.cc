// Example auditor tool: checks an event export offline with the installed
// verification library (sx::transparency) alone — no hub, no sxctl. The
// export is the file `sxctl audit export --out FILE` writes (format in
// sxctl's audit_files.h): a signed checkpoint, then each event's stored bytes
// with its inclusion proof.
//
//   verify_audit_export EXPORT_FILE HUB_CERT_PEM
//
// Exit status 0 when the checkpoint is signed by the hub certificate's key
// and every event is in the log the checkpoint describes; 1 with the reason
// otherwise; 2 for usage errors.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/merkle_verifier.h"

namespace {

using sx::transparency::Checkpoint;
using sx::transparency::MerkleHasher;

constexpr char kExportHeader[] = "sxctl-event-export/v1";
// U+2014 EM DASH and a space open the signature line, as in C2SP notes.
constexpr char kSignaturePrefix[] = "\xE2\x80\x94 signature ";
// The checkpoint text is six lines (header, origin, hash, size, root, time).
constexpr int kCheckpointLines = 6;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

absl::StatusOr<std::string> Base64(absl::string_view text,
                                   absl::string_view what) {
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not base64"));
  }
  return bytes;
}

// One "event <leaf index> <tree size> <event bytes> <hash>..." line.
absl::Status VerifyEventLine(const MerkleHasher& hasher,
                             const Checkpoint& checkpoint,
                             absl::string_view line) {
  std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  uint64_t index = 0;
  uint64_t tree_size = 0;
  if (fields.size() < 4 || fields[0] != "event" ||
      !absl::SimpleAtoi(fields[1], &index) ||
      !absl::SimpleAtoi(fields[2], &tree_size)) {
    return absl::InvalidArgumentError(absl::StrCat("not an event line: ",
                                                   line.substr(0, 40)));
  }
  // A proof only counts against the signed checkpoint's own size and root.
  if (tree_size != checkpoint.tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("event ", index + 1, " has a proof for size ", tree_size,
                     ", the checkpoint has ", checkpoint.tree_size));
  }
  absl::StatusOr<std::string> event = Base64(fields[3], "event bytes");
  if (!event.ok()) return event.status();
  std::vector<std::string> proof;
  for (size_t i = 4; i < fields.size(); ++i) {
    absl::StatusOr<std::string> hash = Base64(fields[i], "proof hash");
    if (!hash.ok()) return hash.status();
    proof.push_back(*std::move(hash));
  }
  absl::Status included = sx::transparency::VerifyInclusion(
      hasher, index, tree_size, hasher.LeafHash(*event), proof,
      checkpoint.root_hash);
  if (!included.ok()) {
    return absl::Status(included.code(), absl::StrCat("event ", index + 1,
                                                      ": ",
                                                      included.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<int> VerifyExport(absl::string_view export_text,
                                 absl::string_view certificate_pem) {
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::StripSuffix(export_text, "\n"), '\n');
  const size_t signature_line = 2 + kCheckpointLines;
  if (lines.size() <= signature_line || lines[0] != kExportHeader ||
      !absl::StartsWith(lines[signature_line], kSignaturePrefix)) {
    return absl::InvalidArgumentError(
        "not an event export (sxctl audit export --out writes one)");
  }
  std::string signed_text;
  for (size_t i = 2; i < signature_line; ++i) {
    absl::StrAppend(&signed_text, lines[i], "\n");
  }
  absl::StatusOr<std::string> signature =
      Base64(absl::StripPrefix(lines[signature_line], kSignaturePrefix),
             "signature");
  if (!signature.ok()) return signature.status();
  absl::Status signed_by_hub = sx::transparency::VerifyCheckpointSignature(
      signed_text, *signature, certificate_pem);
  if (!signed_by_hub.ok()) return signed_by_hub;
  absl::StatusOr<Checkpoint> checkpoint =
      sx::transparency::ParseCheckpoint(signed_text);
  if (!checkpoint.ok()) return checkpoint.status();
  absl::StatusOr<sx::transparency::HashAlgorithm> algorithm =
      sx::transparency::ParseHashAlgorithm(checkpoint->hash_name);
  if (!algorithm.ok()) return algorithm.status();
  absl::StatusOr<MerkleHasher> hasher = MerkleHasher::Create(*algorithm);
  if (!hasher.ok()) return hasher.status();
  int events = 0;
  for (size_t i = signature_line + 1; i < lines.size(); ++i) {
    absl::Status verified = VerifyEventLine(*hasher, *checkpoint, lines[i]);
    if (!verified.ok()) return verified;
    ++events;
  }
  return events;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: verify_audit_export EXPORT_FILE HUB_CERT\n");
    return 2;
  }
  absl::StatusOr<std::string> export_text = ReadFile(argv[1]);
  absl::StatusOr<std::string> certificate = ReadFile(argv[2]);
  absl::StatusOr<int> events =
      !export_text.ok()   ? export_text.status()
      : !certificate.ok() ? certificate.status()
                          : VerifyExport(*export_text, *certificate);
  if (!events.ok()) {
    std::fprintf(stderr, "NOT VERIFIED: %s\n",
                 events.status().ToString().c_str());
    return 1;
  }
  std::printf("verified: checkpoint signed by the hub, %d events included\n",
              *events);
  return 0;
}
