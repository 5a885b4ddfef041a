#include "client_sdk/sxctl/audit_verification.h"

#include <cstdint>
#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/time_format.h"
#include "sx/base/sha256.h"
#include "sx/transparency/checkpoint_signature.h"
#include "sx/transparency/merkle_verifier.h"
#include "sx/transparency/step_signature.h"

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

// The signing certificates that came with the events (from `from`, e.g.
// "the export"), found by their SHA-256 and parsed once each, when an event
// first names them.
class SigningCertificates {
 public:
  // `certificates_der` must outlive this.
  SigningCertificates(const std::vector<std::string>& certificates_der,
                      absl::string_view from)
      : from_(from) {
    for (const std::string& der : certificates_der) {
      by_sha256_.emplace(Sha256(der), &der);
    }
  }

  // The certificate whose DER has `sha256`, for the event at `sequence`.
  absl::StatusOr<transparency::SigningCertificate> Find(
      const std::string& sha256, uint64_t sequence) {
    auto parsed = parsed_.find(sha256);
    if (parsed != parsed_.end()) return parsed->second;
    auto der = by_sha256_.find(sha256);
    if (der == by_sha256_.end()) {
      return EventError(
          sequence, absl::StrCat("its signing certificate is not in ", from_));
    }
    absl::StatusOr<transparency::SigningCertificate> certificate =
        transparency::SigningCertificate::FromDer(*der->second);
    if (!certificate.ok()) {
      return EventError(sequence,
                        absl::StrCat("its signing certificate does not parse: ",
                                     certificate.status().message()));
    }
    parsed_.emplace(sha256, *certificate);
    return certificate;
  }

 private:
  const std::string from_;
  std::map<std::string, const std::string*> by_sha256_;
  std::map<std::string, transparency::SigningCertificate> parsed_;
};

// The checks of one signed event; its signer and algorithm if they pass.
absl::StatusOr<SignedStep> VerifyStepSignature(
    const client::Event& event, const client::StepSignature& signature,
    SigningCertificates& certificates,
    const transparency::SigningTrust& trust) {
  const uint64_t sequence = event.sequence;
  absl::StatusOr<transparency::SigningCertificate> certificate =
      certificates.Find(signature.certificate_sha256, sequence);
  if (!certificate.ok()) return certificate.status();
  // At the time of the step: what counts is whether the agency could sign
  // then, not whether its certificate is still valid now.
  const absl::Status trusted = trust.Check(*certificate, event.time);
  if (!trusted.ok()) {
    return EventError(
        sequence,
        absl::StrCat("its signing certificate ", certificate->uri(),
                     " is not a certificate of the signing CA valid at ",
                     FormatTimeSeconds(event.time), ": ", trusted.message()));
  }
  if (!absl::EndsWith(certificate->uri(),
                      absl::StrCat("/agency/", event.actor))) {
    return EventError(sequence, absl::StrCat("signed with ", certificate->uri(),
                                             ", not by agency ", event.actor));
  }
  absl::StatusOr<std::string> root = transparency::StepRootFromPath(
      transparency::StepDigest(signature.method, signature.request_sha256),
      signature.leaf_index, signature.tree_size, signature.audit_path);
  if (!root.ok()) {
    return EventError(sequence, absl::StrCat("malformed step signature: ",
                                             root.status().message()));
  }
  const absl::Status verified = certificate->Verify(*root, signature.signature);
  if (!verified.ok()) {
    return EventError(
        sequence,
        absl::StrCat("step signature does not verify with ", certificate->uri(),
                     " (altered step, altered signature or another key): ",
                     verified.message()));
  }
  return SignedStep{sequence, certificate->uri(),
                    std::string(certificate->algorithm_name()),
                    certificate->allows_content_commitment()};
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

absl::StatusOr<VerifiedSignatures> VerifyStepSignatures(
    const std::vector<client::Event>& events,
    const std::vector<std::string>& certificates_der,
    absl::string_view signing_ca_pem, absl::string_view certificates_from) {
  absl::StatusOr<transparency::SigningTrust> trust =
      transparency::SigningTrust::FromPem(signing_ca_pem);
  if (!trust.ok()) {
    return absl::Status(
        trust.status().code(),
        absl::StrCat("the signing CA: ", trust.status().message()));
  }
  SigningCertificates certificates(certificates_der, certificates_from);
  VerifiedSignatures result;
  for (const client::Event& event : events) {
    if (!event.step_signature.has_value()) {
      if (!event.actor.empty() && event.actor != kHubActor) {
        ++result.unsigned_agency_steps;
      }
      continue;
    }
    absl::StatusOr<SignedStep> step =
        VerifyStepSignature(event, *event.step_signature, certificates, *trust);
    if (!step.ok()) return step.status();
    ++result.signed_by_algorithm[step->algorithm];
    if (!step->content_commitment) ++result.without_content_commitment;
    result.signed_steps.push_back(*std::move(step));
  }
  return result;
}

absl::StatusOr<VerifiedSignatures> VerifyStepSignatures(
    const VerifiedExport& verified,
    const std::vector<std::string>& certificates_der,
    absl::string_view signing_ca_pem) {
  return VerifyStepSignatures(verified.events, certificates_der, signing_ca_pem,
                              "the export");
}

uint64_t CountSignedSteps(const std::vector<client::Event>& events) {
  uint64_t signed_steps = 0;
  for (const client::Event& event : events) {
    if (event.step_signature.has_value()) ++signed_steps;
  }
  return signed_steps;
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
