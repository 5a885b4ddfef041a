// What the hub remembers of completed mutating calls, so that a retry with
// the same request id has its effect once: shared by every flow that takes
// a request id (exchange steps, rectification ledger steps).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/records.pb.h"
#include "sx/core/identity.h"
#include "sx/storage/store.h"

namespace sx::core {

// The record of an earlier call by `caller` with `request_id`, or nullopt.
// INVALID_ARGUMENT if that call was a different request (another method or
// other bytes): a request id names one request.
absl::StatusOr<std::optional<::supervision::v1::RequestRecord>> FindRequest(
    storage::Transaction& txn, const Identity& caller, absl::string_view method,
    absl::string_view request_id, absl::string_view fingerprint);

// The referral an earlier call with this request id changed, as it is now;
// nullopt if there was no such call. Errors as FindRequest.
absl::StatusOr<std::optional<::supervision::v1::Referral>> FindReplay(
    storage::Transaction& txn, const Identity& caller, absl::string_view method,
    absl::string_view request_id, absl::string_view fingerprint);

// Records a completed call: its method, fingerprint, the referral and the
// ledger items it changed.
absl::Status RememberRequest(storage::Transaction& txn, const Identity& caller,
                             absl::string_view method,
                             absl::string_view request_id,
                             absl::string_view fingerprint,
                             absl::string_view referral_id,
                             const std::vector<uint32_t>& item_numbers = {});

}  // namespace sx::core
