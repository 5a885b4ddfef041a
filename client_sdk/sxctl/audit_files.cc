#include "client_sdk/sxctl/audit_files.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace sx::sxctl {
namespace {

using Lines = std::vector<absl::string_view>;

// The lines of `text`; a final newline ends the last line, it does not
// start an empty one.
Lines SplitLines(absl::string_view text) {
  Lines lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

absl::Status FormatError(const std::string& origin, size_t line_index,
                         absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(origin, " line ", line_index + 1, ": ", problem));
}

bool DecodeBase64(absl::string_view text, std::string* bytes) {
  return !text.empty() && absl::Base64Unescape(text, bytes);
}

// Reads the checkpoint that starts at lines[*next]: its text lines up to the
// signature line. Leaves *next after the signature line.
absl::StatusOr<client::SignedCheckpoint> ReadCheckpoint(
    const Lines& lines, size_t* next, const std::string& origin) {
  client::SignedCheckpoint checkpoint;
  const size_t first = *next;
  size_t index = first;
  while (index < lines.size() &&
         !absl::StartsWith(lines[index], kSignatureLinePrefix)) {
    absl::StrAppend(&checkpoint.text, lines[index], "\n");
    ++index;
  }
  if (index == lines.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": no signature line (\"", kSignatureLinePrefix,
                     "<base64>\") after the checkpoint text"));
  }
  if (index == first) return FormatError(origin, index, "no checkpoint text");
  const absl::string_view signature =
      absl::StripPrefix(lines[index], kSignatureLinePrefix);
  if (!DecodeBase64(signature, &checkpoint.signature)) {
    return FormatError(origin, index, "the signature is not base64");
  }
  *next = index + 1;
  return checkpoint;
}

// "event <leaf index> <tree size> <bytes> [<hash>...]"
absl::StatusOr<client::ExportedEvent> ReadEventLine(absl::string_view line,
                                                    size_t line_index,
                                                    const std::string& origin) {
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  if (fields.size() < 4 || fields[0] != "event") {
    return FormatError(origin, line_index,
                       "expected \"event <leaf index> <tree size> <base64 "
                       "bytes> [<base64 hash>...]\"");
  }
  client::ExportedEvent event;
  if (!absl::SimpleAtoi(fields[1], &event.proof.leaf_index) ||
      !absl::SimpleAtoi(fields[2], &event.proof.tree_size)) {
    return FormatError(origin, line_index,
                       "leaf index and tree size must be numbers");
  }
  if (!DecodeBase64(fields[3], &event.event_bytes)) {
    return FormatError(origin, line_index, "the event bytes are not base64");
  }
  for (size_t i = 4; i < fields.size(); ++i) {
    std::string hash;
    if (!DecodeBase64(fields[i], &hash)) {
      return FormatError(origin, line_index,
                         absl::StrCat("proof hash ", i - 3, " is not base64"));
    }
    event.proof.hashes.push_back(std::move(hash));
  }
  return event;
}

bool IsSigningCertificateLine(absl::string_view line) {
  return absl::StartsWith(line, kSigningCertificateLinePrefix);
}

// "signing-certificate <base64 DER>"
absl::StatusOr<std::string> ReadSigningCertificateLine(
    absl::string_view line, size_t line_index, const std::string& origin) {
  const std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
  if (fields.size() != 2 || fields[0] != kSigningCertificateLinePrefix) {
    return FormatError(
        origin, line_index,
        absl::StrCat("expected \"", kSigningCertificateLinePrefix,
                     " <base64 DER certificate>\""));
  }
  std::string der;
  if (!DecodeBase64(fields[1], &der)) {
    return FormatError(origin, line_index,
                       "the signing certificate is not base64");
  }
  return der;
}

}  // namespace

std::string FormatCheckpointFile(const client::SignedCheckpoint& checkpoint) {
  return absl::StrCat(checkpoint.text, kSignatureLinePrefix,
                      absl::Base64Escape(checkpoint.signature), "\n");
}

absl::StatusOr<client::SignedCheckpoint> ParseCheckpointFile(
    absl::string_view text, const std::string& origin) {
  const Lines lines = SplitLines(text);
  size_t next = 0;
  absl::StatusOr<client::SignedCheckpoint> checkpoint =
      ReadCheckpoint(lines, &next, origin);
  if (!checkpoint.ok()) return checkpoint.status();
  if (next != lines.size()) {
    return FormatError(origin, next, "unexpected text after the signature");
  }
  return checkpoint;
}

std::string FormatExportFile(const client::EventExport& exported) {
  std::string text =
      absl::StrCat(kExportHeader, "\n", "range ",
                   exported.events.front().proof.leaf_index + 1, " ",
                   exported.events.back().proof.leaf_index + 1, "\n",
                   FormatCheckpointFile(exported.checkpoint));
  for (const client::ExportedEvent& event : exported.events) {
    absl::StrAppend(&text, "event ", event.proof.leaf_index, " ",
                    event.proof.tree_size, " ",
                    absl::Base64Escape(event.event_bytes));
    for (const std::string& hash : event.proof.hashes) {
      absl::StrAppend(&text, " ", absl::Base64Escape(hash));
    }
    absl::StrAppend(&text, "\n");
  }
  for (const std::string& der : exported.signing_certificates) {
    absl::StrAppend(&text, kSigningCertificateLinePrefix, " ",
                    absl::Base64Escape(der), "\n");
  }
  return text;
}

absl::StatusOr<ExportFile> ParseExportFile(absl::string_view text,
                                           const std::string& origin) {
  const Lines lines = SplitLines(text);
  if (lines.empty() || lines[0] != kExportHeader) {
    return FormatError(origin, 0,
                       absl::StrCat("not an sxctl event export (expected \"",
                                    kExportHeader, "\")"));
  }
  ExportFile file;
  const std::vector<absl::string_view> range =
      absl::StrSplit(lines.size() > 1 ? lines[1] : "", ' ');
  if (range.size() != 3 || range[0] != "range" ||
      !absl::SimpleAtoi(range[1], &file.first_sequence) ||
      !absl::SimpleAtoi(range[2], &file.last_sequence)) {
    return FormatError(origin, 1, "expected \"range <first> <last>\"");
  }
  size_t next = 2;
  absl::StatusOr<client::SignedCheckpoint> checkpoint =
      ReadCheckpoint(lines, &next, origin);
  if (!checkpoint.ok()) return checkpoint.status();
  file.contents.checkpoint = *std::move(checkpoint);
  for (; next < lines.size() && !IsSigningCertificateLine(lines[next]);
       ++next) {
    absl::StatusOr<client::ExportedEvent> event =
        ReadEventLine(lines[next], next, origin);
    if (!event.ok()) return event.status();
    file.contents.events.push_back(*std::move(event));
  }
  // The certificates come last: an event line among them is refused too.
  for (; next < lines.size(); ++next) {
    absl::StatusOr<std::string> der =
        ReadSigningCertificateLine(lines[next], next, origin);
    if (!der.ok()) return der.status();
    file.contents.signing_certificates.push_back(*std::move(der));
  }
  return file;
}

}  // namespace sx::sxctl
