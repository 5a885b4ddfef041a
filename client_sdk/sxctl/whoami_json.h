// The JSON shape of `sxctl whoami --json`, in the manner of admin_json.h:
// field names follow the SDK types, the kind is the SDK's lower-case name,
// the hub's time an RFC 3339 UTC string; sxctl's measurements in
// milliseconds.
#pragma once

#include "client_sdk/sxctl/json_writer.h"
#include "client_sdk/sxctl/whoami_result.h"

namespace sx::sxctl {

// {"caller": {"kind": "agency", "name": ..., "certificate_uri": ...,
//  "agency_type": ..., "display_name": ..., "supervisor": false},
//  "hub_id": ..., "hub_version": ..., "hub_time": ..., "round_trip_ms": N,
//  "clock_offset_ms": N or null}
void WriteWhoAmIJson(const WhoAmIResult& result, JsonWriter& json);

}  // namespace sx::sxctl
