#include "client_sdk/sxctl/whoami_json.h"

#include "client_sdk/sxctl/referral_json.h"

namespace sx::sxctl {

void WriteWhoAmIJson(const WhoAmIResult& result, JsonWriter& json) {
  const client::CallerIdentity& caller = result.answer.caller;
  json.BeginObject();
  json.Key("caller").BeginObject();
  json.Key("kind").String(client::ToString(caller.kind));
  json.Key("name").String(caller.name);
  json.Key("certificate_uri").String(caller.certificate_uri);
  json.Key("agency_type").String(caller.agency_type);
  json.Key("display_name").String(caller.display_name);
  json.Key("supervisor").Bool(caller.supervisor);
  json.EndObject();
  json.Key("hub_id").String(result.answer.hub_id);
  json.Key("hub_version").String(result.answer.hub_version);
  json.Key("hub_time");
  WriteTimeJson(result.answer.hub_time, json);
  json.Key("round_trip_ms")
      .Double(absl::ToDoubleMilliseconds(result.round_trip));
  json.Key("clock_offset_ms");
  if (result.clock_offset.has_value()) {
    json.Double(absl::ToDoubleMilliseconds(*result.clock_offset));
  } else {
    json.Null();
  }
  json.EndObject();
}

}  // namespace sx::sxctl
