// The JSON shape of the supervising agencies' ledger (督办台账, `sxctl
// supervision ledger --json`), in the manner of admin_json.h: field names
// follow the SDK types, enum values use the SDK's lower-case names, times are
// RFC 3339 UTC strings or null.
#pragma once

#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// {"referrals": [{"transfer": {...as admin transfers...}, "subject": ...,
//  "subject_organization": ..., "last_reminded_at": ... or null,
//  "last_reminded_by": ...}], "next_page_token": "..."}
void WriteSupervisionLedgerPageJson(const client::SupervisionLedgerPage& page,
                                    JsonWriter& json);

}  // namespace sx::sxctl
