// The console's JSON bodies: AdminService's own messages in protobuf's JSON
// mapping (field names as in the .proto, zeros included), so that a figure
// on a page is the figure `sxctl admin` prints; and the session document the
// pages start from.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"

namespace sx::console {

std::string ToJson(const google::protobuf::Message& message);

// {"kind": "admin", "name": "ops", "csrf_token": ..., "hub_id": ...,
//  "agencies": [{"id", "display_name", "type", "supervisor"}]}: who is
// signed in, the token its POSTs carry, and the agencies' display names
// from the config for the pages' labels.
std::string SessionJson(const core::HubConfig& config,
                        const core::Identity& caller,
                        const std::string& csrf_token);

// Parses a JSON body into `message` (unknown fields refused), as
// INVALID_ARGUMENT with the parser's reason.
absl::Status FromJson(const std::string& body,
                      google::protobuf::Message& message);

}  // namespace sx::console
