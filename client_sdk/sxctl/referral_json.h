// The JSON shape of sxctl's results (--json). Field names follow the SDK
// types (and so the proto), enum values use the SDK's lower-case names, times
// are RFC 3339 UTC strings, and a time or lead that was never set is null.
// Attachment bytes are never included: they go to files (show
// --attachments-to), and "saved_to" says where.
#pragma once

#include "attachment_files.h"
#include "json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// `saved` may be null: no attachment was written to disk.
void WriteReferralJson(const client::Referral& referral,
                       const SavedAttachments* saved, JsonWriter& json);

// {"referrals": [...], "next_page_token": "..."}
void WriteReferralPageJson(const client::ReferralPage& page, JsonWriter& json);

// {"sequence": N, "event": {...}, "referral": {...}}
void WriteInboxEntryJson(const client::InboxEntry& entry, JsonWriter& json);

}  // namespace sx::sxctl
