#include "client_sdk/sxctl/command_context.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/deadline_date.h"

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

absl::StatusOr<std::vector<std::string>> IdListOption(
    const Invocation& invocation, const std::string& name,
    absl::string_view what) {
  std::vector<std::string> ids;
  for (const std::string& value : invocation.Values(name)) {
    for (absl::string_view id : absl::StrSplit(value, ',')) {
      id = absl::StripAsciiWhitespace(id);
      if (id.empty()) {
        return UsageError(absl::StrCat("--", name, " '", value,
                                       "' names an empty ", what, "; separate ",
                                       what, " ids with single commas"));
      }
      ids.emplace_back(id);
    }
  }
  return ids;
}

absl::Status DeadlineOption(const Invocation& invocation,
                            const std::string& name, absl::Time* deadline) {
  if (!invocation.Has(name)) return absl::OkStatus();
  const std::string text = invocation.Value(name);
  if (!ParseDeadline(text, deadline)) {
    return UsageError(
        absl::StrCat("--", name, " '", text, "' is not ", kDeadlineForms));
  }
  return absl::OkStatus();
}

absl::Status ReviewDateOption(const Invocation& invocation, bool applies,
                              absl::string_view choice,
                              absl::string_view meaning,
                              absl::Time* review_at) {
  const bool given = invocation.Has("review-date");
  if (given && !applies) {
    return UsageError(
        absl::StrCat("--review-date goes with ", choice, " only"));
  }
  if (!given && applies) {
    return UsageError(
        absl::StrCat(choice, " needs --review-date DATE: ", meaning));
  }
  return DeadlineOption(invocation, "review-date", review_at);
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
