// Offline checks of what the hub signed, for sxctl audit verify and audit
// consistency: a checkpoint's signature against the hub's certificate,
// every event of an export against its checkpoint's root, one checkpoint's
// log extending another's, and the agencies' own signatures of their steps
// against the CA that issues signing certificates. Nothing here talks to the
// hub or trusts anything from it beyond the signed checkpoint text (and, for
// step signatures, beyond the signing CA).
//
//   absl::StatusOr<VerifiedExport> verified = VerifyExport(file, hub_pem);
//   if (!verified.ok()) ...  // DATA_LOSS naming the first failing event
//   absl::StatusOr<VerifiedSignatures> signatures = VerifyStepSignatures(
//       *verified, file.contents.signing_certificates, signing_ca_pem);
//
// `sxctl show --verify-signatures` checks the step signatures of one
// referral's events, as ExchangeClient::ListSteps reads them, the same way.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client_sdk/sxctl/audit_files.h"
#include "sx/client/audit_client.h"
#include "sx/client/types.h"
#include "sx/transparency/checkpoint.h"
#include "sx/transparency/merkle_hasher.h"

namespace sx::sxctl {

// The actor of the steps the hub takes itself, which no agency signs.
inline constexpr char kHubActor[] = "hub";

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

// One step signature that verified.
struct SignedStep {
  uint64_t sequence = 0;
  // The signing certificate's URI, e.g.
  // "spiffe://hub.example/agency/inspection-office".
  std::string signer_uri;
  // "ecdsa-sha256", "rsa-pkcs1-sha256" or "sm2-sm3".
  std::string algorithm;
  // Whether the certificate was issued for signing (key usage
  // nonRepudiation); a hub set up for development may accept a TLS
  // certificate instead, which proves less.
  bool content_commitment = false;
};

// What VerifyStepSignatures found; every signature it lists verified.
struct VerifiedSignatures {
  // The signed events, in sequence order.
  std::vector<SignedStep> signed_steps;
  // How many of them each algorithm signed, by algorithm name.
  std::map<std::string, uint64_t> signed_by_algorithm;
  // Agencies' events (actor not "hub") that carry no signature.
  uint64_t unsigned_agency_steps = 0;
  // Signed steps whose certificate lacks content commitment.
  uint64_t without_content_commitment = 0;
};

// Checks the step signature of each signed event of `events` offline, with
// the signing certificates that came with them (DER, found by the SHA-256
// each event names; `certificates_from` says where they came from in the
// error for a missing one, e.g. "the export") and the PEM of the CAs that
// issue signing certificates: the certificate was issued by one of them and
// valid at the time of the step (not now: a certificate that expired since
// still proves the step), its URI names the event's actor
// ("…/agency/<actor>"), and its key signed the root that the event's
// method, request digest and audit path lead to. This proves that the
// agency signed a request of that digest for that method; the request
// itself is not among the events. It proves nothing about the events
// themselves (their order, their times, that none is missing): that is
// what an export's checkpoint adds (VerifyExport). Revocation is not
// checked (no CRLs offline).
// DATA_LOSS naming the first event that fails ("event 7: ..."), a missing
// certificate included; INVALID_ARGUMENT if `signing_ca_pem` holds no CA.
absl::StatusOr<VerifiedSignatures> VerifyStepSignatures(
    const std::vector<client::Event>& events,
    const std::vector<std::string>& certificates_der,
    absl::string_view signing_ca_pem, absl::string_view certificates_from);

// The same for the events of a verified export, with the certificates the
// export carries ("its signing certificate is not in the export").
absl::StatusOr<VerifiedSignatures> VerifyStepSignatures(
    const VerifiedExport& verified,
    const std::vector<std::string>& certificates_der,
    absl::string_view signing_ca_pem);

// How many of `events` carry a step signature, checked or not.
uint64_t CountSignedSteps(const std::vector<client::Event>& events);

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
