#include "client_sdk/sxctl/audit_verification.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_verifier.h"

namespace sx::sxctl {
namespace {

// The event chain's digests are SHA-256 whatever the log's tree hash.
constexpr size_t kChainDigestBytes = 32;

absl::Status EventError(uint64_t sequence, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("event ", sequence, ": ", problem));
}

// The checks of one exported event, at `sequence`, after `previous_bytes`
// (null for the first event of the export).
absl::StatusOr<client::Event> VerifyEvent(
    const client::ExportedEvent& event, uint64_t sequence,
    const VerifiedCheckpoint& signed_log, const std::string* previous_bytes,
    const transparency::MerkleHasher& sha256) {
  const transparency::Checkpoint& checkpoint = signed_log.checkpoint;
  if (event.proof.leaf_index != sequence - 1) {
    return EventError(
        sequence,
        absl::StrCat("the export holds event ", event.proof.leaf_index + 1,
                     " in its place (events missing or out of order)"));
  }
  if (event.proof.tree_size != checkpoint.tree_size) {
    return EventError(
        sequence,
        absl::StrCat("its proof is for a log of ", event.proof.tree_size,
                     " events, the checkpoint's log has ",
                     checkpoint.tree_size));
  }
  // The size and root come from the signed checkpoint, never from the proof.
  const absl::Status included = transparency::VerifyInclusion(
      signed_log.hasher, sequence - 1, checkpoint.tree_size,
      signed_log.hasher.LeafHash(event.event_bytes), event.proof.hashes,
      checkpoint.root_hash);
  if (!included.ok()) {
    return EventError(sequence,
                      absl::StrCat("not in the log of the signed checkpoint "
                                   "(altered event or proof): ",
                                   included.message()));
  }
  absl::StatusOr<client::Event> decoded =
      client::ParseEventBytes(event.event_bytes);
  if (!decoded.ok()) return EventError(sequence, decoded.status().message());
  if (decoded->sequence != sequence) {
    return EventError(
        sequence, absl::StrCat("its bytes say sequence ", decoded->sequence));
  }
  std::string expected_previous;
  if (previous_bytes != nullptr) {
    expected_previous = sha256.Digest(*previous_bytes);
  } else if (sequence == 1) {
    expected_previous = std::string(kChainDigestBytes, '\0');
  }
  if (!expected_previous.empty() &&
      decoded->previous_event_sha256 != expected_previous) {
    return EventError(sequence,
                      absl::StrCat("does not follow event ", sequence - 1,
                                   " (its previous-event digest differs)"));
  }
  return decoded;
}

}  // namespace

absl::StatusOr<VerifiedCheckpoint> VerifyCheckpoint(
    const client::SignedCheckpoint& signed_checkpoint,
    absl::string_view hub_certificate_pem, absl::string_view what) {
  const absl::Status signature = transparency::VerifyCheckpointSignature(
      signed_checkpoint.text, signed_checkpoint.signature, hub_certificate_pem);
  if (!signature.ok()) {
    return absl::Status(
        signature.code(),
        absl::StrCat(what,
                     ": the signature does not verify with the hub "
                     "certificate: ",
                     signature.message()));
  }
  absl::StatusOr<transparency::Checkpoint> checkpoint =
      transparency::ParseCheckpoint(signed_checkpoint.text);
  if (!checkpoint.ok()) {
    return absl::DataLossError(absl::StrCat(
        what,
        ": signed, but not a checkpoint: ", checkpoint.status().message()));
  }
  absl::StatusOr<transparency::HashAlgorithm> algorithm =
      transparency::ParseHashAlgorithm(checkpoint->hash_name);
  if (!algorithm.ok()) return algorithm.status();
  absl::StatusOr<transparency::MerkleHasher> hasher =
      transparency::MerkleHasher::Create(*algorithm);
  if (!hasher.ok()) return hasher.status();
  return VerifiedCheckpoint{*std::move(checkpoint), *std::move(hasher)};
}

absl::StatusOr<VerifiedExport> VerifyExport(
    const ExportFile& file, absl::string_view hub_certificate_pem) {
  absl::StatusOr<VerifiedCheckpoint> checkpoint = VerifyCheckpoint(
      file.contents.checkpoint, hub_certificate_pem, "the export's checkpoint");
  if (!checkpoint.ok()) return checkpoint.status();
  const uint64_t first = file.first_sequence;
  const uint64_t last = file.last_sequence;
  if (first == 0 || first > last || last > checkpoint->checkpoint.tree_size) {
    return absl::DataLossError(
        absl::StrCat("the export's range ", first, "-", last,
                     " is not within the checkpoint's log of ",
                     checkpoint->checkpoint.tree_size, " events"));
  }
  absl::StatusOr<transparency::MerkleHasher> sha256 =
      transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSha256);
  if (!sha256.ok()) return sha256.status();
  const std::vector<client::ExportedEvent>& events = file.contents.events;
  VerifiedExport verified{*std::move(checkpoint), {}};
  for (size_t i = 0; i < events.size(); ++i) {
    const uint64_t sequence = first + i;
    if (sequence > last) {
      return EventError(sequence, absl::StrCat("the export holds it, but its "
                                               "range ends at ",
                                               last));
    }
    absl::StatusOr<client::Event> event =
        VerifyEvent(events[i], sequence, verified.checkpoint,
                    i == 0 ? nullptr : &events[i - 1].event_bytes, *sha256);
    if (!event.ok()) return event.status();
    verified.events.push_back(*std::move(event));
  }
  if (verified.events.size() < last - first + 1) {
    return EventError(
        first + verified.events.size(),
        absl::StrCat("missing: the export's range is ", first, "-", last,
                     " but it holds ", verified.events.size(), " events"));
  }
  return verified;
}

absl::Status CheckComparable(const VerifiedCheckpoint& older,
                             const VerifiedCheckpoint& newer) {
  const transparency::Checkpoint& a = older.checkpoint;
  const transparency::Checkpoint& b = newer.checkpoint;
  if (a.origin != b.origin || a.hash_name != b.hash_name) {
    return absl::InvalidArgumentError(
        absl::StrCat("the checkpoints are of different logs (", a.origin, " ",
                     a.hash_name, ", ", b.origin, " ", b.hash_name, ")"));
  }
  if (a.tree_size > b.tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("the old checkpoint's log (", a.tree_size,
                     " events) is larger than the new one's (", b.tree_size,
                     "): give them the other way round"));
  }
  return absl::OkStatus();
}

bool NeedsConsistencyProof(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer) {
  return older.checkpoint.tree_size > 0 &&
         older.checkpoint.tree_size < newer.checkpoint.tree_size;
}

absl::Status VerifyExtends(const VerifiedCheckpoint& older,
                           const VerifiedCheckpoint& newer,
                           const client::ConsistencyProof& proof) {
  const absl::Status comparable = CheckComparable(older, newer);
  if (!comparable.ok()) return comparable;
  const uint64_t first = older.checkpoint.tree_size;
  const uint64_t second = newer.checkpoint.tree_size;
  if (NeedsConsistencyProof(older, newer) &&
      (proof.first_size != first || proof.second_size != second)) {
    return absl::DataLossError(absl::StrCat(
        "the hub sent a consistency proof for sizes ", proof.first_size,
        " and ", proof.second_size, ", not ", first, " and ", second));
  }
  const absl::Status consistent = transparency::VerifyConsistency(
      older.hasher, first, second, older.checkpoint.root_hash,
      newer.checkpoint.root_hash, proof.hashes);
  if (!consistent.ok()) {
    return absl::DataLossError(absl::StrCat(
        "forked or rewritten history: the log of ", second,
        " events in the new checkpoint does not extend the log of ", first,
        " events in the old one (", consistent.message(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace sx::sxctl
