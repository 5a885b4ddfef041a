#include "sx/transparency/checkpoint.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sx/base/status_macros.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::transparency {
namespace {

// RFC 3339 in UTC with a literal "Z". absl::RFC3339_full would write
// "+00:00"; %E*S omits a zero fraction and trailing zeros.
constexpr char kTimeFormat[] = "%Y-%m-%d%ET%H:%M:%E*SZ";

// Lines after the header, in order.
constexpr const char* kKeys[] = {"origin", "hash", "size", "root", "time"};
constexpr size_t kLineCount = 1 + sizeof(kKeys) / sizeof(kKeys[0]);

absl::Status CheckOrigin(absl::string_view origin) {
  if (origin.empty()) {
    return absl::InvalidArgumentError("checkpoint origin is empty");
  }
  for (char c : origin) {
    if (c <= ' ' || c > '~') {
      return absl::InvalidArgumentError(absl::StrCat(
          "checkpoint origin \"", absl::CHexEscape(origin),
          "\" has a character other than printable ASCII without spaces"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<HashAlgorithm> CheckHashAndRoot(absl::string_view hash_name,
                                               absl::string_view root_hash) {
  SX_ASSIGN_OR_RETURN(HashAlgorithm algorithm, ParseHashAlgorithm(hash_name));
  if (root_hash.size() != HashAlgorithmDigestSize(algorithm)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint root has ", root_hash.size(), " bytes, but ", hash_name,
        " hashes have ", HashAlgorithmDigestSize(algorithm)));
  }
  return algorithm;
}

bool IsInfinite(absl::Time time) {
  return time == absl::InfiniteFuture() || time == absl::InfinitePast();
}

std::string CheckpointTime(absl::Time time) {
  return absl::FormatTime(kTimeFormat, time, absl::UTCTimeZone());
}

absl::Status LineError(size_t line, absl::string_view problem) {
  // Lines count from 1, as an editor shows them.
  return absl::InvalidArgumentError(
      absl::StrCat("checkpoint line ", line + 1, ": ", problem));
}

}  // namespace

bool operator==(const Checkpoint& a, const Checkpoint& b) {
  return a.origin == b.origin && a.hash_name == b.hash_name &&
         a.tree_size == b.tree_size && a.root_hash == b.root_hash &&
         a.time == b.time;
}

absl::StatusOr<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  SX_RETURN_IF_ERROR(CheckOrigin(checkpoint.origin));
  SX_RETURN_IF_ERROR(
      CheckHashAndRoot(checkpoint.hash_name, checkpoint.root_hash).status());
  if (IsInfinite(checkpoint.time)) {
    return absl::InvalidArgumentError("checkpoint time is infinite");
  }
  std::string text = absl::StrCat(kCheckpointHeader, "\n");
  absl::StrAppend(&text, "origin ", checkpoint.origin, "\n");
  absl::StrAppend(&text, "hash ", checkpoint.hash_name, "\n");
  absl::StrAppend(&text, "size ", checkpoint.tree_size, "\n");
  absl::StrAppend(&text, "root ", absl::Base64Escape(checkpoint.root_hash),
                  "\n");
  absl::StrAppend(&text, "time ", CheckpointTime(checkpoint.time), "\n");
  return text;
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text) {
  if (!absl::EndsWith(text, "\n")) {
    return absl::InvalidArgumentError(
        "checkpoint text does not end with a newline");
  }
  text.remove_suffix(1);
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  if (lines.size() != kLineCount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "checkpoint has ", lines.size(), " lines, expected ", kLineCount));
  }
  if (lines[0] != kCheckpointHeader) {
    return LineError(0, absl::StrCat("expected \"", kCheckpointHeader, "\""));
  }
  // values[i] is the value of kKeys[i], on line i + 1.
  absl::string_view values[kLineCount - 1];
  for (size_t i = 1; i < kLineCount; ++i) {
    const absl::string_view key = kKeys[i - 1];
    if (!absl::StartsWith(lines[i], absl::StrCat(key, " "))) {
      return LineError(i, absl::StrCat("expected \"", key, " <value>\""));
    }
    values[i - 1] = lines[i].substr(key.size() + 1);
  }
  const absl::string_view origin = values[0];
  const absl::string_view hash_name = values[1];
  const absl::string_view size = values[2];
  const absl::string_view root = values[3];
  const absl::string_view time = values[4];

  Checkpoint checkpoint;
  if (absl::Status status = CheckOrigin(origin); !status.ok()) {
    return LineError(1, status.message());
  }
  checkpoint.origin = std::string(origin);

  absl::StatusOr<HashAlgorithm> algorithm = ParseHashAlgorithm(hash_name);
  if (!algorithm.ok()) return LineError(2, algorithm.status().message());
  checkpoint.hash_name = std::string(hash_name);

  // SimpleAtoi alone would accept a sign, spaces and leading zeros.
  const bool digits_only =
      !size.empty() && std::all_of(size.begin(), size.end(), [](char c) {
        return absl::ascii_isdigit(static_cast<unsigned char>(c));
      });
  if (!digits_only || (size.size() > 1 && size[0] == '0') ||
      !absl::SimpleAtoi(size, &checkpoint.tree_size)) {
    return LineError(3, absl::StrCat("tree size \"", absl::CHexEscape(size),
                                     "\" is not a canonical 64-bit number"));
  }

  // Base64Unescape tolerates missing padding; only the one encoding
  // FormatCheckpoint writes is accepted.
  if (!absl::Base64Unescape(root, &checkpoint.root_hash) ||
      absl::Base64Escape(checkpoint.root_hash) != root) {
    return LineError(4, "root is not canonical padded base64");
  }
  if (absl::Status status =
          CheckHashAndRoot(hash_name, checkpoint.root_hash).status();
      !status.ok()) {
    return LineError(4, status.message());
  }

  std::string parse_error;
  if (!absl::ParseTime(kTimeFormat, time, absl::UTCTimeZone(), &checkpoint.time,
                       &parse_error) ||
      IsInfinite(checkpoint.time) || CheckpointTime(checkpoint.time) != time) {
    return LineError(5, absl::StrCat("time \"", absl::CHexEscape(time),
                                     "\" is not RFC 3339 UTC in canonical "
                                     "form (e.g. 2024-05-01T12:00:00Z)"));
  }
  return checkpoint;
}

}  // namespace sx::transparency
