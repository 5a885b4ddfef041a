// `sxctl whoami`: asks the hub who it takes the caller to be, with any
// identity's certificate, and how long that took. The first thing to run
// with a new certificate, profile or hub address.
#pragma once

#include "absl/status/status.h"
#include "client_sdk/sxctl/command_context.h"

namespace sx::sxctl {

absl::Status RunWhoAmI(const CommandContext& context);

}  // namespace sx::sxctl
