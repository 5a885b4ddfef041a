#include "client_sdk/sxctl/whoami_result.h"

#include <algorithm>
#include <utility>

namespace sx::sxctl {

WhoAmIResult MeasureWhoAmI(client::WhoAmIAnswer answer, absl::Time sent,
                           absl::Time received) {
  WhoAmIResult result;
  // A local clock stepped back during the call would make it negative.
  result.round_trip = std::max(received - sent, absl::ZeroDuration());
  if (answer.hub_time != absl::InfinitePast()) {
    result.clock_offset = answer.hub_time - (sent + result.round_trip / 2);
  }
  result.answer = std::move(answer);
  return result;
}

}  // namespace sx::sxctl
