// Envelope encryption of one record's content: a fresh data key per record
// encrypts the content, and the key ring's current key-encryption key
// encrypts (wraps) the data key. Re-wrapping under a newer key touches only
// the wrapped data key, never the content.
//
//   SX_ASSIGN_OR_RETURN(v1::EncryptedContent sealed,
//       EncryptContent(ring, cipher, content_bytes, "lead/sx-0000000042"));
//   SX_ASSIGN_OR_RETURN(std::string content,
//       DecryptContent(ring, sealed, "lead/sx-0000000042"));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/records.pb.h"
#include "sx/encryption/key_ring.h"

namespace sx::encryption {

// Encrypts `content` under a new data key wrapped by ring.current().
// `binding` names the record the content belongs to and is authenticated
// with it, so that content copied onto another record does not decrypt.
absl::StatusOr<::supervision::v1::EncryptedContent> EncryptContent(
    const KeyRing& ring, ::supervision::v1::AtRestEncryption::Cipher cipher,
    absl::string_view content, absl::string_view binding);

// The content, if `sealed` was made for `binding` and is intact.
// FAILED_PRECONDITION if the ring lacks the key-encryption key that wrapped
// the data key (the message names its fingerprint); DATA_LOSS if the data
// key or the content does not authenticate (damaged, or moved from another
// record).
absl::StatusOr<std::string> DecryptContent(
    const KeyRing& ring, const ::supervision::v1::EncryptedContent& sealed,
    absl::string_view binding);

// `sealed` with its data key wrapped by ring.current() instead (unchanged
// if it already is); errors as for DecryptContent.
absl::StatusOr<::supervision::v1::EncryptedContent> RewrapDataKey(
    const KeyRing& ring, const ::supervision::v1::EncryptedContent& sealed);

}  // namespace sx::encryption
