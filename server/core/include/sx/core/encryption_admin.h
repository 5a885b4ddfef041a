// What administrators see and do of encryption at rest: how many records
// each key-encryption key wraps (never a key, never content), and the
// re-wrapping of data keys under the current key after a rotation.
#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "supervision/v1/admin.pb.h"
#include "sx/encryption/encrypting_store.h"

namespace sx::core {

absl::StatusOr<::supervision::v1::EncryptionStatus> EncryptionStatusOf(
    encryption::EncryptingStore& store);

// Validates the request (INVALID_ARGUMENT), then re-wraps one page;
// `done` runs once it is durable.
void RewrapDataKeysPage(
    encryption::EncryptingStore& store,
    const ::supervision::v1::RewrapDataKeysRequest& request,
    std::function<
        void(absl::StatusOr<::supervision::v1::RewrapDataKeysResponse>)>
        done);

}  // namespace sx::core
