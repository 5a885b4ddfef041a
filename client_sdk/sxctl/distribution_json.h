// The JSON shape of distributions (--json), by referral_json.h's rules:
// field names follow the SDK types, enum values their lower-case names, times
// RFC 3339 UTC strings or null. Each member's referral is written as `show`
// writes a referral (its lead is null: the hub leaves it out).
#pragma once

#include "client_sdk/sxctl/json_writer.h"
#include "sx/client/types.h"

namespace sx::sxctl {

// {"distribution_id": ..., "kind": ..., "progress": {...}, "members": [...]}
void WriteDistributionJson(const client::Distribution& distribution,
                           JsonWriter& json);

// {"distributions": [...], "next_page_token": "..."}
void WriteDistributionPageJson(const client::DistributionPage& page,
                               JsonWriter& json);

}  // namespace sx::sxctl
