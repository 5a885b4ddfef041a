// The one place where the hub checks an agency's signature of a step
// (StepSignature in referral.proto): every service that takes agency steps
// asks it after authenticating the caller and before the step reaches the
// core. The signature must verify over the step as received, the signing
// certificate must chain to step_signatures.ca_file, allow content
// commitment, be neither expired nor revoked, and name the very agency the
// TLS connection authenticated.
//
//   SX_ASSIGN_OR_RETURN(std::optional<core::SignedStep> signed_step,
//                       check.CheckStep(*context, *config, caller,
//                                       ExchangeMethod("AcceptReferral"),
//                                       RequestSha256(*request)));
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "server/certificate_revocations.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/core/signed_step.h"
#include "sx/transparency/step_signature.h"

namespace sx::server {

// SHA-256 of the request in its canonical form (fields in field-number
// order, no unknown fields): what a step signature covers, and what a retry
// must repeat.
std::string RequestSha256(const google::protobuf::Message& request);

// "/<service full name>/<method>", as step signatures name methods.
std::string FullMethodName(absl::string_view service_full_name,
                           absl::string_view method);

// Thread-safe.
class StepSignatureCheck {
 public:
  // Reads step_signatures.ca_file if the config has that section; without
  // it, every signed call is refused (nothing to check it against) and no
  // agency may be required to sign. `revocations`: the CRLs of the signing
  // CAs (null: none configured).
  static absl::StatusOr<std::unique_ptr<StepSignatureCheck>> Create(
      const ::supervision::v1::HubConfig& settings,
      std::shared_ptr<const CertificateRevocations> revocations);

  // The checked signature of a one-step call, or nullopt if the call is
  // unsigned and `caller` need not sign. PERMISSION_DENIED for a missing
  // signature that the config requires, a signature that does not verify,
  // or a certificate of another agency, untrusted, expired or revoked;
  // INVALID_ARGUMENT for unreadable signature metadata; FAILED_PRECONDITION
  // for a signed call to a hub without step_signatures.
  absl::StatusOr<std::optional<core::SignedStep>> CheckStep(
      const grpc::ServerContextBase& context, const core::HubConfig& config,
      const core::Identity& caller, const std::string& method,
      const std::string& request_sha256) const;

  // The same for a batch whose items are each a step of `item_method`, all
  // under one signature over the tree of their step digests: one result
  // per item, each with its own audit path.
  absl::StatusOr<std::vector<std::optional<core::SignedStep>>> CheckBatch(
      const grpc::ServerContextBase& context, const core::HubConfig& config,
      const core::Identity& caller, const std::string& item_method,
      const std::vector<std::string>& request_sha256s) const;

 private:
  struct KnownCertificate {
    transparency::SigningCertificate certificate;
    std::string pem;
    // When the chain and dates were last checked; re-checked after a
    // minute, so that an expired certificate stops within one.
    absl::Time checked_at;
  };

  StepSignatureCheck(std::optional<transparency::SigningTrust> trust,
                     std::shared_ptr<const CertificateRevocations> revocations)
      : trust_(std::move(trust)), revocations_(std::move(revocations)) {}

  struct VerifiedCall {
    transparency::SigningCertificate certificate;
    std::string signature;
    // The tree the signature covers, with each step's audit path.
    transparency::StepTreePaths tree;
  };

  // Verifies the call's signature over the tree of its steps (each a step
  // of `item_method` with its request's SHA-256); nullopt for an unsigned
  // call that may stay unsigned.
  absl::StatusOr<std::optional<VerifiedCall>> CheckCall(
      const grpc::ServerContextBase& context, const core::HubConfig& config,
      const core::Identity& caller, const std::string& item_method,
      const std::vector<std::string>& request_sha256s) const;
  // The certificate from `der`, trusted for `caller` now.
  absl::StatusOr<transparency::SigningCertificate> TrustedCertificate(
      const core::HubConfig& config, const core::Identity& caller,
      absl::string_view der) const ABSL_LOCKS_EXCLUDED(mu_);

  const std::optional<transparency::SigningTrust> trust_;
  const std::shared_ptr<const CertificateRevocations> revocations_;
  mutable absl::Mutex mu_;
  // By the certificate's SHA-256; few entries (one or two per agency), and
  // emptied when it grows past a bound.
  mutable absl::flat_hash_map<std::string, KnownCertificate> known_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::server
