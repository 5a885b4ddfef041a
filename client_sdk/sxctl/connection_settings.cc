#include "client_sdk/sxctl/connection_settings.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace sx::sxctl {
namespace {

constexpr char kDefaultHub[] = "127.0.0.1:7443";
constexpr char kDefaultProfile[] = ".config/sxctl/profile";

// A profile setting that names a file.
bool IsPath(const std::string& key) {
  return key == "cert" || key == "key" || key == "ca" || key == "signing_key" ||
         key == "signing_cert";
}

std::string ResolvePath(const std::string& value, const std::string& directory,
                        const Environment& env) {
  if (absl::StartsWith(value, "~/")) {
    if (std::optional<std::string> home = env("HOME")) {
      return absl::StrCat(*home, value.substr(1));
    }
  }
  const std::filesystem::path path(value);
  if (path.is_absolute() || directory.empty()) return value;
  return (std::filesystem::path(directory) / path).string();
}

// Strips a trailing " # comment" and surrounding quotes.
std::string ProfileValue(absl::string_view raw) {
  raw = absl::StripAsciiWhitespace(raw);
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
    return std::string(raw.substr(1, raw.size() - 2));
  }
  for (size_t i = 1; i < raw.size(); ++i) {
    if (raw[i] == '#' && absl::ascii_isspace(raw[i - 1])) {
      raw = absl::StripTrailingAsciiWhitespace(raw.substr(0, i));
      break;
    }
  }
  return std::string(raw);
}

// The profile to read: an explicit one must exist; the default one may not.
std::optional<std::string> ProfilePath(const Invocation& invocation,
                                       const Environment& env) {
  using Path = std::optional<std::string>;
  if (invocation.Has("profile")) return Path(invocation.Value("profile"));
  Path from_env = env("SXCTL_PROFILE");
  if (from_env.has_value() && !from_env->empty()) return from_env;
  Path home = env("HOME");
  if (!home.has_value() || home->empty()) return Path();
  const std::string path = absl::StrCat(*home, "/", kDefaultProfile);
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return Path();
  return Path(path);
}

absl::StatusOr<ConnectionSettings> ReadProfile(const std::string& path,
                                               const Environment& env) {
  std::ifstream file(path);
  if (!file) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read profile ", path));
  }
  std::stringstream text;
  text << file.rdbuf();
  const std::string directory =
      std::filesystem::absolute(std::filesystem::path(path))
          .parent_path()
          .string();
  return ParseProfile(text.str(), directory, path, env);
}

absl::StatusOr<absl::Duration> ParseTimeout(const std::string& text,
                                            const std::string& origin) {
  double seconds;
  if (!absl::SimpleAtod(text, &seconds) || !std::isfinite(seconds) ||
      seconds <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin, ": timeout '", text, "' is not a positive number of seconds"));
  }
  return absl::Seconds(seconds);
}

}  // namespace

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::vector<OptionSpec> ConnectionOptions() {
  return {
      ValueOption("hub", "HOST:PORT",
                  "the hub's address (default 127.0.0.1:7443)"),
      ValueOption("cert", "FILE",
                  "your client certificate (PEM): an agency's, an "
                  "administrator's or an auditor's"),
      ValueOption("key", "FILE", "the certificate's private key (PEM)"),
      ValueOption("ca", "FILE",
                  "the CA certificate that signed the hub's certificate"),
      ValueOption("server-name", "NAME",
                  "the name in the hub's certificate, if it differs from HOST"),
      ValueOption("timeout", "SECONDS", "deadline of each call (default 10)",
                  ValueType::kSeconds),
      ValueOption("profile", "FILE", "read settings from this profile file"),
      ValueOption("signing-key", "FILE",
                  "an agency's signing key (PEM), to sign each step it takes; "
                  "with --signing-cert"),
      ValueOption("signing-cert", "FILE",
                  "the signing key's certificate (PEM), issued for signing "
                  "by the hub's signing CA; not the TLS certificate"),
  };
}

absl::StatusOr<ConnectionSettings> ParseProfile(absl::string_view text,
                                                const std::string& directory,
                                                const std::string& origin,
                                                const Environment& env) {
  ConnectionSettings settings;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const std::string where = absl::StrCat(origin, ":", line_number);
    const size_t equals = line.find('=');
    if (equals == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": expected 'key = value'"));
    }
    std::string key = absl::AsciiStrToLower(
        absl::StripAsciiWhitespace(line.substr(0, equals)));
    if (key == "server-name") key = "server_name";
    if (key == "signing-key") key = "signing_key";
    if (key == "signing-cert") key = "signing_cert";
    const std::string value = ProfileValue(line.substr(equals + 1));
    std::string* slot = nullptr;
    if (key == "hub") slot = &settings.hub;
    if (key == "cert") slot = &settings.cert;
    if (key == "key") slot = &settings.key;
    if (key == "ca") slot = &settings.ca;
    if (key == "server_name") slot = &settings.server_name;
    if (key == "timeout") slot = &settings.timeout;
    if (key == "signing_key") slot = &settings.signing_key;
    if (key == "signing_cert") slot = &settings.signing_cert;
    if (slot == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": unknown key '", key,
          "' (known: hub, cert, key, ca, server_name, timeout, signing_key, "
          "signing_cert)"));
    }
    if (value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", key, "' has no value"));
    }
    if (!slot->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", key, "' is set twice"));
    }
    *slot = IsPath(key) ? ResolvePath(value, directory, env) : value;
  }
  return settings;
}

absl::StatusOr<client::ClientOptions> ResolveClientOptions(
    const Invocation& invocation, const Environment& env) {
  ConnectionSettings profile;
  const std::optional<std::string> profile_path = ProfilePath(invocation, env);
  if (profile_path.has_value()) {
    absl::StatusOr<ConnectionSettings> read = ReadProfile(*profile_path, env);
    if (!read.ok()) return read.status();
    profile = *std::move(read);
  }
  // The first non-empty of flag, environment variable, profile value.
  std::string origin;
  auto pick = [&](const std::string& flag, const std::string& variable,
                  const std::string& from_profile) {
    if (invocation.Has(flag)) {
      origin = absl::StrCat("--", flag);
      return invocation.Value(flag);
    }
    std::optional<std::string> value = env(variable);
    if (value.has_value() && !value->empty()) {
      origin = variable;
      return *value;
    }
    origin = profile_path.value_or("");
    return from_profile;
  };

  client::ClientOptions options;
  const std::string hub = pick("hub", "SXCTL_HUB", profile.hub);
  options.hub_address = hub.empty() ? kDefaultHub : hub;
  options.certificate_file = pick("cert", "SXCTL_CERT", profile.cert);
  options.private_key_file = pick("key", "SXCTL_KEY", profile.key);
  options.ca_file = pick("ca", "SXCTL_CA", profile.ca);
  options.server_name_override =
      pick("server-name", "SXCTL_SERVER_NAME", profile.server_name);
  if (options.certificate_file.empty() || options.private_key_file.empty() ||
      options.ca_file.empty()) {
    return absl::InvalidArgumentError(
        "no identity: give --cert, --key and --ca (or SXCTL_CERT, SXCTL_KEY, "
        "SXCTL_CA, or a profile)");
  }
  const std::string timeout = pick("timeout", "SXCTL_TIMEOUT", profile.timeout);
  if (!timeout.empty()) {
    absl::StatusOr<absl::Duration> parsed = ParseTimeout(timeout, origin);
    if (!parsed.ok()) return parsed.status();
    options.call_timeout = *parsed;
  }
  options.signing.key_file =
      pick("signing-key", "SXCTL_SIGNING_KEY", profile.signing_key);
  const std::string key_origin = origin;
  options.signing.certificate_file =
      pick("signing-cert", "SXCTL_SIGNING_CERT", profile.signing_cert);
  // One without the other is a mistake, not a wish to go unsigned: a step
  // sent unsigned by an agency that must sign is refused only at the hub.
  if (!options.signing.key_file.empty() &&
      options.signing.certificate_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        key_origin,
        ": a signing key needs its signing certificate: give --signing-cert "
        "(or SXCTL_SIGNING_CERT, or signing_cert in a profile)"));
  }
  if (options.signing.key_file.empty() &&
      !options.signing.certificate_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        origin,
        ": a signing certificate needs its signing key: give --signing-key "
        "(or SXCTL_SIGNING_KEY, or signing_key in a profile)"));
  }
  return options;
}

}  // namespace sx::sxctl
