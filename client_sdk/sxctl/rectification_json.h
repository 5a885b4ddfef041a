// The JSON shape of a rectification ledger (--json), by referral_json.h's
// rules: field names follow the SDK types, enum values their lower-case
// names, times RFC 3339 UTC strings or null; evidence without contents.
#pragma once

#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// {"total": N, "in_progress": N, ..., "rounds": N}
void WriteRectificationSummaryJson(const client::RectificationSummary& summary,
                                   JsonWriter& json);

// {"number": N, "category": ..., "status": "in_progress", ..., "history": []}
void WriteRectificationItemJson(const client::RectificationItem& item,
                                JsonWriter& json);

// {"items": [...], "next_after_number": N, "summary": {...}}
void WriteRectificationItemPageJson(const client::RectificationItemPage& page,
                                    JsonWriter& json);

// {"referral": {...}, "items": [...]}
void WriteRectificationStepJson(const client::RectificationStepResult& result,
                                JsonWriter& json);

}  // namespace sx::sxctl
