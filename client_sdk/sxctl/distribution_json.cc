#include "client_sdk/sxctl/distribution_json.h"

#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {
namespace {

void WriteProgress(const client::DistributionProgress& progress,
                   JsonWriter& json) {
  json.BeginObject();
  json.Key("recipients").Uint(progress.recipients);
  json.Key("delivered").Uint(progress.delivered);
  json.Key("accepted").Uint(progress.accepted);
  json.Key("fed_back").Uint(progress.fed_back);
  json.Key("closed").Uint(progress.closed);
  json.Key("ended_otherwise").Uint(progress.ended_otherwise);
  json.Key("overdue").Uint(progress.overdue);
  json.EndObject();
}

}  // namespace

void WriteDistributionJson(const client::Distribution& distribution,
                           JsonWriter& json) {
  json.BeginObject();
  json.Key("distribution_id").String(distribution.distribution_id);
  json.Key("sender_agency_id").String(distribution.sender_agency_id);
  json.Key("kind").String(client::ToString(distribution.kind));
  json.Key("created_at");
  WriteTimeJson(distribution.created_at, json);
  json.Key("progress");
  WriteProgress(distribution.progress, json);
  json.Key("members").BeginArray();
  for (const client::DistributionMember& member : distribution.members) {
    json.BeginObject();
    json.Key("recipient_agency_id").String(member.recipient_agency_id);
    json.Key("referral");
    WriteReferralJson(member.referral, nullptr, json);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
}

void WriteDistributionPageJson(const client::DistributionPage& page,
                               JsonWriter& json) {
  WritePageJson("distributions", page.distributions, page.next_page_token,
                &WriteDistributionJson, json);
}

}  // namespace sx::sxctl
