// What `sxctl whoami` shows: the hub's answer, and what sxctl measured
// around the call that got it.
#pragma once

#include <optional>

#include "absl/time/time.h"
#include "sx/client/hub_info_client.h"

namespace sx::sxctl {

struct WhoAmIResult {
  client::WhoAmIAnswer answer;
  // From just before the call to just after its reply (local clock); the
  // first call of a run includes connecting, TLS handshake and all.
  absl::Duration round_trip = absl::ZeroDuration();
  // How far the hub's clock is ahead of this machine's (negative: behind),
  // taking the hub to have read its clock halfway through the round trip,
  // so it is right to within half the round trip. nullopt when the hub sent
  // no time.
  std::optional<absl::Duration> clock_offset;
};

// The result of a call sent at `sent` and answered by `received`.
WhoAmIResult MeasureWhoAmI(client::WhoAmIAnswer answer, absl::Time sent,
                           absl::Time received);

}  // namespace sx::sxctl
