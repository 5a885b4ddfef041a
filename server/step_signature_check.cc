#include "server/step_signature_check.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"

namespace sx::server {

namespace v1 = ::supervision::v1;
using transparency::SigningCertificate;
using transparency::SigningTrust;

namespace {

// Known certificates kept before the cache starts over: far more than the
// agencies of one hub have signing certificates.
constexpr size_t kMostKnownCertificates = 1024;
constexpr absl::Duration kRecheckAfter = absl::Minutes(1);

// The one value of binary metadata `key`, nullopt if absent.
absl::StatusOr<std::optional<std::string>> OneMetadataValue(
    const grpc::ServerContextBase& context, absl::string_view key) {
  const auto& metadata =
      const_cast<grpc::ServerContextBase&>(context).client_metadata();
  auto [first, last] =
      metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  if (first == last) return std::nullopt;
  if (std::next(first) != last) {
    return absl::InvalidArgumentError(
        absl::StrCat("metadata ", key, ": sent more than once"));
  }
  return std::string(first->second.data(), first->second.size());
}

}  // namespace

std::string RequestSha256(const google::protobuf::Message& request) {
  // The hub's messages have no map fields, so their serialization is
  // already in field-number order: the canonical form.
  return Sha256(request.SerializeAsString());
}

std::string FullMethodName(absl::string_view service_full_name,
                           absl::string_view method) {
  return absl::StrCat("/", service_full_name, "/", method);
}

absl::StatusOr<std::unique_ptr<StepSignatureCheck>> StepSignatureCheck::Create(
    const v1::HubConfig& settings,
    std::shared_ptr<const CertificateRevocations> revocations) {
  std::optional<SigningTrust> trust;
  if (settings.has_step_signatures()) {
    absl::StatusOr<SigningTrust> loaded =
        SigningTrust::FromPemFile(settings.step_signatures().ca_file());
    if (!loaded.ok()) {
      return absl::Status(
          loaded.status().code(),
          absl::StrCat("step_signatures.ca_file: ", loaded.status().message()));
    }
    trust = *std::move(loaded);
  }
  return std::unique_ptr<StepSignatureCheck>(
      new StepSignatureCheck(std::move(trust), std::move(revocations)));
}

absl::StatusOr<std::optional<core::SignedStep>> StepSignatureCheck::CheckStep(
    const grpc::ServerContextBase& context, const core::HubConfig& config,
    const core::Identity& caller, const std::string& method,
    const std::string& request_sha256) const {
  SX_ASSIGN_OR_RETURN(
      std::vector<std::optional<core::SignedStep>> steps,
      CheckBatch(context, config, caller, method, {request_sha256}));
  return std::move(steps.front());
}

absl::StatusOr<std::vector<std::optional<core::SignedStep>>>
StepSignatureCheck::CheckBatch(
    const grpc::ServerContextBase& context, const core::HubConfig& config,
    const core::Identity& caller, const std::string& item_method,
    const std::vector<std::string>& request_sha256s) const {
  SX_ASSIGN_OR_RETURN(
      std::optional<VerifiedCall> call,
      CheckCall(context, config, caller, item_method, request_sha256s));
  std::vector<std::optional<core::SignedStep>> steps(request_sha256s.size());
  if (!call.has_value()) return steps;
  for (size_t i = 0; i < steps.size(); ++i) {
    core::SignedStep& step = steps[i].emplace();
    v1::StepSignature& recorded = step.signature;
    recorded.set_method(item_method);
    recorded.set_request_sha256(request_sha256s[i]);
    recorded.set_signature(call->signature);
    recorded.set_certificate_sha256(call->certificate.sha256());
    recorded.set_leaf_index(static_cast<uint32_t>(i));
    recorded.set_tree_size(static_cast<uint32_t>(steps.size()));
    for (std::string& sibling : call->tree.paths[i]) {
      recorded.add_audit_path(std::move(sibling));
    }
    step.certificate_der = call->certificate.der();
  }
  return steps;
}

absl::StatusOr<std::optional<StepSignatureCheck::VerifiedCall>>
StepSignatureCheck::CheckCall(
    const grpc::ServerContextBase& context, const core::HubConfig& config,
    const core::Identity& caller, const std::string& item_method,
    const std::vector<std::string>& request_sha256s) const {
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> signature,
      OneMetadataValue(context, transparency::kStepSignatureMetadata));
  SX_ASSIGN_OR_RETURN(
      std::optional<std::string> certificate_der,
      OneMetadataValue(context, transparency::kSigningCertificateMetadata));
  if (!signature.has_value() && !certificate_der.has_value()) {
    if (config.RequiresSignatures(caller.name)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "agency ", caller.name,
          " must sign its steps (step_signatures): configure the SDK's "
          "signing key and signing certificate (ClientOptions.signing)"));
    }
    return std::nullopt;
  }
  if (!signature.has_value() || !certificate_der.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a signed step carries both metadata ",
        transparency::kStepSignatureMetadata, " and ",
        transparency::kSigningCertificateMetadata, "; this call has only ",
        signature.has_value() ? "the signature" : "the certificate"));
  }
  if (!trust_.has_value()) {
    return absl::FailedPreconditionError(
        "this hub does not check step signatures (its config has no "
        "step_signatures section), so it cannot keep this one: send the step "
        "unsigned, or ask the hub's administrators to configure signing");
  }
  SX_ASSIGN_OR_RETURN(SigningCertificate certificate,
                      TrustedCertificate(config, caller, *certificate_der));
  // Hashed only now: an unsigned step, the common case, pays nothing here.
  std::vector<std::string> step_digests;
  step_digests.reserve(request_sha256s.size());
  for (const std::string& request_sha256 : request_sha256s) {
    step_digests.push_back(
        transparency::StepDigest(item_method, request_sha256));
  }
  transparency::StepTreePaths tree =
      transparency::StepRootAndPaths(step_digests);
  const absl::Status verified = certificate.Verify(tree.root, *signature);
  if (!verified.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "step signature of agency ", caller.name,
        " does not verify over this request: it was made for another "
        "request or method, altered, or made with another key (",
        verified.message(), ")"));
  }
  return VerifiedCall{std::move(certificate), *std::move(signature),
                      std::move(tree)};
}

absl::StatusOr<SigningCertificate> StepSignatureCheck::TrustedCertificate(
    const core::HubConfig& config, const core::Identity& caller,
    absl::string_view der) const {
  const absl::Time now = absl::Now();
  const std::string sha256 = Sha256(der);
  std::optional<KnownCertificate> known;
  {
    absl::MutexLock lock(&mu_);
    auto found = known_.find(sha256);
    if (found != known_.end() &&
        now - found->second.checked_at < kRecheckAfter) {
      known = found->second;
    }
  }
  if (!known.has_value()) {
    absl::StatusOr<SigningCertificate> parsed =
        SigningCertificate::FromDer(der);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("signing certificate: ", parsed.status().message()));
    }
    const absl::Status trusted = trust_->Check(*parsed, now);
    if (!trusted.ok()) {
      return absl::PermissionDeniedError(absl::StrCat(
          "signing certificate ", parsed->uri(),
          " is not trusted by step_signatures.ca_file: ", trusted.message()));
    }
    known = KnownCertificate{*parsed, parsed->Pem(), now};
    absl::MutexLock lock(&mu_);
    if (known_.size() >= kMostKnownCertificates) known_.clear();
    known_.insert_or_assign(sha256, *known);
  }
  const SigningCertificate& certificate = known->certificate;
  // Whose it is and what it allows follow the current config.
  const std::optional<core::Identity> signer =
      config.IdentityForUri(certificate.uri());
  if (!signer.has_value() || !signer->is_agency() ||
      signer->name != caller.name) {
    return absl::PermissionDeniedError(absl::StrCat(
        "signing certificate ", certificate.uri(), " is not agency ",
        caller.name, "'s: an agency signs its steps with its own signing key"));
  }
  if (!certificate.allows_content_commitment() &&
      !config.proto().step_signatures().allow_tls_certificates()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "signing certificate ", certificate.uri(),
        " does not allow content commitment (nonRepudiation) in its key "
        "usage, as a TLS certificate does not: sign with the agency's signing "
        "certificate (deploy/dev-pki.sh makes one), or, for development "
        "only, set step_signatures.allow_tls_certificates"));
  }
  if (revocations_ != nullptr) {
    absl::StatusOr<bool> revoked = revocations_->IsRevoked(known->pem);
    if (!revoked.ok() || *revoked) {
      return absl::PermissionDeniedError(
          absl::StrCat("signing certificate ", certificate.uri(),
                       revoked.ok() ? " is revoked"
                                    : " cannot be checked against the CRLs"));
    }
  }
  return certificate;
}

}  // namespace sx::server
