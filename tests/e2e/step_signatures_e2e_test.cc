// Signed steps in the real hub: an agency's signature (ECDSA or SM2, from the
// SDK or from a second implementation made of protoc and openssl) is checked
// and kept with the step's event and in audit exports; a missing signature
// where one is required, a bad one, one made with another agency's key, one
// replayed onto another referral and one made with a TLS certificate are
// refused with PERMISSION_DENIED, and store nothing.
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/audit.grpc.pb.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "sx/base/sha256.h"
#include "sx/client/exchange_client.h"
#include "sx/transparency/step_signature.h"
#include "tests/e2e/dev_pki_suite.h"
#include "tests/e2e/hub_process.h"
#include "tests/e2e/sdk_options.h"
#include "tests/support/read_file.h"
#include "tests/support/temp_dir.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;
using transparency::SigningCertificate;
using transparency::StepSigner;

constexpr char kAcceptMethod[] =
    "/supervision.v1.ExchangeService/AcceptReferral";
constexpr char kSubmitMethod[] =
    "/supervision.v1.ExchangeService/SubmitReferral";

// The agency's DER signing certificate from the dev PKI.
std::string SigningCertDer(const DevPki& pki, const std::string& agency) {
  absl::StatusOr<StepSigner> signer =
      StepSigner::FromPemFiles(pki.SigningKey(agency), pki.SigningCert(agency));
  EXPECT_TRUE(signer.ok()) << signer.status();
  return signer.ok() ? signer->certificate_der() : "";
}

// A context carrying `signature` and `certificate_der` as a signed step does.
std::unique_ptr<grpc::ClientContext> SignedContext(
    const std::string& signature, const std::string& certificate_der) {
  std::unique_ptr<grpc::ClientContext> context = Context();
  context->AddMetadata(transparency::kStepSignatureMetadata, signature);
  context->AddMetadata(transparency::kSigningCertificateMetadata,
                       certificate_der);
  return context;
}

// The signature of `request` as a call of `method`, by the hub's own code.
std::string Sign(const StepSigner& signer, const std::string& method,
                 const google::protobuf::Message& request) {
  const std::string root = transparency::StepRoot(
      {transparency::StepDigest(method, Sha256(request.SerializeAsString()))});
  absl::StatusOr<std::string> signature = signer.Sign(root);
  EXPECT_TRUE(signature.ok()) << signature.status();
  return signature.ok() ? *signature : "";
}

// The root a stored step signature signs: from its step's digest and its
// audit path.
absl::StatusOr<std::string> SignedRoot(const v1::StepSignature& signed_step) {
  return transparency::StepRootFromPath(
      transparency::StepDigest(signed_step.method(),
                               signed_step.request_sha256()),
      signed_step.leaf_index(), signed_step.tree_size(),
      {signed_step.audit_path().begin(), signed_step.audit_path().end()});
}

v1::SubmitReferralRequest LeadTo(const std::string& recipient,
                                 const std::string& request_id) {
  v1::SubmitReferralRequest submit;
  submit.set_request_id(request_id);
  submit.set_recipient_agency_id(recipient);
  submit.set_kind(v1::REFERRAL_KIND_LEAD);
  v1::Lead& lead = *submit.mutable_lead();
  lead.set_subject("某局副局长");
  lead.set_category("进一步了解关注类");
  lead.set_summary("反映其违规插手工程招投标");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return submit;
}

class StepSignaturesE2eTest : public DevPkiSuite {
 protected:
  StepSignaturesE2eTest()
      : hub_(*pki_, [](std::string& config) {
          // The inspection office must sign; the others may.
          config = absl::StrReplaceAll(
              config,
              {{"display_name: \"市委巡察办\"",
                "display_name: \"市委巡察办\" require_signatures: true"}});
        }) {}

  void SetUp() override { ASSERT_TRUE(hub_.Start().ok()) << hub_.ReadLog(); }

  StepSigner SignerOf(const std::string& agency) {
    absl::StatusOr<StepSigner> signer = StepSigner::FromPemFiles(
        pki_->SigningKey(agency), pki_->SigningCert(agency));
    EXPECT_TRUE(signer.ok()) << signer.status();
    return *signer;
  }

  std::unique_ptr<v1::ExchangeService::Stub> Exchange(
      const std::string& agency) {
    return v1::ExchangeService::NewStub(hub_.Channel(agency));
  }

  // Every event of the referral, as auditors read them.
  std::vector<v1::Event> EventsOf(const std::string& referral_id) {
    auto audit = v1::AuditService::NewStub(hub_.Channel("auditor-audit"));
    v1::QueryEventsRequest query;
    query.set_referral_id(referral_id);
    v1::QueryEventsResponse response;
    const grpc::Status status =
        audit->QueryEvents(Context().get(), query, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.events().begin(), response.events().end()};
  }

  uint64_t EventCount() {
    auto audit = v1::AuditService::NewStub(hub_.Channel("auditor-audit"));
    v1::SignedCheckpoint checkpoint;
    const grpc::Status status = audit->GetCheckpoint(
        Context().get(), v1::GetCheckpointRequest(), &checkpoint);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return checkpoint.tree_size();
  }

  // A lead from the inspection office, signed by it (it must sign), to the
  // commission; returns its id.
  std::string SubmitSigned(const std::string& request_id) {
    const v1::SubmitReferralRequest submit =
        LeadTo("discipline-commission", request_id);
    v1::Referral referral;
    const grpc::Status status =
        Exchange("inspection-office")
            ->SubmitReferral(
                SignedContext(
                    Sign(SignerOf("inspection-office"), kSubmitMethod, submit),
                    SigningCertDer(*pki_, "inspection-office"))
                    .get(),
                submit, &referral);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return referral.referral_id();
  }

  // Expects `status` to be PERMISSION_DENIED naming `words`, and the log to
  // have grown by no event.
  void ExpectRefused(const grpc::Status& status, const std::string& words,
                     uint64_t events_before) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << status.error_message();
    EXPECT_NE(status.error_message().find(words), std::string::npos)
        << status.error_message();
    EXPECT_EQ(EventCount(), events_before);
  }

  HubProcess hub_;
};

TEST_F(StepSignaturesE2eTest, SdkSignsEveryStepAndTheEventsKeepTheSignatures) {
  // ECDSA for the inspection office, SM2 for a stationed group (dev-pki.sh).
  auto office = client::ConnectExchangeClient(
      SdkOptions(hub_, *pki_, "inspection-office"));
  ASSERT_TRUE(office.ok()) << office.status();
  client::NewReferral lead;
  lead.recipient_agency_id = "discipline-commission";
  lead.lead.subject = "某局副局长";
  lead.lead.category = "进一步了解关注类";
  lead.lead.summary = "反映其违规插手工程招投标";
  lead.lead.source = "巡察个别谈话";
  lead.lead.sensitivity = client::Sensitivity::kSensitive;
  lead.lead.urgency = client::Urgency::kNormal;
  absl::StatusOr<client::Referral> sent = (*office)->Submit(lead);
  ASSERT_TRUE(sent.ok()) << sent.status();

  auto commission = client::ConnectExchangeClient(
      SdkOptions(hub_, *pki_, "discipline-commission"));
  ASSERT_TRUE(commission.ok());
  ASSERT_TRUE((*commission)->Accept(sent->referral_id).ok());

  auto group = client::ConnectExchangeClient(
      SdkOptions(hub_, *pki_, "stationed-education"));
  ASSERT_TRUE(group.ok());
  client::NewReferral from_group = lead;
  absl::StatusOr<client::Referral> group_sent = (*group)->Submit(from_group);
  ASSERT_TRUE(group_sent.ok()) << group_sent.status();

  const std::vector<v1::Event> events = EventsOf(sent->referral_id);
  ASSERT_EQ(events.size(), 2u);
  for (const v1::Event& event : events) {
    SCOPED_TRACE(event.ShortDebugString());
    ASSERT_TRUE(event.has_step_signature());
    const v1::StepSignature& signed_step = event.step_signature();
    const std::string der = SigningCertDer(*pki_, event.actor());
    EXPECT_EQ(signed_step.certificate_sha256(), Sha256(der));
    absl::StatusOr<SigningCertificate> certificate =
        SigningCertificate::FromDer(der);
    ASSERT_TRUE(certificate.ok());
    absl::StatusOr<std::string> root = SignedRoot(signed_step);
    ASSERT_TRUE(root.ok());
    EXPECT_TRUE(certificate->Verify(*root, signed_step.signature()).ok());
  }
  EXPECT_EQ(events[0].step_signature().method(), kSubmitMethod);
  EXPECT_EQ(events[1].step_signature().method(), kAcceptMethod);

  // A party reads the same steps, with both signing certificates.
  v1::ListReferralStepsRequest list;
  list.set_referral_id(sent->referral_id);
  v1::ListReferralStepsResponse steps;
  const grpc::Status listed =
      Exchange("inspection-office")
          ->ListReferralSteps(Context().get(), list, &steps);
  ASSERT_TRUE(listed.ok()) << listed.error_message();
  ASSERT_EQ(steps.events_size(), 2);
  EXPECT_EQ(steps.events(1).step_signature().signature(),
            events[1].step_signature().signature());
  ASSERT_EQ(steps.signing_certificates_size(), 2);
  EXPECT_EQ(steps.signing_certificates(0),
            SigningCertDer(*pki_, "inspection-office"));
  EXPECT_EQ(steps.signing_certificates(1),
            SigningCertDer(*pki_, "discipline-commission"));

  const std::vector<v1::Event> group_events = EventsOf(group_sent->referral_id);
  ASSERT_EQ(group_events.size(), 1u);
  absl::StatusOr<SigningCertificate> sm2 =
      SigningCertificate::FromDer(SigningCertDer(*pki_, "stationed-education"));
  ASSERT_TRUE(sm2.ok());
  EXPECT_EQ(sm2->algorithm_name(), "sm2-sm3");
  const v1::StepSignature& sm2_step = group_events[0].step_signature();
  EXPECT_TRUE(sm2->Verify(transparency::StepRoot({transparency::StepDigest(
                              sm2_step.method(), sm2_step.request_sha256())}),
                          sm2_step.signature())
                  .ok());

  // The export carries each signing certificate once.
  auto audit = v1::AuditService::NewStub(hub_.Channel("auditor-audit"));
  v1::EventExport exported;
  ASSERT_TRUE(
      audit->ExportEvents(Context().get(), v1::ExportEventsRequest(), &exported)
          .ok());
  EXPECT_EQ(exported.signing_certificates_size(), 3);
}

TEST_F(StepSignaturesE2eTest, ABatchIsSignedOnceAndEachItemVerifiesAlone) {
  auto office = client::ConnectExchangeClient(
      SdkOptions(hub_, *pki_, "inspection-office"));
  ASSERT_TRUE(office.ok());
  std::vector<client::BatchSubmission> batch(5);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].referral.recipient_agency_id = "discipline-commission";
    batch[i].referral.lead.subject = absl::StrCat("某单位负责人", i);
    batch[i].referral.lead.category = "进一步了解关注类";
    batch[i].referral.lead.summary = "反映其违规发放津补贴";
    batch[i].referral.lead.source = "巡察个别谈话";
    batch[i].referral.lead.sensitivity = client::Sensitivity::kSensitive;
    batch[i].referral.lead.urgency = client::Urgency::kNormal;
  }
  absl::StatusOr<client::BatchResults> results = (*office)->SubmitBatch(batch);
  ASSERT_TRUE(results.ok()) << results.status();
  absl::StatusOr<SigningCertificate> certificate =
      SigningCertificate::FromDer(SigningCertDer(*pki_, "inspection-office"));
  ASSERT_TRUE(certificate.ok());
  std::string batch_signature;
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_TRUE((*results)[i].ok()) << (*results)[i].status();
    const std::vector<v1::Event> events = EventsOf((*results)[i]->referral_id);
    ASSERT_EQ(events.size(), 1u);
    const v1::StepSignature& signed_step = events[0].step_signature();
    EXPECT_EQ(signed_step.method(), kSubmitMethod);
    EXPECT_EQ(signed_step.leaf_index(), i);
    EXPECT_EQ(signed_step.tree_size(), batch.size());
    if (i == 0) batch_signature = signed_step.signature();
    EXPECT_EQ(signed_step.signature(), batch_signature);
    absl::StatusOr<std::string> root = SignedRoot(signed_step);
    ASSERT_TRUE(root.ok());
    EXPECT_TRUE(certificate->Verify(*root, signed_step.signature()).ok());
  }
}

// What tests/e2e/sign_step_with_openssl.sh made of a request in text format.
struct OpenSslSigned {
  std::string request_bytes;
  std::string signature;
  std::string certificate_der;
};

OpenSslSigned SignWithOpenSsl(const DevPki& pki, const std::string& agency,
                              const std::string& algorithm,
                              const std::string& message,
                              const std::string& method,
                              const std::string& request_text) {
  TempDir out;
  const std::string command = absl::StrCat(
      "echo '", request_text, "' | ", SX_SOURCE_DIR,
      "/tests/e2e/sign_step_with_openssl.sh ", SX_SOURCE_DIR, "/proto ",
      message, " ", method, " ", pki.SigningKey(agency), " ",
      pki.SigningCert(agency), " ", algorithm, " ", out.path());
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return {ReadFile(out.Sub("request.bin")), ReadFile(out.Sub("signature.der")),
          ReadFile(out.Sub("certificate.der"))};
}

TEST_F(StepSignaturesE2eTest, AnOpenSslSignatureIsAcceptedLikeTheSdks) {
  const std::string referral_id = SubmitSigned("openssl-lead");
  // The commission (ECDSA) accepts with a signature made by the script.
  const OpenSslSigned accepted = SignWithOpenSsl(
      *pki_, "discipline-commission", "ecdsa",
      "supervision.v1.AcceptReferralRequest", kAcceptMethod,
      absl::StrCat("request_id: \"accept-by-openssl\" referral_id: \"",
                   referral_id, "\""));
  v1::AcceptReferralRequest accept;
  ASSERT_TRUE(accept.ParseFromString(accepted.request_bytes));
  EXPECT_EQ(accept.referral_id(), referral_id);
  v1::Referral referral;
  const grpc::Status status =
      Exchange("discipline-commission")
          ->AcceptReferral(
              SignedContext(accepted.signature, accepted.certificate_der).get(),
              accept, &referral);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(EventsOf(referral_id).back().step_signature().signature(),
            accepted.signature);

  // And a stationed group submits with an SM2 signature made by openssl.
  const OpenSslSigned submitted = SignWithOpenSsl(
      *pki_, "stationed-education", "sm2",
      "supervision.v1.SubmitReferralRequest", kSubmitMethod,
      "request_id: \"sm2-by-openssl\" recipient_agency_id: "
      "\"discipline-commission\" kind: REFERRAL_KIND_LEAD lead { subject: "
      "\"某校校长\" category: \"进一步了解关注类\" summary: \"反映其违规收费\" "
      "source: \"来信\" sensitivity: SENSITIVITY_SENSITIVE urgency: "
      "URGENCY_NORMAL }");
  v1::SubmitReferralRequest submit;
  ASSERT_TRUE(submit.ParseFromString(submitted.request_bytes));
  const grpc::Status sm2_status =
      Exchange("stationed-education")
          ->SubmitReferral(
              SignedContext(submitted.signature, submitted.certificate_der)
                  .get(),
              submit, &referral);
  ASSERT_TRUE(sm2_status.ok()) << sm2_status.error_message();
  EXPECT_TRUE(EventsOf(referral.referral_id()).front().has_step_signature());
}

TEST_F(StepSignaturesE2eTest, AMissingSignatureIsRefusedWhereRequired) {
  const uint64_t before = EventCount();
  v1::Referral referral;
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "unsigned");
  ExpectRefused(Exchange("inspection-office")
                    ->SubmitReferral(Context().get(), submit, &referral),
                "must sign its steps", before);
  // An agency that need not sign may still take steps unsigned.
  const std::string id = SubmitSigned("signed-lead");
  v1::AcceptReferralRequest accept;
  accept.set_request_id("unsigned-accept");
  accept.set_referral_id(id);
  const grpc::Status status =
      Exchange("discipline-commission")
          ->AcceptReferral(Context().get(), accept, &referral);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(EventsOf(id).back().has_step_signature());
}

TEST_F(StepSignaturesE2eTest, ABadSignatureIsRefused) {
  const uint64_t before = EventCount();
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "bad-signature");
  std::string signature =
      Sign(SignerOf("inspection-office"), kSubmitMethod, submit);
  signature[signature.size() / 2] ^= 0x01;
  v1::Referral referral;
  ExpectRefused(
      Exchange("inspection-office")
          ->SubmitReferral(
              SignedContext(signature,
                            SigningCertDer(*pki_, "inspection-office"))
                  .get(),
              submit, &referral),
      "does not verify", before);
}

TEST_F(StepSignaturesE2eTest, AnotherAgencysKeyIsRefused) {
  const uint64_t before = EventCount();
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "audit-bureau-key");
  v1::Referral referral;
  // The inspection office's connection, the audit bureau's signing key.
  ExpectRefused(
      Exchange("inspection-office")
          ->SubmitReferral(SignedContext(Sign(SignerOf("audit-bureau"),
                                              kSubmitMethod, submit),
                                         SigningCertDer(*pki_, "audit-bureau"))
                               .get(),
                           submit, &referral),
      "its own signing key", before);
}

TEST_F(StepSignaturesE2eTest, ASignatureReplayedOntoAnotherReferralIsRefused) {
  const std::string first = SubmitSigned("replay-first");
  const std::string second = SubmitSigned("replay-second");
  v1::AcceptReferralRequest accept;
  accept.set_request_id("accept-first");
  accept.set_referral_id(first);
  const std::string signature =
      Sign(SignerOf("discipline-commission"), kAcceptMethod, accept);
  const std::string certificate =
      SigningCertDer(*pki_, "discipline-commission");
  v1::Referral referral;
  ASSERT_TRUE(Exchange("discipline-commission")
                  ->AcceptReferral(SignedContext(signature, certificate).get(),
                                   accept, &referral)
                  .ok());
  const uint64_t before = EventCount();
  // The same signature on the acceptance of the other referral.
  accept.set_referral_id(second);
  ExpectRefused(
      Exchange("discipline-commission")
          ->AcceptReferral(SignedContext(signature, certificate).get(), accept,
                           &referral),
      "does not verify", before);
  EXPECT_EQ(EventsOf(second).size(), 1u);
}

TEST_F(StepSignaturesE2eTest, ATlsCertificateIsNoSigningCertificate) {
  const uint64_t before = EventCount();
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "tls-key");
  absl::StatusOr<StepSigner> tls_signer = StepSigner::FromPemFiles(
      pki_->Key("inspection-office"), pki_->Cert("inspection-office"));
  ASSERT_TRUE(tls_signer.ok()) << tls_signer.status();
  v1::Referral referral;
  // Not issued by the signing CA (and without nonRepudiation besides).
  ExpectRefused(Exchange("inspection-office")
                    ->SubmitReferral(
                        SignedContext(Sign(*tls_signer, kSubmitMethod, submit),
                                      tls_signer->certificate_der())
                            .get(),
                        submit, &referral),
                "not trusted", before);
}

class StepSignaturesConfigE2eTest : public DevPkiSuite {};

// Development set-ups may let the TLS key sign, when the config says so.
TEST_F(StepSignaturesConfigE2eTest, TlsKeysSignOnlyWhereTheConfigAllows) {
  const DevPki& pki = *pki_;
  HubProcess hub(pki, [&](std::string& config) {
    config = absl::StrReplaceAll(
        config, {{absl::StrCat(pki.dir(), "/pki/signing-ca.crt"),
                  absl::StrCat(pki.dir(), "/pki/ca.crt")}});
  });
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "tls-key-dev");
  absl::StatusOr<StepSigner> tls_signer = StepSigner::FromPemFiles(
      pki.Key("inspection-office"), pki.Cert("inspection-office"));
  ASSERT_TRUE(tls_signer.ok());
  auto exchange =
      v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
  v1::Referral referral;
  const auto signed_context = [&] {
    return SignedContext(Sign(*tls_signer, kSubmitMethod, submit),
                         tls_signer->certificate_der());
  };
  grpc::Status status =
      exchange->SubmitReferral(signed_context().get(), submit, &referral);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("content commitment"),
            std::string::npos)
      << status.error_message();

  hub.Stop();
  hub.EditConfig([](std::string& config) {
    config = absl::StrReplaceAll(
        config, {{"require_all: false",
                  "require_all: false allow_tls_certificates: true"}});
  });
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
  exchange = v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
  status = exchange->SubmitReferral(signed_context().get(), submit, &referral);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(StepSignaturesConfigE2eTest, AHubWithoutSigningRefusesASignedStep) {
  const DevPki& pki = *pki_;
  HubProcess hub(pki, [](std::string& config) {
    const size_t from = config.find("\nstep_signatures {");
    config.erase(from, config.find('}', from) - from + 1);
  });
  ASSERT_TRUE(hub.Start().ok()) << hub.ReadLog();
  const v1::SubmitReferralRequest submit =
      LeadTo("discipline-commission", "signed-to-unsigning-hub");
  absl::StatusOr<StepSigner> signer =
      StepSigner::FromPemFiles(pki.SigningKey("inspection-office"),
                               pki.SigningCert("inspection-office"));
  ASSERT_TRUE(signer.ok());
  auto exchange =
      v1::ExchangeService::NewStub(hub.Channel("inspection-office"));
  v1::Referral referral;
  const grpc::Status status = exchange->SubmitReferral(
      SignedContext(Sign(*signer, kSubmitMethod, submit),
                    signer->certificate_der())
          .get(),
      submit, &referral);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("step_signatures"), std::string::npos);
}

}  // namespace
}  // namespace sx::testing
