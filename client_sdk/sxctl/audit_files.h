// The files an auditor keeps: saved checkpoints and event exports, in small
// line-based text formats that sxctl writes (audit checkpoint --out, audit
// export --out) and reads back offline (audit verify, audit consistency).
//
// Checkpoint file: the checkpoint text exactly as the hub signed it, then
// one line with the signature (the form of a C2SP signed note):
//
//   sxhub-checkpoint/v1
//   origin demo
//   hash sha256
//   size 42
//   root <base64 of the root hash>
//   time 2024-05-01T12:00:00Z
//   — signature <base64 of the signature bytes>
//
// The last line begins with U+2014 EM DASH and a space. Everything before it
// is the signed text, byte for byte; sxctl audit verify and audit
// consistency check it with the hub's certificate.
//
// Export file: a header, the checkpoint the export was made against (as
// above), then one line per event, in sequence order, then one line per
// signing certificate the events' step signatures name:
//
//   sxctl-event-export/v1
//   range <first sequence> <last sequence>
//   <checkpoint file lines>
//   event <leaf index> <tree size> <base64 event bytes> [<base64 hash>...]
//   signing-certificate <base64 DER certificate>
//
// An event line holds the event's stored bytes (a serialized
// supervision.v1.Event, whose leaf hash is H(0x00 || bytes)) and its
// inclusion proof: the leaf index (sequence - 1), the tree size of the proof
// and the sibling hashes from the leaf up. Base64 is standard, with padding.
//
// The signing-certificate lines (none when no event is signed, and in files
// written before steps were signed) carry what audit verify --signing-ca
// needs to check the step signatures offline. The checkpoint does not cover
// them: a certificate counts for the CA that issued it, and an event names
// its certificate by SHA-256.
//
// Each event carries its own proof, so a contiguous part of an export (with
// its range line changed to match) still verifies: an export proves what it
// holds, not that the log holds nothing else; the checkpoint's size says how
// many events the log had. Removing an event from the middle of the range,
// reordering events or changing a byte of one does not verify.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sx/client/audit_client.h"

namespace sx::sxctl {

inline constexpr char kExportHeader[] = "sxctl-event-export/v1";
// Starts each line of an export file that holds a signing certificate.
inline constexpr char kSigningCertificateLinePrefix[] = "signing-certificate";
// "— " : U+2014 EM DASH and a space, as in C2SP signed notes.
inline constexpr char kSignatureLinePrefix[] = "\xE2\x80\x94 signature ";

// A checkpoint file's text. Only text and signature are written; the sizes
// and root come from the text when it is read back.
std::string FormatCheckpointFile(const client::SignedCheckpoint& checkpoint);

// The signed text and the signature bytes of a checkpoint file (tree_size
// and root_hash stay unset: only the verified text may say them).
// INVALID_ARGUMENT, naming `origin` and the line, if it is not in the format.
absl::StatusOr<client::SignedCheckpoint> ParseCheckpointFile(
    absl::string_view text, const std::string& origin);

// An export file as read: the range it claims and what it holds, in file
// order (nothing checked beyond the format).
struct ExportFile {
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
  client::EventExport contents;
};

// `exported` must hold at least one event; the range is taken from the
// first and last event's leaf index. Its signing certificates follow the
// events, in the order given.
std::string FormatExportFile(const client::EventExport& exported);

// INVALID_ARGUMENT, naming `origin` and the line, if it is not in the format
// (an event line after a signing-certificate line included).
absl::StatusOr<ExportFile> ParseExportFile(absl::string_view text,
                                           const std::string& origin);

}  // namespace sx::sxctl
