#include "client_sdk/sxctl/command_context.h"

#include <limits>

#include "absl/strings/numbers.h"

namespace sx::sxctl {

client::CallOptions RequestOptions(const Invocation& invocation) {
  client::CallOptions options;
  options.request_id = invocation.Value("request-id");
  return options;
}

absl::StatusOr<std::vector<client::ReferralState>> StateOptions(
    const Invocation& invocation) {
  std::vector<client::ReferralState> states;
  for (const std::string& name : invocation.Values("state")) {
    absl::StatusOr<client::ReferralState> state =
        ParseChoice(&client::ParseReferralState, name);
    if (!state.ok()) return state.status();
    states.push_back(*state);
  }
  return states;
}

uint32_t PageSizeOption(const Invocation& invocation) {
  const uint64_t size = invocation.Count("page-size");
  return size > std::numeric_limits<uint32_t>::max()
             ? std::numeric_limits<uint32_t>::max()
             : static_cast<uint32_t>(size);
}

std::vector<uint64_t> CountArguments(const Invocation& invocation) {
  std::vector<uint64_t> counts;
  for (const std::string& argument : invocation.arguments) {
    uint64_t count = 0;
    (void)absl::SimpleAtoi(argument, &count);  // checked by the parser
    counts.push_back(count);
  }
  return counts;
}

}  // namespace sx::sxctl
