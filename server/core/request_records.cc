#include "server/core/request_records.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

absl::StatusOr<std::optional<v1::RequestRecord>> FindRequest(
    storage::Transaction& txn, const Identity& caller, absl::string_view method,
    absl::string_view request_id, absl::string_view fingerprint) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::RequestRecord> record,
                      txn.GetRequest(caller.name, request_id));
  if (!record.has_value()) return std::nullopt;
  if (record->method() != method || record->request_sha256() != fingerprint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_id: \"", request_id,
        "\" was already used for a different request (", record->method(),
        "); use a new request id for a new request"));
  }
  return record;
}

absl::StatusOr<std::optional<v1::Referral>> FindReplay(
    storage::Transaction& txn, const Identity& caller, absl::string_view method,
    absl::string_view request_id, absl::string_view fingerprint) {
  SX_ASSIGN_OR_RETURN(
      std::optional<v1::RequestRecord> record,
      FindRequest(txn, caller, method, request_id, fingerprint));
  if (!record.has_value()) return std::nullopt;
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      txn.GetReferral(record->referral_id()));
  if (!referral.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "storage: referral ", record->referral_id(), " of a request is gone"));
  }
  return referral;
}

absl::Status RememberRequest(storage::Transaction& txn, const Identity& caller,
                             absl::string_view method,
                             absl::string_view request_id,
                             absl::string_view fingerprint,
                             absl::string_view referral_id,
                             const std::vector<uint32_t>& item_numbers) {
  v1::RequestRecord record;
  record.set_method(std::string(method));
  record.set_request_sha256(std::string(fingerprint));
  record.set_referral_id(std::string(referral_id));
  for (uint32_t number : item_numbers) record.add_item_numbers(number);
  return txn.PutRequest(caller.name, request_id, record);
}

}  // namespace sx::core
