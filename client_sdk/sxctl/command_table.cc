#include "client_sdk/sxctl/command_table.h"

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/admin_commands.h"
#include "client_sdk/sxctl/audit_commands.h"
#include "client_sdk/sxctl/connection_settings.h"
#include "client_sdk/sxctl/distribution_commands.h"
#include "client_sdk/sxctl/inbox_commands.h"
#include "client_sdk/sxctl/rectification_commands.h"
#include "client_sdk/sxctl/referral_commands.h"
#include "client_sdk/sxctl/statistics_command.h"
#include "client_sdk/sxctl/supervision_commands.h"
#include "client_sdk/sxctl/whoami_command.h"
#include "sx/client/types.h"

namespace sx::sxctl {
namespace {

using client::DispositionMethod;
using client::EventType;
using client::FeedbackKind;
using client::RectificationReportKind;
using client::RectificationStatus;
using client::ReferralKind;
using client::ReferralState;
using client::Sensitivity;
using client::SupervisionLevel;
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
  OptionSpec option =
      Choice("state", "STATE", std::move(help),
             Names({ReferralState::kSubmitted, ReferralState::kDelivered,
                    ReferralState::kAccepted, ReferralState::kDisposing,
                    ReferralState::kFeedbackSent, ReferralState::kClosed,
                    ReferralState::kReturned, ReferralState::kRerouted,
                    ReferralState::kWithdrawn, ReferralState::kKeptPending}),
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
      "Metadata only: who, what kind, where it stands, deadlines, overdue "
      "flags, the feedback deadline's warning (预警, WARN: 蓝 blue, 黄 "
      "yellow, 红 red) and the highest level reminders reached (督办: 催办 "
      "urge, 督办 supervise, 挂牌督办 listed; JSON supervision_level), never "
      "a lead's content; JSON adds 交办 links (delegation_count, delegated). "
      "Newest first; every filter given must match.",
      Concat(
          {StateFilter("only transfers in this state"),
           Optional("from", "AGENCY", "only transfers sent by AGENCY"),
           Optional("to", "AGENCY", "only transfers sent to AGENCY"),
           ValueOption("created-after", "TIME",
                       "only transfers created at or after TIME (RFC "
                       "3339, e.g. 2024-05-01T00:00:00+08:00)",
                       ValueType::kTime),
           ValueOption("created-before", "TIME",
                       "only transfers created before TIME", ValueType::kTime),
           SwitchOption("overdue",
                        "only transfers with a missed deadline flagged")},
          Paging("transfers", "50, at most 500")),
      &RunAdminTransfers));
  commands.push_back(ServiceCommand(
      "admin inboxes", HubService::kAdmin,
      "管理员: every agency's inbox: depth, oldest entry, streams, dead "
      "letters",
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
      "管理员: referral counts by state and by route, open overdue ones, and "
      "per recipient its overdue, warned and pressed ones",
      "Routes are by agency type (sender type → recipient type). Then one "
      "row per recipient holding open referrals the supervising agencies "
      "watch (督办台账): OVERDUE with a missed deadline; 蓝, 黄 and 红 under "
      "that standing warning (预警) on the feedback deadline; 催办, 督办 and "
      "挂牌 (挂牌督办) pressed by reminders, each referral by the highest "
      "level reached. JSON: by_recipient (overdue, blue_warnings, "
      "yellow_warnings, red_warnings, urged, supervised, listed).",
      {}, &RunAdminCounts));
  commands.push_back(ServiceCommand(
      "admin status", HubService::kAdmin,
      "管理员: the hub's id, version, uptime, storage health and totals",
      "With encryption at rest: the cipher, and per key of the key file "
      "(by name and fingerprint, never the key) how many stored records it "
      "guards.",
      {}, &RunAdminStatus));
  commands.push_back(ServiceCommand(
      "admin rewrap-keys", HubService::kAdmin,
      "管理员: after a key rotation, move every stored record under the "
      "current encryption key",
      "Once a new key is first in the hub's encryption key file and the hub "
      "reloaded it (SIGHUP), this walks every referral and writes again "
      "those of its records (lead, referral, rectification items) whose "
      "data key an older key wraps, or whose content is still in plain "
      "text; one transaction per batch, while the hub serves. At the end "
      "the hub rewrites its files in the background so that the old forms "
      "leave the disk (its log says when). Afterwards "
      "`sxctl admin status` shows 0 records under the old key, which may "
      "then leave the key file. An older key's data keys are wrapped anew "
      "without decrypting the content; plain text is encrypted. No content "
      "reaches sxctl. Repeating it is harmless.",
      {ValueOption("batch", "N",
                   "referrals per call (hub default 200, at most 1000)",
                   ValueType::kCount)},
      &RunAdminRewrapKeys));
  commands.push_back(ServiceCommand(
      "admin top", HubService::kAdmin,
      "管理员: a live view of inboxes, states, overdue items and throughput",
      "Refreshes every --interval seconds until Ctrl-C: per inbox the depth, "
      "the age of the oldest entry, open streams and dead letters; referral "
      "counts by state; open overdue referrals; the open referrals under a "
      "warning (预警: 蓝 blue, 黄 yellow, 红 red) and on the supervising "
      "commission's list (挂牌督办) on the whole hub; and throughput, the "
      "events the hub recorded per second since the previous frame. On a "
      "terminal "
      "each frame replaces the last; otherwise frames follow each other, a "
      "blank line apart. With --json, one JSON object per frame and line.",
      {ValueOption("interval", "SECONDS", "time between frames (default 2)",
                   ValueType::kSeconds),
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
                     Names({EventType::kSubmitted,
                            EventType::kDelivered,
                            EventType::kAccepted,
                            EventType::kReturned,
                            EventType::kRerouted,
                            EventType::kDispositionRecorded,
                            EventType::kInterimFeedback,
                            EventType::kFinalFeedback,
                            EventType::kClosed,
                            EventType::kWithdrawn,
                            EventType::kReminded,
                            EventType::kOverdue,
                            EventType::kLogRestored,
                            EventType::kRectificationItemsAdded,
                            EventType::kRectificationReported,
                            EventType::kRectificationVerified,
                            EventType::kRectificationRejected,
                            EventType::kRectificationOverdue,
                            EventType::kFeedbackRejected,
                            EventType::kReopened,
                            EventType::kReviewDue,
                            EventType::kDelegated,
                            EventType::kDeadlineWarning,
                            EventType::kDeadLettersRedriven}),
                     false),
              ValueOption("from", "TIME",
                          "only events at or after TIME (RFC "
                          "3339)",
                          ValueType::kTime),
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
      "bytes of the stored supervision.v1.Event and base64 proof hashes), "
      "then \"signing-certificate DER\" (base64) per certificate that the "
      "events' step signatures name. Check it with `sxctl audit verify`.",
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
      "naming the digest of the one before. With --signing-ca, also checks "
      "each agency's signature of its steps (non-repudiation): the signing "
      "certificate the export carries for it was issued by one of those CAs, "
      "valid at the time of the step, for the agency that acted, and its key "
      "signed the step. Prints the events, with how many steps are signed "
      "and by whom (without --signing-ca, how many carry signatures that "
      "were not checked). Exit status 1 names the first event that fails. "
      "An export proves what it holds: a shorter contiguous part of it, with "
      "its range line changed, still verifies.",
      {Required("export", "FILE", "an export written by `sxctl audit export`"),
       Required("hub-cert", "FILE",
                "the hub's certificate (PEM), obtained out of band"),
       Optional("signing-ca", "FILE",
                "the CA certificates (PEM) that issue agencies' signing "
                "certificates, obtained out of band: check the step "
                "signatures too")},
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

// --items FILE: ledger items in the format `rectification add --help`
// describes.
OptionSpec ItemsFile(std::string help, bool required) {
  OptionSpec option = ValueOption("items", "FILE", std::move(help));
  option.required = required;
  return option;
}

// A count of final feedback's outcome.
OptionSpec OutcomeCount(std::string name, std::string help) {
  return ValueOption(std::move(name), "N", std::move(help), ValueType::kCount);
}

// A ledger step on one item of a problem list: "ID ITEM" plus `options` and
// --request-id.
CommandSpec ItemStep(std::string name, std::string summary,
                     std::string description, std::vector<OptionSpec> options,
                     CommandHandler run) {
  CommandSpec command = Step(std::move(name), std::move(summary),
                             std::move(description), std::move(options), run);
  command.arguments = "ID ITEM";
  command.min_arguments = 2;
  command.max_arguments = 2;
  return command;
}

void AddRectificationCommands(std::vector<CommandSpec>& commands) {
  CommandSpec list;
  list.name = "rectification list";
  list.summary = "整改台账: a problem list's items and where each stands";
  list.description =
      "Parties and observers of the referral only. One row per item, in "
      "number order: category, status, due day, whether it missed its due "
      "date, responsible unit, and the problem (cut to fit; --history shows "
      "it whole). Then the ledger's summary: items settled (verified, or "
      "accepted as long-term; a problem list can be closed only when every "
      "item is), awaiting verification, in progress, overdue, and rejected "
      "reports. Every filter given must match.\n"
      "Statuses: in_progress 整改中, reported_done 已完成·待核验, "
      "reported_long_term 长期坚持·待核验, verified 已完成, long_term "
      "长期坚持. "
      "Due and review days are calendar days in China Standard Time.";
  list.arguments = "ID";
  list.min_arguments = 1;
  list.max_arguments = 1;
  OptionSpec status = Choice(
      "status", "STATUS", "only items with this status",
      Names({RectificationStatus::kInProgress,
             RectificationStatus::kReportedDone,
             RectificationStatus::kReportedLongTerm,
             RectificationStatus::kVerified, RectificationStatus::kLongTerm}),
      false);
  status.repeatable = true;
  list.options = {
      status,
      SwitchOption("overdue", "only items flagged for missing their due date"),
      SwitchOption("history",
                   "also each item in full: problem, measures, dates and its "
                   "history of reports and verifications"),
      ValueOption("page-size", "N",
                  "at most N items per page (hub default 50, at most 500)",
                  ValueType::kCount),
      ValueOption("after", "N",
                  "only items numbered after N (to continue from a page's "
                  "\"more:\" line)",
                  ValueType::kCount),
      SwitchOption("all", "read every page, one after another"),
  };
  list.run = &RunRectificationList;
  commands.push_back(std::move(list));

  commands.push_back(Step(
      "rectification add", "整改台账 (sender): add items, e.g. a second round",
      "Allowed until the referral ends, also after final feedback: the list "
      "then cannot be closed until the new items are settled. Existing items "
      "keep their numbers and history; new ones are numbered after them. The "
      "recipient's inbox hears of it.\n"
      "The items file (also for send --items) is UTF-8 text, one item per "
      "block of \"field: value\" lines, blocks separated by a blank line, "
      "e.g.:\n"
      "category: 党的领导弱化\n"
      "problem: 落实全面从严治党主体责任不到位\n"
      "measure: 召开专题民主生活会\n"
      "measure: 修订党组议事规则\n"
      "unit: 局党组\n"
      "due: 2025-03-31\n"
      "problem is required; measure may be repeated; category, unit and due "
      "are optional. due is a date (by the end of that day, China Standard "
      "Time) or an RFC 3339 time; without it the referral's feedback due "
      "date applies. Lines starting with # are comments. An error names the "
      "file's line.",
      {ItemsFile("the items to add", true)}, &RunRectificationAdd));

  commands.push_back(ItemStep(
      "rectification report",
      "整改 (recipient): report progress, done or long-term",
      "Allowed once the referral is accepted (签收) and until it ends. "
      "progress records what was done and leaves the item as it is; done "
      "(已完成) and long_term (长期坚持, with --review-date) ask the sender to "
      "verify it (sxctl rectification verify). The sender's inbox hears of "
      "it.",
      {Choice("kind", "KIND", "what is reported",
              Names({RectificationReportKind::kProgress,
                     RectificationReportKind::kDone,
                     RectificationReportKind::kLongTerm}),
              true),
       Required("text", "TEXT",
                "what was done, e.g. 已修订采购管理办法并组织全员培训"),
       Optional("review-date", "DATE",
                "long_term only, and required there: when the continuing "
                "effort is reviewed, a date such as 2025-06-30 (China "
                "Standard Time) or an RFC 3339 time, in the future"),
       [] {
         OptionSpec evidence = ValueOption(
             "evidence", "FILE",
             "attach evidence (整改佐证材料), named by its base name as for "
             "send --attach");
         evidence.repeatable = true;
         return evidence;
       }()},
      &RunRectificationReport));

  commands.push_back(ItemStep(
      "rectification verify", "核验 (sender): accept or reject a reported item",
      "--accept (核验通过): an item reported done becomes verified (已完成), "
      "one reported long-term becomes long_term (长期坚持); both count as "
      "settled. --reject (未通过) puts the item back to in_progress (整改中) "
      "with --reason, which the recipient reads. The recipient's inbox hears "
      "of it.",
      {SwitchOption("accept", "核验通过: the report is accepted"),
       SwitchOption("reject", "未通过: the item goes back to in_progress"),
       Optional("reason", "TEXT",
                "with --reject, and required there: what is still missing, "
                "e.g. 缺少整改佐证材料")},
      &RunRectificationVerify));
}

// What `send` and `distribute` send (referral_content_options.h): the kind,
// the lead, its attachments and a problem list's first items.
std::vector<OptionSpec> ReferralContentOptions() {
  return {
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
      ItemsFile("problem_list only: the rectification ledger's first items, "
                "read from FILE (format: sxctl rectification add --help)",
                false),
  };
}

CommandSpec DistributeCommand() {
  CommandSpec distribute;
  distribute.name = "distribute";
  distribute.summary =
      "通报/分送: send one lead or problem list to many agencies at once";
  distribute.description =
      "Sends the same lead, and a problem list's items (--items), to every "
      "agency --to names, each as its own referral in its inbox, under one "
      "distribution id: each recipient signs for (签收), disposes of and "
      "feeds back on its own referral, with its own deadlines, as after "
      "send, and each rectifies its own copy of the items. All or nothing: "
      "if the route to any recipient is refused, nothing is sent to anyone "
      "and the error names that recipient. Prints the distribution: its id, "
      "its progress and one row per recipient with its referral id. Follow "
      "it with sxctl distribution show.";
  OptionSpec to = Required("to", "AGENCY[,AGENCY...]",
                           "the recipients' agency ids, separated by commas "
                           "or in several --to, each once, not your own");
  to.repeatable = true;
  distribute.options = Concat({to}, ReferralContentOptions());
  distribute.options.push_back(RequestId());
  distribute.run = &RunDistribute;
  return distribute;
}

void AddDistributionCommands(std::vector<CommandSpec>& commands) {
  CommandSpec show;
  show.name = "distribution show";
  show.summary =
      "通报/分送 (sender): where a distribution stands, recipient by "
      "recipient";
  show.description =
      "The sender only. The progress line counts the recipients' referrals "
      "by how far they have come, each in every stage it has passed (a "
      "closed one is also signed for and fed back): delivered, signed for "
      "(签收), fed back (final feedback, 反馈), closed (销号); overdue counts "
      "those flagged for a missed acceptance or feedback deadline, ended "
      "otherwise those returned (退回), rerouted (转办) or withdrawn (撤回). "
      "Then one row per recipient: its referral, state, missed deadlines and "
      "last change. sxctl show ID shows one referral in full.";
  show.arguments = "ID";
  show.min_arguments = 1;
  show.max_arguments = 1;
  show.run = &RunDistributionShow;
  commands.push_back(std::move(show));

  CommandSpec list;
  list.name = "distribution list";
  list.summary =
      "通报/分送 (sender): your distributions, newest first, with their "
      "progress";
  list.description =
      "One row per distribution: its kind, when it was sent, and how many of "
      "its recipients' referrals were delivered, signed for, fed back and "
      "closed, are overdue or ended otherwise (see distribution show).";
  list.options = Paging("distributions", "20, at most 100");
  list.options.push_back(
      SwitchOption("all", "read every page, one after another"));
  list.run = &RunDistributionList;
  commands.push_back(std::move(list));
}

CommandSpec StatsCommand() {
  return ServiceCommand(
      "stats", HubService::kStatistics,
      "统计: figures per unit for a period: sent, received, signed for, "
      "supervision, warnings, overdue, dispositions, rectification, outcomes",
      "Works with any certificate: an agency sees its own figures; a "
      "supervising agency, an administrator or an auditor every unit's (or "
      "--unit's). Name the period one way: --from and --to, --month, "
      "--quarter or --year; days are calendar days in China Standard Time, "
      "both ends included. Figures count what happened in the period: a "
      "referral sent in January and closed in February counts as sent in "
      "January and closed in February.\n"
      "One row per unit. 移送 counts the referrals it sent; the other columns "
      "what became of those it received: 接收 received, 签收 signed for, 反馈 "
      "final feedback sent, 销号 closed, 退回补充 final feedback sent back for "
      "more, 督办 and 挂牌督办 reminders received at those levels, 蓝色预警 "
      "and 黄色预警 the hub's blue and yellow warnings on feedback deadlines, "
      "逾期 missed acceptance and feedback deadlines the hub flagged, "
      "逾期率 逾期 per 接收; dispositions recorded, "
      "by method (谈话函询, 初步核实, 暂存待查, 予以了结, 立案审查调查, 转办), "
      "and 交办 work delegated to another agency; rectification items added "
      "(新增整改问题), verified (整改完成), with a "
      "report rejected (整改未通过) and overdue (整改逾期), and 整改完成率, "
      "整改完成 per 新增整改问题; the outcomes final feedback reported: "
      "立案, 处分, 组织处理 and 移送司法 in persons, 追缴金额 in yuan and "
      "整改问题数. With several units a last row, 合计, counts every referral "
      "once. Rates have one decimal, \"-\" where there is nothing to divide "
      "by.\n"
      "--json prints every figure the hub keeps, for both sides of each unit "
      "and the totals (amounts in fen); --csv prints the table for Excel.",
      {ValueOption("from", "DAY",
                   "the period's first day, e.g. 2026-01-01 (with --to)"),
       ValueOption("to", "DAY",
                   "the period's last day, included, e.g. 2026-03-31 (with "
                   "--from)"),
       Optional("month", "YYYY-MM", "a calendar month, e.g. 2026-03"),
       Optional("quarter", "YYYY-QN",
                "a quarter, e.g. 2026-Q1 (January to March)"),
       Optional("year", "YYYY", "a calendar year, e.g. 2026"),
       Optional("unit", "AGENCY",
                "only this unit's figures (an agency that does not supervise "
                "sees only its own in any case)"),
       SwitchOption("csv",
                    "print the table as CSV for Excel: UTF-8 with a byte "
                    "order mark, CRLF line ends, a header row in Chinese")},
      &RunStats);
}

CommandSpec SupervisionLedgerCommand() {
  CommandSpec ledger;
  ledger.name = "supervision ledger";
  ledger.summary =
      "督办台账 (supervising agencies): open referrals overdue, warned or "
      "pressed, unit by unit";
  ledger.description =
      "For agencies the hub's config names supervisors (`supervisor: "
      "true`); any other certificate gets PERMISSION_DENIED. Lists every "
      "open referral that missed a deadline (签收 or feedback), is under a "
      "warning (预警) on its feedback deadline, or was reminded (催办, 督办, "
      "挂牌督办), by recipient, then oldest first: each unit's part reads "
      "from its longest outstanding matter. Columns: the referral, the unit "
      "that holds it, its state, WARN (蓝 blue, 黄 yellow, 红 red), 督办 (the "
      "highest level reminders reached: 催办 urge, 督办 supervise, 挂牌督办 "
      "listed), OVERDUE (which deadlines were missed), the feedback due day "
      "(China Standard Time), the last reminder (when, by whom) and the "
      "lead's subject with the subject's unit. Never the summary, "
      "attachments, feedback or reminder texts.\n"
      "--condition selects: overdue (a missed deadline), warned (any "
      "warning), pressed (reminded at any level), listed (挂牌督办); a "
      "referral in any condition given is listed. --json prints each "
      "referral's transfer as `admin transfers --json` does, with subject, "
      "subject_organization, last_reminded_at and last_reminded_by.";
  OptionSpec condition =
      Optional("condition", "CONDITION[,CONDITION...]",
               "only referrals in this condition: overdue, warned, pressed or "
               "listed, separated by commas or in several --condition");
  condition.repeatable = true;
  ledger.options =
      Concat({Optional("recipient", "AGENCY", "only referrals AGENCY holds"),
              condition},
             Paging("referrals", "50, at most 200"));
  ledger.options.push_back(
      SwitchOption("all", "read every page, one after another"));
  ledger.run = &RunSupervisionLedger;
  return ledger;
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
      "(state submitted). A problem list (问题清单) may carry its numbered "
      "items for the rectification ledger (整改台账) with --items, or get "
      "them later with sxctl rectification add. To send again a referral "
      "the recipient returned (退回), e.g. with the missing material added, "
      "name it with --resubmits: the hub refuses unless you sent it and it "
      "is returned.";
  send.options = Concat({Required("to", "AGENCY", "the recipient agency's id")},
                        ReferralContentOptions());
  // Not in ReferralContentOptions: a distribution sends nothing again.
  send.options.push_back(
      Optional("resubmits", "ID",
               "退回后重新移送: send again a referral you sent and the "
               "recipient returned (退回); the new referral names it"));
  send.options.push_back(RequestId());
  send.run = &RunSend;
  commands.push_back(std::move(send));
  commands.push_back(DistributeCommand());

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
      "can redrive (sxctl admin redrive). DETAIL says what an event adds to "
      "its type: a deadline warning's level (预警: blue 蓝, yellow 黄; red 红 "
      "with a missed feedback deadline), a reminder's level (urge 催办, "
      "supervise 督办, listed 挂牌督办), a method, a related referral, a "
      "reason.";
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
  show.summary =
      "show one referral: lead, attachments, dispositions, feedback, "
      "reminders; with --verify-signatures, its signed steps";
  show.description =
      "Only the sender, the recipient and observers of a referral may read "
      "it. Besides its state and deadlines it shows the feedback deadline's "
      "warning (预警: blue 蓝, yellow 黄, red 红 once missed) and when the "
      "blue and yellow warnings still to come are due; the supervision level "
      "(督办) the reminders reached (urge 催办, supervise 督办, listed "
      "挂牌督办); a kept-pending (暂存待查) referral's review date and since "
      "when its feedback clock is paused; its links: parent, child of a 转办, "
      "children delegated to (交办) and whether it was itself delegated, with "
      "the instructions it was delegated with; every disposition decision "
      "(处置), oldest first, with handler (承办人), approver (审核), approval "
      "reference (文号 or 组务会 minutes), reason, time and review date; the "
      "delegated children each final feedback cites; and each reminder with "
      "its level. With --verify-signatures it also reads the referral's "
      "steps (its events, oldest first) with the signing certificates they "
      "name, and checks each agency's signature of its steps offline against "
      "the CAs of --signing-ca, as `audit verify --signing-ca` does: the "
      "certificate was issued by one of them, valid at the time of the step, "
      "for the agency that acted, and its key signed the step. It then adds "
      "the steps, SIGNED saying \"verified\", \"no\" for an agency's step "
      "without a signature, or nothing for the hub's own, with how many "
      "were signed and by whom (JSON: the referral's \"steps\", with "
      "\"step_signatures\" as `audit verify --json` writes them, and "
      "\"events\"). This proves who asked for each signed step, not that the "
      "hub listed every step: that is what an auditor's export proves. Exit "
      "status 1 names the first event whose signature fails.";
  show.arguments = "ID";
  show.min_arguments = 1;
  show.max_arguments = 1;
  show.options = {
      Optional("attachments-to", "DIR",
               "also fetch attachment contents and write them into DIR "
               "(feedback N's into DIR/feedback-N)"),
      SwitchOption("verify-signatures",
                   "also read the referral's steps and check the agencies' "
                   "signatures of them (needs --signing-ca)"),
      Optional("signing-ca", "FILE",
               "the CA certificates (PEM) that issue agencies' signing "
               "certificates, obtained out of band (with "
               "--verify-signatures)"),
  };
  show.run = &RunShow;
  commands.push_back(std::move(show));

  CommandSpec list;
  list.name = "list";
  list.summary = "list referrals you sent or received, newest first";
  list.description =
      "WARN is the feedback deadline's warning (预警): 蓝 blue and 黄 yellow "
      "as the deadline draws near, 红 red once it is missed, - none.";
  list.options =
      Concat({Choice("role", "ROLE", "which side", {"sent", "received"}, true),
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
      "dispose",
      "处置 (recipient): record the disposition method, its handler and "
      "approval",
      "accepted or disposing → disposing; with kept_pending (暂存待查), "
      "accepted, disposing or kept_pending → kept_pending until the review "
      "date, with the feedback clock paused (sxctl reopen takes it up "
      "again). May be repeated to change the "
      "method; every decision stays on the referral (sxctl show), with the "
      "handler (承办人), approver (审核), approval reference and reason.\n"
      "The hub enforces its config's disposition rules, by default: "
      "closed_without_action needs --approver and --reason, and case_filed "
      "an earlier preliminary_verification on the same referral; it may "
      "also require --handler for every method.\n"
      "Methods: talk_or_inquiry 谈话函询, preliminary_verification "
      "初步核实, kept_pending 暂存待查 (needs --review-date), "
      "closed_without_action 予以了结, case_filed 立案审查调查. 转办 is "
      "`sxctl reroute`, 交办 `sxctl delegate`.",
      {Choice("method", "METHOD", "how the lead is handled",
              Names({DispositionMethod::kTalkOrInquiry,
                     DispositionMethod::kPreliminaryVerification,
                     DispositionMethod::kKeptPending,
                     DispositionMethod::kClosedWithoutAction,
                     DispositionMethod::kCaseFiled}),
              true),
       Optional("handler", "NAME",
                "承办人: who handles it, as your agency's system names them"),
       Optional("approver", "NAME",
                "审核 / 批准人: who approved the decision (required for "
                "closed_without_action unless the hub's config says "
                "otherwise)"),
       Optional("approval-ref", "REF",
                "the approval's reference, e.g. a document number (文号) or "
                "the minutes of the group meeting (组务会) that decided it"),
       Optional("reason", "TEXT",
                "why, e.g. 反映问题查无实据 (required for "
                "closed_without_action unless the hub's config says "
                "otherwise)"),
       Optional("review-date", "DATE",
                "kept_pending only, and required there: when the lead is "
                "reviewed again, a date such as 2026-06-30 (by the end of "
                "that day, China Standard Time) or an RFC 3339 time, in the "
                "future")},
      &RunDispose));
  commands.push_back(Step(
      "reopen",
      "重新启用 (recipient): take a kept-pending (暂存待查) referral up again",
      "kept_pending → disposing. The feedback deadline moves on by the time "
      "the referral was kept pending. Record the new method with sxctl "
      "dispose.",
      {Required("reason", "TEXT", "why, e.g. 收到新的举报材料")}, &RunReopen));
  commands.push_back(Step(
      "delegate",
      "交办/分办 (recipient): hand work to another agency, staying "
      "answerable",
      "The hub creates a child referral from you to AGENCY with the "
      "instructions (the route must be allowed), while this referral stays "
      "accepted or disposing with you: unlike 转办 (sxctl reroute) you answer "
      "for the result. The original sender and the other observers follow "
      "the child too. Its feedback deadline is yours, or --due if earlier. "
      "Your final feedback waits until every child has sent its own or "
      "ended, and may cite them (sxctl feedback --cites). Prints this "
      "referral, whose \"delegated to\" lists its children, then the new "
      "child's id (JSON: the referral; the last of delegated_referral_ids is "
      "the new child).",
      {Required("to", "AGENCY",
                "the agency that is to do the work, e.g. a stationed "
                "discipline group (派驻纪检监察组)"),
       Required("instructions", "TEXT",
                "what is asked of it, e.g. "
                "请对第2项问题开展初步核实并于20日内报告"),
       Optional("due", "DATE",
                "when the child's final feedback is due, if earlier than "
                "yours: a date such as 2026-01-20 (by the end of that day, "
                "China Standard Time) or an RFC 3339 time")},
      &RunDelegate));
  commands.push_back(Step(
      "feedback", "反馈 (recipient): send interim or final feedback",
      "Interim feedback keeps the referral disposing; final feedback moves it "
      "to feedback_sent. Both reach the sender's inbox.\n"
      "Final feedback may report the outcome in figures, which the hub adds "
      "up for statistics: giving any of --case-filed, --disciplined, "
      "--organisational, --judicial, --recovered-yuan and --rectified "
      "reports the outcome, with 0 for the figures not given.\n"
      "On a referral that delegated work (交办, sxctl delegate), final "
      "feedback waits until every child has sent its own or ended, and may "
      "cite the children it builds on with --cites.",
      {Choice("kind", "KIND", "interim or final",
              Names({FeedbackKind::kInterim, FeedbackKind::kFinal}), true),
       Required("text", "TEXT", "the feedback"),
       Attach("attach a file (as for send)"),
       OutcomeCount("case-filed",
                    "final only: persons whose case was filed for review and "
                    "investigation (立案审查调查)"),
       OutcomeCount("disciplined",
                    "final only: persons given party or administrative "
                    "discipline (党纪政务处分)"),
       OutcomeCount("organisational",
                    "final only: persons given organisational measures "
                    "(组织处理: 诫勉, 调整职务, ...)"),
       OutcomeCount("judicial",
                    "final only: persons transferred to judicial organs "
                    "(移送司法机关)"),
       Optional("recovered-yuan", "AMOUNT",
                "final only: amount recovered (追缴 / 挽回损失) in yuan, at "
                "most two decimals, e.g. 12.5"),
       OutcomeCount("rectified",
                    "final only: problems rectified as a result (整改问题)"),
       [] {
         OptionSpec cites =
             Optional("cites", "ID[,ID...]",
                      "final only: delegated (交办) children whose results "
                      "this feedback builds on, separated by commas or in "
                      "several --cites");
         cites.repeatable = true;
         return cites;
       }()},
      &RunFeedback));
  commands.push_back(Step("close", "销号 (sender): confirm and close",
                          "feedback_sent → closed.", {}, &RunClose));
  commands.push_back(Step(
      "reject-feedback",
      "退回补充 (sender): send inadequate final feedback back for more",
      "feedback_sent → disposing; the recipient must send final feedback "
      "again. Every round stays in the referral's feedback, and the feedback "
      "deadline stands again (past it, the hub flags the referral overdue).",
      {Required("reason", "TEXT",
                "what is missing, e.g. 未说明对相关责任人的处理情况")},
      &RunRejectFeedback));
  commands.push_back(
      Step("withdraw", "撤回 (sender): take back a referral not yet accepted",
           "submitted or delivered → withdrawn.",
           {Required("reason", "TEXT", "why it is taken back")}, &RunWithdraw));
  commands.push_back(Step(
      "remind", "催办/督办 (sender or supervisor): remind the recipient",
      "Recorded on the referral and delivered to the recipient's inbox while "
      "the recipient still owes a step. --level says how hard it presses (督办 "
      "escalates): urge 催办 (the default) asks, supervise 督办 demands an "
      "answer by a date, listed 挂牌督办 puts the matter on the supervising "
      "commission's list until it is done; only an agency the hub's config "
      "names supervisor may list. The referral keeps the highest level "
      "reached (sxctl show: supervision).",
      {Required("text", "TEXT", "what is asked of the recipient"),
       Choice("level", "LEVEL",
              "urge (催办, default), supervise (督办) or listed (挂牌督办, "
              "supervisors only)",
              Names({SupervisionLevel::kUrge, SupervisionLevel::kSupervise,
                     SupervisionLevel::kListed}),
              false)},
      &RunRemind));
  AddRectificationCommands(commands);
  AddDistributionCommands(commands);
  commands.push_back(StatsCommand());
  commands.push_back(SupervisionLedgerCommand());
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
