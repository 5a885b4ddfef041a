#include "sx/core/audit_core.h"

#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "server/core/event_reading.h"
#include "server/core/referral_steps.h"
#include "sx/base/status_macros.h"
#include "sx/core/request_validation.h"
#include "sx/transparency/merkle_proofs.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

constexpr uint32_t kDefaultPageSize = 100;
constexpr uint32_t kMaxPageSize = 1000;
constexpr uint64_t kMaxExport = 10000;

// The store's perfect subtree hashes, as the proof algorithms want them.
class StoreHashSource final : public transparency::SubtreeHashSource {
 public:
  explicit StoreHashSource(storage::Store& store) : store_(store) {}
  absl::StatusOr<std::string> PerfectSubtreeHash(uint64_t level,
                                                 uint64_t index) override {
    return store_.PerfectSubtreeHash(level, index);
  }

 private:
  storage::Store& store_;
};

}  // namespace

AuditCore::AuditCore(storage::Store& store, const Clock& clock,
                     std::string origin, transparency::MerkleHasher hasher,
                     SignerSource signer)
    : store_(store),
      clock_(clock),
      origin_(std::move(origin)),
      hasher_(std::move(hasher)),
      signer_(std::move(signer)) {}

absl::StatusOr<v1::QueryEventsResponse> AuditCore::QueryEvents(
    const v1::QueryEventsRequest& request) {
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  storage::EventFilter filter;
  filter.referral_id = request.referral_id();
  filter.agency_id = request.agency_id();
  filter.type = static_cast<int>(request.type());
  if (request.has_time_from()) {
    filter.time_from = FromTimestamp(request.time_from());
  }
  if (request.has_time_to()) filter.time_to = FromTimestamp(request.time_to());

  SX_ASSIGN_OR_RETURN(
      EventPage page,
      ReadEventPage(store_, filter, request.page_token(), page_size));
  v1::QueryEventsResponse response;
  for (v1::Event& event : page.events) *response.add_events() = std::move(event);
  response.set_next_page_token(std::move(page.next_page_token));
  return response;
}

absl::StatusOr<uint64_t> AuditCore::TreeSize(uint64_t requested) {
  SX_ASSIGN_OR_RETURN(uint64_t size, store_.EventCount());
  if (requested == 0) return size;
  if (requested > size) {
    return absl::OutOfRangeError(absl::StrCat("tree_size: the log holds ", size,
                                              " events, not ", requested));
  }
  return requested;
}

absl::StatusOr<v1::SignedCheckpoint> AuditCore::SignedCheckpointAt(
    uint64_t tree_size) {
  StoreHashSource source(store_);
  SX_ASSIGN_OR_RETURN(std::string root,
                      transparency::RootHash(tree_size, source, hasher_));
  transparency::Checkpoint checkpoint;
  checkpoint.origin = origin_;
  checkpoint.hash_name = std::string(hasher_.name());
  checkpoint.tree_size = tree_size;
  checkpoint.root_hash = root;
  checkpoint.time = clock_.Now();
  SX_ASSIGN_OR_RETURN(const std::string text,
                      transparency::FormatCheckpoint(checkpoint));
  SX_ASSIGN_OR_RETURN(std::string signature, signer_().Sign(text));
  v1::SignedCheckpoint signed_checkpoint;
  signed_checkpoint.set_text(text);
  signed_checkpoint.set_signature_base64(absl::Base64Escape(signature));
  signed_checkpoint.set_tree_size(tree_size);
  signed_checkpoint.set_root_hash(root);
  return signed_checkpoint;
}

absl::StatusOr<v1::SignedCheckpoint> AuditCore::Checkpoint() {
  SX_ASSIGN_OR_RETURN(uint64_t size, TreeSize(0));
  return SignedCheckpointAt(size);
}

absl::StatusOr<v1::InclusionProof> AuditCore::Inclusion(uint64_t sequence,
                                                        uint64_t tree_size) {
  SX_ASSIGN_OR_RETURN(uint64_t size, TreeSize(tree_size));
  if (sequence == 0 || sequence > size) {
    return absl::OutOfRangeError(absl::StrCat(
        "sequence: ", sequence, " is not in a log of ", size, " events"));
  }
  StoreHashSource source(store_);
  SX_ASSIGN_OR_RETURN(
      std::vector<std::string> hashes,
      transparency::InclusionProof(sequence - 1, size, source, hasher_));
  v1::InclusionProof proof;
  proof.set_leaf_index(sequence - 1);
  proof.set_tree_size(size);
  for (std::string& hash : hashes) proof.add_hashes(std::move(hash));
  return proof;
}

absl::StatusOr<v1::ConsistencyProof> AuditCore::Consistency(
    uint64_t first_size, uint64_t second_size) {
  SX_ASSIGN_OR_RETURN(uint64_t second, TreeSize(second_size));
  if (first_size > second) {
    return absl::InvalidArgumentError(
        "first_size: must not exceed second_size");
  }
  StoreHashSource source(store_);
  SX_ASSIGN_OR_RETURN(
      std::vector<std::string> hashes,
      transparency::ConsistencyProof(first_size, second, source, hasher_));
  v1::ConsistencyProof proof;
  proof.set_first_size(first_size);
  proof.set_second_size(second);
  for (std::string& hash : hashes) proof.add_hashes(std::move(hash));
  return proof;
}

absl::StatusOr<v1::EventExport> AuditCore::Export(uint64_t from_sequence,
                                                  uint64_t to_sequence) {
  SX_ASSIGN_OR_RETURN(uint64_t size, TreeSize(0));
  const uint64_t first = std::max<uint64_t>(from_sequence, 1);
  const uint64_t last = to_sequence == 0 ? size : to_sequence;
  if (last > size || first > last) {
    return absl::OutOfRangeError(
        absl::StrCat("from_sequence/to_sequence: [", first, ", ", last,
                     "] is not within the log of ", size, " events"));
  }
  if (last - first + 1 > kMaxExport) {
    return absl::InvalidArgumentError(absl::StrCat(
        "to_sequence: at most ", kMaxExport, " events per export"));
  }
  v1::EventExport exported;
  SX_ASSIGN_OR_RETURN(*exported.mutable_checkpoint(), SignedCheckpointAt(size));
  // The signing certificates the events name, each once, so that the
  // export verifies offline.
  SigningCertificateCollector certificates(store_);
  for (uint64_t sequence = first; sequence <= last; ++sequence) {
    v1::ExportedEvent& exported_event = *exported.add_events();
    SX_ASSIGN_OR_RETURN(*exported_event.mutable_event_bytes(),
                        store_.ReadEventBytes(sequence));
    SX_ASSIGN_OR_RETURN(*exported_event.mutable_proof(),
                        Inclusion(sequence, size));
    v1::Event event;
    if (!event.ParseFromString(exported_event.event_bytes())) {
      return absl::DataLossError(
          absl::StrCat("event ", sequence, " does not parse"));
    }
    SX_RETURN_IF_ERROR(certificates.Add(event));
  }
  certificates.MoveTo(*exported.mutable_signing_certificates());
  return exported;
}

}  // namespace sx::core
