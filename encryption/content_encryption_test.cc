// Tests of envelope encryption (content_encryption.cc) and of the two
// ciphers under it (symmetric_cipher.cc, private to this library, so tested
// through its header here).
#include "sx/encryption/content_encryption.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "encryption/symmetric_cipher.h"
#include "gtest/gtest.h"
#include "supervision/v1/config.pb.h"
#include "supervision/v1/records.pb.h"

namespace sx::encryption {
namespace {

using ::supervision::v1::AtRestEncryption;
using ::supervision::v1::EncryptedContent;

constexpr char kKeyA[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kKeyB[] =
    "1314d7d85667aa7c40dc733bc6e70fb799573951385701314ccada8179290e2c";
constexpr char kContent[] = "Complaint: river outfall discharging at night.";
constexpr char kBinding[] = "lead/sx-0000000042";

std::string Unhex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

// A ring of "NAME HEX" lines, the first current.
KeyRing Ring(const std::vector<std::pair<std::string, std::string>>& keys) {
  std::string text;
  for (const auto& [name, hex] : keys)
    absl::StrAppend(&text, name, " ", hex, "\n");
  absl::StatusOr<KeyRing> ring = KeyRing::Parse(text, "test keys");
  EXPECT_TRUE(ring.ok()) << ring.status();
  return *std::move(ring);
}

std::string CipherName(const ::testing::TestParamInfo<Cipher>& info) {
  return info.param == AtRestEncryption::CIPHER_AES_256_GCM ? "Aes256Gcm"
                                                            : "Sm4CtrHmacSm3";
}

// What Seal adds to the plaintext: nonce or IV, and tag or MAC.
size_t Overhead(Cipher cipher) {
  return cipher == AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3 ? 16 + 32
                                                             : 12 + 16;
}

class SymmetricCipherTest : public ::testing::TestWithParam<Cipher> {
 protected:
  const std::string key_ = Unhex(kKeyA);
};

TEST_P(SymmetricCipherTest, OpensWhatItSeals) {
  for (const std::string& plaintext :
       {std::string(""), std::string("x"), std::string(kContent),
        std::string(1000, '\0')}) {
    absl::StatusOr<std::string> sealed =
        Seal(GetParam(), key_, plaintext, kBinding);
    ASSERT_TRUE(sealed.ok()) << sealed.status();
    EXPECT_EQ(sealed->size(), plaintext.size() + Overhead(GetParam()));

    absl::StatusOr<std::string> opened =
        Open(GetParam(), key_, *sealed, kBinding);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST_P(SymmetricCipherTest, AcceptsEmptyAssociatedData) {
  absl::StatusOr<std::string> sealed = Seal(GetParam(), key_, kContent, "");
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(Open(GetParam(), key_, *sealed, "").value_or(""), kContent);
}

TEST_P(SymmetricCipherTest, SealsTheSamePlaintextDifferentlyEachTime) {
  const std::string first = Seal(GetParam(), key_, kContent, kBinding).value();
  const std::string second = Seal(GetParam(), key_, kContent, kBinding).value();
  EXPECT_NE(first, second);
  EXPECT_FALSE(absl::StrContains(first, kContent));
}

TEST_P(SymmetricCipherTest, RefusesEverySingleByteChange) {
  const std::string sealed = Seal(GetParam(), key_, kContent, kBinding).value();
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80}) {
      std::string damaged = sealed;
      damaged[i] = static_cast<char>(damaged[i] ^ flip);
      absl::StatusOr<std::string> opened =
          Open(GetParam(), key_, damaged, kBinding);
      EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss)
          << "byte " << i << " ^ " << static_cast<int>(flip);
      EXPECT_TRUE(
          absl::StrContains(opened.status().message(), "does not authenticate"))
          << opened.status();
    }
  }
}

TEST_P(SymmetricCipherTest, RefusesShortenedOrLengthenedInput) {
  const std::string sealed = Seal(GetParam(), key_, kContent, kBinding).value();
  for (size_t length = 0; length < sealed.size(); ++length) {
    EXPECT_EQ(Open(GetParam(), key_, sealed.substr(0, length), kBinding)
                  .status()
                  .code(),
              absl::StatusCode::kDataLoss)
        << "first " << length << " bytes";
    EXPECT_EQ(
        Open(GetParam(), key_, sealed.substr(sealed.size() - length), kBinding)
            .status()
            .code(),
        absl::StatusCode::kDataLoss)
        << "last " << length << " bytes";
  }
  EXPECT_EQ(Open(GetParam(), key_, sealed + '\0', kBinding).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(SymmetricCipherTest, RefusesOtherAssociatedData) {
  const std::string sealed = Seal(GetParam(), key_, kContent, kBinding).value();
  for (absl::string_view other :
       {"", "lead/sx-0000000043", "lead/sx-000000004", "lead/sx-00000000420"}) {
    EXPECT_EQ(Open(GetParam(), key_, sealed, other).status().code(),
              absl::StatusCode::kDataLoss)
        << other;
  }
}

TEST_P(SymmetricCipherTest, RefusesAnotherKey) {
  const std::string sealed = Seal(GetParam(), key_, kContent, kBinding).value();
  EXPECT_EQ(Open(GetParam(), Unhex(kKeyB), sealed, kBinding).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(SymmetricCipherTest, RefusesTheOtherCipher) {
  const Cipher other = GetParam() == AtRestEncryption::CIPHER_AES_256_GCM
                           ? AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3
                           : AtRestEncryption::CIPHER_AES_256_GCM;
  const std::string sealed = Seal(GetParam(), key_, kContent, kBinding).value();
  EXPECT_EQ(Open(other, key_, sealed, kBinding).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(SymmetricCipherTest, RefusesKeysThatAreNot32Bytes) {
  for (const std::string& key : {std::string(), std::string(16, 'k'),
                                 std::string(31, 'k'), std::string(33, 'k')}) {
    EXPECT_EQ(Seal(GetParam(), key, kContent, kBinding).status().code(),
              absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(
        Open(GetParam(), key, std::string(100, 's'), kBinding).status().code(),
        absl::StatusCode::kInvalidArgument);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Ciphers, SymmetricCipherTest,
    ::testing::Values(AtRestEncryption::CIPHER_AES_256_GCM,
                      AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3),
    CipherName);

TEST(SymmetricCipherChoiceTest, UnspecifiedIsAes256Gcm) {
  const std::string key = Unhex(kKeyA);
  const std::string sealed =
      Seal(AtRestEncryption::CIPHER_UNSPECIFIED, key, kContent, kBinding)
          .value();
  EXPECT_EQ(sealed.size(), sizeof(kContent) - 1 + 12 + 16);
  EXPECT_EQ(Open(AtRestEncryption::CIPHER_AES_256_GCM, key, sealed, kBinding)
                .value_or(""),
            kContent);
}

TEST(SymmetricCipherChoiceTest, RefusesAnUnknownCipher) {
  const Cipher unknown = static_cast<Cipher>(99);
  EXPECT_EQ(Seal(unknown, Unhex(kKeyA), kContent, kBinding).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(unknown, Unhex(kKeyA), std::string(100, 's'), kBinding)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// The Galois/Counter Mode of Operation (McGrew and Viega, 2005), test case
// 16: AES-256, 96-bit IV, 20 bytes of additional data. Seal's layout is
// nonce || ciphertext || tag.
TEST(SymmetricCipherKnownAnswerTest, Aes256GcmOpensThePublishedTestVector) {
  const std::string key =
      Unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const std::string sealed = Unhex(absl::StrCat(
      "cafebabefacedbaddecaf888",  // IV
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",  // C
      "76fc6ece0f4e1768cddf8853bb2d551b"));                        // T
  const std::string aad = Unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string plaintext = Unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");

  absl::StatusOr<std::string> opened =
      Open(AtRestEncryption::CIPHER_AES_256_GCM, key, sealed, aad);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
}

// Computed once with the OpenSSL command line, independently of this code,
// for the key kKeyA and the IV f0f1...feff:
//   sm4 key = the first 16 bytes of
//       printf sm4 | openssl mac -digest SM3 -macopt hexkey:$K HMAC
//     = 2f421958705f86870d1a0d04387ea9ed
//   mac key = printf hmac-sm3 | openssl mac -digest SM3 -macopt hexkey:$K HMAC
//     = a4788008ff5c4e5aedfdd1f5aba2a2068f5586670447d666ee9cc63f03d475c8
//   ciphertext = printf '%s' "$kContent" |
//       openssl enc -sm4-ctr -K $SM4_KEY -iv f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
//   mac = openssl mac -digest SM3 -macopt hexkey:$MAC_KEY -in macin HMAC,
//     macin = be64(18) || "lead/sx-0000000042" || iv || ciphertext
TEST(SymmetricCipherKnownAnswerTest,
     Sm4CtrHmacSm3OpensWhatTheOpensslCommandLineMade) {
  const std::string sealed = Unhex(absl::StrCat(
      "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",  // IV
      "e538d6dd5a42fe6d867db617e33b01cbb72329844fc26f5722e42611238dad5d"
      "a44054dafd070d5a010addf8de62",  // SM4-CTR ciphertext
      "8b560191e922caae5cb18edb33d9946e144a2eac894ef646a6444683f8421115"));
  absl::StatusOr<std::string> opened =
      Open(AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3, Unhex(kKeyA), sealed,
           kBinding);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, kContent);
}

class ContentEncryptionTest : public ::testing::TestWithParam<Cipher> {
 protected:
  EncryptedContent Encrypt(const KeyRing& ring) {
    absl::StatusOr<EncryptedContent> sealed =
        EncryptContent(ring, GetParam(), kContent, kBinding);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    return sealed.value_or(EncryptedContent());
  }

  const KeyRing ring_a_ = Ring({{"a", kKeyA}});
  const KeyRing ring_b_ = Ring({{"b", kKeyB}});
  const KeyRing ring_b_then_a_ = Ring({{"b", kKeyB}, {"a", kKeyA}});
};

TEST_P(ContentEncryptionTest, DecryptsWhatItEncrypts) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  EXPECT_EQ(sealed.cipher(), GetParam());
  EXPECT_EQ(sealed.key_fingerprint(), ring_a_.current().fingerprint);
  EXPECT_FALSE(absl::StrContains(sealed.ciphertext(), kContent));

  absl::StatusOr<std::string> content =
      DecryptContent(ring_a_, sealed, kBinding);
  ASSERT_TRUE(content.ok()) << content.status();
  EXPECT_EQ(*content, kContent);
}

TEST_P(ContentEncryptionTest, DecryptsWithAnOlderKeyOfTheRing) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  EXPECT_EQ(DecryptContent(ring_b_then_a_, sealed, kBinding).value_or(""),
            kContent);
}

TEST_P(ContentEncryptionTest, EncryptsTheSameContentDifferentlyEachTime) {
  const EncryptedContent first = Encrypt(ring_a_);
  const EncryptedContent second = Encrypt(ring_a_);
  EXPECT_NE(first.ciphertext(), second.ciphertext());
  EXPECT_NE(first.wrapped_data_key(), second.wrapped_data_key());
}

TEST_P(ContentEncryptionTest, RefusesContentMovedToAnotherRecord) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  absl::StatusOr<std::string> content =
      DecryptContent(ring_a_, sealed, "lead/sx-0000000043");
  EXPECT_EQ(content.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(
      absl::StrContains(content.status().message(), "lead/sx-0000000043"));
  EXPECT_TRUE(absl::StrContains(content.status().message(),
                                "moved from another record"))
      << content.status();
}

TEST_P(ContentEncryptionTest, RefusesDamagedContent) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  for (size_t i = 0; i < sealed.ciphertext().size(); ++i) {
    EncryptedContent damaged = sealed;
    (*damaged.mutable_ciphertext())[i] ^= 0x04;
    absl::StatusOr<std::string> content =
        DecryptContent(ring_a_, damaged, kBinding);
    EXPECT_EQ(content.status().code(), absl::StatusCode::kDataLoss)
        << "byte " << i;
    EXPECT_TRUE(absl::StrContains(content.status().message(),
                                  "encrypted content of lead/sx-0000000042"))
        << content.status();
  }
}

TEST_P(ContentEncryptionTest, RefusesADamagedDataKey) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  for (size_t i = 0; i < sealed.wrapped_data_key().size(); ++i) {
    EncryptedContent damaged = sealed;
    (*damaged.mutable_wrapped_data_key())[i] ^= 0x04;
    absl::StatusOr<std::string> content =
        DecryptContent(ring_a_, damaged, kBinding);
    EXPECT_EQ(content.status().code(), absl::StatusCode::kDataLoss)
        << "byte " << i;
    EXPECT_TRUE(absl::StrContains(content.status().message(), "data key"))
        << content.status();
  }
  EncryptedContent swapped = sealed;
  swapped.set_wrapped_data_key(Encrypt(ring_a_).wrapped_data_key());
  EXPECT_EQ(DecryptContent(ring_a_, swapped, kBinding).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(ContentEncryptionTest, RefusesAChangedCipherField) {
  EncryptedContent changed = Encrypt(ring_a_);
  changed.set_cipher(GetParam() == AtRestEncryption::CIPHER_AES_256_GCM
                         ? AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3
                         : AtRestEncryption::CIPHER_AES_256_GCM);
  EXPECT_EQ(DecryptContent(ring_a_, changed, kBinding).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_P(ContentEncryptionTest, RefusesADataKeyRelabelledAsAnotherKeys) {
  EncryptedContent relabelled = Encrypt(ring_a_);
  relabelled.set_key_fingerprint(ring_b_.current().fingerprint);
  EXPECT_EQ(
      DecryptContent(ring_b_then_a_, relabelled, kBinding).status().code(),
      absl::StatusCode::kDataLoss);
}

TEST_P(ContentEncryptionTest, NamesTheKeyARingLacks) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  absl::StatusOr<std::string> content =
      DecryptContent(ring_b_, sealed, kBinding);
  EXPECT_EQ(content.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(content.status().message(),
                                ring_a_.current().fingerprint))
      << content.status();
  EXPECT_TRUE(absl::StrContains(content.status().message(),
                                "which the key file does not hold"));

  EXPECT_EQ(RewrapDataKey(ring_b_, sealed).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(ContentEncryptionTest, RewrapsUnderTheNewCurrentKeyOnly) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  absl::StatusOr<EncryptedContent> rewrapped =
      RewrapDataKey(ring_b_then_a_, sealed);
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status();

  EXPECT_EQ(rewrapped->cipher(), GetParam());
  EXPECT_EQ(rewrapped->key_fingerprint(), ring_b_.current().fingerprint);
  EXPECT_EQ(rewrapped->ciphertext(), sealed.ciphertext());
  EXPECT_NE(rewrapped->wrapped_data_key(), sealed.wrapped_data_key());
  EXPECT_EQ(DecryptContent(ring_b_, *rewrapped, kBinding).value_or(""),
            kContent);
  EXPECT_EQ(DecryptContent(ring_b_, sealed, kBinding).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(ContentEncryptionTest, LeavesWhatTheCurrentKeyWrappedUnchanged) {
  const EncryptedContent sealed = Encrypt(ring_b_then_a_);
  absl::StatusOr<EncryptedContent> rewrapped =
      RewrapDataKey(ring_b_then_a_, sealed);
  ASSERT_TRUE(rewrapped.ok()) << rewrapped.status();
  EXPECT_EQ(rewrapped->SerializeAsString(), sealed.SerializeAsString());
}

TEST_P(ContentEncryptionTest, RefusesToRewrapADamagedDataKey) {
  EncryptedContent damaged = Encrypt(ring_a_);
  (*damaged.mutable_wrapped_data_key())[0] ^= 0x01;
  EXPECT_EQ(RewrapDataKey(ring_b_then_a_, damaged).status().code(),
            absl::StatusCode::kDataLoss);
}

// Stored records must stay readable by later builds, so the envelope's
// layout is pinned here with Seal/Open alone: the data key sealed under the
// key-encryption key with "sxhub data key v1\0" + fingerprint, the content
// under the data key with "sxhub content v1\0" + binding.
TEST_P(ContentEncryptionTest, FollowsTheDocumentedEnvelopeFormat) {
  const EncryptedContent sealed = Encrypt(ring_a_);
  const std::string data_key_label("sxhub data key v1\0", 18);
  const std::string content_label("sxhub content v1\0", 17);

  absl::StatusOr<std::string> data_key =
      Open(GetParam(), Unhex(kKeyA), sealed.wrapped_data_key(),
           data_key_label + ring_a_.current().fingerprint);
  ASSERT_TRUE(data_key.ok()) << data_key.status();
  EXPECT_EQ(data_key->size(), 32u);
  EXPECT_EQ(
      Open(GetParam(), *data_key, sealed.ciphertext(), content_label + kBinding)
          .value_or(""),
      kContent);
}

INSTANTIATE_TEST_SUITE_P(
    Ciphers, ContentEncryptionTest,
    ::testing::Values(AtRestEncryption::CIPHER_AES_256_GCM,
                      AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3),
    CipherName);

TEST(ContentEncryptionCipherChoiceTest, RecordsUnspecifiedAsAes256Gcm) {
  const KeyRing ring = Ring({{"a", kKeyA}});
  absl::StatusOr<EncryptedContent> sealed = EncryptContent(
      ring, AtRestEncryption::CIPHER_UNSPECIFIED, kContent, kBinding);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(sealed->cipher(), AtRestEncryption::CIPHER_AES_256_GCM);
  EXPECT_EQ(DecryptContent(ring, *sealed, kBinding).value_or(""), kContent);
}

TEST(ContentEncryptionCipherChoiceTest, RefusesAnUnknownCipher) {
  EXPECT_EQ(EncryptContent(Ring({{"a", kKeyA}}), static_cast<Cipher>(99),
                           kContent, kBinding)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sx::encryption
