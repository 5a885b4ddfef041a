// The defaults of AdminClient, out of line so that its vtable lives in the
// SDK library and a fake that overrides only a few methods links against
// them; a method added to the interface later comes with its default, and
// the fake keeps compiling. GrpcAdminClient overrides every one of them.
#include "sx/client/admin_client.h"

#include "absl/status/status.h"

namespace sx::client {

AdminClient::~AdminClient() = default;

absl::StatusOr<TransferPage> AdminClient::ListTransfers(const TransferQuery&) {
  return absl::UnimplementedError(
      "AdminClient::ListTransfers is not implemented by this client");
}

absl::StatusOr<std::vector<InboxStats>> AdminClient::GetInboxStats() {
  return absl::UnimplementedError(
      "AdminClient::GetInboxStats is not implemented by this client");
}

absl::StatusOr<DeadLetterPage> AdminClient::ListDeadLetters(
    const DeadLetterQuery&) {
  return absl::UnimplementedError(
      "AdminClient::ListDeadLetters is not implemented by this client");
}

absl::StatusOr<uint32_t> AdminClient::RedriveDeadLetters(
    const std::string&, const std::vector<uint64_t>&) {
  return absl::UnimplementedError(
      "AdminClient::RedriveDeadLetters is not implemented by this client");
}

absl::StatusOr<TransferCounts> AdminClient::GetTransferCounts() {
  return absl::UnimplementedError(
      "AdminClient::GetTransferCounts is not implemented by this client");
}

absl::StatusOr<RewrapProgress> AdminClient::RewrapDataKeys(const std::string&,
                                                           uint32_t) {
  return absl::UnimplementedError(
      "AdminClient::RewrapDataKeys is not implemented by this client");
}

absl::StatusOr<HubStatus> AdminClient::GetHubStatus() {
  return absl::UnimplementedError(
      "AdminClient::GetHubStatus is not implemented by this client");
}

absl::StatusOr<Statistics> AdminClient::GetStatistics(const StatisticsQuery&) {
  return absl::UnimplementedError(
      "AdminClient::GetStatistics is not implemented by this client");
}

}  // namespace sx::client
