// Where sxctl finds the hub and its identity. Each setting is taken from the
// first source that has it: command-line flags, then SXCTL_* environment
// variables, then a profile file, then defaults. Kept apart from the commands
// so that the precedence rules live in exactly one place.
//
// Profile format, one setting per line:
//
//   # inspection office, dev hub
//   hub = 127.0.0.1:7443
//   cert = pki/inspection-office.crt     # relative to this file's directory
//   key = pki/inspection-office.key
//   ca = pki/ca.crt
//   server_name = localhost
//   timeout = 10
//   signing_key = pki/inspection-office-signing.key   # both or neither
//   signing_cert = pki/inspection-office-signing.crt
//
// The signing pair, if given, signs every step the agency takes
// (client::StepSigning); it is not the TLS pair.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client_sdk/sxctl/command_line.h"
#include "sx/client/exchange_client.h"

namespace sx::sxctl {

// Settings as text, before defaults; empty means "not set here".
struct ConnectionSettings {
  std::string hub;
  std::string cert;
  std::string key;
  std::string ca;
  std::string server_name;
  std::string timeout;
  // The key and certificate that sign steps (PEM files).
  std::string signing_key;
  std::string signing_cert;
};

// Looks an environment variable up; nullopt when it is unset. Injected so
// that the precedence rules can be tested without touching the process
// environment.
using Environment =
    std::function<std::optional<std::string>(const std::string& name)>;

// The process environment.
Environment ProcessEnvironment();

// Parses a profile's text. Relative paths are resolved against `directory`,
// and "~/" against $HOME. `origin` names the file in error messages.
absl::StatusOr<ConnectionSettings> ParseProfile(absl::string_view text,
                                                const std::string& directory,
                                                const std::string& origin,
                                                const Environment& env);

// The global options the settings come from, for the command table.
std::vector<OptionSpec> ConnectionOptions();

// Combines flags (from `invocation`), environment and profile into options
// for the SDK. Fails with INVALID_ARGUMENT for an unreadable or malformed
// profile, a malformed timeout, or a signing key without its signing
// certificate or the other way round: problems of the invocation, not of a
// call.
absl::StatusOr<client::ClientOptions> ResolveClientOptions(
    const Invocation& invocation, const Environment& env);

}  // namespace sx::sxctl
