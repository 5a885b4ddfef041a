// The JSON shape of the administrators' results (--json), in the manner of
// referral_json.h: field names follow the SDK types, enum values use the
// SDK's lower-case names, times are RFC 3339 UTC strings or null.
#pragma once

#include <string>
#include <vector>

#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/admin_client.h"
#include "client_sdk/sxctl/top_frame.h"

namespace sx::sxctl {

// One transfer: the members it shares with a referral (referral_json.h),
// then its counts, supervision_level, periodic reports (report_due_at,
// report_overdue), version and 交办 links.
void WriteTransferSummaryJson(const client::TransferSummary& transfer,
                              JsonWriter& json);
// {"transfers": [...], "next_page_token": "..."}
void WriteTransferPageJson(const client::TransferPage& page, JsonWriter& json);
// {"inboxes": [...]}
void WriteInboxStatsJson(const std::vector<client::InboxStats>& inboxes,
                         JsonWriter& json);
// {"dead_letters": [...], "next_page_token": "..."}
void WriteDeadLetterPageJson(const client::DeadLetterPage& page,
                             JsonWriter& json);
// {"agency_id": "...", "redriven": N}
// The totals of a whole `admin rewrap-keys` pass.
void WriteRewrapJson(const client::RewrapProgress& total, JsonWriter& json);
void WriteRedrivenJson(const std::string& agency_id, uint32_t redriven,
                       JsonWriter& json);
// {"by_state": [...], "by_route": [...], "overdue_open": N,
//  "by_recipient": [{"agency_id": ..., "overdue": N, "blue_warnings": N,
//  ...}]}
void WriteTransferCountsJson(const client::TransferCounts& counts,
                             JsonWriter& json);
void WriteHubStatusJson(const client::HubStatus& status, JsonWriter& json);
// {"time": ..., "status": {...}, "inboxes": [...], "counts": {...},
//  "condition_totals": {...}, "events_per_second": N or null};
// condition_totals adds up counts.by_recipient (without agency_id).
void WriteTopFrameJson(const TopFrame& frame, JsonWriter& json);

}  // namespace sx::sxctl
