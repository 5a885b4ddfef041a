#include "client_sdk/sxctl/command_line.h"

#include <cmath>
#include <cstdint>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sx::sxctl {
namespace {

constexpr char kUsagePayload[] = "type.sxctl/usage-error";

// Returns "" if `value` fits `type`, else what is wrong with it.
std::string CheckValue(ValueType type, const std::vector<std::string>& choices,
                       const std::string& value) {
  switch (type) {
    case ValueType::kNone:
    case ValueType::kText:
      return "";
    case ValueType::kCount: {
      uint64_t number;
      if (!value.empty() && value[0] != '-' && value[0] != '+' &&
          absl::SimpleAtoi(value, &number)) {
        return "";
      }
      return "is not a non-negative integer";
    }
    case ValueType::kSeconds: {
      double seconds;
      if (absl::SimpleAtod(value, &seconds) && std::isfinite(seconds) &&
          seconds > 0) {
        return "";
      }
      return "is not a positive number of seconds";
    }
    case ValueType::kChoice:
      for (const std::string& choice : choices) {
        if (value == choice) return "";
      }
      return absl::StrCat("is not one of: ", absl::StrJoin(choices, ", "));
    case ValueType::kTime: {
      absl::Time time;
      std::string error;
      if (absl::ParseTime(absl::RFC3339_full, value, &time, &error)) return "";
      return "is not an RFC 3339 time such as 2024-05-01T08:00:00+08:00 or "
             "2024-05-01T00:00:00Z";
    }
  }
  return "";
}

}  // namespace

OptionSpec ValueOption(std::string name, std::string value_name,
                       std::string help, ValueType type) {
  OptionSpec option;
  option.name = std::move(name);
  option.value_name = std::move(value_name);
  option.help = std::move(help);
  option.type = type;
  return option;
}

OptionSpec SwitchOption(std::string name, std::string help) {
  return ValueOption(std::move(name), "", std::move(help), ValueType::kNone);
}

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord("1"));
  return status;
}

bool IsUsageError(const absl::Status& status) {
  return status.GetPayload(kUsagePayload).has_value();
}

bool Invocation::Has(const std::string& option) const {
  return values.count(option) > 0;
}

std::string Invocation::Value(const std::string& option) const {
  auto it = values.find(option);
  return it == values.end() ? "" : it->second.back();
}

std::vector<std::string> Invocation::Values(const std::string& option) const {
  auto it = values.find(option);
  return it == values.end() ? std::vector<std::string>() : it->second;
}

// The parser has checked these values against their type, so a conversion
// cannot fail here.
uint64_t Invocation::Count(const std::string& option, uint64_t absent) const {
  uint64_t count = absent;
  if (Has(option)) (void)absl::SimpleAtoi(Value(option), &count);
  return count;
}

absl::Duration Invocation::Seconds(const std::string& option,
                                   absl::Duration absent) const {
  double seconds = 0;
  if (!Has(option) || !absl::SimpleAtod(Value(option), &seconds)) return absent;
  return absl::Seconds(seconds);
}

absl::Time Invocation::Time(const std::string& option,
                            absl::Time absent) const {
  absl::Time time = absent;
  std::string error;
  if (Has(option) &&
      !absl::ParseTime(absl::RFC3339_full, Value(option), &time, &error)) {
    return absent;
  }
  return time;
}

CommandLineParser::CommandLineParser(
    const std::vector<CommandSpec>& commands,
    const std::vector<OptionSpec>& global_options)
    : commands_(commands), global_options_(global_options) {}

const OptionSpec* CommandLineParser::FindOption(
    const std::string& name, const CommandSpec* command) const {
  for (const OptionSpec& option : global_options_) {
    if (option.name == name) return &option;
  }
  if (command == nullptr) return nullptr;
  for (const OptionSpec& option : command->options) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

bool CommandLineParser::AnyCommandHasOption(const std::string& name) const {
  for (const CommandSpec& command : commands_) {
    if (FindOption(name, &command) != nullptr) return true;
  }
  return false;
}

ParseResult CommandLineParser::Parse(
    const std::vector<std::string>& args) const {
  ParseResult result;
  Invocation& invocation = result.invocation;
  // Only the first problem is reported, but parsing goes on so that a
  // --help further right still gets its help.
  auto fail = [&result](std::string error) {
    if (result.error.empty()) result.error = std::move(error);
  };
  std::vector<std::string> words;
  bool options_ended = false;
  bool command_unknown = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!options_ended && arg == "--") {
      options_ended = true;
      continue;
    }
    if (!options_ended && arg.size() > 1 && arg[0] == '-') {
      if (arg == "-h" || arg == "--help") {
        invocation.help = true;
        continue;
      }
      if (arg == "--version") {
        invocation.version = true;
        continue;
      }
      if (!absl::StartsWith(arg, "--")) {
        fail(absl::StrCat("unknown option ", arg));
        continue;
      }
      const size_t equals = arg.find('=');
      const std::string name = arg.substr(2, equals - 2);
      const OptionSpec* option = FindOption(name, invocation.command);
      if (option == nullptr) {
        if (invocation.command == nullptr && AnyCommandHasOption(name)) {
          fail(absl::StrCat("option --", name,
                            " must come after the command name"));
        } else {
          fail(absl::StrCat("unknown option --", name));
        }
        continue;
      }
      std::string value;
      if (option->type == ValueType::kNone) {
        if (equals != std::string::npos) {
          fail(absl::StrCat("option --", name, " takes no value"));
          continue;
        }
      } else if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        fail(absl::StrCat("option --", name, " needs a value (",
                          option->value_name, ")"));
        continue;
      }
      invocation.values[name].push_back(std::move(value));
      continue;
    }
    if (invocation.command != nullptr) {
      invocation.arguments.push_back(arg);
      continue;
    }
    if (command_unknown) continue;
    if (words.empty() && arg == "help" && !invocation.help) {
      // "sxctl help inbox watch" is "sxctl inbox watch --help".
      invocation.help = true;
      continue;
    }
    words.push_back(arg);
    const std::string joined = absl::StrJoin(words, " ");
    bool is_prefix = false;
    for (const CommandSpec& command : commands_) {
      if (command.name == joined) invocation.command = &command;
      if (absl::StartsWith(command.name, joined + " ")) is_prefix = true;
    }
    if (invocation.command != nullptr) {
      invocation.partial_command.clear();
    } else if (is_prefix) {
      invocation.partial_command = joined;
    } else {
      fail(absl::StrCat("unknown command '", joined, "'"));
      invocation.partial_command.clear();
      command_unknown = true;
    }
  }
  if (invocation.help || invocation.version || !result.error.empty()) {
    return result;
  }
  if (invocation.command == nullptr) {
    fail(invocation.partial_command.empty()
             ? "no command given"
             : absl::StrCat("'", invocation.partial_command,
                            "' needs a subcommand"));
    return result;
  }
  fail(Validate(invocation));
  return result;
}

std::string CommandLineParser::Validate(const Invocation& invocation) const {
  const CommandSpec& command = *invocation.command;
  const int count = static_cast<int>(invocation.arguments.size());
  if (count < command.min_arguments) {
    return absl::StrCat("missing ", command.arguments);
  }
  if (command.max_arguments >= 0 && count > command.max_arguments) {
    return absl::StrCat("unexpected argument '",
                        invocation.arguments[command.max_arguments], "'");
  }
  for (const std::string& argument : invocation.arguments) {
    const std::string problem = CheckValue(command.argument_type, {}, argument);
    if (!problem.empty()) {
      return absl::StrCat("argument '", argument, "' ", problem);
    }
  }
  std::vector<const OptionSpec*> options;
  for (const OptionSpec& option : global_options_) options.push_back(&option);
  for (const OptionSpec& option : command.options) options.push_back(&option);
  for (const OptionSpec* option : options) {
    auto it = invocation.values.find(option->name);
    if (it == invocation.values.end()) {
      if (option->required) {
        return absl::StrCat("missing required option --", option->name, " ",
                            option->value_name);
      }
      continue;
    }
    if (!option->repeatable && it->second.size() > 1) {
      return absl::StrCat("option --", option->name, " given more than once");
    }
    for (const std::string& value : it->second) {
      const std::string problem =
          CheckValue(option->type, option->choices, value);
      if (!problem.empty()) {
        return absl::StrCat("--", option->name, " '", value, "' ", problem);
      }
    }
  }
  return "";
}

}  // namespace sx::sxctl
