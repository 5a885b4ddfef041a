// The JSON shape of sxctl's results (--json). Field names follow the SDK
// types (and so the proto), enum values use the SDK's lower-case names, times
// are RFC 3339 UTC strings, and a time or lead that was never set is null
// (so is a referral's resubmission_of when it sends nothing again).
// Attachment bytes are never included: they go to files (show
// --attachments-to), and "saved_to" says where.
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// `saved` may be null: no attachment was written to disk.
void WriteReferralJson(const client::Referral& referral,
                       const SavedAttachments* saved, JsonWriter& json);

// The members of WriteReferralJson's object, into the object being written,
// for a caller that adds members of its own after them (`show
// --verify-signatures` adds "steps").
void WriteReferralMembersJson(const client::Referral& referral,
                              const SavedAttachments* saved, JsonWriter& json);

// {"referrals": [...], "next_page_token": "..."}
void WriteReferralPageJson(const client::ReferralPage& page, JsonWriter& json);

// {"sequence": N, "delivery_attempts": N, "event": {...}, "referral": {...}}
void WriteInboxEntryJson(const client::InboxEntry& entry, JsonWriter& json);

// {"sequence": N, "type": "accepted", ...}; digests in lower-case hex.
void WriteEventJson(const client::Event& event, JsonWriter& json);

// An RFC 3339 string, or null for a time never set.
void WriteTimeJson(absl::Time time, JsonWriter& json);

// [{"name": ..., "media_type": ..., "size_bytes": N, "sha256_hex": ...}]
// with "saved_to" where `saved_to` (null, or parallel to `attachments`) says.
void WriteAttachmentsJson(const std::vector<client::Attachment>& attachments,
                          const std::vector<std::string>* saved_to,
                          JsonWriter& json);

// The members a referral and an administrator's TransferSummary share, in
// this order, into the object being written.
template <typename ReferralOrSummary>
void WriteReferralFieldsJson(const ReferralOrSummary& referral,
                             JsonWriter& json) {
  json.Key("referral_id").String(referral.referral_id);
  json.Key("kind").String(client::ToString(referral.kind));
  json.Key("sender_agency_id").String(referral.sender_agency_id);
  json.Key("recipient_agency_id").String(referral.recipient_agency_id);
  json.Key("state").String(client::ToString(referral.state));
  json.Key("urgency").String(client::ToString(referral.urgency));
  json.Key("created_at");
  WriteTimeJson(referral.created_at, json);
  json.Key("updated_at");
  WriteTimeJson(referral.updated_at, json);
  json.Key("accept_due_at");
  WriteTimeJson(referral.accept_due_at, json);
  json.Key("feedback_due_at");
  WriteTimeJson(referral.feedback_due_at, json);
  json.Key("accept_overdue").Bool(referral.accept_overdue);
  json.Key("feedback_overdue").Bool(referral.feedback_overdue);
  json.Key("warning_level").String(client::ToString(referral.warning_level));
  json.Key("disposition").String(client::ToString(referral.disposition));
  json.Key("parent_referral_id").String(referral.parent_referral_id);
  json.Key("child_referral_id").String(referral.child_referral_id);
}

// {"<key>": [...], "next_page_token": "..."}: one page of a listing, each
// item written by write_item(item, json).
template <typename Item, typename WriteItem>
void WritePageJson(absl::string_view key, const std::vector<Item>& items,
                   const std::string& next_page_token,
                   const WriteItem& write_item, JsonWriter& json) {
  json.BeginObject();
  json.Key(key).BeginArray();
  for (const Item& item : items) write_item(item, json);
  json.EndArray();
  json.Key("next_page_token").String(next_page_token);
  json.EndObject();
}

}  // namespace sx::sxctl
