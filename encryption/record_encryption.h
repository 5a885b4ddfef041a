// Encrypting and decrypting whole stored records (a lead, a referral, a
// rectification item): their content fields (content_fields.h) go into one
// EncryptedContent bound to the record's identity, the rest stays as it is.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "encryption/content_fields.h"
#include "supervision/v1/records.pb.h"
#include "sx/base/status_macros.h"
#include "sx/encryption/content_encryption.h"
#include "sx/encryption/key_ring.h"

namespace sx::encryption {

// What a record binds its encrypted content to: content copied onto another
// record does not decrypt.
inline std::string LeadBinding(absl::string_view referral_id) {
  return absl::StrCat("lead/", referral_id);
}
inline std::string ReferralBinding(absl::string_view referral_id) {
  return absl::StrCat("referral/", referral_id);
}
inline std::string ItemBinding(absl::string_view referral_id, uint32_t number) {
  return absl::StrCat("item/", referral_id, "/", number);
}

// A record's content as it was decrypted or encrypted, so that a
// transaction that writes the same content again reuses the encryption
// instead of making a new data key.
struct SealedContent {
  std::string content;  // the serialized content fields
  ::supervision::v1::EncryptedContent sealed;
};

template <typename Record>
struct StoredForm {
  // As stored: content fields cleared, EncryptedContent set.
  Record stored;
  // nullopt if the record had no content to encrypt.
  std::optional<SealedContent> sealed;
};

template <typename Record>
struct OpenedForm {
  Record record;
  // nullopt if the record was stored without encrypted content.
  std::optional<SealedContent> sealed;
};

// The keys and cipher in force for one transaction or one read. Immutable.
class RecordEncryption {
 public:
  RecordEncryption(std::shared_ptr<const KeyRing> keys,
                   ::supervision::v1::AtRestEncryption::Cipher cipher)
      : keys_(std::move(keys)), cipher_(cipher) {}

  const KeyRing& keys() const { return *keys_; }
  const std::shared_ptr<const KeyRing>& shared_keys() const { return keys_; }

  // The record as it is to be stored. A record without content is stored
  // as it is. If `previous` (what the transaction read) holds the same
  // content, its encryption is kept, the data key wrapped anew if another
  // key than the current one wrapped it.
  template <typename Record>
  absl::StatusOr<StoredForm<Record>> Encrypt(
      Record record, absl::string_view binding,
      const std::optional<SealedContent>& previous) const {
    const Record content = TakeContent(record);
    if (content.ByteSizeLong() == 0) {
      return StoredForm<Record>{std::move(record), std::nullopt};
    }
    SealedContent sealed{content.SerializeAsString(), {}};
    if (previous.has_value() && previous->content == sealed.content) {
      // Unchanged content keeps its data key; only a rotation wraps it anew.
      SX_ASSIGN_OR_RETURN(sealed.sealed,
                          RewrapDataKey(*keys_, previous->sealed));
    } else {
      SX_ASSIGN_OR_RETURN(
          sealed.sealed,
          EncryptContent(*keys_, cipher_, sealed.content, binding));
    }
    SetEncryptedContent(sealed.sealed, record);
    return StoredForm<Record>{std::move(record), std::move(sealed)};
  }

  // The record as it was written, from its stored form; a record stored in
  // plain text comes back as it is.
  template <typename Record>
  absl::StatusOr<OpenedForm<Record>> Decrypt(Record stored,
                                             absl::string_view binding) const {
    SX_ASSIGN_OR_RETURN(
        std::optional<::supervision::v1::EncryptedContent> sealed,
        FindEncryptedContent(stored));
    if (!sealed.has_value()) {
      return OpenedForm<Record>{std::move(stored), std::nullopt};
    }
    SealedContent opened{{}, *std::move(sealed)};
    SX_ASSIGN_OR_RETURN(opened.content,
                        DecryptContent(*keys_, opened.sealed, binding));
    Record content;
    if (!content.ParseFromString(opened.content)) {
      return absl::DataLossError(absl::StrCat("the decrypted content of ",
                                              binding, " does not parse"));
    }
    ClearEncryptedContent(stored);
    SX_RETURN_IF_ERROR(RestoreContent(content, stored));
    return OpenedForm<Record>{std::move(stored), std::move(opened)};
  }

 private:
  std::shared_ptr<const KeyRing> keys_;
  ::supervision::v1::AtRestEncryption::Cipher cipher_;
};

}  // namespace sx::encryption
