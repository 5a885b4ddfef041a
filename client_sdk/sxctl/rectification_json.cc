#include "client_sdk/sxctl/rectification_json.h"

#include <string>
#include <vector>

#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {
namespace {

void WriteUpdate(const client::RectificationUpdate& update, JsonWriter& json) {
  json.BeginObject();
  json.Key("step").String(client::ToString(update.step));
  json.Key("actor").String(update.actor);
  json.Key("time");
  WriteTimeJson(update.time, json);
  json.Key("text").String(update.text);
  json.Key("evidence");
  WriteAttachmentsJson(update.evidence, nullptr, json);
  json.Key("status").String(client::ToString(update.status));
  json.Key("review_at");
  WriteTimeJson(update.review_at, json);
  json.EndObject();
}

void WriteItems(const std::vector<client::RectificationItem>& items,
                JsonWriter& json) {
  json.BeginArray();
  for (const client::RectificationItem& item : items) {
    WriteRectificationItemJson(item, json);
  }
  json.EndArray();
}

}  // namespace

void WriteRectificationSummaryJson(const client::RectificationSummary& summary,
                                   JsonWriter& json) {
  json.BeginObject();
  json.Key("total").Uint(summary.total);
  json.Key("in_progress").Uint(summary.in_progress);
  json.Key("awaiting_verification").Uint(summary.awaiting_verification);
  json.Key("verified").Uint(summary.verified);
  json.Key("long_term").Uint(summary.long_term);
  json.Key("overdue").Uint(summary.overdue);
  json.Key("rejections").Uint(summary.rejections);
  json.Key("rounds").Uint(summary.rounds);
  json.EndObject();
}

void WriteRectificationItemJson(const client::RectificationItem& item,
                                JsonWriter& json) {
  json.BeginObject();
  json.Key("number").Uint(item.number);
  json.Key("category").String(item.category);
  json.Key("problem").String(item.problem);
  json.Key("measures").BeginArray();
  for (const std::string& measure : item.measures) json.String(measure);
  json.EndArray();
  json.Key("responsible_unit").String(item.responsible_unit);
  json.Key("due_at");
  WriteTimeJson(item.due_at, json);
  json.Key("status").String(client::ToString(item.status));
  json.Key("review_at");
  WriteTimeJson(item.review_at, json);
  json.Key("overdue").Bool(item.overdue);
  json.Key("rejections").Uint(item.rejections);
  json.Key("round").Uint(item.round);
  json.Key("history").BeginArray();
  for (const client::RectificationUpdate& update : item.history) {
    WriteUpdate(update, json);
  }
  json.EndArray();
  json.Key("updated_at");
  WriteTimeJson(item.updated_at, json);
  json.EndObject();
}

void WriteRectificationItemPageJson(const client::RectificationItemPage& page,
                                    JsonWriter& json) {
  json.BeginObject();
  json.Key("items");
  WriteItems(page.items, json);
  json.Key("next_after_number").Uint(page.next_after_number);
  json.Key("summary");
  WriteRectificationSummaryJson(page.summary, json);
  json.EndObject();
}

void WriteRectificationStepJson(const client::RectificationStepResult& result,
                                JsonWriter& json) {
  json.BeginObject();
  json.Key("referral");
  WriteReferralJson(result.referral, nullptr, json);
  json.Key("items");
  WriteItems(result.items, json);
  json.EndObject();
}

}  // namespace sx::sxctl
