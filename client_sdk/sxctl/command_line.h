// sxctl's command-line grammar: commands and options are declared as data
// (CommandSpec, OptionSpec), and one parser checks every invocation against
// them, so that each command's handler only ever sees well-formed input and
// every usage error is reported the same way (exit status 2).
//
//   sxctl [global options] COMMAND [ARGS] [options]
//
// Global options may appear before or after the command name; a command's own
// options after it. "--name value" and "--name=value" are both accepted, and
// "--" ends option parsing.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sx::sxctl {

struct CommandContext;

enum class ValueType {
  kNone,     // a switch: --json
  kText,     // any string
  kCount,    // an unsigned decimal integer
  kSeconds,  // a positive number of seconds, fractions allowed
  kChoice,   // one of OptionSpec::choices
  kTime,     // an RFC 3339 time with offset: 2024-05-01T08:00:00+08:00
};

struct OptionSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // shown in help: "--to AGENCY"
  std::string help;
  ValueType type = ValueType::kText;
  bool required = false;
  bool repeatable = false;
  std::vector<std::string> choices;  // for kChoice
};

// An option that takes a value of `type`.
OptionSpec ValueOption(std::string name, std::string value_name,
                       std::string help, ValueType type = ValueType::kText);
// A switch: --json.
OptionSpec SwitchOption(std::string name, std::string help);

// Runs a parsed command; an error status is a failed call (exit status 1),
// unless it was made by UsageError().
using CommandHandler = absl::Status (*)(const CommandContext& context);

// The hub service a command talks to, and so the client main connects for it
// (with the identity from the connection settings). kNone: the command works
// offline and needs no connection settings at all. kHubInfo and kStatistics
// take any identity; for kStatistics main connects the exchange client,
// whatever the certificate names: every SDK client offers GetStatistics on
// the same kind of channel, and the hub decides from the certificate alone
// what the caller sees.
enum class HubService {
  kNone,
  kExchange,
  kAdmin,
  kAudit,
  kHubInfo,
  kStatistics
};

struct CommandSpec {
  std::string name;  // one or two words: "show", "inbox list"
  std::string summary;
  std::string description;  // shown by "sxctl COMMAND --help"
  std::string arguments;    // positional arguments in help: "ID", "SEQ..."
  int min_arguments = 0;
  int max_arguments = 0;  // -1: unlimited
  ValueType argument_type = ValueType::kText;
  std::vector<OptionSpec> options;
  HubService service = HubService::kExchange;
  CommandHandler run = nullptr;
};

// A checked command line.
struct Invocation {
  // The command named, or null (e.g. "sxctl --help", "sxctl inbox").
  const CommandSpec* command = nullptr;
  // The words named so far when no full command was found ("inbox").
  std::string partial_command;
  bool help = false;
  // --version: like --help, it needs no command and wins over usage errors
  // (but --help wins over it).
  bool version = false;
  std::vector<std::string> arguments;
  // Option name → its values in command-line order ("" for a switch).
  std::map<std::string, std::vector<std::string>> values;

  bool Has(const std::string& option) const;
  // The option's value ("" if absent; the last one if repeated).
  std::string Value(const std::string& option) const;
  std::vector<std::string> Values(const std::string& option) const;
  // The value of a kCount, kSeconds or kTime option, which the parser has
  // checked; `absent` if the option was not given.
  uint64_t Count(const std::string& option, uint64_t absent = 0) const;
  absl::Duration Seconds(const std::string& option,
                         absl::Duration absent) const;
  absl::Time Time(const std::string& option, absl::Time absent) const;
};

struct ParseResult {
  Invocation invocation;
  // Non-empty: a usage error, to be shown with the usage of
  // invocation.command (or of sxctl) unless invocation.help is set.
  std::string error;
};

class CommandLineParser {
 public:
  // Both lists must outlive the parser and the Invocations it returns.
  CommandLineParser(const std::vector<CommandSpec>& commands,
                    const std::vector<OptionSpec>& global_options);

  // `args` excludes the program name.
  ParseResult Parse(const std::vector<std::string>& args) const;

 private:
  const OptionSpec* FindOption(const std::string& name,
                               const CommandSpec* command) const;
  bool AnyCommandHasOption(const std::string& name) const;
  // Checks counts, required options, choices and numbers; returns the first
  // problem, or "".
  std::string Validate(const Invocation& invocation) const;

  const std::vector<CommandSpec>& commands_;
  const std::vector<OptionSpec>& global_options_;
};

// For the rare usage problem only a handler can see (options that exclude
// each other): reported like a parser error, with exit status 2.
absl::Status UsageError(absl::string_view message);
bool IsUsageError(const absl::Status& status);

}  // namespace sx::sxctl
