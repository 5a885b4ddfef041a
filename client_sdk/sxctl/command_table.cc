#include "command_table.h"

#include <initializer_list>
#include <string>

#include "connection_settings.h"
#include "inbox_commands.h"
#include "referral_commands.h"
#include "sx/client/types.h"

namespace sx::sxctl {
namespace {

using client::DispositionMethod;
using client::FeedbackKind;
using client::ReferralKind;
using client::ReferralState;
using client::Sensitivity;
using client::Urgency;

// Choices are the SDK's own names, so that the command line, the JSON output
// and the SDK's Parse* functions always agree.
template <typename Enum>
std::vector<std::string> Names(std::initializer_list<Enum> values) {
  std::vector<std::string> names;
  for (Enum value : values) names.push_back(client::ToString(value));
  return names;
}

OptionSpec Choice(std::string name, std::string value_name, std::string help,
                  std::vector<std::string> choices, bool required) {
  OptionSpec option = ValueOption(std::move(name), std::move(value_name),
                                  std::move(help), ValueType::kChoice);
  option.required = required;
  option.choices = std::move(choices);
  return option;
}

OptionSpec Required(std::string name, std::string value_name,
                    std::string help) {
  OptionSpec option =
      ValueOption(std::move(name), std::move(value_name), std::move(help));
  option.required = true;
  return option;
}

OptionSpec Optional(std::string name, std::string value_name,
                    std::string help) {
  return ValueOption(std::move(name), std::move(value_name), std::move(help));
}

OptionSpec Attach(std::string help) {
  OptionSpec option = ValueOption("attach", "FILE", std::move(help));
  option.repeatable = true;
  return option;
}

OptionSpec RequestId() {
  return Optional("request-id", "ID",
                  "makes a retry of this exact call safe: the hub applies it "
                  "once however often it is sent (default: a new UUID)");
}

// A command on one referral that changes it: "ID" plus `options` and
// --request-id.
CommandSpec Step(std::string name, std::string summary, std::string description,
                 std::vector<OptionSpec> options, CommandHandler run) {
  options.push_back(RequestId());
  CommandSpec command;
  command.name = std::move(name);
  command.summary = std::move(summary);
  command.description = std::move(description);
  command.arguments = "ID";
  command.min_arguments = 1;
  command.max_arguments = 1;
  command.options = std::move(options);
  command.run = run;
  return command;
}

std::vector<CommandSpec> BuildCommands() {
  std::vector<CommandSpec> commands;

  CommandSpec send;
  send.name = "send";
  send.summary =
      "移送: send a lead, problem list or audit finding to an agency";
  send.description =
      "Submits a referral; the hub checks that the route from your agency to "
      "the recipient is allowed for this kind. Prints the new referral "
      "(state submitted).";
  send.options = {
      Required("to", "AGENCY", "the recipient agency's id"),
      Choice("kind", "KIND", "what is sent (default lead)",
             Names({ReferralKind::kLead, ReferralKind::kProblemList,
                    ReferralKind::kAuditFinding}),
             false),
      Required("subject", "TEXT", "who or what the lead concerns"),
      Optional("subject-org", "TEXT", "the subject's organization"),
      Optional("subject-position", "TEXT", "the subject's position"),
      Required("category", "TEXT", "category, e.g. 进一步了解关注类"),
      Required("summary", "TEXT", "what was found"),
      Required("source", "TEXT", "how it was found, e.g. 巡察个别谈话"),
      Choice("sensitivity", "LEVEL", "sensitivity level",
             Names({Sensitivity::kOrdinary, Sensitivity::kSensitive,
                    Sensitivity::kHighlySensitive}),
             true),
      Choice("urgency", "URGENCY", "fast_track is 绿色通道 (default normal)",
             Names({Urgency::kNormal, Urgency::kFastTrack}), false),
      Attach("attach a file: named by its base name, media type from its "
             "extension"),
      RequestId(),
  };
  send.run = &RunSend;
  commands.push_back(std::move(send));

  CommandSpec inbox_list;
  inbox_list.name = "inbox list";
  inbox_list.summary = "show what is in your inbox now, without acknowledging";
  inbox_list.description =
      "Reads the inbox stream until the hub has sent nothing new for --idle "
      "seconds, then prints the entries (JSON: an array). Nothing is "
      "acknowledged, so they come again.";
  inbox_list.options = {
      ValueOption("idle", "SECONDS",
                  "stop after this long without a new entry (default 1)",
                  ValueType::kSeconds),
      ValueOption("after", "SEQ",
                  "skip entries up to and including this sequence",
                  ValueType::kCount),
  };
  inbox_list.run = &RunInboxList;
  commands.push_back(std::move(inbox_list));

  CommandSpec inbox_watch;
  inbox_watch.name = "inbox watch";
  inbox_watch.summary = "print inbox entries as they arrive, until Ctrl-C";
  inbox_watch.description =
      "Follows the inbox stream; with --json, one JSON object per line. With "
      "--ack each entry is acknowledged once printed (the watch then also "
      "survives hub restarts); without it, nothing is acknowledged. Ctrl-C "
      "ends the watch with exit status 0.";
  inbox_watch.options = {
      SwitchOption("ack", "acknowledge each entry after printing it"),
      ValueOption(
          "after", "SEQ",
          "skip entries up to and including this sequence (not with --ack)",
          ValueType::kCount),
  };
  inbox_watch.run = &RunInboxWatch;
  commands.push_back(std::move(inbox_watch));

  CommandSpec inbox_ack;
  inbox_ack.name = "inbox ack";
  inbox_ack.summary = "acknowledge inbox entries by sequence number";
  inbox_ack.description =
      "Acknowledged entries are not delivered again; acknowledging a new "
      "referral's entry marks it delivered. Acknowledging twice is harmless.";
  inbox_ack.arguments = "SEQ...";
  inbox_ack.min_arguments = 1;
  inbox_ack.max_arguments = -1;
  inbox_ack.argument_type = ValueType::kCount;
  inbox_ack.run = &RunInboxAck;
  commands.push_back(std::move(inbox_ack));

  CommandSpec show;
  show.name = "show";
  show.summary = "show one referral: lead, attachments, feedback, reminders";
  show.description =
      "Only the sender, the recipient and observers of a referral may read it.";
  show.arguments = "ID";
  show.min_arguments = 1;
  show.max_arguments = 1;
  show.options = {
      Optional("attachments-to", "DIR",
               "also fetch attachment contents and write them into DIR "
               "(feedback N's into DIR/feedback-N)"),
  };
  show.run = &RunShow;
  commands.push_back(std::move(show));

  CommandSpec list;
  list.name = "list";
  list.summary = "list referrals you sent or received, newest first";
  list.options = {
      Choice("role", "ROLE", "which side", {"sent", "received"}, true),
      Choice("state", "STATE", "only referrals in this state",
             Names({ReferralState::kSubmitted, ReferralState::kDelivered,
                    ReferralState::kAccepted, ReferralState::kDisposing,
                    ReferralState::kFeedbackSent, ReferralState::kClosed,
                    ReferralState::kReturned, ReferralState::kRerouted,
                    ReferralState::kWithdrawn}),
             false),
      ValueOption("page-size", "N",
                  "at most N referrals (hub default 50, at most 500)",
                  ValueType::kCount),
      Optional("page-token", "TOKEN", "continue from a previous page"),
  };
  list.options[1].repeatable = true;
  list.run = &RunList;
  commands.push_back(std::move(list));

  commands.push_back(Step("accept", "签收 (recipient): accept a referral",
                          "submitted or delivered → accepted.", {},
                          &RunAccept));
  commands.push_back(Step(
      "return", "退回 (recipient): send a referral back",
      "submitted, delivered or accepted → returned.",
      {Required("reason", "TEXT", "why, e.g. 不属于本机关管辖")}, &RunReturn));
  commands.push_back(Step(
      "reroute", "转办 (recipient): pass a referral on to the competent agency",
      "accepted or disposing → rerouted; the hub creates a child referral "
      "from you to AGENCY (shown as \"child\").",
      {Required("to", "AGENCY", "the agency that receives the child referral"),
       Required("reason", "TEXT", "why it is passed on")},
      &RunReroute));
  commands.push_back(Step(
      "dispose", "处置 (recipient): record the disposition method",
      "accepted or disposing → disposing. May be repeated to change the "
      "method.\nMethods: talk_or_inquiry 谈话函询, preliminary_verification "
      "初步核实, kept_pending 暂存待查, closed_without_action 予以了结, "
      "case_filed 立案审查调查. 转办 is `sxctl reroute`.",
      {Choice("method", "METHOD", "how the lead is handled",
              Names({DispositionMethod::kTalkOrInquiry,
                     DispositionMethod::kPreliminaryVerification,
                     DispositionMethod::kKeptPending,
                     DispositionMethod::kClosedWithoutAction,
                     DispositionMethod::kCaseFiled}),
              true)},
      &RunDispose));
  commands.push_back(Step(
      "feedback", "反馈 (recipient): send interim or final feedback",
      "Interim feedback keeps the referral disposing; final feedback moves it "
      "to feedback_sent. Both reach the sender's inbox.",
      {Choice("kind", "KIND", "interim or final",
              Names({FeedbackKind::kInterim, FeedbackKind::kFinal}), true),
       Required("text", "TEXT", "the feedback"),
       Attach("attach a file (as for send)")},
      &RunFeedback));
  commands.push_back(Step("close", "销号 (sender): confirm and close",
                          "feedback_sent → closed.", {}, &RunClose));
  commands.push_back(
      Step("withdraw", "撤回 (sender): take back a referral not yet accepted",
           "submitted or delivered → withdrawn.",
           {Required("reason", "TEXT", "why it is taken back")}, &RunWithdraw));
  commands.push_back(Step(
      "remind", "催办/督办 (sender or supervisor): remind the recipient",
      "Recorded on the referral and delivered to the recipient's inbox while "
      "the recipient still owes a step.",
      {Required("text", "TEXT", "what is asked of the recipient")},
      &RunRemind));
  return commands;
}

std::vector<OptionSpec> BuildGlobalOptions() {
  std::vector<OptionSpec> options = {
      SwitchOption("json", "print results as JSON instead of tables"),
      SwitchOption("help", "explain the command and its options (also -h)"),
  };
  for (OptionSpec& option : ConnectionOptions()) {
    options.push_back(std::move(option));
  }
  return options;
}

}  // namespace

const std::vector<CommandSpec>& Commands() {
  static const auto* const commands =
      new std::vector<CommandSpec>(BuildCommands());
  return *commands;
}

const std::vector<OptionSpec>& GlobalOptions() {
  static const auto* const options =
      new std::vector<OptionSpec>(BuildGlobalOptions());
  return *options;
}

}  // namespace sx::sxctl
