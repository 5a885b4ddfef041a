#include "client_sdk/sxctl/referral_json.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "client_sdk/sxctl/rectification_json.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

void WriteLead(const client::Lead& lead, const SavedAttachments* saved,
               JsonWriter& json) {
  json.BeginObject();
  json.Key("subject").String(lead.subject);
  json.Key("subject_organization").String(lead.subject_organization);
  json.Key("subject_position").String(lead.subject_position);
  json.Key("category").String(lead.category);
  json.Key("summary").String(lead.summary);
  json.Key("source").String(lead.source);
  json.Key("sensitivity").String(client::ToString(lead.sensitivity));
  json.Key("urgency").String(client::ToString(lead.urgency));
  json.Key("attachments");
  WriteAttachmentsJson(lead.attachments, saved ? &saved->lead : nullptr, json);
  json.EndObject();
}

void WriteStrings(const std::vector<std::string>& values, JsonWriter& json) {
  json.BeginArray();
  for (const std::string& value : values) json.String(value);
  json.EndArray();
}

// {"persons_case_filed": N, ..., "amount_recovered_fen": N, ...}
void WriteOutcome(const client::FeedbackOutcome& outcome, JsonWriter& json) {
  json.BeginObject();
  json.Key("persons_case_filed").Int(outcome.persons_case_filed);
  json.Key("persons_disciplined").Int(outcome.persons_disciplined);
  json.Key("persons_organisational_measures")
      .Int(outcome.persons_organisational_measures);
  json.Key("persons_transferred_judicial")
      .Int(outcome.persons_transferred_judicial);
  json.Key("amount_recovered_fen").Int(outcome.amount_recovered_fen);
  json.Key("problems_rectified").Int(outcome.problems_rectified);
  json.EndObject();
}

// [{"method": ..., "handler": ..., ..., "review_at": null}], oldest first.
void WriteDispositions(const std::vector<client::DispositionRecord>& records,
                       JsonWriter& json) {
  json.BeginArray();
  for (const client::DispositionRecord& record : records) {
    json.BeginObject();
    json.Key("method").String(client::ToString(record.method));
    json.Key("handler").String(record.handler);
    json.Key("approver").String(record.approver);
    json.Key("approval_reference").String(record.approval_reference);
    json.Key("reason").String(record.reason);
    json.Key("recorded_at");
    WriteTimeJson(record.recorded_at, json);
    json.Key("review_at");
    WriteTimeJson(record.review_at, json);
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

void WriteAttachmentsJson(const std::vector<client::Attachment>& attachments,
                          const std::vector<std::string>* saved_to,
                          JsonWriter& json) {
  json.BeginArray();
  for (size_t i = 0; i < attachments.size(); ++i) {
    const client::Attachment& attachment = attachments[i];
    json.BeginObject();
    json.Key("name").String(attachment.name);
    json.Key("media_type").String(attachment.media_type);
    json.Key("size_bytes").Int(attachment.size_bytes);
    json.Key("sha256_hex").String(attachment.sha256_hex);
    if (saved_to != nullptr && i < saved_to->size()) {
      json.Key("saved_to").String((*saved_to)[i]);
    }
    json.EndObject();
  }
  json.EndArray();
}

void WriteTimeJson(absl::Time time, JsonWriter& json) {
  const std::string text = FormatTimePrecise(time);
  if (text.empty()) {
    json.Null();
  } else {
    json.String(text);
  }
}

void WriteEventJson(const client::Event& event, JsonWriter& json) {
  json.BeginObject();
  json.Key("sequence").Uint(event.sequence);
  json.Key("type").String(client::ToString(event.type));
  json.Key("referral_id").String(event.referral_id);
  json.Key("actor").String(event.actor);
  json.Key("time");
  WriteTimeJson(event.time, json);
  json.Key("from_state").String(client::ToString(event.from_state));
  json.Key("to_state").String(client::ToString(event.to_state));
  json.Key("request_id").String(event.request_id);
  json.Key("disposition").String(client::ToString(event.disposition));
  json.Key("reason").String(event.reason);
  json.Key("related_referral_id").String(event.related_referral_id);
  json.Key("content_sha256")
      .String(absl::BytesToHexString(event.content_sha256));
  json.Key("previous_event_sha256")
      .String(absl::BytesToHexString(event.previous_event_sha256));
  json.Key("item_numbers").BeginArray();
  for (uint32_t number : event.item_numbers) json.Uint(number);
  json.EndArray();
  json.Key("warning_level").String(client::ToString(event.warning_level));
  json.Key("supervision_level")
      .String(client::ToString(event.supervision_level));
  json.EndObject();
}

void WriteReferralJson(const client::Referral& referral,
                       const SavedAttachments* saved, JsonWriter& json) {
  json.BeginObject();
  WriteReferralMembersJson(referral, saved, json);
  json.EndObject();
}

void WriteReferralMembersJson(const client::Referral& referral,
                              const SavedAttachments* saved, JsonWriter& json) {
  WriteReferralFieldsJson(referral, json);
  json.Key("distribution_id").String(referral.distribution_id);
  json.Key("resubmission_of");
  if (referral.resubmission_of.empty()) {
    json.Null();
  } else {
    json.String(referral.resubmission_of);
  }
  json.Key("delegated").Bool(referral.delegated);
  json.Key("delegated_referral_ids");
  WriteStrings(referral.delegated_referral_ids, json);
  json.Key("delegation_instructions").String(referral.delegation_instructions);
  json.Key("review_at");
  WriteTimeJson(referral.review_at, json);
  json.Key("paused_at");
  WriteTimeJson(referral.paused_at, json);
  json.Key("blue_warning_at");
  WriteTimeJson(referral.blue_warning_at, json);
  json.Key("yellow_warning_at");
  WriteTimeJson(referral.yellow_warning_at, json);
  json.Key("supervision_level")
      .String(client::ToString(referral.supervision_level));
  json.Key("report_due_at");
  WriteTimeJson(referral.report_due_at, json);
  json.Key("report_overdue").Bool(referral.report_overdue);
  json.Key("observer_agency_ids");
  WriteStrings(referral.observer_agency_ids, json);
  json.Key("state_reason").String(referral.state_reason);
  json.Key("version").Int(referral.version);
  json.Key("lead");
  if (referral.has_lead) {
    WriteLead(referral.lead, saved, json);
  } else {
    json.Null();
  }
  json.Key("dispositions");
  WriteDispositions(referral.dispositions, json);
  json.Key("feedback").BeginArray();
  for (size_t i = 0; i < referral.feedback.size(); ++i) {
    const client::Feedback& feedback = referral.feedback[i];
    json.BeginObject();
    json.Key("kind").String(client::ToString(feedback.kind));
    json.Key("text").String(feedback.text);
    json.Key("sent_at");
    WriteTimeJson(feedback.sent_at, json);
    json.Key("attachments");
    WriteAttachmentsJson(feedback.attachments,
                         saved != nullptr && i < saved->feedback.size()
                             ? &saved->feedback[i]
                             : nullptr,
                         json);
    json.Key("outcome");
    if (feedback.has_outcome) {
      WriteOutcome(feedback.outcome, json);
    } else {
      json.Null();
    }
    json.Key("cites_referral_ids");
    WriteStrings(feedback.cites_referral_ids, json);
    json.EndObject();
  }
  json.EndArray();
  json.Key("reminders").BeginArray();
  for (const client::Reminder& reminder : referral.reminders) {
    json.BeginObject();
    json.Key("from_agency_id").String(reminder.from_agency_id);
    json.Key("text").String(reminder.text);
    json.Key("sent_at");
    WriteTimeJson(reminder.sent_at, json);
    json.Key("level").String(client::ToString(reminder.level));
    json.EndObject();
  }
  json.EndArray();
  // Only a problem list has a ledger; for other kinds the counts would be
  // zeros that mean nothing.
  json.Key("rectification");
  if (referral.kind == client::ReferralKind::kProblemList) {
    WriteRectificationSummaryJson(referral.rectification, json);
  } else {
    json.Null();
  }
}

void WriteReferralPageJson(const client::ReferralPage& page, JsonWriter& json) {
  WritePageJson(
      "referrals", page.referrals, page.next_page_token,
      [](const client::Referral& referral, JsonWriter& json) {
        WriteReferralJson(referral, nullptr, json);
      },
      json);
}

void WriteInboxEntryJson(const client::InboxEntry& entry, JsonWriter& json) {
  json.BeginObject();
  json.Key("sequence").Uint(entry.sequence);
  json.Key("delivery_attempts").Uint(entry.delivery_attempts);
  json.Key("event");
  WriteEventJson(entry.event, json);
  json.Key("referral");
  WriteReferralJson(entry.referral, nullptr, json);
  json.EndObject();
}

}  // namespace sx::sxctl
