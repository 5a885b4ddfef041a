// What auditors use: event queries over the hub's event indexes, and the
// transparency log's signed checkpoints, inclusion and consistency proofs and
// verifiable exports (RFC 6962 / RFC 9162 style).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "supervision/v1/audit.pb.h"
#include "sx/core/clock.h"
#include "sx/storage/store.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::core {

// Thread-safe. Reads only: nothing an auditor does changes the hub.
class AuditCore {
 public:
  // The signer in use when a checkpoint is signed (the hub re-reads its key
  // after a rotation).
  using SignerSource = std::function<transparency::CheckpointSigner()>;

  AuditCore(storage::Store& store, const Clock& clock, std::string origin,
            transparency::MerkleHasher hasher, SignerSource signer);

  absl::StatusOr<::supervision::v1::QueryEventsResponse> QueryEvents(
      const ::supervision::v1::QueryEventsRequest& request);
  // A signed checkpoint of the log as it is now.
  absl::StatusOr<::supervision::v1::SignedCheckpoint> Checkpoint();
  absl::StatusOr<::supervision::v1::InclusionProof> Inclusion(
      uint64_t sequence, uint64_t tree_size);
  absl::StatusOr<::supervision::v1::ConsistencyProof> Consistency(
      uint64_t first_size, uint64_t second_size);
  absl::StatusOr<::supervision::v1::EventExport> Export(uint64_t from_sequence,
                                                        uint64_t to_sequence);

 private:
  absl::StatusOr<::supervision::v1::SignedCheckpoint> SignedCheckpointAt(
      uint64_t tree_size);
  // `requested` or, if 0, the current size; OUT_OF_RANGE beyond it.
  absl::StatusOr<uint64_t> TreeSize(uint64_t requested);

  storage::Store& store_;
  const Clock& clock_;
  const std::string origin_;
  const transparency::MerkleHasher hasher_;
  const SignerSource signer_;
};

}  // namespace sx::core
