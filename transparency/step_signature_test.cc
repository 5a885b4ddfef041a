#include "sx/transparency/step_signature.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "sx/base/sha256.h"
#include "sx/transparency/testing/test_keys.h"

namespace sx::transparency {
namespace {

using testing::IssueTestCertificate;
using testing::IssueTestCertificateOrDie;
using testing::SharedTestKey;
using testing::TestCertificate;
using testing::TestCertificateSpec;
using testing::TestKey;
using testing::TestKeyType;

constexpr char kMethod[] = "/supervision.v1.ExchangeService/AcceptReferral";
constexpr char kAgencyUri[] = "spiffe://hub.example/agency/inspection-office";
constexpr char kSigningKeyUsage[] = "critical,digitalSignature,nonRepudiation";

absl::Time Day(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), absl::UTCTimeZone());
}

// A self-signed EC P-256 CA over key copy `copy`.
TestCertificate SelfSignedCa(int copy, const std::string& name,
                             absl::Time not_before = Day(2000, 1, 1),
                             absl::Time not_after = Day(2099, 12, 31)) {
  EVP_PKEY* key = SharedTestKey(TestKeyType::kEcP256, 100 + copy).key.get();
  TestCertificateSpec spec;
  spec.common_name = name;
  spec.certificate_authority = true;
  spec.key_usage = "critical,keyCertSign,cRLSign";
  spec.not_before = not_before;
  spec.not_after = not_after;
  return IssueTestCertificateOrDie(spec, key, key, nullptr);
}

EVP_PKEY* CaKey(int copy) {
  return SharedTestKey(TestKeyType::kEcP256, 100 + copy).key.get();
}

// The trusted CA of most tests.
const TestCertificate& Ca() {
  static const auto* ca = new TestCertificate(SelfSignedCa(0, "Signing CA"));
  return *ca;
}

TestCertificateSpec LeafSpec(std::vector<std::string> uris = {kAgencyUri}) {
  TestCertificateSpec spec;
  spec.common_name = "inspection-office";
  spec.uri_sans = std::move(uris);
  spec.key_usage = kSigningKeyUsage;
  return spec;
}

// A signing certificate for SharedTestKey(type, copy) issued by Ca().
TestCertificate Leaf(TestKeyType type, int copy = 0,
                     const TestCertificateSpec& spec = LeafSpec()) {
  return IssueTestCertificateOrDie(spec, SharedTestKey(type, copy).key.get(),
                                   CaKey(0), Ca().certificate.get());
}

SigningCertificate Parse(const std::string& der) {
  absl::StatusOr<SigningCertificate> certificate =
      SigningCertificate::FromDer(der);
  if (!certificate.ok()) {
    ADD_FAILURE() << certificate.status();
    std::abort();
  }
  return *std::move(certificate);
}

SigningTrust Trust(const std::string& pem) {
  absl::StatusOr<SigningTrust> trust = SigningTrust::FromPem(pem);
  if (!trust.ok()) {
    ADD_FAILURE() << trust.status();
    std::abort();
  }
  return *std::move(trust);
}

// The step digests of a batch of `size` distinct requests.
std::vector<std::string> Digests(size_t size) {
  std::vector<std::string> digests;
  for (size_t i = 0; i < size; ++i) {
    digests.push_back(
        StepDigest("/supervision.v1.ExchangeService/SubmitReferral",
                   Sha256(absl::StrCat("referral ", i))));
  }
  return digests;
}

std::string UnaryRoot() {
  return StepRoot({StepDigest(kMethod, Sha256("request"))});
}

// ---------------------------------------------------------------------------
// Step digests

TEST(StepDigestTest, IsTheHashOfTheCanonicalForm) {
  const std::string request_sha256 = Sha256("request bytes");
  const std::string expected = Sha256(std::string("sxhub step v1") + '\0' +
                                      kMethod + '\0' + request_sha256);
  EXPECT_EQ(StepDigest(kMethod, request_sha256), expected);
  EXPECT_EQ(StepDigest(kMethod, request_sha256).size(), 32u);
}

// Fixed by Python's hashlib; the e2e tests and every client compute the same.
TEST(StepDigestTest, KnownAnswer) {
  const std::string digest =
      StepDigest(kMethod, Sha256(R"({"referral_id":"r-1"})"));
  EXPECT_EQ(absl::BytesToHexString(digest),
            "685922d4691f3c5989a4d159e2b94aa9de3cf751d5bdb802926208760de8aa14");
  EXPECT_EQ(absl::BytesToHexString(StepRoot({digest})),
            "6404745a5b965d901c69e91b843842a8946cf4f3f29d62d86ef50d65b5b7c80d");
}

TEST(StepDigestTest, EveryPartCounts) {
  const std::string request_sha256 = Sha256("request bytes");
  const std::string digest = StepDigest(kMethod, request_sha256);
  EXPECT_NE(StepDigest("/supervision.v1.ExchangeService/RejectReferral",
                       request_sha256),
            digest);
  EXPECT_NE(StepDigest(kMethod, Sha256("request bytes.")), digest);
  for (size_t i = 0; i < request_sha256.size(); ++i) {
    std::string flipped = request_sha256;
    flipped[i] ^= 0x80;
    EXPECT_NE(StepDigest(kMethod, flipped), digest) << "byte " << i;
  }
  // The separator keeps method and request apart.
  EXPECT_NE(StepDigest("/a/b", "c" + request_sha256),
            StepDigest("/a/bc", request_sha256));
}

// ---------------------------------------------------------------------------
// Step roots and paths

TEST(StepRootTest, OneDigestIsItsLeafHash) {
  const std::string digest = StepDigest(kMethod, Sha256("request"));
  EXPECT_EQ(StepRoot({digest}), Sha256(std::string(1, '\0') + digest));
  EXPECT_TRUE(StepPath({digest}, 0).empty());
  absl::StatusOr<std::string> root = StepRootFromPath(digest, 0, 1, {});
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, StepRoot({digest}));
}

// RFC 6962 MTH written out by hand for two and three leaves.
TEST(StepRootTest, SmallTreesByHand) {
  const std::vector<std::string> d = Digests(3);
  auto leaf = [](const std::string& digest) {
    return Sha256(std::string(1, '\0') + digest);
  };
  auto node = [](const std::string& left, const std::string& right) {
    return Sha256(std::string(1, '\1') + left + right);
  };
  EXPECT_EQ(StepRoot({d[0], d[1]}), node(leaf(d[0]), leaf(d[1])));
  EXPECT_EQ(StepRoot(d), node(node(leaf(d[0]), leaf(d[1])), leaf(d[2])));
  EXPECT_EQ(StepPath(d, 2),
            std::vector<std::string>{node(leaf(d[0]), leaf(d[1]))});
  EXPECT_EQ(StepPath(d, 0), (std::vector<std::string>{leaf(d[1]), leaf(d[2])}));
}

TEST(StepRootTest, OrderMatters) {
  std::vector<std::string> d = Digests(4);
  const std::string root = StepRoot(d);
  std::swap(d[1], d[2]);
  EXPECT_NE(StepRoot(d), root);
}

TEST(StepPathTest, EveryItemLeadsBackToTheRoot) {
  for (size_t size = 1; size <= 9; ++size) {
    const std::vector<std::string> digests = Digests(size);
    const std::string root = StepRoot(digests);
    for (uint64_t index = 0; index < size; ++index) {
      absl::StatusOr<std::string> from_path = StepRootFromPath(
          digests[index], index, size, StepPath(digests, index));
      ASSERT_TRUE(from_path.ok())
          << from_path.status() << " size " << size << " index " << index;
      EXPECT_EQ(*from_path, root) << "size " << size << " index " << index;
    }
  }
}

TEST(StepPathTest, OneBuildingGivesTheSameRootAndPaths) {
  for (size_t size = 1; size <= 9; ++size) {
    const std::vector<std::string> digests = Digests(size);
    const StepTreePaths tree = StepRootAndPaths(digests);
    EXPECT_EQ(tree.root, StepRoot(digests)) << "size " << size;
    ASSERT_EQ(tree.paths.size(), size);
    for (uint64_t index = 0; index < size; ++index) {
      EXPECT_EQ(tree.paths[index], StepPath(digests, index))
          << "size " << size << " index " << index;
    }
  }
}

TEST(StepPathTest, AnotherIndexGivesAnotherRootOrIsRefused) {
  for (size_t size = 1; size <= 9; ++size) {
    const std::vector<std::string> digests = Digests(size);
    const std::string root = StepRoot(digests);
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<std::string> path = StepPath(digests, index);
      for (uint64_t other = 0; other < size + 2; ++other) {
        if (other == index) continue;
        absl::StatusOr<std::string> from_path =
            StepRootFromPath(digests[index], other, size, path);
        if (other >= size) {
          EXPECT_EQ(from_path.status().code(),
                    absl::StatusCode::kInvalidArgument);
        } else if (from_path.ok()) {
          EXPECT_NE(*from_path, root)
              << "size " << size << " index " << index << " as " << other;
        } else {
          EXPECT_EQ(from_path.status().code(),
                    absl::StatusCode::kInvalidArgument);
        }
      }
      // Another item's digest at this item's place.
      const std::string other_digest = StepDigest(kMethod, Sha256("forged"));
      absl::StatusOr<std::string> forged =
          StepRootFromPath(other_digest, index, size, path);
      ASSERT_TRUE(forged.ok()) << forged.status();
      EXPECT_NE(*forged, root);
    }
  }
}

// Which side each path entry goes on, from the leaf up, by RFC 6962's
// recursive definition of PATH (the library follows RFC 9162's loop).
std::vector<bool> EntriesOnTheLeft(uint64_t index, uint64_t size) {
  if (size <= 1) return {};
  uint64_t split = 1;
  while (split * 2 < size) split *= 2;
  std::vector<bool> sides = index < split
                                ? EntriesOnTheLeft(index, split)
                                : EntriesOnTheLeft(index - split, size - split);
  sides.push_back(index >= split);
  return sides;
}

// The signed root binds the path's shape, not the batch size as such: two
// sizes whose trees have the same shape along the path give the same root
// (see merkle_verifier.h). Every other wrong size gives another root or is
// refused.
TEST(StepPathTest, AnotherSizeGivesAnotherRootUnlessTheShapeIsTheSame) {
  int same_shape = 0;
  for (size_t size = 1; size <= 9; ++size) {
    const std::vector<std::string> digests = Digests(size);
    const std::string root = StepRoot(digests);
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<std::string> path = StepPath(digests, index);
      ASSERT_EQ(EntriesOnTheLeft(index, size).size(), path.size());
      for (uint64_t other = 0; other <= 17; ++other) {
        if (other == size) continue;
        absl::StatusOr<std::string> from_path =
            StepRootFromPath(digests[index], index, other, path);
        const std::vector<bool> sides = EntriesOnTheLeft(index, other);
        if (index >= other || sides.size() != path.size()) {
          EXPECT_EQ(from_path.status().code(),
                    absl::StatusCode::kInvalidArgument)
              << "size " << size << " index " << index << " as size " << other;
          continue;
        }
        ASSERT_TRUE(from_path.ok()) << from_path.status();
        if (sides == EntriesOnTheLeft(index, size)) {
          ++same_shape;
          EXPECT_EQ(*from_path, root);
        } else {
          EXPECT_NE(*from_path, root)
              << "size " << size << " index " << index << " as size " << other;
        }
      }
    }
  }
  EXPECT_GT(same_shape, 0);  // The caveat is real, not hypothetical.
}

TEST(StepPathTest, AlteredPathGivesAnotherRootOrIsRefused) {
  for (size_t size = 2; size <= 9; ++size) {
    const std::vector<std::string> digests = Digests(size);
    const std::string root = StepRoot(digests);
    for (uint64_t index = 0; index < size; ++index) {
      const std::vector<std::string> path = StepPath(digests, index);
      for (size_t entry = 0; entry < path.size(); ++entry) {
        std::vector<std::string> altered = path;
        altered[entry][entry % 32] ^= 0x01;
        absl::StatusOr<std::string> from_path =
            StepRootFromPath(digests[index], index, size, altered);
        ASSERT_TRUE(from_path.ok()) << from_path.status();
        EXPECT_NE(*from_path, root);

        altered = path;
        altered[entry].pop_back();
        EXPECT_EQ(StepRootFromPath(digests[index], index, size, altered)
                      .status()
                      .code(),
                  absl::StatusCode::kInvalidArgument);
      }
      std::vector<std::string> longer = path;
      longer.push_back(root);
      EXPECT_EQ(
          StepRootFromPath(digests[index], index, size, longer).status().code(),
          absl::StatusCode::kInvalidArgument);
      std::vector<std::string> shorter = path;
      shorter.pop_back();
      EXPECT_EQ(StepRootFromPath(digests[index], index, size, shorter)
                    .status()
                    .code(),
                absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(StepPathTest, RefusesImpossibleInput) {
  const std::vector<std::string> digests = Digests(3);
  EXPECT_EQ(StepRootFromPath(digests[0], 0, 0, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      StepRootFromPath(digests[0], 3, 3, StepPath(digests, 2)).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StepRootFromPath(digests[0].substr(1), 0, 3, StepPath(digests, 0))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Hex is not the digest.
  EXPECT_EQ(StepRootFromPath(absl::BytesToHexString(digests[0]), 0, 3,
                             StepPath(digests, 0))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(StepPath(digests, 3).empty());
}

// ---------------------------------------------------------------------------
// Signing and verifying, per key type

struct KeyCase {
  TestKeyType type;
  const char* algorithm;
  // `openssl dgst` options that make the same kind of signature.
  const char* dgst_options;
  const char* name;
};

// Names the case in failure messages, rather than its bytes.
void PrintTo(const KeyCase& key_case, std::ostream* out) {
  *out << key_case.name;
}

class StepSignatureTest : public ::testing::TestWithParam<KeyCase> {
 protected:
  const TestKey& key() const { return SharedTestKey(GetParam().type); }
  StepSigner Signer(int copy = 0) const {
    const TestCertificate leaf = Leaf(GetParam().type, copy);
    absl::StatusOr<StepSigner> signer = StepSigner::FromPem(
        SharedTestKey(GetParam().type, copy).private_key_pem, leaf.pem);
    if (!signer.ok()) {
      ADD_FAILURE() << signer.status();
      std::abort();
    }
    return *std::move(signer);
  }
};

TEST_P(StepSignatureTest, SignsAndVerifies) {
  const StepSigner signer = Signer();
  const std::string root = UnaryRoot();
  absl::StatusOr<std::string> signature = signer.Sign(root);
  ASSERT_TRUE(signature.ok()) << signature.status();

  absl::StatusOr<SigningCertificate> certificate =
      SigningCertificate::FromDer(signer.certificate_der());
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  EXPECT_TRUE(certificate->Verify(root, *signature).ok());
  EXPECT_EQ(certificate->algorithm_name(), GetParam().algorithm);
  EXPECT_EQ(certificate->uri(), kAgencyUri);
  EXPECT_TRUE(certificate->allows_content_commitment());
  EXPECT_EQ(certificate->der(), signer.certificate_der());
  EXPECT_EQ(certificate->sha256(), Sha256(signer.certificate_der()));
  EXPECT_TRUE(Trust(Ca().pem).Check(*certificate, Day(2024, 6, 1)).ok());

  // A batch root signs the same way.
  absl::StatusOr<std::string> batch_signature =
      signer.Sign(StepRoot(Digests(5)));
  ASSERT_TRUE(batch_signature.ok()) << batch_signature.status();
  EXPECT_TRUE(certificate->Verify(StepRoot(Digests(5)), *batch_signature).ok());
}

TEST_P(StepSignatureTest, AlteredRootOrSignatureIsDataLoss) {
  const StepSigner signer = Signer();
  const SigningCertificate certificate = Parse(signer.certificate_der());
  const std::string root = UnaryRoot();
  const std::string signature = signer.Sign(root).value();

  for (size_t i = 0; i < root.size(); ++i) {
    std::string altered = root;
    altered[i] ^= static_cast<char>(1 << (i % 8));
    const absl::Status status = certificate.Verify(altered, signature);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "byte " << i;
  }
  EXPECT_EQ(certificate.Verify(StepRoot(Digests(2)), signature).code(),
            absl::StatusCode::kDataLoss);
  for (size_t i = 0; i < signature.size(); i += 5) {
    std::string altered = signature;
    altered[i] ^= static_cast<char>(1 << (i % 8));
    EXPECT_EQ(certificate.Verify(root, altered).code(),
              absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
  EXPECT_EQ(certificate.Verify(root, signature.substr(1)).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(certificate.Verify(root, signature + '\0').code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(certificate.Verify(root, "").code(), absl::StatusCode::kDataLoss);

  const absl::Status status = certificate.Verify(root, signature.substr(1));
  EXPECT_TRUE(absl::StrContains(status.message(), "does not verify")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), kAgencyUri)) << status;
}

TEST_P(StepSignatureTest, AnotherKeysSignatureIsDataLoss) {
  const std::string root = UnaryRoot();
  const std::string by_other_key = Signer(1).Sign(root).value();
  EXPECT_EQ(
      Parse(Signer(0).certificate_der()).Verify(root, by_other_key).code(),
      absl::StatusCode::kDataLoss);
}

TEST_P(StepSignatureTest, RootMustBeTheRawBytes) {
  const StepSigner signer = Signer();
  const std::string root = UnaryRoot();
  EXPECT_EQ(signer.Sign(absl::BytesToHexString(root)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(signer.Sign("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse(signer.certificate_der())
                .Verify(root.substr(1), signer.Sign(root).value())
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "/step_signature_XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream file(path, std::ios::binary);
  file << bytes;
  ASSERT_TRUE(file.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)),
                     std::istreambuf_iterator<char>());
}

// Runs `command` in a shell, its output to `log`; true if it exits with 0.
bool RunShell(const std::string& command, const std::string& log) {
  const std::string full = absl::StrCat(command, " >'", log, "' 2>&1");
  const int status = std::system(full.c_str());
  if (status != 0) ADD_FAILURE() << full << ":\n" << ReadFile(log);
  return status == 0;
}

// A second implementation, the openssl command-line tool, signs: what a
// client that is not this library sends must verify.
TEST_P(StepSignatureTest, SignatureByOpensslCommandLineVerifies) {
  const TempDir dir;
  const std::string root = UnaryRoot();
  WriteFile(dir.File("root.bin"), root);
  WriteFile(dir.File("key.pem"), key().private_key_pem);
  ASSERT_TRUE(
      RunShell(absl::StrCat("/usr/bin/openssl dgst ", GetParam().dgst_options,
                            " -sign '", dir.File("key.pem"), "' -out '",
                            dir.File("sig"), "' '", dir.File("root.bin"), "'"),
               dir.File("log")));
  const std::string signature = ReadFile(dir.File("sig"));
  ASSERT_FALSE(signature.empty());

  const SigningCertificate certificate = Parse(Leaf(GetParam().type).der);
  EXPECT_TRUE(certificate.Verify(root, signature).ok())
      << certificate.Verify(root, signature);
  EXPECT_EQ(certificate.Verify(StepRoot(Digests(2)), signature).code(),
            absl::StatusCode::kDataLoss);
}

// And the other way round: the openssl tool verifies this library's
// signature with the public key it reads from the certificate.
TEST_P(StepSignatureTest, OpensslCommandLineVerifiesTheSignature) {
  const TempDir dir;
  const StepSigner signer = Signer();
  const std::string root = UnaryRoot();
  WriteFile(dir.File("root.bin"), root);
  WriteFile(dir.File("sig"), signer.Sign(root).value());
  WriteFile(dir.File("cert.pem"), Parse(signer.certificate_der()).Pem());
  ASSERT_TRUE(RunShell(
      absl::StrCat("/usr/bin/openssl x509 -noout -pubkey -in '",
                   dir.File("cert.pem"), "' -out '", dir.File("pub.pem"), "'"),
      dir.File("log")));
  EXPECT_TRUE(
      RunShell(absl::StrCat("/usr/bin/openssl dgst ", GetParam().dgst_options,
                            " -verify '", dir.File("pub.pem"), "' -signature '",
                            dir.File("sig"), "' '", dir.File("root.bin"), "'"),
               dir.File("log")));
}

INSTANTIATE_TEST_SUITE_P(
    KeyTypes, StepSignatureTest,
    ::testing::Values(
        KeyCase{TestKeyType::kEcP256, "ecdsa-sha256", "-sha256", "EcP256"},
        KeyCase{TestKeyType::kRsa2048, "rsa-pkcs1-sha256", "-sha256",
                "Rsa2048"},
        KeyCase{TestKeyType::kSm2, "sm2-sm3",
                "-sm3 -sigopt distid:1234567812345678", "Sm2"},
        // Loaded from PEM it is an SM2 key like the one above; the signer
        // must not sign ECDSA over the SM2 curve with it.
        KeyCase{TestKeyType::kEcOnSm2Curve, "sm2-sm3",
                "-sm3 -sigopt distid:1234567812345678", "EcOnSm2Curve"}),
    [](const auto& info) { return std::string(info.param.name); });

// The SM2 user id is part of what is signed: a client that leaves OpenSSL's
// default id in place is refused, with DATA_LOSS like any bad signature.
TEST(StepSignatureSm2Test, OtherUserIdDoesNotVerify) {
  const TempDir dir;
  const std::string root = UnaryRoot();
  WriteFile(dir.File("root.bin"), root);
  WriteFile(dir.File("key.pem"),
            SharedTestKey(TestKeyType::kSm2).private_key_pem);
  for (const char* options : {"-sm3", "-sm3 -sigopt distid:8765432187654321"}) {
    ASSERT_TRUE(
        RunShell(absl::StrCat("/usr/bin/openssl dgst ", options, " -sign '",
                              dir.File("key.pem"), "' -out '", dir.File("sig"),
                              "' '", dir.File("root.bin"), "'"),
                 dir.File("log")));
    EXPECT_EQ(Parse(Leaf(TestKeyType::kSm2).der)
                  .Verify(root, ReadFile(dir.File("sig")))
                  .code(),
              absl::StatusCode::kDataLoss)
        << options;
  }
}

// An ECDSA signature over SHA-256 by an SM2-curve key (what the "EC" key
// type signs when used as it is) is not an SM2 signature. (The openssl tool
// cannot make one: OpenSSL 3.0 refuses SHA-256 with an SM2 key.)
TEST(StepSignatureSm2Test, EcdsaWithAnSm2CurveKeyDoesNotVerify) {
  const std::string root = UnaryRoot();
  const TestKey& ec_on_sm2 = SharedTestKey(TestKeyType::kEcOnSm2Curve);
  openssl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr,
                                  nullptr, ec_on_sm2.key.get(), nullptr),
            1);
  ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &length,
                           reinterpret_cast<const unsigned char*>(root.data()),
                           root.size()),
            1);
  std::string ecdsa(length, '\0');
  ASSERT_EQ(
      EVP_DigestSign(
          ctx.get(), reinterpret_cast<unsigned char*>(ecdsa.data()), &length,
          reinterpret_cast<const unsigned char*>(root.data()), root.size()),
      1);
  ecdsa.resize(length);
  // A valid ECDSA signature, so what is refused below is its kind.
  openssl::EvpMdCtxPtr verify_ctx(EVP_MD_CTX_new());
  ASSERT_EQ(
      EVP_DigestVerifyInit_ex(verify_ctx.get(), nullptr, "SHA256", nullptr,
                              nullptr, ec_on_sm2.key.get(), nullptr),
      1);
  ASSERT_EQ(
      EVP_DigestVerify(
          verify_ctx.get(),
          reinterpret_cast<const unsigned char*>(ecdsa.data()), ecdsa.size(),
          reinterpret_cast<const unsigned char*>(root.data()), root.size()),
      1);
  EXPECT_EQ(
      Parse(Leaf(TestKeyType::kEcOnSm2Curve).der).Verify(root, ecdsa).code(),
      absl::StatusCode::kDataLoss);
}

// ---------------------------------------------------------------------------
// Loading a signer

TEST(StepSignerTest, LoadsFromFiles) {
  const TempDir dir;
  WriteFile(dir.File("key.pem"),
            SharedTestKey(TestKeyType::kEcP256).private_key_pem);
  WriteFile(dir.File("cert.pem"), Leaf(TestKeyType::kEcP256).pem);
  absl::StatusOr<StepSigner> signer =
      StepSigner::FromPemFiles(dir.File("key.pem"), dir.File("cert.pem"));
  ASSERT_TRUE(signer.ok()) << signer.status();
  const std::string root = UnaryRoot();
  EXPECT_TRUE(Parse(signer->certificate_der())
                  .Verify(root, signer->Sign(root).value())
                  .ok());

  EXPECT_EQ(
      StepSigner::FromPemFiles(dir.File("missing.pem"), dir.File("cert.pem"))
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(
      StepSigner::FromPemFiles(dir.File("key.pem"), dir.File("missing.pem"))
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  // A parse error names the files.
  WriteFile(dir.File("other.pem"), Leaf(TestKeyType::kEcP256, 1).pem);
  const absl::Status mismatch =
      StepSigner::FromPemFiles(dir.File("key.pem"), dir.File("other.pem"))
          .status();
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(mismatch.message(), dir.File("other.pem")))
      << mismatch;
}

TEST(StepSignerTest, RefusesACertificateForAnotherKey) {
  const std::string key_pem =
      SharedTestKey(TestKeyType::kEcP256).private_key_pem;
  for (const TestCertificate& other :
       {Leaf(TestKeyType::kEcP256, 1), Leaf(TestKeyType::kRsa2048),
        Leaf(TestKeyType::kSm2)}) {
    const absl::Status status =
        StepSigner::FromPem(key_pem, other.pem).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(status.message(), "not for the signing key"))
        << status;
  }
  // Two SM2 keys: the comparison is not fooled by both being SM2.
  EXPECT_EQ(
      StepSigner::FromPem(SharedTestKey(TestKeyType::kSm2).private_key_pem,
                          Leaf(TestKeyType::kSm2, 1).pem)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(StepSignerTest, RefusesUnusableKeysAndCertificates) {
  const TestKey& key = SharedTestKey(TestKeyType::kEcP256);
  const std::string certificate_pem = Leaf(TestKeyType::kEcP256).pem;
  absl::StatusOr<std::string> encrypted =
      testing::EncryptedPem(key.key.get(), "secret");
  ASSERT_TRUE(encrypted.ok()) << encrypted.status();
  EXPECT_EQ(StepSigner::FromPem(*encrypted, certificate_pem).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StepSigner::FromPem("", certificate_pem).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StepSigner::FromPem(key.private_key_pem, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      StepSigner::FromPem(certificate_pem, key.private_key_pem).status().code(),
      absl::StatusCode::kInvalidArgument);
  // The self-signed certificate has no URI SAN: refused at load, not on the
  // first signed call.
  const absl::Status no_uri =
      StepSigner::FromPem(key.private_key_pem, key.certificate_pem).status();
  EXPECT_EQ(no_uri.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_uri.message(), "URI")) << no_uri;
  // Ed25519 is not one of the signature algorithms.
  const TestKey& ed25519 = SharedTestKey(TestKeyType::kEd25519);
  EXPECT_EQ(StepSigner::FromPem(ed25519.private_key_pem,
                                Leaf(TestKeyType::kEd25519).pem)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // No key material in any message.
  const absl::Status status =
      StepSigner::FromPem(key.private_key_pem, Leaf(TestKeyType::kRsa2048).pem)
          .status();
  EXPECT_FALSE(absl::StrContains(status.message(), "PRIVATE")) << status;
}

// ---------------------------------------------------------------------------
// Reading signing certificates

TEST(SigningCertificateTest, NeedsExactlyOneUriSan) {
  EVP_PKEY* key = SharedTestKey(TestKeyType::kEcP256).key.get();
  auto parse = [&](const TestCertificateSpec& spec) {
    return SigningCertificate::FromDer(
        IssueTestCertificateOrDie(spec, key, CaKey(0), Ca().certificate.get())
            .der);
  };
  TestCertificateSpec two =
      LeafSpec({kAgencyUri, "spiffe://hub.example/agency/another-office"});
  const absl::Status two_uris = parse(two).status();
  EXPECT_EQ(two_uris.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(two_uris.message(), "has 2 URI")) << two_uris;
  EXPECT_TRUE(absl::StrContains(two_uris.message(), "another-office"))
      << two_uris;
  EXPECT_TRUE(absl::StrContains(two_uris.message(), "exactly one")) << two_uris;

  TestCertificateSpec dns_only = LeafSpec({});
  dns_only.dns_sans = {"inspection-office.example"};
  const absl::Status no_uri = parse(dns_only).status();
  EXPECT_EQ(no_uri.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_uri.message(), "has 0 URI")) << no_uri;

  const absl::Status no_san = parse(LeafSpec({})).status();
  EXPECT_EQ(no_san.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_san.message(), "no subjectAltName"))
      << no_san;

  // DNS names beside the one URI do not matter.
  TestCertificateSpec with_dns = LeafSpec();
  with_dns.dns_sans = {"inspection-office.example"};
  absl::StatusOr<SigningCertificate> certificate = parse(with_dns);
  ASSERT_TRUE(certificate.ok()) << certificate.status();
  EXPECT_EQ(certificate->uri(), kAgencyUri);
}

TEST(SigningCertificateTest, RefusesUrisThatCannotBePrintedAsTheyAre) {
  EVP_PKEY* key = SharedTestKey(TestKeyType::kEcP256).key.get();
  for (const std::string& uri :
       {std::string("spiffe://hub.example/agency/a\0b", 31),
        std::string("spiffe://hub.example/agency/a b"),
        std::string("spiffe://hub.example/agency/a\nb"), std::string()}) {
    const absl::Status status =
        SigningCertificate::FromDer(
            IssueTestCertificateOrDie(LeafSpec({uri}), key, CaKey(0),
                                      Ca().certificate.get())
                .der)
            .status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << absl::CEscape(uri);
  }
}

TEST(SigningCertificateTest, ContentCommitmentComesFromKeyUsage) {
  EVP_PKEY* key = SharedTestKey(TestKeyType::kEcP256).key.get();
  auto commits = [&](const std::string& key_usage) {
    TestCertificateSpec spec = LeafSpec();
    spec.key_usage = key_usage;
    return Parse(IssueTestCertificateOrDie(spec, key, CaKey(0),
                                           Ca().certificate.get())
                     .der)
        .allows_content_commitment();
  };
  EXPECT_TRUE(commits("critical,digitalSignature,nonRepudiation"));
  EXPECT_TRUE(commits("nonRepudiation"));
  EXPECT_FALSE(commits("critical,digitalSignature"));
  EXPECT_FALSE(commits("digitalSignature,keyEncipherment"));
  // No keyUsage at all: OpenSSL would allow any usage; a signing
  // certificate must say so.
  EXPECT_FALSE(commits(""));
}

TEST(SigningCertificateTest, RefusesWhatIsNotOneCertificate) {
  const std::string der = Leaf(TestKeyType::kEcP256).der;
  EXPECT_EQ(SigningCertificate::FromDer("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SigningCertificate::FromDer("not a certificate").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SigningCertificate::FromDer(der.substr(0, der.size() - 1))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SigningCertificate::FromDer(der + der).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SigningCertificate::FromDer(der + '\0').status().code(),
            absl::StatusCode::kInvalidArgument);
  // PEM is not DER.
  EXPECT_EQ(SigningCertificate::FromDer(Leaf(TestKeyType::kEcP256).pem)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SigningCertificateTest, RefusesOtherKeyTypes) {
  const absl::Status status =
      SigningCertificate::FromDer(Leaf(TestKeyType::kEd25519).der).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "ED25519")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), kAgencyUri)) << status;
}

TEST(SigningCertificateTest, PemIsOpenSslsPem) {
  const TestCertificate leaf = Leaf(TestKeyType::kRsa2048);
  const SigningCertificate certificate = Parse(leaf.der);
  EXPECT_EQ(certificate.Pem(), leaf.pem);
  const std::string pem = certificate.Pem();
  openssl::BioPtr bio = openssl::MemoryBio(pem);
  openssl::X509Ptr parsed(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_NE(parsed, nullptr);
  unsigned char* der = nullptr;
  const int length = i2d_X509(parsed.get(), &der);
  ASSERT_GT(length, 0);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(der), length), leaf.der);
  OPENSSL_free(der);
}

// ---------------------------------------------------------------------------
// Trusting signing certificates

TEST(SigningTrustTest, TrustsWhatItsCaIssued) {
  const SigningCertificate certificate = Parse(Leaf(TestKeyType::kEcP256).der);
  EXPECT_TRUE(Trust(Ca().pem).Check(certificate, Day(2024, 6, 1)).ok());
  EXPECT_TRUE(certificate.allows_content_commitment());
  // Among other CAs in the same file.
  const TestCertificate other = SelfSignedCa(1, "Other CA");
  EXPECT_TRUE(
      Trust(other.pem + Ca().pem).Check(certificate, Day(2024, 6, 1)).ok());
}

TEST(SigningTrustTest, RefusesWhatAnotherCaIssued) {
  const TestCertificate other = SelfSignedCa(1, "Other CA");
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                LeafSpec(), SharedTestKey(TestKeyType::kEcP256).key.get(),
                CaKey(1), other.certificate.get())
                .der);
  const absl::Status status =
      Trust(Ca().pem).Check(certificate, Day(2024, 6, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(status.message(),
                                "unable to get local issuer certificate"))
      << status;
  EXPECT_TRUE(absl::StrContains(status.message(), kAgencyUri)) << status;
  EXPECT_TRUE(Trust(other.pem).Check(certificate, Day(2024, 6, 1)).ok());
}

// Same CA name, another key: the name alone does not make the issuer.
TEST(SigningTrustTest, RefusesAnImpostorCaOfTheSameName) {
  const TestCertificate impostor = SelfSignedCa(2, "Signing CA");
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                LeafSpec(), SharedTestKey(TestKeyType::kEcP256).key.get(),
                CaKey(2), impostor.certificate.get())
                .der);
  const absl::Status status =
      Trust(Ca().pem).Check(certificate, Day(2024, 6, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
}

// Old signatures verify at the step's time, after the certificate expired.
TEST(SigningTrustTest, ChecksValidityAtTheGivenTime) {
  TestCertificateSpec spec = LeafSpec();
  spec.not_before = Day(2024, 1, 1);
  spec.not_after = Day(2025, 1, 1);
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                spec, SharedTestKey(TestKeyType::kEcP256).key.get(), CaKey(0),
                Ca().certificate.get())
                .der);
  const SigningTrust trust = Trust(Ca().pem);
  EXPECT_TRUE(trust.Check(certificate, Day(2024, 6, 1)).ok());
  EXPECT_TRUE(trust.Check(certificate, Day(2024, 1, 1)).ok());

  const absl::Status expired = trust.Check(certificate, Day(2025, 6, 1));
  EXPECT_EQ(expired.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(expired.message(), "expired")) << expired;
  EXPECT_TRUE(absl::StrContains(expired.message(), "2025-06-01")) << expired;
  const absl::Status early = trust.Check(certificate, Day(2023, 6, 1));
  EXPECT_EQ(early.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(early.message(), "not yet valid")) << early;
}

TEST(SigningTrustTest, ChecksTheCaValidityToo) {
  const TestCertificate ca =
      SelfSignedCa(3, "Short CA", Day(2024, 1, 1), Day(2024, 12, 31));
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                LeafSpec(), SharedTestKey(TestKeyType::kEcP256).key.get(),
                CaKey(3), ca.certificate.get())
                .der);
  const SigningTrust trust = Trust(ca.pem);
  EXPECT_TRUE(trust.Check(certificate, Day(2024, 6, 1)).ok());
  const absl::Status status = trust.Check(certificate, Day(2025, 6, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(status.message(), "CA certificate 1 level"))
      << status;
}

// Signing certificates carry no TLS purpose, or one for another use; the
// trust check asks only about the chain and the dates.
TEST(SigningTrustTest, IgnoresExtendedKeyUsage) {
  const SigningTrust trust = Trust(Ca().pem);
  for (const char* usage : {"", "clientAuth", "serverAuth", "emailProtection",
                            "critical,codeSigning"}) {
    TestCertificateSpec spec = LeafSpec();
    spec.extended_key_usage = usage;
    const SigningCertificate certificate =
        Parse(IssueTestCertificateOrDie(
                  spec, SharedTestKey(TestKeyType::kEcP256).key.get(), CaKey(0),
                  Ca().certificate.get())
                  .der);
    EXPECT_TRUE(trust.Check(certificate, Day(2024, 6, 1)).ok()) << usage;
  }
}

TEST(SigningTrustTest, KeyUsageWithoutNonRepudiationIsTrustedButSaysSo) {
  TestCertificateSpec spec = LeafSpec();
  spec.key_usage = "critical,digitalSignature";
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                spec, SharedTestKey(TestKeyType::kEcP256).key.get(), CaKey(0),
                Ca().certificate.get())
                .der);
  EXPECT_TRUE(Trust(Ca().pem).Check(certificate, Day(2024, 6, 1)).ok());
  EXPECT_FALSE(certificate.allows_content_commitment());
}

TEST(SigningTrustTest, Sm2LeafFromAnEcCa) {
  for (TestKeyType type : {TestKeyType::kSm2, TestKeyType::kEcOnSm2Curve}) {
    const TestCertificate leaf = Leaf(type);
    const SigningCertificate certificate = Parse(leaf.der);
    EXPECT_EQ(certificate.algorithm_name(), "sm2-sm3");
    EXPECT_TRUE(Trust(Ca().pem).Check(certificate, Day(2024, 6, 1)).ok());
    absl::StatusOr<StepSigner> signer =
        StepSigner::FromPem(SharedTestKey(type).private_key_pem, leaf.pem);
    ASSERT_TRUE(signer.ok()) << signer.status();
    const std::string root = UnaryRoot();
    EXPECT_TRUE(certificate.Verify(root, signer->Sign(root).value()).ok());
  }
}

TEST(SigningTrustTest, FollowsIntermediatesInTheFile) {
  TestCertificateSpec intermediate_spec;
  intermediate_spec.common_name = "Agency Signing CA";
  intermediate_spec.certificate_authority = true;
  intermediate_spec.key_usage = "critical,keyCertSign,cRLSign";
  const TestCertificate intermediate = IssueTestCertificateOrDie(
      intermediate_spec, CaKey(4), CaKey(0), Ca().certificate.get());
  const SigningCertificate certificate =
      Parse(IssueTestCertificateOrDie(
                LeafSpec(), SharedTestKey(TestKeyType::kEcP256).key.get(),
                CaKey(4), intermediate.certificate.get())
                .der);
  EXPECT_TRUE(Trust(Ca().pem + intermediate.pem)
                  .Check(certificate, Day(2024, 6, 1))
                  .ok());
  // The intermediate does not come with the signing certificate.
  EXPECT_EQ(Trust(Ca().pem).Check(certificate, Day(2024, 6, 1)).code(),
            absl::StatusCode::kPermissionDenied);
}

// A signing certificate cannot issue others, even when placed in the file.
TEST(SigningTrustTest, ALeafIsNotACa) {
  const TestCertificate leaf = Leaf(TestKeyType::kEcP256);
  const SigningCertificate issued_by_leaf = Parse(
      IssueTestCertificateOrDie(
          LeafSpec({"spiffe://hub.example/agency/forged"}),
          SharedTestKey(TestKeyType::kEcP256, 1).key.get(),
          SharedTestKey(TestKeyType::kEcP256).key.get(), leaf.certificate.get())
          .der);
  const absl::Status status =
      Trust(Ca().pem + leaf.pem).Check(issued_by_leaf, Day(2024, 6, 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
}

TEST(SigningTrustTest, RefusesFilesWithoutCertificates) {
  EXPECT_EQ(SigningTrust::FromPem("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      SigningTrust::FromPem(SharedTestKey(TestKeyType::kEcP256).private_key_pem)
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      SigningTrust::FromPem(Ca().pem + "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                       "-----END CERTIFICATE-----\n")
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
  // Text between certificates, as bundles often have, is fine.
  EXPECT_TRUE(
      SigningTrust::FromPem("# Signing CA\n" + Ca().pem + "\n# end\n").ok());
}

TEST(SigningTrustTest, LoadsFromFile) {
  const TempDir dir;
  WriteFile(dir.File("ca.pem"), Ca().pem);
  absl::StatusOr<SigningTrust> trust =
      SigningTrust::FromPemFile(dir.File("ca.pem"));
  ASSERT_TRUE(trust.ok()) << trust.status();
  EXPECT_TRUE(
      trust->Check(Parse(Leaf(TestKeyType::kRsa2048).der), Day(2024, 6, 1))
          .ok());
  EXPECT_EQ(SigningTrust::FromPemFile(dir.File("missing.pem")).status().code(),
            absl::StatusCode::kNotFound);
  WriteFile(dir.File("empty.pem"), "");
  const absl::Status empty =
      SigningTrust::FromPemFile(dir.File("empty.pem")).status();
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(empty.message(), dir.File("empty.pem")))
      << empty;
}

}  // namespace
}  // namespace sx::transparency
