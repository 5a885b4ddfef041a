#include "client_sdk/sxctl/command_table.h"

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

#include "client_sdk/sxctl/admin_commands.h"
#include "client_sdk/sxctl/audit_commands.h"
#include "client_sdk/sxctl/connection_settings.h"
#include "client_sdk/sxctl/inbox_commands.h"
#include "client_sdk/sxctl/referral_commands.h"
#include "client_sdk/sxctl/whoami_command.h"
#include "sx/client/types.h"

namespace sx::sxctl {
namespace {

using client::DispositionMethod;
using client::EventType;
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

// --state, repeatable: one of the referral states.
OptionSpec StateFilter(std::string help) {
  OptionSpec option = Choice(
      "state", "STATE", std::move(help),
      Names({ReferralState::kSubmitted, ReferralState::kDelivered,
             ReferralState::kAccepted, ReferralState::kDisposing,
             ReferralState::kFeedbackSent, ReferralState::kClosed,
             ReferralState::kReturned, ReferralState::kRerouted,
             ReferralState::kWithdrawn}),
      false);
  option.repeatable = true;
  return option;
}

// --page-size and --page-token of a paged listing.
std::vector<OptionSpec> Paging(std::string what, std::string hub_limits) {
  return {ValueOption("page-size", "N",
                      absl::StrCat("at most N ", what, " (hub default ",
                                   hub_limits, ")"),
                      ValueType::kCount),
          Optional("page-token", "TOKEN", "continue from a previous page")};
}

// A command of the admin or audit group, or whoami: `service` says which
// identity it needs (kNone: it works offline; kHubInfo: any).
CommandSpec ServiceCommand(std::string name, HubService service,
                           std::string summary, std::string description,
                           std::vector<OptionSpec> options,
                           CommandHandler run) {
  CommandSpec command;
  command.name = std::move(name);
  command.service = service;
  command.summary = std::move(summary);
  command.description = std::move(description);
  command.options = std::move(options);
  command.run = run;
  return command;
}

std::vector<OptionSpec> Concat(std::vector<OptionSpec> options,
                               std::vector<OptionSpec> more) {
  for (OptionSpec& option : more) options.push_back(std::move(option));
  return options;
}

void AddAdminCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(ServiceCommand(
      "admin transfers", HubService::kAdmin,
      "管理员: list transfers (referrals) by state, route, time or overdue",
      "Metadata only: who, what kind, where it stands, deadlines and overdue "
      "flags, never a lead's content. Newest first; every filter given must "
      "match.",
      Concat({StateFilter("only transfers in this state"),
              Optional("from", "AGENCY", "only transfers sent by AGENCY"),
              Optional("to", "AGENCY", "only transfers sent to AGENCY"),
              ValueOption("created-after", "TIME",
                          "only transfers created at or after TIME (RFC "
                          "3339, e.g. 2024-05-01T00:00:00+08:00)",
                          ValueType::kTime),
              ValueOption("created-before", "TIME",
                          "only transfers created before TIME",
                          ValueType::kTime),
              SwitchOption("overdue",
                           "only transfers with a missed deadline flagged")},
             Paging("transfers", "50, at most 500")),
      &RunAdminTransfers));
  commands.push_back(ServiceCommand(
      "admin inboxes", HubService::kAdmin,
      "管理员: every agency's inbox: depth, oldest entry, streams, dead letters",
      "One row per configured agency: unacknowledged entries, how long the "
      "oldest has waited, open inbox streams, dead letters and the last "
      "sequence given out.",
      {}, &RunAdminInboxes));
  commands.push_back(ServiceCommand(
      "admin dead-letters", HubService::kAdmin,
      "管理员: inbox entries moved aside after too many unacknowledged "
      "deliveries",
      "Shows the event each entry told of (metadata only). Put them back "
      "with `sxctl admin redrive`.",
      Concat({Optional("agency", "AGENCY", "only AGENCY's dead letters")},
             Paging("dead letters", "50, at most 500")),
      &RunAdminDeadLetters));
  CommandSpec redrive = ServiceCommand(
      "admin redrive", HubService::kAdmin,
      "管理员: put dead letters back at the end of an agency's inbox",
      "Redrives the dead letters with the given sequences, or all of AGENCY's "
      "when none are given; each gets a new sequence and a fresh delivery "
      "count. Repeating it is harmless.",
      {Required("agency", "AGENCY", "whose dead letters")}, &RunAdminRedrive);
  redrive.arguments = "[SEQ...]";
  redrive.max_arguments = -1;
  redrive.argument_type = ValueType::kCount;
  commands.push_back(std::move(redrive));
  commands.push_back(ServiceCommand(
      "admin counts", HubService::kAdmin,
      "管理员: referral counts by state and by route, and open overdue ones",
      "Routes are by agency type (sender type → recipient type).", {},
      &RunAdminCounts));
  commands.push_back(ServiceCommand(
      "admin status", HubService::kAdmin,
      "管理员: the hub's id, version, uptime, storage health and totals", "",
      {}, &RunAdminStatus));
  commands.push_back(ServiceCommand(
      "admin top", HubService::kAdmin,
      "管理员: a live view of inboxes, states, overdue items and throughput",
      "Refreshes every --interval seconds until Ctrl-C: per inbox the depth, "
      "the age of the oldest entry, open streams and dead letters; referral "
      "counts by state; open overdue referrals; and throughput, the events "
      "the hub recorded per second since the previous frame. On a terminal "
      "each frame replaces the last; otherwise frames follow each other, a "
      "blank line apart. With --json, one JSON object per frame and line.",
      {ValueOption("interval", "SECONDS",
                   "time between frames (default 2)", ValueType::kSeconds),
       ValueOption("iterations", "N", "stop after N frames",
                   ValueType::kCount)},
      &RunAdminTop));
}

void AddAuditCommands(std::vector<CommandSpec>& commands) {
  commands.push_back(ServiceCommand(
      "audit events", HubService::kAudit,
      "审计员: read the hub's event history, oldest first",
      "Every filter given must match. --agency selects the events of "
      "referrals AGENCY is a party to or acted in.",
      Concat({Optional("referral", "ID", "only events of this referral"),
              Optional("agency", "AGENCY", "only events concerning AGENCY"),
              Choice("type", "TYPE", "only events of this type",
                     Names({EventType::kSubmitted, EventType::kDelivered,
                            EventType::kAccepted, EventType::kReturned,
                            EventType::kRerouted,
                            EventType::kDispositionRecorded,
                            EventType::kInterimFeedback,
                            EventType::kFinalFeedback, EventType::kClosed,
                            EventType::kWithdrawn, EventType::kReminded,
                            EventType::kOverdue, EventType::kLogRestored}),
                     false),
              ValueOption("from", "TIME", "only events at or after TIME (RFC "
                          "3339)", ValueType::kTime),
              ValueOption("to", "TIME", "only events at or before TIME",
                          ValueType::kTime)},
             Paging("events", "100, at most 1000")),
      &RunAuditEvents));
  commands.push_back(ServiceCommand(
      "audit checkpoint", HubService::kAudit,
      "审计员: get the hub's signed checkpoint of its event log, and keep it",
      "A checkpoint is the hub's signed statement of the log's size and root "
      "hash. Keep the file (--out): a later checkpoint must extend it (`sxctl "
      "audit consistency`). The file is the signed checkpoint text, then a "
      "line \"— signature <base64>\" (em dash, space): the form of a "
      "signed note.",
      {Optional("out", "FILE", "save the signed checkpoint in FILE")},
      &RunAuditCheckpoint));
  CommandSpec proof = ServiceCommand(
      "audit proof", HubService::kAudit,
      "审计员: get the inclusion proof of one event",
      "The sibling hashes that lead from event SEQ's leaf to the root of the "
      "log of --tree-size events (default: the log as it is now).",
      {ValueOption("tree-size", "N", "the size of the log to prove against",
                   ValueType::kCount)},
      &RunAuditProof);
  proof.arguments = "SEQ";
  proof.min_arguments = 1;
  proof.max_arguments = 1;
  proof.argument_type = ValueType::kCount;
  commands.push_back(std::move(proof));
  commands.push_back(ServiceCommand(
      "audit export", HubService::kAudit,
      "审计员: export events with their proofs for offline verification",
      "Writes events --from to --to (at most 10000), each as stored with its "
      "inclusion proof, and the signed checkpoint they are proved against, "
      "to FILE. Format, one item per line: \"sxctl-event-export/v1\", "
      "\"range FIRST LAST\", the checkpoint as `audit checkpoint` saves it, "
      "then \"event LEAF_INDEX TREE_SIZE BYTES HASH...\" per event (base64 "
      "bytes of the stored supervision.v1.Event and base64 proof hashes). "
      "Check it with `sxctl audit verify`.",
      {ValueOption("from", "SEQ", "the first event (from 1)",
                   ValueType::kCount),
       ValueOption("to", "SEQ", "the last event (default: the newest)",
                   ValueType::kCount),
       Required("out", "FILE", "where to write the export")},
      &RunAuditExport));
  commands.back().options[0].required = true;
  commands.push_back(ServiceCommand(
      "audit verify", HubService::kNone,
      "审计员: verify an export offline with the hub's certificate",
      "Needs no hub and no identity. Checks the checkpoint's signature with "
      "the hub certificate, then that the export holds exactly its range of "
      "events in order, each in the signed log at its place (its inclusion "
      "proof leads from the hash of its bytes to the signed root) and each "
      "naming the digest of the one before. Prints the events. Exit status 1 "
      "names the first event that fails. An export proves what it holds: a "
      "shorter contiguous part of it, with its range line changed, still "
      "verifies.",
      {Required("export", "FILE", "an export written by `sxctl audit export`"),
       Required("hub-cert", "FILE",
                "the hub's certificate (PEM), obtained out of band")},
      &RunAuditVerify));
  commands.push_back(ServiceCommand(
      "audit consistency", HubService::kAudit,
      "审计员: prove a later checkpoint extends an earlier one (no rewritten "
      "history)",
      "Checks both saved checkpoints' signatures offline, asks the hub for "
      "the consistency proof between their sizes, and checks it against the "
      "two roots you kept, so the hub cannot choose what it is checked "
      "against. Exit status 1 with \"forked or rewritten history\" if the "
      "new log does not extend the old one.",
      {Required("old", "FILE", "the earlier checkpoint file"),
       Required("new", "FILE", "the later checkpoint file"),
       Required("hub-cert", "FILE",
                "the hub's certificate (PEM), obtained out of band")},
      &RunAuditConsistency));
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

  // First, because it is the first thing to run with new settings.
  commands.push_back(ServiceCommand(
      "whoami", HubService::kHubInfo,
      "show who the hub sees you as, the hub's id and version, and the round "
      "trip",
      "Works with any certificate: agency, administrator or auditor. Connects "
      "(TLS handshake included) and prints the identity your certificate "
      "names as the hub's config describes it (kind, name, and for an agency "
      "its display name, type and whether it supervises), the certificate's "
      "URI, the hub's id and version, the round trip of the call in "
      "milliseconds, and how far the hub's clock is from this machine's "
      "(to within half the round trip). Changes nothing.",
      {}, &RunWhoAmI));

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
  inbox_list.summary =
      "show what is in your inbox now, without taking delivery";
  inbox_list.description =
      "Prints the entries not yet acknowledged (JSON: an array). Looking is "
      "not delivery: nothing is acknowledged, no delivery attempt is counted "
      "and a new referral stays submitted, however often you list. Entries "
      "are delivered by a stream (inbox watch, or your system's consumer); "
      "each stream that carried an entry but ended without acknowledging it "
      "counts one attempt, and after the hub's max_delivery_attempts (default "
      "5) the entry moves to the dead letters, which only an administrator "
      "can redrive (sxctl admin redrive).";
  inbox_list.options = {
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
      "survives hub restarts); without it, nothing is acknowledged, but the "
      "watch takes delivery: when it ends, each entry it printed counts one "
      "delivery attempt (see inbox list for the dead letters this leads to; "
      "use inbox list to look without it). Ctrl-C ends the watch with exit "
      "status 0.";
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
  list.options = Concat(
      {Choice("role", "ROLE", "which side", {"sent", "received"}, true),
       StateFilter("only referrals in this state")},
      Paging("referrals", "50, at most 500"));
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
  AddAdminCommands(commands);
  AddAuditCommands(commands);
  return commands;
}

std::vector<OptionSpec> BuildGlobalOptions() {
  std::vector<OptionSpec> options = {
      SwitchOption("json", "print results as JSON instead of tables"),
      SwitchOption("help", "explain the command and its options (also -h)"),
      SwitchOption("version", "print sxctl's version and exit"),
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
