#include "client_sdk/sxctl/admin_json.h"

#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {
namespace {

void WriteDeadLetter(const client::DeadLetter& letter, JsonWriter& json) {
  json.BeginObject();
  json.Key("agency_id").String(letter.agency_id);
  json.Key("sequence").Uint(letter.sequence);
  json.Key("event");
  WriteEventJson(letter.event, json);
  json.Key("delivery_attempts").Uint(letter.delivery_attempts);
  json.Key("dead_lettered_at");
  WriteTimeJson(letter.dead_lettered_at, json);
  json.EndObject();
}

// The figures of RecipientConditions after its agency_id, if any.
void WriteConditionFigures(const client::RecipientConditions& conditions,
                           JsonWriter& json) {
  json.Key("overdue").Uint(conditions.overdue);
  json.Key("blue_warnings").Uint(conditions.blue_warnings);
  json.Key("yellow_warnings").Uint(conditions.yellow_warnings);
  json.Key("red_warnings").Uint(conditions.red_warnings);
  json.Key("urged").Uint(conditions.urged);
  json.Key("supervised").Uint(conditions.supervised);
  json.Key("listed").Uint(conditions.listed);
}

void WriteInboxArray(const std::vector<client::InboxStats>& inboxes,
                     JsonWriter& json) {
  json.BeginArray();
  for (const client::InboxStats& inbox : inboxes) {
    json.BeginObject();
    json.Key("agency_id").String(inbox.agency_id);
    json.Key("depth").Uint(inbox.depth);
    json.Key("oldest_unacknowledged_at");
    WriteTimeJson(inbox.oldest_unacknowledged_at, json);
    json.Key("connected_streams").Uint(inbox.connected_streams);
    json.Key("dead_letters").Uint(inbox.dead_letters);
    json.Key("last_sequence").Uint(inbox.last_sequence);
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

void WriteTransferSummaryJson(const client::TransferSummary& transfer,
                              JsonWriter& json) {
  json.BeginObject();
  WriteReferralFieldsJson(transfer, json);
  json.Key("feedback_count").Uint(transfer.feedback_count);
  json.Key("reminder_count").Uint(transfer.reminder_count);
  json.Key("supervision_level")
      .String(client::ToString(transfer.supervision_level));
  json.Key("report_due_at");
  WriteTimeJson(transfer.report_due_at, json);
  json.Key("report_overdue").Bool(transfer.report_overdue);
  json.Key("version").Int(transfer.version);
  json.Key("delegation_count").Uint(transfer.delegation_count);
  json.Key("delegated").Bool(transfer.delegated);
  json.EndObject();
}

void WriteTransferPageJson(const client::TransferPage& page, JsonWriter& json) {
  WritePageJson("transfers", page.transfers, page.next_page_token,
                &WriteTransferSummaryJson, json);
}

void WriteInboxStatsJson(const std::vector<client::InboxStats>& inboxes,
                         JsonWriter& json) {
  json.BeginObject();
  json.Key("inboxes");
  WriteInboxArray(inboxes, json);
  json.EndObject();
}

void WriteDeadLetterPageJson(const client::DeadLetterPage& page,
                             JsonWriter& json) {
  WritePageJson("dead_letters", page.dead_letters, page.next_page_token,
                &WriteDeadLetter, json);
}

void WriteRedrivenJson(const std::string& agency_id, uint32_t redriven,
                       JsonWriter& json) {
  json.BeginObject();
  json.Key("agency_id").String(agency_id);
  json.Key("redriven").Uint(redriven);
  json.EndObject();
}

void WriteTransferCountsJson(const client::TransferCounts& counts,
                             JsonWriter& json) {
  json.BeginObject();
  json.Key("by_state").BeginArray();
  for (const client::StateCount& entry : counts.by_state) {
    json.BeginObject();
    json.Key("state").String(client::ToString(entry.state));
    json.Key("count").Uint(entry.count);
    json.EndObject();
  }
  json.EndArray();
  json.Key("by_route").BeginArray();
  for (const client::RouteCount& entry : counts.by_route) {
    json.BeginObject();
    json.Key("sender_type").String(entry.sender_type);
    json.Key("recipient_type").String(entry.recipient_type);
    json.Key("count").Uint(entry.count);
    json.EndObject();
  }
  json.EndArray();
  json.Key("overdue_open").Uint(counts.overdue_open);
  json.Key("by_recipient").BeginArray();
  for (const client::RecipientConditions& entry : counts.by_recipient) {
    json.BeginObject();
    json.Key("agency_id").String(entry.agency_id);
    WriteConditionFigures(entry, json);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteHubStatusJson(const client::HubStatus& status, JsonWriter& json) {
  json.BeginObject();
  json.Key("hub_id").String(status.hub_id);
  json.Key("version").String(status.version);
  json.Key("started_at");
  WriteTimeJson(status.started_at, json);
  json.Key("storage").String(status.storage);
  json.Key("referrals").Uint(status.referrals);
  json.Key("events").Uint(status.events);
  json.Key("agencies").Uint(status.agencies);
  if (status.encryption.has_value()) {
    json.Key("encryption").BeginObject();
    json.Key("cipher").String(status.encryption->cipher);
    json.Key("keys").BeginArray();
    for (const client::KeyUse& key : status.encryption->keys) {
      json.BeginObject();
      json.Key("name").String(key.name);
      json.Key("fingerprint").String(key.fingerprint);
      json.Key("records").Uint(key.records);
      json.Key("current").Bool(key.current);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndObject();
}

void WriteRewrapJson(const client::RewrapProgress& total, JsonWriter& json) {
  json.BeginObject();
  json.Key("referrals").Uint(total.referrals);
  json.Key("records").Uint(total.records);
  json.EndObject();
}

void WriteTopFrameJson(const TopFrame& frame, JsonWriter& json) {
  json.BeginObject();
  json.Key("time");
  WriteTimeJson(frame.taken, json);
  json.Key("status");
  WriteHubStatusJson(frame.status, json);
  json.Key("inboxes");
  WriteInboxArray(frame.inboxes, json);
  json.Key("counts");
  WriteTransferCountsJson(frame.counts, json);
  json.Key("condition_totals").BeginObject();
  WriteConditionFigures(ConditionTotals(frame.counts), json);
  json.EndObject();
  json.Key("events_per_second");
  if (frame.events_per_second.has_value()) {
    json.Double(*frame.events_per_second);
  } else {
    json.Null();
  }
  json.EndObject();
}

}  // namespace sx::sxctl
