// What every command handler gets: its checked command line, where to print
// results, and a client of the hub service its CommandSpec names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/command_line.h"
#include "client_sdk/sxctl/output.h"
#include "sx/client/admin_client.h"
#include "sx/client/audit_client.h"
#include "sx/client/exchange_client.h"
#include "sx/client/hub_info_client.h"

namespace sx::sxctl {

struct CommandContext {
  const Invocation& invocation;
  Output& output;
  // Only the client of the command's HubService is set (the exchange client
  // for kStatistics); offline commands (HubService::kNone) get none.
  client::ExchangeClient* exchange = nullptr;
  client::AdminClient* admin = nullptr;
  client::AuditClient* audit = nullptr;
  client::HubInfoClient* hub_info = nullptr;
};

// Converts an option value to an SDK enum with the SDK's own Parse* function.
// The parser has already checked the value against the choices made from the
// SDK's ToString, so a failure here is a bug in sxctl, not a usage error.
template <typename Enum>
absl::StatusOr<Enum> ParseChoice(bool (*parse)(absl::string_view, Enum*),
                                 const std::string& text) {
  Enum value;
  if (!parse(text, &value)) {
    return absl::InternalError(absl::StrCat("unexpected value '", text, "'"));
  }
  return value;
}

// Sets `*value` from option `name` with the SDK's `parse` function if the
// option was given; leaves it alone otherwise.
template <typename Enum>
absl::Status ChoiceOption(const Invocation& invocation, const std::string& name,
                          bool (*parse)(absl::string_view, Enum*),
                          Enum* value) {
  if (!invocation.Has(name)) return absl::OkStatus();
  absl::StatusOr<Enum> parsed = ParseChoice(parse, invocation.Value(name));
  if (!parsed.ok()) return parsed.status();
  *value = *parsed;
  return absl::OkStatus();
}

// The call options of a mutating command: its --request-id, if given (the
// SDK makes one otherwise).
client::CallOptions RequestOptions(const Invocation& invocation);

// Every --state value, as SDK states (the parser checked the names).
absl::StatusOr<std::vector<client::ReferralState>> StateOptions(
    const Invocation& invocation);

// --page-size, or 0 (the hub's default). Past uint32 is the hub's to refuse.
uint32_t PageSizeOption(const Invocation& invocation);

// Every value of the repeatable option `name`, each one id or several
// separated by commas ("--to a,b --to c"), in the order given. A usage error
// names an empty id, e.g. "--to 'a,,b' names an empty agency" for `what`
// "agency".
absl::StatusOr<std::vector<std::string>> IdListOption(
    const Invocation& invocation, const std::string& name,
    absl::string_view what);

// Sets `*deadline` from option `name`, a day or time as deadline_date.h
// reads it (a day is by its end, China Standard Time), if the option was
// given; leaves it alone otherwise. A usage error for any other form.
absl::Status DeadlineOption(const Invocation& invocation,
                            const std::string& name, absl::Time* deadline);

// --review-date, which goes with one choice of another option only and is
// required there (`choice`, e.g. "--kind long_term"; `meaning` says what the
// date is for in the message when it is missing). `applies`: that choice was
// made. Sets `*review_at` as DeadlineOption does.
absl::Status ReviewDateOption(const Invocation& invocation, bool applies,
                              absl::string_view choice,
                              absl::string_view meaning, absl::Time* review_at);

// The positional arguments of a command whose argument_type is kCount.
std::vector<uint64_t> CountArguments(const Invocation& invocation);

// The common tail of a command that makes one call: print its result with
// `print`, or fail with its status.
template <typename T>
absl::Status PrintIfOk(absl::StatusOr<T> result, Output& output,
                       void (Output::*print)(const T&)) {
  if (!result.ok()) return result.status();
  (output.*print)(*result);
  return absl::OkStatus();
}

}  // namespace sx::sxctl
