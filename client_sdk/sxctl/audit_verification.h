// Offline checks of what the hub signed, for sxctl audit verify and audit
// consistency: a checkpoint's signature against the hub's certificate,
// every event of an export against its checkpoint's root, and one
// checkpoint's log extending another's. Nothing here talks to the hub or
// trusts anything from it beyond the signed checkpoint text.
//
//   absl::StatusOr<VerifiedExport> verified = VerifyExport(file, hub_pem);
//   if (!verified.ok()) ...  // DATA_LOSS naming the first failing event
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client_sdk/sxctl/audit_files.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/client/audit_client.h"

namespace sx::sxctl {

// A checkpoint whose signature checked out: the signed text, parsed, and
// the hasher of the hash algorithm it names.
struct VerifiedCheckpoint {
  transparency::Checkpoint checkpoint;
  transparency::MerkleHasher hasher;
};

// Checks `signed_checkpoint`'s signature with the public key of
// `hub_certificate_pem`, then parses its text. `what` names the checkpoint
// in errors ("checkpoint old.txt"). DATA_LOSS for a signature that does not
// verify; INVALID_ARGUMENT for an unusable certificate.
absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(
    const client::SignedCheckpoint& signed_checkpoint,
    absl::string_view hub_certificate_pem, absl::string_view what);

struct VerifiedExport {
  VerifiedCheckpoint checkpoint;
  // Decoded, in sequence order: the export's whole range.
  std::vector<client::Event> events;
};

// Checks the export's checkpoint signature, then that the events are
// exactly the claimed range in order, that each is in the checkpoint's log
// at its position (its inclusion proof leads from the hash of its bytes to
// the signed root), and that each names the digest of the one before it.
// DATA_LOSS naming the first event that fails ("event 7: ...").
absl::StatusOr<VerifiedExport> VerifyExport(
    const ExportFile& file, absl::string_view hub_certificate_pem);

// OK if the two checkpoints can be compared: the same log (origin) and hash
// algorithm, `older` no larger than `newer`. INVALID_ARGUMENT otherwise.
absl::Status CheckComparable(const VerifiedCheckpoint& older,
                             const VerifiedCheckpoint& newer);

// Whether showing that `newer` extends `older` takes a proof from the hub:
// only when 0 < older size < newer size. Otherwise the proof is empty.
bool NeedsConsistencyProof(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer);

// Checks that `newer`'s log extends `older`'s, by `proof` between their
// sizes and their own signed roots. DATA_LOSS "forked or rewritten history"
// if it does not.
absl::Status VerifyExtends(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer,
                           const client::ConsistencyProof& proof);

}  // namespace sx::sxctl
