#include "client_sdk/sxctl/audit_verification.h"

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "sx/base/sha256.h"
#include "sx/transparency/merkle_hasher.h"
#include "sx/transparency/step_signature.h"
#include "sx/transparency/testing/test_keys.h"

namespace sx::sxctl {
namespace {

using transparency::StepDigest;
using transparency::StepPath;
using transparency::StepRoot;
using transparency::StepSigner;
using transparency::testing::IssueTestCertificate;
using transparency::testing::IssueTestCertificateOrDie;
using transparency::testing::SharedTestKey;
using transparency::testing::TestCertificate;
using transparency::testing::TestCertificateSpec;
using transparency::testing::TestKey;
using transparency::testing::TestKeyType;

constexpr char kAgency[] = "inspection-office";
constexpr char kAgencyUri[] = "spiffe://hub.example/agency/inspection-office";
constexpr char kAcceptMethod[] =
    "/supervision.v1.ExchangeService/AcceptReferral";
constexpr char kSubmitMethod[] =
    "/supervision.v1.ExchangeService/SubmitReferral";
constexpr char kSigningKeyUsage[] = "critical,digitalSignature,nonRepudiation";

absl::Time Day(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// A self-signed EC P-256 CA over key copy 100 + `copy`.
TestCertificate SelfSignedCa(int copy, const std::string& name) {
  EVP_PKEY* key = SharedTestKey(TestKeyType::kEcP256, 100 + copy).key.get();
  TestCertificateSpec spec;
  spec.common_name = name;
  spec.certificate_authority = true;
  spec.key_usage = "critical,keyCertSign,cRLSign";
  return IssueTestCertificateOrDie(spec, key, key, nullptr);
}

// The signing CA the auditor trusts, and one it does not.
const TestCertificate& SigningCa() {
  static const auto* ca = new TestCertificate(SelfSignedCa(0, "Signing CA"));
  return *ca;
}
const TestCertificate& OtherCa() {
  static const auto* ca = new TestCertificate(SelfSignedCa(1, "Other CA"));
  return *ca;
}

// A signing certificate for SharedTestKey(type) with `uri`, issued by `ca` (CA
// key copy `ca_copy`).
TestCertificate Leaf(TestKeyType type, const std::string& uri,
                     const TestCertificate& ca, int ca_copy,
                     absl::Time not_before = Day(2000, 1, 1),
                     absl::Time not_after = Day(2099, 12, 31)) {
  TestCertificateSpec spec;
  spec.common_name = "agency signing";
  spec.uri_sans = {uri};
  spec.key_usage = kSigningKeyUsage;
  spec.not_before = not_before;
  spec.not_after = not_after;
  return IssueTestCertificateOrDie(
      spec, SharedTestKey(type).key.get(),
      SharedTestKey(TestKeyType::kEcP256, 100 + ca_copy).key.get(),
      ca.certificate.get());
}

TestCertificate AgencyLeaf(TestKeyType type = TestKeyType::kEcP256) {
  return Leaf(type, kAgencyUri, SigningCa(), 0);
}

// The signature of `root` by SharedTestKey(type) with `certificate`.
std::string Sign(TestKeyType type, const TestCertificate& certificate,
                 const std::string& root) {
  absl::StatusOr<StepSigner> signer =
      StepSigner::FromPem(SharedTestKey(type).private_key_pem, certificate.pem);
  if (!signer.ok()) {
    ADD_FAILURE() << signer.status();
    std::abort();
  }
  absl::StatusOr<std::string> signature = signer->Sign(root);
  if (!signature.ok()) {
    ADD_FAILURE() << signature.status();
    std::abort();
  }
  return *std::move(signature);
}

client::Event Step(uint64_t sequence, const std::string& actor,
                   absl::Time time = Day(2026, 1, 15)) {
  client::Event event;
  event.sequence = sequence;
  event.type = client::EventType::kAccepted;
  event.referral_id = "demo-0000000001";
  event.actor = actor;
  event.time = time;
  return event;
}

// An accept signed alone (a tree of one) by SharedTestKey(type) with
// `certificate`.
client::Event SignedAccept(uint64_t sequence, TestKeyType type,
                           const TestCertificate& certificate,
                           const std::string& actor = kAgency,
                           absl::Time time = Day(2026, 1, 15)) {
  client::Event event = Step(sequence, actor, time);
  client::StepSignature signature;
  signature.method = kAcceptMethod;
  signature.request_sha256 = Sha256(absl::StrCat("accept ", sequence));
  signature.certificate_sha256 = Sha256(certificate.der);
  signature.leaf_index = 0;
  signature.tree_size = 1;
  signature.signature =
      Sign(type, certificate,
           StepRoot({StepDigest(signature.method, signature.request_sha256)}));
  event.step_signature = std::move(signature);
  return event;
}

// Item `index` of a batch of three submits, signed together.
client::Event SignedBatchItem(uint64_t sequence, uint32_t index,
                              TestKeyType type,
                              const TestCertificate& certificate) {
  std::vector<std::string> requests;
  std::vector<std::string> digests;
  for (int i = 0; i < 3; ++i) {
    requests.push_back(Sha256(absl::StrCat("submit ", i)));
    digests.push_back(StepDigest(kSubmitMethod, requests.back()));
  }
  client::Event event = Step(sequence, kAgency);
  event.type = client::EventType::kSubmitted;
  client::StepSignature signature;
  signature.method = kSubmitMethod;
  signature.request_sha256 = requests[index];
  signature.certificate_sha256 = Sha256(certificate.der);
  signature.leaf_index = index;
  signature.tree_size = 3;
  signature.audit_path = StepPath(digests, index);
  signature.signature = Sign(type, certificate, StepRoot(digests));
  event.step_signature = std::move(signature);
  return event;
}

VerifiedExport Export(std::vector<client::Event> events) {
  absl::StatusOr<transparency::MerkleHasher> hasher =
      transparency::MerkleHasher::Create(transparency::HashAlgorithm::kSha256);
  if (!hasher.ok()) {
    ADD_FAILURE() << hasher.status();
    std::abort();
  }
  return VerifiedExport{
      VerifiedCheckpoint{transparency::Checkpoint{}, *std::move(hasher)},
      std::move(events)};
}

absl::StatusOr<VerifiedSignatures> Verify(
    std::vector<client::Event> events,
    const std::vector<std::string>& certificates_der) {
  return VerifyStepSignatures(Export(std::move(events)), certificates_der,
                              SigningCa().pem);
}

// The status is DATA_LOSS and its message starts with `prefix`.
void ExpectDataLoss(const absl::StatusOr<VerifiedSignatures>& result,
                    const std::string& prefix) {
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDataLoss)
      << result.status();
  EXPECT_TRUE(absl::StartsWith(result.status().message(), prefix))
      << result.status();
}

TEST(VerifyStepSignaturesTest, GoodSignaturesVerifyAndAreCounted) {
  const TestCertificate ec = AgencyLeaf(TestKeyType::kEcP256);
  const TestCertificate sm2 = AgencyLeaf(TestKeyType::kSm2);
  absl::StatusOr<VerifiedSignatures> result =
      Verify({Step(1, kHubActor), SignedAccept(2, TestKeyType::kEcP256, ec),
              SignedBatchItem(3, 1, TestKeyType::kSm2, sm2),
              SignedBatchItem(4, 2, TestKeyType::kSm2, sm2), Step(5, kAgency)},
             {sm2.der, ec.der});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->signed_steps.size(), 3u);
  EXPECT_EQ(result->signed_steps[0].sequence, 2u);
  EXPECT_EQ(result->signed_steps[0].signer_uri, kAgencyUri);
  EXPECT_EQ(result->signed_steps[0].algorithm, "ecdsa-sha256");
  EXPECT_TRUE(result->signed_steps[0].content_commitment);
  EXPECT_EQ(result->signed_steps[1].sequence, 3u);
  EXPECT_EQ(result->signed_steps[1].algorithm, "sm2-sm3");
  EXPECT_EQ(result->signed_steps[2].sequence, 4u);
  EXPECT_EQ(
      result->signed_by_algorithm,
      (std::map<std::string, uint64_t>{{"ecdsa-sha256", 1}, {"sm2-sm3", 2}}));
  EXPECT_EQ(result->unsigned_agency_steps, 1u) << "event 5; not the hub's 1";
  EXPECT_EQ(result->without_content_commitment, 0u);
}

TEST(VerifyStepSignaturesTest, AnExportWithoutSignaturesVerifies) {
  absl::StatusOr<VerifiedSignatures> result =
      Verify({Step(1, kAgency), Step(2, kHubActor)}, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->signed_steps.empty());
  EXPECT_TRUE(result->signed_by_algorithm.empty());
  EXPECT_EQ(result->unsigned_agency_steps, 1u);
}

TEST(VerifyStepSignaturesTest, AChangedSignatureByteDoesNotVerify) {
  const TestCertificate ec = AgencyLeaf();
  client::Event event = SignedAccept(7, TestKeyType::kEcP256, ec);
  // The last byte is part of the ECDSA s value: the DER stays well formed.
  event.step_signature->signature.back() ^= 0x01;
  ExpectDataLoss(Verify({event}, {ec.der}),
                 "event 7: step signature does not verify");
}

TEST(VerifyStepSignaturesTest, AnAlteredStepDoesNotVerify) {
  const TestCertificate ec = AgencyLeaf();
  client::Event event = SignedAccept(7, TestKeyType::kEcP256, ec);
  event.step_signature->request_sha256 = Sha256("another request");
  ExpectDataLoss(Verify({event}, {ec.der}),
                 "event 7: step signature does not verify");

  client::Event moved = SignedBatchItem(8, 1, TestKeyType::kEcP256, ec);
  moved.step_signature->leaf_index = 0;
  ExpectDataLoss(Verify({moved}, {ec.der}),
                 "event 8: step signature does not verify");
}

TEST(VerifyStepSignaturesTest, AnotherAgencysCertificateIsRefused) {
  const TestCertificate other =
      Leaf(TestKeyType::kEcP256, "spiffe://hub.example/agency/housing-bureau",
           SigningCa(), 0);
  // A valid signature, but by another agency than the event's actor.
  ExpectDataLoss(
      Verify({SignedAccept(4, TestKeyType::kEcP256, other)}, {other.der}),
      "event 4: signed with spiffe://hub.example/agency/housing-bureau, not "
      "by agency inspection-office");
  // Nor may a name that merely ends like the actor's pass.
  const TestCertificate suffix =
      Leaf(TestKeyType::kEcP256,
           "spiffe://hub.example/agency/xinspection-office", SigningCa(), 0);
  ExpectDataLoss(
      Verify({SignedAccept(4, TestKeyType::kEcP256, suffix)}, {suffix.der}),
      "event 4: signed with spiffe://hub.example/agency/xinspection-office");
}

TEST(VerifyStepSignaturesTest, ACertificateNotFromTheSigningCaIsRefused) {
  const TestCertificate foreign =
      Leaf(TestKeyType::kEcP256, kAgencyUri, OtherCa(), 1);
  absl::StatusOr<VerifiedSignatures> result =
      Verify({SignedAccept(5, TestKeyType::kEcP256, foreign)}, {foreign.der});
  ExpectDataLoss(result, "event 5: its signing certificate");
  EXPECT_TRUE(absl::StrContains(result.status().message(),
                                "is not a certificate of the signing CA"))
      << result.status();
}

TEST(VerifyStepSignaturesTest, TheCertificateCountsAtTheTimeOfTheStep) {
  // Expired since (and so invalid today), but valid when the step was taken.
  const TestCertificate expired =
      Leaf(TestKeyType::kEcP256, kAgencyUri, SigningCa(), 0, Day(2020, 1, 1),
           Day(2024, 12, 31));
  absl::StatusOr<VerifiedSignatures> result =
      Verify({SignedAccept(6, TestKeyType::kEcP256, expired, kAgency,
                           Day(2024, 6, 1))},
             {expired.der});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->signed_steps.size(), 1u);

  // A step after the certificate expired is not one it can prove.
  ExpectDataLoss(Verify({SignedAccept(6, TestKeyType::kEcP256, expired, kAgency,
                                      Day(2025, 6, 1))},
                        {expired.der}),
                 "event 6: its signing certificate");
}

TEST(VerifyStepSignaturesTest, AMissingCertificateIsDataLoss) {
  const TestCertificate ec = AgencyLeaf();
  const TestCertificate other =
      Leaf(TestKeyType::kEcP256, kAgencyUri, SigningCa(), 0);
  ExpectDataLoss(Verify({SignedAccept(9, TestKeyType::kEcP256, ec)}, {}),
                 "event 9: its signing certificate is not in the export");
  // Another certificate, even of the same agency and key, is not it.
  ExpectDataLoss(
      Verify({SignedAccept(9, TestKeyType::kEcP256, ec)}, {other.der}),
      "event 9: its signing certificate is not in the export");
}

TEST(VerifyStepSignaturesTest, NamesTheFirstEventThatFails) {
  const TestCertificate ec = AgencyLeaf();
  client::Event altered = SignedAccept(3, TestKeyType::kEcP256, ec);
  altered.step_signature->signature.back() ^= 0x01;
  ExpectDataLoss(Verify({SignedAccept(2, TestKeyType::kEcP256, ec), altered,
                         SignedAccept(4, TestKeyType::kEcP256, ec)},
                        {}),
                 "event 2: its signing certificate is not in the export");
  ExpectDataLoss(Verify({SignedAccept(2, TestKeyType::kEcP256, ec), altered,
                         SignedAccept(4, TestKeyType::kEcP256, ec)},
                        {ec.der}),
                 "event 3: step signature does not verify");
}

// One referral's events as ExchangeClient::ListSteps reads them (sxctl show
// --verify-signatures): no export and no checkpoint around them.
TEST(VerifyStepSignaturesTest, EventsVerifyAloneWithoutAnExport) {
  const TestCertificate ec = AgencyLeaf(TestKeyType::kEcP256);
  const TestCertificate sm2 = AgencyLeaf(TestKeyType::kSm2);
  const std::vector<client::Event> events = {
      SignedAccept(3, TestKeyType::kEcP256, ec), Step(4, kHubActor),
      SignedBatchItem(6, 0, TestKeyType::kSm2, sm2), Step(9, kAgency)};
  absl::StatusOr<VerifiedSignatures> result = VerifyStepSignatures(
      events, {ec.der, sm2.der}, SigningCa().pem, "the hub's reply");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->signed_steps.size(), 2u);
  EXPECT_EQ(result->signed_steps[0].sequence, 3u);
  EXPECT_EQ(result->signed_steps[0].signer_uri, kAgencyUri);
  EXPECT_EQ(result->signed_steps[1].sequence, 6u);
  EXPECT_EQ(result->signed_steps[1].algorithm, "sm2-sm3");
  EXPECT_EQ(
      result->signed_by_algorithm,
      (std::map<std::string, uint64_t>{{"ecdsa-sha256", 1}, {"sm2-sm3", 1}}));
  EXPECT_EQ(result->unsigned_agency_steps, 1u) << "event 9; not the hub's 4";

  // A missing certificate is named as missing from where they came.
  ExpectDataLoss(VerifyStepSignatures(events, {sm2.der}, SigningCa().pem,
                                      "the hub's reply"),
                 "event 3: its signing certificate is not in the hub's reply");
  // An altered signature fails as it does in an export (the last byte is
  // part of the ECDSA s value: the DER stays well formed).
  std::vector<client::Event> altered = events;
  altered[0].step_signature->signature.back() ^= 0x01;
  ExpectDataLoss(VerifyStepSignatures(altered, {ec.der, sm2.der},
                                      SigningCa().pem, "the hub's reply"),
                 "event 3: step signature does not verify");
  EXPECT_EQ(
      VerifyStepSignatures(events, {ec.der, sm2.der}, "", "the hub's reply")
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(VerifyStepSignaturesTest, ASigningCaFileWithoutCasIsRefused) {
  EXPECT_EQ(
      VerifyStepSignatures(Export({Step(1, kAgency)}), {}, "").status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(CountSignedStepsTest, CountsEverySignatureCheckedOrNot) {
  const TestCertificate ec = AgencyLeaf();
  EXPECT_EQ(CountSignedSteps({}), 0u);
  EXPECT_EQ(CountSignedSteps({Step(1, kAgency),
                              SignedAccept(2, TestKeyType::kEcP256, ec),
                              Step(3, kHubActor)}),
            1u);
}

}  // namespace
}  // namespace sx::sxctl
