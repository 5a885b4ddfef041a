#include "client_sdk/sxctl/admin_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "client_sdk/sxctl/referral_text.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"

namespace sx::sxctl {
namespace {

std::string Since(absl::Time then, absl::Time now) {
  return then == absl::InfinitePast() ? "" : AgeText(now - then);
}

std::string StateCountTable(const std::vector<client::StateCount>& counts) {
  TextTable table({"STATE", "COUNT"});
  for (const client::StateCount& entry : counts) {
    table.AddRow({client::ToString(entry.state), absl::StrCat(entry.count)});
  }
  return table.Render();
}

// One row per recipient holding an open referral in a condition the
// supervising agencies watch; pressed ones by the highest level reached.
std::string RecipientConditionsTable(
    const std::vector<client::RecipientConditions>& recipients) {
  if (recipients.empty()) {
    return "no open referral overdue, warned or pressed\n";
  }
  TextTable table(
      {"RECIPIENT", "OVERDUE", "蓝", "黄", "红", "催办", "督办", "挂牌"});
  for (const client::RecipientConditions& recipient : recipients) {
    table.AddRow(
        {recipient.agency_id, absl::StrCat(recipient.overdue),
         absl::StrCat(recipient.blue_warnings),
         absl::StrCat(recipient.yellow_warnings),
         absl::StrCat(recipient.red_warnings), absl::StrCat(recipient.urged),
         absl::StrCat(recipient.supervised), absl::StrCat(recipient.listed)});
  }
  return table.Render();
}

std::string Disposition(client::DispositionMethod method) {
  return method == client::DispositionMethod::kUnspecified
             ? ""
             : client::ToString(method);
}

}  // namespace

std::string AgeText(absl::Duration age) {
  if (age < absl::ZeroDuration()) age = absl::ZeroDuration();
  const int64_t seconds = absl::ToInt64Seconds(age);
  if (seconds < 60) return absl::StrCat(seconds, "s");
  if (seconds < 3600) {
    return absl::StrFormat("%dm%02ds", seconds / 60, seconds % 60);
  }
  if (seconds < 86400) {
    return absl::StrFormat("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }
  return absl::StrFormat("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
}

std::string TransferTableText(
    const std::vector<client::TransferSummary>& transfers) {
  TextTable table({"REFERRAL", "KIND", "STATE", "FROM → TO", "URGENCY",
                   "CREATED", "ACCEPT DUE", "FEEDBACK DUE", "OVERDUE", "WARN",
                   "督办", "DISPOSITION", "FB", "REM"});
  for (const client::TransferSummary& transfer : transfers) {
    table.AddRow(
        {transfer.referral_id, client::ToString(transfer.kind),
         client::ToString(transfer.state),
         absl::StrCat(transfer.sender_agency_id, " → ",
                      transfer.recipient_agency_id),
         client::ToString(transfer.urgency),
         FormatTimeSeconds(transfer.created_at),
         FormatTimeSeconds(transfer.accept_due_at),
         FormatTimeSeconds(transfer.feedback_due_at),
         OverdueFlagsText(transfer.accept_overdue, transfer.feedback_overdue),
         WarningLevelMark(transfer.warning_level),
         SupervisionLevelMark(transfer.supervision_level),
         Disposition(transfer.disposition),
         absl::StrCat(transfer.feedback_count),
         absl::StrCat(transfer.reminder_count)});
  }
  return table.Render();
}

std::string InboxStatsTableText(const std::vector<client::InboxStats>& inboxes,
                                absl::Time now) {
  TextTable table(
      {"INBOX", "DEPTH", "OLDEST", "STREAMS", "DEAD LETTERS", "LAST SEQ"});
  for (const client::InboxStats& inbox : inboxes) {
    table.AddRow({inbox.agency_id, absl::StrCat(inbox.depth),
                  Since(inbox.oldest_unacknowledged_at, now),
                  absl::StrCat(inbox.connected_streams),
                  absl::StrCat(inbox.dead_letters),
                  absl::StrCat(inbox.last_sequence)});
  }
  return table.Render();
}

std::string DeadLetterTableText(
    const std::vector<client::DeadLetter>& letters) {
  TextTable table({"INBOX", "SEQ", "EVENT", "REFERRAL", "ATTEMPTS",
                   "DEAD-LETTERED", "DETAIL"});
  for (const client::DeadLetter& letter : letters) {
    table.AddRow({letter.agency_id, absl::StrCat(letter.sequence),
                  client::ToString(letter.event.type), letter.event.referral_id,
                  absl::StrCat(letter.delivery_attempts),
                  FormatTimeSeconds(letter.dead_lettered_at),
                  EventDetailText(letter.event)});
  }
  return table.Render();
}

std::string TransferCountsText(const client::TransferCounts& counts) {
  TextTable routes({"FROM TYPE → TO TYPE", "COUNT"});
  for (const client::RouteCount& entry : counts.by_route) {
    routes.AddRow({absl::StrCat(entry.sender_type, " → ", entry.recipient_type),
                   absl::StrCat(entry.count)});
  }
  return absl::StrCat(StateCountTable(counts.by_state), "\n", routes.Render(),
                      "\nopen and overdue: ", counts.overdue_open, "\n\n",
                      RecipientConditionsTable(counts.by_recipient));
}

std::string HubStatusText(const client::HubStatus& status, absl::Time now) {
  KeyValueBlock block;
  block.Add("hub", status.hub_id);
  block.Add("version", status.version);
  block.Add("started", FormatTimeSeconds(status.started_at));
  block.Add("uptime", Since(status.started_at, now));
  block.Add("storage", status.storage);
  block.Add("agencies", absl::StrCat(status.agencies));
  block.Add("referrals", absl::StrCat(status.referrals));
  block.Add("events", absl::StrCat(status.events));
  if (!status.encryption.has_value()) {
    block.Add("encryption", "off (contents stored in plain text)");
    return block.Render();
  }
  block.Add("encryption", status.encryption->cipher);
  for (const client::KeyUse& key : status.encryption->keys) {
    block.Add(absl::StrCat("key ", key.name),
              absl::StrCat(key.fingerprint, ", ", key.records,
                           key.records == 1 ? " record" : " records",
                           key.current ? " (current)" : ""));
  }
  return block.Render();
}

std::string TopFrameText(const TopFrame& frame) {
  const client::HubStatus& status = frame.status;
  const std::string throughput =
      frame.events_per_second.has_value()
          ? absl::StrFormat("%.2f events/s", *frame.events_per_second)
          : "- events/s";
  const client::RecipientConditions totals = ConditionTotals(frame.counts);
  return absl::StrCat(
      "sxhub ", status.hub_id, " ", status.version, "  up ",
      Since(status.started_at, frame.taken), "  storage ", status.storage, "  ",
      FormatTimeSeconds(frame.taken), "\n", "referrals ", status.referrals,
      "  events ", status.events, "  ", throughput, "  open overdue ",
      frame.counts.overdue_open, "\n", "warnings 蓝 ", totals.blue_warnings,
      "  黄 ", totals.yellow_warnings, "  红 ", totals.red_warnings,
      "  挂牌督办 ", totals.listed, "\n\n",
      InboxStatsTableText(frame.inboxes, frame.taken), "\n",
      StateCountTable(frame.counts.by_state));
}

}  // namespace sx::sxctl
