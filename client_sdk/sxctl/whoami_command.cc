#include "client_sdk/sxctl/whoami_command.h"

#include <utility>

#include "absl/time/clock.h"
#include "client_sdk/sxctl/whoami_result.h"

namespace sx::sxctl {

absl::Status RunWhoAmI(const CommandContext& context) {
  const absl::Time sent = absl::Now();
  absl::StatusOr<client::WhoAmIAnswer> answer = context.hub_info->WhoAmI();
  const absl::Time received = absl::Now();
  if (!answer.ok()) return answer.status();
  context.output.WhoAmI(MeasureWhoAmI(*std::move(answer), sent, received));
  return absl::OkStatus();
}

}  // namespace sx::sxctl
