// What every command handler gets: its checked command line, a connected
// client, and where to print results.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "command_line.h"
#include "output.h"
#include "sx/client/exchange_client.h"

namespace sx::sxctl {

struct CommandContext {
  const Invocation& invocation;
  client::ExchangeClient& client;
  Output& output;
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

}  // namespace sx::sxctl
