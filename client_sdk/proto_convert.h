// Conversions between the SDK's value types and the generated contract types.
// Private to the SDK: public headers never mention generated code.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "supervision/v1/admin.pb.h"
#include "supervision/v1/audit.pb.h"
#include "supervision/v1/distribution.pb.h"
#include "supervision/v1/exchange.pb.h"
#include "supervision/v1/hub_info.pb.h"
#include "supervision/v1/rectification.pb.h"
#include "supervision/v1/statistics.pb.h"
#include "supervision/v1/supervision_ledger.pb.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/exchange_client.h"
#include "sx/client/hub_info_client.h"
#include "sx/client/types.h"

namespace sx::client::internal {

::supervision::v1::Lead ToProto(const Lead& lead);
::supervision::v1::Feedback ToProto(const Feedback& feedback);
// Requests that change something leave request_id for the caller to set.
::supervision::v1::SubmitReferralRequest ToProto(const NewReferral& referral);
::supervision::v1::RecordDispositionRequest ToProto(
    const DisposeParams& params);
::supervision::v1::DelegateReferralRequest ToProto(
    const DelegateParams& params);
::supervision::v1::RemindReferralRequest ToProto(const RemindParams& params);
::supervision::v1::ListReferralsRequest ToProto(const ListQuery& query);
::supervision::v1::ListReferralStepsRequest ToProto(
    const ReferralStepsQuery& query);
::supervision::v1::ListTransfersRequest ToProto(const TransferQuery& query);
::supervision::v1::ListDeadLettersRequest ToProto(const DeadLetterQuery& query);
::supervision::v1::QueryEventsRequest ToProto(const EventQuery& query);
::supervision::v1::RectificationItemDraft ToProto(
    const RectificationItemDraft& draft);
::supervision::v1::AddRectificationItemsRequest ToProto(
    const AddRectificationItemsParams& params);
::supervision::v1::ReportRectificationRequest ToProto(
    const ReportRectificationParams& params);
::supervision::v1::VerifyRectificationRequest ToProto(
    const VerifyRectificationParams& params);
::supervision::v1::ListRectificationItemsRequest ToProto(
    const RectificationItemQuery& query);
::supervision::v1::SubmitDistributionRequest ToProto(
    const NewDistribution& distribution);
::supervision::v1::ListDistributionsRequest ToProto(
    const DistributionQuery& query);
::supervision::v1::GetStatisticsRequest ToProto(const StatisticsQuery& query);
::supervision::v1::ListSupervisedReferralsRequest ToProto(
    const SupervisionLedgerQuery& query);

// Exchange.
Event FromProto(const ::supervision::v1::Event& event);
Referral FromProto(const ::supervision::v1::Referral& referral);
InboxEntry FromProto(const ::supervision::v1::InboxEntry& entry);
ReferralPage FromProto(const ::supervision::v1::ListReferralsResponse& page);
ReferralSteps FromProto(
    const ::supervision::v1::ListReferralStepsResponse& page);
InboxPage FromProto(const ::supervision::v1::PeekInboxResponse& page);
uint32_t FromProto(const ::supervision::v1::AckInboxResponse& response);

// Rectification ledgers.
RectificationItem FromProto(const ::supervision::v1::RectificationItem& item);
RectificationStepResult FromProto(
    const ::supervision::v1::RectificationStepResponse& response);
RectificationItemPage FromProto(
    const ::supervision::v1::ListRectificationItemsResponse& page);

// Distributions.
Distribution FromProto(const ::supervision::v1::Distribution& distribution);
DistributionPage FromProto(
    const ::supervision::v1::ListDistributionsResponse& page);

// Statistics, for every client: any identity may ask.
SideFigures FromProto(const ::supervision::v1::SideFigures& figures);
Statistics FromProto(const ::supervision::v1::GetStatisticsResponse& response);

// Batched submissions: per item the referral or its refusal.
std::vector<absl::StatusOr<Referral>> FromProto(
    const ::supervision::v1::SubmitReferralsResponse& response);

// The supervising agencies' ledger (督办台账).
SupervisionLedgerPage FromProto(
    const ::supervision::v1::ListSupervisedReferralsResponse& page);

// Administration.
TransferSummary FromProto(const ::supervision::v1::TransferSummary& transfer);
TransferPage FromProto(const ::supervision::v1::ListTransfersResponse& page);
std::vector<InboxStats> FromProto(
    const ::supervision::v1::GetInboxStatsResponse& response);
DeadLetterPage FromProto(
    const ::supervision::v1::ListDeadLettersResponse& page);
uint32_t FromProto(
    const ::supervision::v1::RedriveDeadLettersResponse& response);
TransferCounts FromProto(
    const ::supervision::v1::GetTransferCountsResponse& response);
HubStatus FromProto(const ::supervision::v1::HubStatus& status);
RewrapProgress FromProto(
    const ::supervision::v1::RewrapDataKeysResponse& proto);

// Audit. A signature that is not base64 is the hub's fault: DATA_LOSS.
EventPage FromProto(const ::supervision::v1::QueryEventsResponse& page);
absl::StatusOr<SignedCheckpoint> FromProto(
    const ::supervision::v1::SignedCheckpoint& proto);
InclusionProof FromProto(const ::supervision::v1::InclusionProof& proof);
ConsistencyProof FromProto(const ::supervision::v1::ConsistencyProof& proof);
absl::StatusOr<EventExport> FromProto(
    const ::supervision::v1::EventExport& exported);

// Hub info.
WhoAmIAnswer FromProto(const ::supervision::v1::WhoAmIResponse& response);

}  // namespace sx::client::internal
