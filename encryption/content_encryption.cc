#include "sx/encryption/content_encryption.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "encryption/symmetric_cipher.h"
#include "sx/base/openssl_handles.h"
#include "sx/base/status_macros.h"

namespace sx::encryption {
namespace {

using ::supervision::v1::AtRestEncryption;
using ::supervision::v1::EncryptedContent;

constexpr size_t kDataKeyBytes = 32;
// What the associated data of each use of a key begins with, so that a
// sealed data key never opens as content or the reverse. The NUL ends the
// label: no binding can then make one label's associated data read as that
// of a longer label (a later "sxhub content v10", say).
constexpr absl::string_view kContentLabel("sxhub content v1\0", 17);
constexpr absl::string_view kDataKeyLabel("sxhub data key v1\0", 18);

// One record's data key, wiped from memory when it goes out of scope.
class DataKey {
 public:
  explicit DataKey(std::string bytes) : bytes_(std::move(bytes)) {}
  // 32 bytes live on the heap, so a move hands the buffer over and leaves
  // no copy behind to wipe.
  DataKey(DataKey&&) = default;
  DataKey& operator=(DataKey&&) = delete;
  ~DataKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  absl::string_view bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

absl::StatusOr<DataKey> NewDataKey() {
  std::string bytes(kDataKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(bytes.size())) != 1) {
    return openssl::OpenSslError(absl::StatusCode::kInternal,
                                 "OpenSSL cannot supply random bytes");
  }
  return DataKey(std::move(bytes));
}

std::string ContentAssociatedData(absl::string_view binding) {
  return absl::StrCat(kContentLabel, binding);
}

// Binding the wrapped key to its key-encryption key's fingerprint keeps a
// wrapped key from being relabelled as wrapped by another key.
std::string DataKeyAssociatedData(const KeyEncryptionKey& kek) {
  return absl::StrCat(kDataKeyLabel, kek.fingerprint);
}

absl::StatusOr<std::string> WrapDataKey(Cipher cipher,
                                        const KeyEncryptionKey& kek,
                                        const DataKey& data_key) {
  return Seal(cipher, kek.secret, data_key.bytes(), DataKeyAssociatedData(kek));
}

absl::StatusOr<DataKey> UnwrapDataKey(const KeyRing& ring,
                                      const EncryptedContent& sealed) {
  const KeyEncryptionKey* kek = ring.Find(sealed.key_fingerprint());
  if (kek == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("encrypted under key-encryption key ",
                     absl::CHexEscape(sealed.key_fingerprint()),
                     ", which the key file does not hold"));
  }
  absl::StatusOr<std::string> data_key =
      Open(sealed.cipher(), kek->secret, sealed.wrapped_data_key(),
           DataKeyAssociatedData(*kek));
  if (absl::IsDataLoss(data_key.status())) {
    return absl::DataLossError(absl::StrCat(
        "the data key wrapped under key-encryption key ", kek->fingerprint,
        " (", kek->name, ") does not authenticate (damaged)"));
  }
  if (!data_key.ok()) return data_key.status();
  return DataKey(*std::move(data_key));
}

}  // namespace

absl::StatusOr<EncryptedContent> EncryptContent(const KeyRing& ring,
                                                AtRestEncryption::Cipher cipher,
                                                absl::string_view content,
                                                absl::string_view binding) {
  // Recorded explicitly, so that what a record was written with never
  // depends on what "unspecified" means to a later reader.
  const Cipher recorded_cipher = cipher == AtRestEncryption::CIPHER_UNSPECIFIED
                                     ? AtRestEncryption::CIPHER_AES_256_GCM
                                     : cipher;
  const KeyEncryptionKey& kek = ring.current();
  SX_ASSIGN_OR_RETURN(DataKey data_key, NewDataKey());
  EncryptedContent sealed;
  sealed.set_cipher(recorded_cipher);
  sealed.set_key_fingerprint(kek.fingerprint);
  SX_ASSIGN_OR_RETURN(*sealed.mutable_ciphertext(),
                      Seal(recorded_cipher, data_key.bytes(), content,
                           ContentAssociatedData(binding)));
  SX_ASSIGN_OR_RETURN(*sealed.mutable_wrapped_data_key(),
                      WrapDataKey(recorded_cipher, kek, data_key));
  return sealed;
}

absl::StatusOr<std::string> DecryptContent(const KeyRing& ring,
                                           const EncryptedContent& sealed,
                                           absl::string_view binding) {
  SX_ASSIGN_OR_RETURN(const DataKey data_key, UnwrapDataKey(ring, sealed));
  absl::StatusOr<std::string> content =
      Open(sealed.cipher(), data_key.bytes(), sealed.ciphertext(),
           ContentAssociatedData(binding));
  if (absl::IsDataLoss(content.status())) {
    return absl::DataLossError(
        absl::StrCat("the encrypted content of ", binding,
                     " does not authenticate (damaged, or moved from another "
                     "record)"));
  }
  return content;
}

absl::StatusOr<EncryptedContent> RewrapDataKey(const KeyRing& ring,
                                               const EncryptedContent& sealed) {
  const KeyEncryptionKey& current = ring.current();
  if (sealed.key_fingerprint() == current.fingerprint) return sealed;
  SX_ASSIGN_OR_RETURN(const DataKey data_key, UnwrapDataKey(ring, sealed));
  EncryptedContent rewrapped = sealed;
  rewrapped.set_key_fingerprint(current.fingerprint);
  SX_ASSIGN_OR_RETURN(*rewrapped.mutable_wrapped_data_key(),
                      WrapDataKey(sealed.cipher(), current, data_key));
  return rewrapped;
}

}  // namespace sx::encryption
