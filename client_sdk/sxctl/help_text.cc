#include "client_sdk/sxctl/help_text.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "client_sdk/sxctl/utf8.h"

namespace sx::sxctl {
namespace {

constexpr char kExitStatus[] =
    "Exit status:\n"
    "  0  success\n"
    "  1  the call failed: the hub refused it or could not be reached (stderr\n"
    "     shows \"sxctl: <gRPC status code>: <message>\"), a local file\n"
    "     could not be read or written, or a verification failed (audit\n"
    "     verify, audit consistency)\n"
    "  2  usage error: unknown command or option, missing or malformed\n"
    "     argument, unreadable or malformed profile\n";

constexpr char kSettings[] =
    "Connection settings, highest precedence first:\n"
    "  1. the global options above\n"
    "  2. environment: SXCTL_HUB, SXCTL_CERT, SXCTL_KEY, SXCTL_CA,\n"
    "     SXCTL_SERVER_NAME, SXCTL_TIMEOUT, SXCTL_SIGNING_KEY,\n"
    "     SXCTL_SIGNING_CERT\n"
    "  3. a profile: --profile FILE, else $SXCTL_PROFILE, else\n"
    "     ~/.config/sxctl/profile if it exists. One \"key = value\" per line\n"
    "     (keys: hub, cert, key, ca, server_name, timeout, signing_key,\n"
    "     signing_cert); '#' starts a comment; relative paths are relative\n"
    "     to the profile's directory.\n"
    "  4. defaults: hub 127.0.0.1:7443, timeout 10 seconds, steps unsigned.\n"
    "A signing key and its signing certificate go together: with both, sxctl\n"
    "signs each step it takes (non-repudiation); give neither to send steps\n"
    "unsigned.\n";

// Help is wrapped for an 80-column terminal.
constexpr size_t kLineWidth = 80;

// `text` broken at spaces into lines of at most `width` columns (a longer
// word gets a line of its own); existing line breaks are kept.
std::vector<std::string> Wrap(const std::string& text, size_t width) {
  std::vector<std::string> lines;
  for (absl::string_view paragraph : absl::StrSplit(text, '\n')) {
    std::string line;
    for (absl::string_view word :
         absl::StrSplit(paragraph, ' ', absl::SkipEmpty())) {
      if (!line.empty() &&
          DisplayWidth(line) + 1 + DisplayWidth(word) > width) {
        lines.push_back(line);
        line.clear();
      }
      if (!line.empty()) line += ' ';
      line.append(word.data(), word.size());
    }
    lines.push_back(line);
  }
  return lines;
}

// Two columns: `left` padded to `left_width`, `right` wrapped beside it.
std::string Row(const std::string& left, size_t left_width,
                const std::string& right) {
  const size_t indent = 2 + left_width + 2;
  const size_t room = kLineWidth > indent + 20 ? kLineWidth - indent : 20;
  std::string out;
  bool first = true;
  for (const std::string& line : Wrap(right, room)) {
    if (first) {
      absl::StrAppend(&out, "  ", left,
                      std::string(left_width - DisplayWidth(left) + 2, ' '),
                      line, "\n");
      first = false;
    } else {
      absl::StrAppend(&out, std::string(indent, ' '), line, "\n");
    }
  }
  return out;
}

std::string Paragraphs(const std::string& text) {
  std::string out;
  for (const std::string& line : Wrap(text, kLineWidth)) {
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// "--to AGENCY" or "--json".
std::string OptionSyntax(const OptionSpec& option) {
  std::string syntax = absl::StrCat("--", option.name);
  if (option.type != ValueType::kNone) {
    absl::StrAppend(&syntax, " ", option.value_name);
  }
  return syntax;
}

std::string OptionList(const std::vector<OptionSpec>& options) {
  size_t width = 0;
  for (const OptionSpec& option : options) {
    width = std::max(width, DisplayWidth(OptionSyntax(option)));
  }
  std::string out;
  for (const OptionSpec& option : options) {
    const std::string syntax = OptionSyntax(option);
    std::string help = option.help;
    if (option.type == ValueType::kChoice) {
      absl::StrAppend(&help, "; one of: ", absl::StrJoin(option.choices, ", "));
    }
    std::vector<std::string> notes;
    if (option.required) notes.push_back("required");
    if (option.repeatable) notes.push_back("repeatable");
    if (!notes.empty()) {
      absl::StrAppend(&help, " (", absl::StrJoin(notes, ", "), ")");
    }
    absl::StrAppend(&out, Row(syntax, width, help));
  }
  return out;
}

}  // namespace

std::string UsageLine(const CommandSpec& command) {
  std::string line = absl::StrCat("usage: sxctl ", command.name);
  if (!command.arguments.empty()) {
    absl::StrAppend(&line, " ", command.arguments);
  }
  for (const OptionSpec& option : command.options) {
    if (option.required) absl::StrAppend(&line, " ", OptionSyntax(option));
  }
  absl::StrAppend(&line, " [options]");
  return line;
}

std::string GeneralHelp(const std::vector<CommandSpec>& commands,
                        const std::vector<OptionSpec>& global_options) {
  std::string out =
      "sxctl: command-line client of the supervision data exchange hub.\n"
      "Moves referrals through 移送 → 签收 → 处置 → 反馈 → 销号 as the agency\n"
      "named by your client certificate, with 转办 (reroute), 交办 (delegate)\n"
      "and 暂存待查 (dispose, reopen) on the way; sends one lead or problem\n"
      "list to many agencies at once (distribute, distribution ...), and\n"
      "keeps problem lists' rectification ledgers (整改台账) item by item\n"
      "(rectification ...); with an administrator's certificate watches\n"
      "transfers and queues (admin ...), with an auditor's reads and verifies\n"
      "the event history (audit ...). With any certificate, stats reports\n"
      "the figures per unit (统计) that it may see; a supervising agency\n"
      "reads its 督办台账 of overdue, warned and pressed referrals\n"
      "(supervision ledger).\n\n"
      "usage: sxctl [global options] COMMAND [ARGS] [options]\n\n"
      "Commands:\n";
  size_t width = 0;
  for (const CommandSpec& command : commands) {
    width = std::max(width, command.name.size());
  }
  for (const CommandSpec& command : commands) {
    absl::StrAppend(&out, Row(command.name, width, command.summary));
  }
  absl::StrAppend(&out, "\nGlobal options (before or after the command):\n",
                  OptionList(global_options), "\n", kSettings, "\n",
                  kExitStatus,
                  "\nRun 'sxctl COMMAND --help' for a command's options.\n");
  return out;
}

std::string GroupHelp(const std::string& group,
                      const std::vector<CommandSpec>& commands) {
  std::string out =
      absl::StrCat("usage: sxctl ", group, " SUBCOMMAND [ARGS] [options]\n\n",
                   "Subcommands:\n");
  size_t width = 0;
  for (const CommandSpec& command : commands) {
    if (absl::StartsWith(command.name, group + " ")) {
      width = std::max(width, command.name.size());
    }
  }
  for (const CommandSpec& command : commands) {
    if (!absl::StartsWith(command.name, group + " ")) continue;
    absl::StrAppend(&out, Row(command.name, width, command.summary));
  }
  absl::StrAppend(&out, "\nRun 'sxctl ", group,
                  " SUBCOMMAND --help' for a subcommand's options.\n");
  return out;
}

std::string CommandHelp(const CommandSpec& command,
                        const std::vector<OptionSpec>& global_options) {
  std::string out =
      absl::StrCat(UsageLine(command), "\n\n", Paragraphs(command.summary));
  if (!command.description.empty()) {
    absl::StrAppend(&out, "\n", Paragraphs(command.description));
  }
  if (!command.options.empty()) {
    absl::StrAppend(&out, "\nOptions:\n", OptionList(command.options));
  }
  absl::StrAppend(&out, "\nGlobal options:\n", OptionList(global_options), "\n",
                  kExitStatus);
  return out;
}

}  // namespace sx::sxctl
