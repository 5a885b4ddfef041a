// Conversions between the SDK's value types and the generated contract types.
// Private to the SDK: public headers never mention generated code.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "supervision/v1/admin.pb.h"
#include "supervision/v1/audit.pb.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/types.h"

namespace sx::client::internal {

namespace v1 = ::supervision::v1;

v1::Lead ToProto(const Lead& lead);
v1::Feedback ToProto(const Feedback& feedback);
v1::ListReferralsRequest ToProto(const ListQuery& query);
v1::ListTransfersRequest ToProto(const TransferQuery& query);
v1::ListDeadLettersRequest ToProto(const DeadLetterQuery& query);
v1::QueryEventsRequest ToProto(const EventQuery& query);

// Exchange.
Event FromProto(const v1::Event& event);
Referral FromProto(const v1::Referral& referral);
InboxEntry FromProto(const v1::InboxEntry& entry);
ReferralPage FromProto(const v1::ListReferralsResponse& page);
uint32_t FromProto(const v1::AckInboxResponse& response);

// Administration.
TransferPage FromProto(const v1::ListTransfersResponse& page);
std::vector<InboxStats> FromProto(const v1::GetInboxStatsResponse& response);
DeadLetterPage FromProto(const v1::ListDeadLettersResponse& page);
uint32_t FromProto(const v1::RedriveDeadLettersResponse& response);
TransferCounts FromProto(const v1::GetTransferCountsResponse& response);
HubStatus FromProto(const v1::HubStatus& status);

// Audit. A signature that is not base64 is the hub's fault: DATA_LOSS.
EventPage FromProto(const v1::QueryEventsResponse& page);
absl::StatusOr<SignedCheckpoint> FromProto(const v1::SignedCheckpoint& proto);
InclusionProof FromProto(const v1::InclusionProof& proof);
ConsistencyProof FromProto(const v1::ConsistencyProof& proof);
absl::StatusOr<EventExport> FromProto(const v1::EventExport& exported);

}  // namespace sx::client::internal
