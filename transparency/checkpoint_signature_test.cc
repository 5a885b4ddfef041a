#include "sx/transparency/checkpoint_signature.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "sx/transparency/testing/test_keys.h"
#include "transparency/signature_keys.h"

namespace sx::transparency {
namespace {

using testing::SharedTestKey;
using testing::TestKey;
using testing::TestKeyType;

constexpr char kText[] =
    "sxhub-checkpoint/v1\n"
    "origin demo-hub\n"
    "hash sm3\n"
    "size 8\n"
    "root XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    "time 2024-05-01T12:00:00Z\n";

struct Case {
  TestKeyType type;
  SignatureAlgorithm algorithm;
  const char* name;
};

class CheckpointSignatureTest : public ::testing::TestWithParam<Case> {};

TEST_P(CheckpointSignatureTest, SignsAndVerifies) {
  const TestKey& key = SharedTestKey(GetParam().type);
  absl::StatusOr<CheckpointSigner> signer =
      CheckpointSigner::FromPem(key.private_key_pem);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->algorithm(), GetParam().algorithm);
  absl::StatusOr<std::string> signature = signer->Sign(kText);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(
      VerifyCheckpointSignature(kText, *signature, key.certificate_pem).ok());
}

TEST_P(CheckpointSignatureTest, TamperingFails) {
  const TestKey& key = SharedTestKey(GetParam().type);
  const std::string signature = CheckpointSigner::FromPem(key.private_key_pem)
                                    .value()
                                    .Sign(kText)
                                    .value();

  std::string text = kText;
  text[text.find("size 8") + 5] = '9';
  EXPECT_EQ(
      VerifyCheckpointSignature(text, signature, key.certificate_pem).code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyCheckpointSignature(std::string(kText) + "\n", signature,
                                      key.certificate_pem)
                .code(),
            absl::StatusCode::kDataLoss);

  for (size_t i = 0; i < signature.size(); i += 7) {
    std::string flipped = signature;
    flipped[i] ^= 0x01;
    EXPECT_EQ(
        VerifyCheckpointSignature(kText, flipped, key.certificate_pem).code(),
        absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
  EXPECT_EQ(
      VerifyCheckpointSignature(kText, signature.substr(1), key.certificate_pem)
          .code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyCheckpointSignature(kText, "", key.certificate_pem).code(),
            absl::StatusCode::kDataLoss);

  // Another key of the same type, and keys of every other type.
  EXPECT_EQ(
      VerifyCheckpointSignature(
          kText, signature, SharedTestKey(GetParam().type, 1).certificate_pem)
          .code(),
      absl::StatusCode::kDataLoss);
  for (TestKeyType other :
       {TestKeyType::kEcP256, TestKeyType::kRsa2048, TestKeyType::kSm2}) {
    if (other == GetParam().type) continue;
    EXPECT_FALSE(VerifyCheckpointSignature(kText, signature,
                                           SharedTestKey(other).certificate_pem)
                     .ok());
  }
}

INSTANTIATE_TEST_SUITE_P(
    KeyTypes, CheckpointSignatureTest,
    ::testing::Values(
        Case{TestKeyType::kEcP256, SignatureAlgorithm::kEcdsaSha256, "EcP256"},
        Case{TestKeyType::kRsa2048, SignatureAlgorithm::kRsaPkcs1Sha256,
             "Rsa2048"},
        Case{TestKeyType::kSm2, SignatureAlgorithm::kSm2Sm3, "Sm2"}),
    [](const auto& info) { return std::string(info.param.name); });

// The user id is part of what an SM2 signature signs: checking with OpenSSL
// directly shows the library uses exactly "1234567812345678".
TEST(Sm2Test, SignatureUsesTheStandardUserId) {
  const TestKey& key = SharedTestKey(TestKeyType::kSm2);
  const std::string signature = CheckpointSigner::FromPem(key.private_key_pem)
                                    .value()
                                    .Sign(kText)
                                    .value();
  auto verify_with_id = [&](const std::string& id) {
    openssl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    EXPECT_EQ(EVP_DigestVerifyInit_ex(ctx.get(), &pctx, "SM3", nullptr, nullptr,
                                      key.key.get(), nullptr),
              1);
    EXPECT_EQ(
        EVP_PKEY_CTX_set1_id(pctx, id.data(), static_cast<int>(id.size())), 1);
    EXPECT_EQ(EVP_DigestVerifyUpdate(ctx.get(), kText, sizeof(kText) - 1), 1);
    const int result = EVP_DigestVerifyFinal(
        ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
        signature.size());
    openssl::ClearOpenSslErrors();
    return result == 1;
  };
  EXPECT_TRUE(verify_with_id("1234567812345678"));
  EXPECT_FALSE(verify_with_id("8765432187654321"));
  EXPECT_FALSE(verify_with_id("ALICE123@YAHOO.COM"));
}

// OpenSSL 3 makes an "EC" key on the SM2 curve when asked for group "SM2";
// used as-is it would sign ECDSA with SHA-256. It must come out as SM2.
TEST(Sm2Test, EcKeyOnSm2CurveIsTreatedAsSm2) {
  const TestKey& key = SharedTestKey(TestKeyType::kEcOnSm2Curve);
  ASSERT_TRUE(EVP_PKEY_is_a(key.key.get(), "EC"));
  ASSERT_FALSE(EVP_PKEY_is_a(key.key.get(), "SM2"));

  absl::StatusOr<internal::SignatureKey> prepared =
      internal::PrepareSignatureKey(key.key.get(), /*private_key=*/true);
  ASSERT_TRUE(prepared.ok()) << prepared.status();
  EXPECT_EQ(prepared->algorithm, SignatureAlgorithm::kSm2Sm3);
  EXPECT_TRUE(EVP_PKEY_is_a(prepared->key.get(), "SM2"));
  absl::StatusOr<std::string> signature =
      internal::SignWithKey(*prepared, kText);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_TRUE(
      VerifyCheckpointSignature(kText, *signature, key.certificate_pem).ok());

  // And through PEM, as a hub would load it.
  absl::StatusOr<CheckpointSigner> signer =
      CheckpointSigner::FromPem(key.private_key_pem);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ(signer->algorithm(), SignatureAlgorithm::kSm2Sm3);
  EXPECT_TRUE(VerifyCheckpointSignature(kText, signer->Sign(kText).value(),
                                        key.certificate_pem)
                  .ok());
}

TEST(CheckpointSignerTest, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "/checkpoint_signer_key.pem";
  {
    std::ofstream file(path, std::ios::binary);
    file << SharedTestKey(TestKeyType::kEcP256).private_key_pem;
  }
  absl::StatusOr<CheckpointSigner> signer = CheckpointSigner::FromPemFile(path);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_TRUE(VerifyCheckpointSignature(
                  kText, signer->Sign(kText).value(),
                  SharedTestKey(TestKeyType::kEcP256).certificate_pem)
                  .ok());
  std::remove(path.c_str());
  EXPECT_EQ(CheckpointSigner::FromPemFile(path).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(CheckpointSignerTest, RejectsUnusableKeys) {
  // Encrypted: refused without prompting for a passphrase.
  absl::StatusOr<std::string> encrypted = testing::EncryptedPem(
      SharedTestKey(TestKeyType::kEcP256).key.get(), "secret");
  ASSERT_TRUE(encrypted.ok()) << encrypted.status();
  EXPECT_EQ(CheckpointSigner::FromPem(*encrypted).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A certificate is not a private key.
  EXPECT_EQ(CheckpointSigner::FromPem(
                SharedTestKey(TestKeyType::kEcP256).certificate_pem)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckpointSigner::FromPem("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckpointSigner::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                      "-----END PRIVATE KEY-----\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Unsupported key type.
  absl::StatusOr<CheckpointSigner> ed25519 = CheckpointSigner::FromPem(
      SharedTestKey(TestKeyType::kEd25519).private_key_pem);
  EXPECT_EQ(ed25519.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(ed25519.status().message().find("ED25519"), absl::string_view::npos)
      << ed25519.status();
}

TEST(VerifyCheckpointSignatureTest, RejectsUnusableCertificates) {
  const std::string signature =
      CheckpointSigner::FromPem(
          SharedTestKey(TestKeyType::kEcP256).private_key_pem)
          .value()
          .Sign(kText)
          .value();
  EXPECT_EQ(VerifyCheckpointSignature(kText, signature, "").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      VerifyCheckpointSignature(
          kText, signature, SharedTestKey(TestKeyType::kEcP256).private_key_pem)
          .code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyCheckpointSignature(
                kText, signature,
                SharedTestKey(TestKeyType::kEd25519).certificate_pem)
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sx::transparency
