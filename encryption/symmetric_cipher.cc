#include "encryption/symmetric_cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdint>
#include <initializer_list>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/status_macros.h"

namespace sx::encryption {
namespace {

using ::supervision::v1::AtRestEncryption;
using ::sx::openssl::ClearOpenSslErrors;
using ::sx::openssl::OpenSslError;

constexpr size_t kKeyBytes = 32;
constexpr size_t kGcmNonceBytes = 12;
constexpr size_t kGcmTagBytes = 16;
constexpr size_t kSm4IvBytes = 16;
constexpr size_t kSm3Bytes = 32;
// EVP_CipherUpdate counts bytes in an int; one record's content is far
// smaller, so larger inputs are refused rather than split.
constexpr size_t kMaxInputBytes = INT_MAX;

// Labels that derive the two SM4-CTR-HMAC-SM3 keys from the one key.
constexpr char kSm4KeyLabel[] = "sm4";
constexpr char kMacKeyLabel[] = "hmac-sm3";

struct CipherObjectFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherObjectFree>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, CipherObjectFree>;

// The algorithms are fetched once, as in sx/base's Sha256: OpenSSL 3 would
// otherwise search its provider tables again on every record. A nullptr
// (an OpenSSL without the algorithm) makes every use an INTERNAL error.
EVP_CIPHER* Aes256GcmAlgorithm() {
  static EVP_CIPHER* const algorithm =
      EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return algorithm;
}

EVP_CIPHER* Sm4CtrAlgorithm() {
  static EVP_CIPHER* const algorithm =
      EVP_CIPHER_fetch(nullptr, "SM4-CTR", nullptr);
  return algorithm;
}

EVP_MAC* HmacAlgorithm() {
  static EVP_MAC* const algorithm = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return algorithm;
}

const unsigned char* Bytes(absl::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

unsigned char* Bytes(std::string& data) {
  return reinterpret_cast<unsigned char*>(data.data());
}

absl::string_view View(const unsigned char* bytes, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(bytes), size);
}

// The one error Open gives for anything it cannot trust, so that a caller
// learns nothing about which check failed.
absl::Status DoesNotAuthenticate() {
  return absl::DataLossError("does not authenticate");
}

absl::Status CheckArguments(absl::string_view key, absl::string_view data,
                            absl::string_view associated_data) {
  if (key.size() != kKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a key of ", key.size(), " bytes; the ciphers take ", kKeyBytes));
  }
  if (data.size() > kMaxInputBytes || associated_data.size() > kMaxInputBytes) {
    return absl::InvalidArgumentError(
        "more than 2 GiB to encrypt or authenticate at once");
  }
  return absl::OkStatus();
}

absl::Status UnknownCipher(Cipher cipher) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown at-rest cipher ", static_cast<int>(cipher)));
}

absl::Status FillRandom(unsigned char* bytes, size_t count) {
  if (RAND_bytes(bytes, static_cast<int>(count)) != 1) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "OpenSSL cannot supply random bytes");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SealAes256Gcm(absl::string_view key,
                                          absl::string_view plaintext,
                                          absl::string_view associated_data) {
  std::string sealed(kGcmNonceBytes + plaintext.size() + kGcmTagBytes, '\0');
  unsigned char* nonce = Bytes(sealed);
  unsigned char* ciphertext = nonce + kGcmNonceBytes;
  unsigned char* tag = ciphertext + plaintext.size();
  SX_RETURN_IF_ERROR(FillRandom(nonce, kGcmNonceBytes));

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex2(ctx.get(), Aes256GcmAlgorithm(), Bytes(key), nonce,
                          nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), ciphertext, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), ciphertext + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG,
                          static_cast<int>(kGcmTagBytes), tag) != 1) {
    return OpenSslError(absl::StatusCode::kInternal,
                        "AES-256-GCM encryption failed");
  }
  return sealed;
}

absl::StatusOr<std::string> OpenAes256Gcm(absl::string_view key,
                                          absl::string_view sealed,
                                          absl::string_view associated_data) {
  if (sealed.size() < kGcmNonceBytes + kGcmTagBytes) {
    return DoesNotAuthenticate();
  }
  const absl::string_view nonce = sealed.substr(0, kGcmNonceBytes);
  const absl::string_view ciphertext = sealed.substr(
      kGcmNonceBytes, sealed.size() - kGcmNonceBytes - kGcmTagBytes);
  // OpenSSL's ctrl interface takes the expected tag through a non-const
  // pointer; it only reads it.
  std::string tag(sealed.substr(sealed.size() - kGcmTagBytes));

  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::string plaintext(ciphertext.size(), '\0');
  int length = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex2(ctx.get(), Aes256GcmAlgorithm(), Bytes(key),
                          Bytes(nonce), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &length, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG,
                          static_cast<int>(kGcmTagBytes), tag.data()) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return OpenSslError(absl::StatusCode::kInternal,
                        "AES-256-GCM decryption failed");
  }
  int final_length = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + length,
                          &final_length) != 1) {
    // The bytes decrypted so far are unauthenticated: none may escape.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    ClearOpenSslErrors();
    return DoesNotAuthenticate();
  }
  return plaintext;
}

// The two keys that one key gives, wiped when they go out of scope. SM4
// uses the first 16 bytes of its HMAC-SM3 output.
struct Sm4Keys {
  Sm4Keys() = default;
  Sm4Keys(const Sm4Keys&) = delete;
  Sm4Keys& operator=(const Sm4Keys&) = delete;
  ~Sm4Keys() {
    OPENSSL_cleanse(cipher_key, sizeof(cipher_key));
    OPENSSL_cleanse(mac_key, sizeof(mac_key));
  }

  unsigned char cipher_key[kSm3Bytes] = {};
  unsigned char mac_key[kSm3Bytes] = {};
};

// HMAC-SM3(key, the concatenation of `parts`) into mac[0, kSm3Bytes).
absl::Status HmacSm3(absl::string_view key,
                     std::initializer_list<absl::string_view> parts,
                     unsigned char* mac) {
  EvpMacCtxPtr ctx(EVP_MAC_CTX_new(HmacAlgorithm()));
  char digest_name[] = "SM3";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (ctx == nullptr ||
      EVP_MAC_init(ctx.get(), Bytes(key), key.size(), params) != 1) {
    return OpenSslError(absl::StatusCode::kInternal, "cannot start HMAC-SM3");
  }
  for (absl::string_view part : parts) {
    if (EVP_MAC_update(ctx.get(), Bytes(part), part.size()) != 1) {
      return OpenSslError(absl::StatusCode::kInternal, "HMAC-SM3 failed");
    }
  }
  size_t length = 0;
  if (EVP_MAC_final(ctx.get(), mac, &length, kSm3Bytes) != 1 ||
      length != kSm3Bytes) {
    return OpenSslError(absl::StatusCode::kInternal, "HMAC-SM3 failed");
  }
  return absl::OkStatus();
}

absl::Status DeriveSm4Keys(absl::string_view key, Sm4Keys* keys) {
  SX_RETURN_IF_ERROR(HmacSm3(key, {kSm4KeyLabel}, keys->cipher_key));
  return HmacSm3(key, {kMacKeyLabel}, keys->mac_key);
}

// The length prefix keeps the boundary between associated data and the IV
// unambiguous.
std::string BigEndian64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

absl::Status Sm4Mac(const Sm4Keys& keys, absl::string_view associated_data,
                    absl::string_view iv_and_ciphertext, unsigned char* mac) {
  return HmacSm3(
      View(keys.mac_key, sizeof(keys.mac_key)),
      {BigEndian64(associated_data.size()), associated_data, iv_and_ciphertext},
      mac);
}

// CTR mode is its own inverse: this both encrypts and decrypts.
absl::Status Sm4Ctr(const Sm4Keys& keys, const unsigned char* iv,
                    absl::string_view input, unsigned char* output) {
  EvpCipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex2(ctx.get(), Sm4CtrAlgorithm(), keys.cipher_key, iv,
                          nullptr) != 1 ||
      EVP_EncryptUpdate(ctx.get(), output, &length, Bytes(input),
                        static_cast<int>(input.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), output + length, &final_length) != 1 ||
      static_cast<size_t>(length + final_length) != input.size()) {
    return OpenSslError(absl::StatusCode::kInternal, "SM4-CTR failed");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SealSm4CtrHmacSm3(
    absl::string_view key, absl::string_view plaintext,
    absl::string_view associated_data) {
  Sm4Keys keys;
  SX_RETURN_IF_ERROR(DeriveSm4Keys(key, &keys));
  std::string sealed(kSm4IvBytes + plaintext.size() + kSm3Bytes, '\0');
  unsigned char* iv = Bytes(sealed);
  unsigned char* ciphertext = iv + kSm4IvBytes;
  unsigned char* mac = ciphertext + plaintext.size();
  SX_RETURN_IF_ERROR(FillRandom(iv, kSm4IvBytes));
  SX_RETURN_IF_ERROR(Sm4Ctr(keys, iv, plaintext, ciphertext));
  SX_RETURN_IF_ERROR(Sm4Mac(keys, associated_data,
                            View(iv, kSm4IvBytes + plaintext.size()), mac));
  return sealed;
}

absl::StatusOr<std::string> OpenSm4CtrHmacSm3(
    absl::string_view key, absl::string_view sealed,
    absl::string_view associated_data) {
  if (sealed.size() < kSm4IvBytes + kSm3Bytes) return DoesNotAuthenticate();
  const absl::string_view iv_and_ciphertext =
      sealed.substr(0, sealed.size() - kSm3Bytes);
  const absl::string_view mac = sealed.substr(sealed.size() - kSm3Bytes);

  Sm4Keys keys;
  SX_RETURN_IF_ERROR(DeriveSm4Keys(key, &keys));
  unsigned char expected_mac[kSm3Bytes];
  SX_RETURN_IF_ERROR(
      Sm4Mac(keys, associated_data, iv_and_ciphertext, expected_mac));
  // Constant time, so that timing does not tell a forger how many leading
  // bytes of a guessed MAC were right. Encrypt-then-MAC: nothing is
  // decrypted before the MAC checks out.
  if (CRYPTO_memcmp(expected_mac, mac.data(), kSm3Bytes) != 0) {
    return DoesNotAuthenticate();
  }
  const absl::string_view ciphertext = iv_and_ciphertext.substr(kSm4IvBytes);
  std::string plaintext(ciphertext.size(), '\0');
  SX_RETURN_IF_ERROR(
      Sm4Ctr(keys, Bytes(iv_and_ciphertext), ciphertext, Bytes(plaintext)));
  return plaintext;
}

}  // namespace

absl::StatusOr<std::string> Seal(Cipher cipher, absl::string_view key,
                                 absl::string_view plaintext,
                                 absl::string_view associated_data) {
  SX_RETURN_IF_ERROR(CheckArguments(key, plaintext, associated_data));
  switch (cipher) {
    case AtRestEncryption::CIPHER_UNSPECIFIED:
    case AtRestEncryption::CIPHER_AES_256_GCM:
      return SealAes256Gcm(key, plaintext, associated_data);
    case AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3:
      return SealSm4CtrHmacSm3(key, plaintext, associated_data);
    default:
      return UnknownCipher(cipher);
  }
}

absl::StatusOr<std::string> Open(Cipher cipher, absl::string_view key,
                                 absl::string_view sealed,
                                 absl::string_view associated_data) {
  SX_RETURN_IF_ERROR(CheckArguments(key, sealed, associated_data));
  switch (cipher) {
    case AtRestEncryption::CIPHER_UNSPECIFIED:
    case AtRestEncryption::CIPHER_AES_256_GCM:
      return OpenAes256Gcm(key, sealed, associated_data);
    case AtRestEncryption::CIPHER_SM4_CTR_HMAC_SM3:
      return OpenSm4CtrHmacSm3(key, sealed, associated_data);
    default:
      return UnknownCipher(cipher);
  }
}

}  // namespace sx::encryption
