#include "client_sdk/sxctl/referral_text.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "client_sdk/sxctl/deadline_date.h"
#include "client_sdk/sxctl/rectification_text.h"
#include "client_sdk/sxctl/text_table.h"
#include "client_sdk/sxctl/time_format.h"
#include "client_sdk/sxctl/utf8.h"
#include "client_sdk/sxctl/yuan_amount.h"

namespace sx::sxctl {
namespace {

using client::ReferralState;

constexpr char kArrow[] = " → ";

std::string Route(const client::Referral& referral) {
  return absl::StrCat(referral.sender_agency_id, kArrow,
                      referral.recipient_agency_id);
}

// The recipient still owes acceptance.
bool AwaitsAcceptance(ReferralState state) {
  return state == ReferralState::kSubmitted ||
         state == ReferralState::kDelivered;
}

// The recipient still owes final feedback.
bool AwaitsFeedback(ReferralState state) {
  return AwaitsAcceptance(state) || state == ReferralState::kAccepted ||
         state == ReferralState::kDisposing;
}

std::string Due(absl::Time due, bool owed, absl::Time now) {
  std::string text = FormatTimeSeconds(due);
  if (!text.empty() && owed && now > due) absl::StrAppend(&text, " (overdue)");
  return text;
}

std::string Disposition(client::DispositionMethod method) {
  return method == client::DispositionMethod::kUnspecified
             ? ""
             : client::ToString(method);
}

// 蓝 / 黄 / 红, as the agencies name the stages; "" for none.
std::string WarningColour(client::WarningLevel level) {
  switch (level) {
    case client::WarningLevel::kBlue:
      return "蓝";
    case client::WarningLevel::kYellow:
      return "黄";
    case client::WarningLevel::kRed:
      return "红";
    case client::WarningLevel::kNone:
      break;
  }
  return "";
}

// 催办 / 督办 / 挂牌督办, as the agencies name the levels; "" for none.
std::string SupervisionTerm(client::SupervisionLevel level) {
  switch (level) {
    case client::SupervisionLevel::kUrge:
      return "催办";
    case client::SupervisionLevel::kSupervise:
      return "督办";
    case client::SupervisionLevel::kListed:
      return "挂牌督办";
    case client::SupervisionLevel::kUnspecified:
      break;
  }
  return "";
}

// "yellow (黄)": the SDK's name with the agencies' term; "" without a term.
std::string NameWithTerm(const std::string& name, const std::string& term) {
  return term.empty() ? "" : absl::StrCat(name, " (", term, ")");
}

// `saved_to` may be null, or parallel to `attachments`.
std::string AttachmentTable(const std::vector<client::Attachment>& attachments,
                            const std::vector<std::string>* saved_to) {
  std::vector<std::string> header = {"NAME", "MEDIA TYPE", "BYTES", "SHA-256"};
  if (saved_to != nullptr) header.push_back("SAVED TO");
  TextTable table(header);
  for (size_t i = 0; i < attachments.size(); ++i) {
    const client::Attachment& attachment = attachments[i];
    std::vector<std::string> row = {attachment.name, attachment.media_type,
                                    absl::StrCat(attachment.size_bytes),
                                    attachment.sha256_hex};
    if (saved_to != nullptr && i < saved_to->size()) {
      row.push_back((*saved_to)[i]);
    }
    table.AddRow(row);
  }
  return table.Render();
}

std::string LeadText(const client::Lead& lead, const SavedAttachments* saved) {
  KeyValueBlock block(2);
  block.Add("subject", lead.subject);
  block.Add("subject organization", lead.subject_organization);
  block.Add("subject position", lead.subject_position);
  block.Add("category", lead.category);
  block.Add("summary", lead.summary);
  block.Add("source", lead.source);
  block.Add("sensitivity", client::ToString(lead.sensitivity));
  block.Add("urgency", client::ToString(lead.urgency));
  std::string out = absl::StrCat("\nLead\n", block.Render());
  if (!lead.attachments.empty()) {
    absl::StrAppend(
        &out, "\nAttachments\n",
        Indent(AttachmentTable(lead.attachments,
                               saved != nullptr ? &saved->lead : nullptr),
               2));
  }
  return out;
}

// The figures of final feedback, one per line, named as the agencies count
// them.
std::string OutcomeText(const client::FeedbackOutcome& outcome) {
  const std::vector<std::string> lines = {
      absl::StrCat("立案 case filed ", outcome.persons_case_filed),
      absl::StrCat("处分 disciplined ", outcome.persons_disciplined),
      absl::StrCat("组织处理 organisational measures ",
                   outcome.persons_organisational_measures),
      absl::StrCat("移送司法 transferred to judicial organs ",
                   outcome.persons_transferred_judicial),
      absl::StrCat("追缴 recovered ",
                   FormatFenAsYuan(outcome.amount_recovered_fen), " yuan"),
      absl::StrCat("整改 problems rectified ", outcome.problems_rectified),
  };
  return absl::StrJoin(lines, "\n");
}

std::string FeedbackText(const client::Referral& referral,
                         const SavedAttachments* saved) {
  std::string out = "\nFeedback\n";
  for (size_t i = 0; i < referral.feedback.size(); ++i) {
    const client::Feedback& feedback = referral.feedback[i];
    KeyValueBlock block(2);
    block.Add(absl::StrCat("#", i + 1), client::ToString(feedback.kind));
    block.Add("sent", FormatTimeSeconds(feedback.sent_at));
    block.Add("text", feedback.text);
    block.Add("cites", absl::StrJoin(feedback.cites_referral_ids, ", "));
    if (feedback.has_outcome) {
      block.Add("outcome", OutcomeText(feedback.outcome));
    }
    absl::StrAppend(&out, block.Render());
    if (!feedback.attachments.empty()) {
      const std::vector<std::string>* saved_to =
          saved != nullptr && i < saved->feedback.size() ? &saved->feedback[i]
                                                         : nullptr;
      absl::StrAppend(
          &out, Indent(AttachmentTable(feedback.attachments, saved_to), 4));
    }
  }
  return out;
}

// Every disposition decision, oldest first: who handled it, who approved it
// and on what authority, why, and a kept-pending lead's review date.
std::string DispositionsText(
    const std::vector<client::DispositionRecord>& records) {
  TextTable table({"RECORDED", "METHOD", "HANDLER", "APPROVER", "APPROVAL REF",
                   "REVIEW DATE", "REASON"});
  for (const client::DispositionRecord& record : records) {
    table.AddRow({FormatTimeSeconds(record.recorded_at),
                  Disposition(record.method), record.handler, record.approver,
                  record.approval_reference,
                  FormatDeadlineDay(record.review_at), record.reason});
  }
  return absl::StrCat("\nDispositions\n", Indent(table.Render(), 2));
}

std::string RemindersText(const std::vector<client::Reminder>& reminders) {
  TextTable table({"SENT", "FROM", "LEVEL", "TEXT"});
  for (const client::Reminder& reminder : reminders) {
    table.AddRow({FormatTimeSeconds(reminder.sent_at), reminder.from_agency_id,
                  SupervisionLevelText(reminder.level), reminder.text});
  }
  return absl::StrCat("\nReminders\n", Indent(table.Render(), 2));
}

std::vector<std::string> InboxRow(const client::InboxEntry& entry) {
  // The row describes the event, so it shows the state the event led to;
  // the referral may have moved on since.
  const ReferralState state =
      entry.event.to_state != ReferralState::kUnspecified
          ? entry.event.to_state
          : entry.referral.state;
  return {absl::StrCat(entry.sequence),
          FormatTimeSeconds(entry.event.time),
          client::ToString(entry.event.type),
          entry.referral.referral_id.empty() ? entry.event.referral_id
                                             : entry.referral.referral_id,
          client::ToString(state),
          Route(entry.referral),
          entry.event.actor,
          EventDetailText(entry.event)};
}

}  // namespace

std::string OverdueFlagsText(bool accept_overdue, bool feedback_overdue) {
  std::vector<std::string> missed;
  if (accept_overdue) missed.push_back("accept");
  if (feedback_overdue) missed.push_back("feedback");
  return absl::StrJoin(missed, ", ");
}

std::string WarningLevelText(client::WarningLevel level) {
  return NameWithTerm(client::ToString(level), WarningColour(level));
}

std::string SupervisionLevelText(client::SupervisionLevel level) {
  return NameWithTerm(client::ToString(level), SupervisionTerm(level));
}

std::string SupervisionLevelMark(client::SupervisionLevel level) {
  const std::string term = SupervisionTerm(level);
  return term.empty() ? "-" : term;
}

std::string WarningLevelMark(client::WarningLevel level) {
  const std::string colour = WarningColour(level);
  return colour.empty() ? "-" : colour;
}

std::string EventDetailText(const client::Event& event) {
  std::vector<std::string> parts;
  if (event.warning_level != client::WarningLevel::kNone) {
    parts.push_back(
        absl::StrCat("warning ", WarningLevelText(event.warning_level)));
  }
  if (event.supervision_level != client::SupervisionLevel::kUnspecified) {
    parts.push_back(SupervisionLevelText(event.supervision_level));
  }
  if (event.disposition != client::DispositionMethod::kUnspecified) {
    parts.push_back(client::ToString(event.disposition));
  }
  if (!event.related_referral_id.empty()) {
    parts.push_back(absl::StrCat("related ", event.related_referral_id));
  }
  if (!event.item_numbers.empty()) {
    parts.push_back(
        absl::StrCat(event.item_numbers.size() == 1 ? "item " : "items ",
                     absl::StrJoin(event.item_numbers, ", ")));
  }
  // The hub's warnings name their level in the reason too ("yellow"): once
  // is enough.
  const bool reason_is_level =
      event.warning_level != client::WarningLevel::kNone &&
      event.reason == client::ToString(event.warning_level);
  if (!event.reason.empty() && !reason_is_level) {
    parts.push_back(event.reason);
  }
  return absl::StrJoin(parts, "; ");
}

std::string ReferralText(const client::Referral& referral,
                         const SavedAttachments* saved, absl::Time now) {
  KeyValueBlock block;
  block.Add("referral", referral.referral_id);
  block.Add("kind", client::ToString(referral.kind));
  block.Add("state", client::ToString(referral.state));
  block.Add("state reason", referral.state_reason);
  block.Add("from → to", Route(referral));
  block.Add("urgency", client::ToString(referral.urgency));
  block.Add("disposition", Disposition(referral.disposition));
  block.Add("created", FormatTimeSeconds(referral.created_at));
  block.Add("updated", FormatTimeSeconds(referral.updated_at));
  block.Add("accept due",
            Due(referral.accept_due_at, AwaitsAcceptance(referral.state), now));
  block.Add("feedback due",
            Due(referral.feedback_due_at, AwaitsFeedback(referral.state), now));
  // 预警: the highest warning given, and the ones still to come.
  block.Add("warning", WarningLevelText(referral.warning_level));
  block.Add("blue warning at", FormatTimeSeconds(referral.blue_warning_at));
  block.Add("yellow warning at", FormatTimeSeconds(referral.yellow_warning_at));
  // 督办: the highest level any reminder on it reached.
  block.Add("supervision", SupervisionLevelText(referral.supervision_level));
  // 立案审查调查 reporting periodically: the next report, or a missed one.
  block.Add("next report due",
            referral.report_overdue
                ? absl::StrCat(FormatTimeSeconds(referral.report_due_at),
                               " (missed)")
                : FormatTimeSeconds(referral.report_due_at));
  // Kept pending (暂存待查): the feedback clock stands still until reopened.
  block.Add("review date", FormatDeadlineDay(referral.review_at));
  block.Add("paused since", FormatTimeSeconds(referral.paused_at));
  block.Add("parent", referral.parent_referral_id);
  block.Add("delegated",
            referral.delegated
                ? "yes (交办: the parent's recipient stays answerable)"
                : "");
  block.Add("instructions", referral.delegation_instructions);
  block.Add("child", referral.child_referral_id);
  block.Add("delegated to",
            absl::StrJoin(referral.delegated_referral_ids, ", "));
  block.Add("distribution", referral.distribution_id);
  block.Add("resubmission of", referral.resubmission_of);
  block.Add("observers", absl::StrJoin(referral.observer_agency_ids, ", "));
  if (referral.kind == client::ReferralKind::kProblemList) {
    block.Add("rectification",
              RectificationSummaryLine(referral.rectification));
  }
  block.Add("version", absl::StrCat(referral.version));
  std::string out = block.Render();
  if (referral.has_lead) absl::StrAppend(&out, LeadText(referral.lead, saved));
  if (!referral.dispositions.empty()) {
    absl::StrAppend(&out, DispositionsText(referral.dispositions));
  }
  if (!referral.feedback.empty()) {
    absl::StrAppend(&out, FeedbackText(referral, saved));
  }
  if (!referral.reminders.empty()) {
    absl::StrAppend(&out, RemindersText(referral.reminders));
  }
  return out;
}

std::string DelegatedText(const client::Referral& parent, absl::Time now) {
  std::string out = ReferralText(parent, nullptr, now);
  if (!parent.delegated_referral_ids.empty()) {
    absl::StrAppend(&out, "\nnew child referral ",
                    parent.delegated_referral_ids.back(), "\n");
  }
  return out;
}

std::string ReferralTableText(const std::vector<client::Referral>& referrals,
                              absl::Time now) {
  TextTable table({"REFERRAL", "KIND", "STATE", "FROM → TO", "URGENCY",
                   "ACCEPT DUE", "FEEDBACK DUE", "WARN", "DISPOSITION"});
  for (const client::Referral& referral : referrals) {
    table.AddRow(
        {referral.referral_id, client::ToString(referral.kind),
         client::ToString(referral.state), Route(referral),
         client::ToString(referral.urgency),
         Due(referral.accept_due_at, AwaitsAcceptance(referral.state), now),
         Due(referral.feedback_due_at, AwaitsFeedback(referral.state), now),
         WarningLevelMark(referral.warning_level),
         Disposition(referral.disposition)});
  }
  return table.Render();
}

std::string InboxTableText(const std::vector<client::InboxEntry>& entries) {
  TextTable table({"SEQ", "TIME", "EVENT", "REFERRAL", "NEW STATE", "FROM → TO",
                   "ACTOR", "DETAIL"});
  for (const client::InboxEntry& entry : entries) table.AddRow(InboxRow(entry));
  return table.Render();
}

std::string InboxLineText(const client::InboxEntry& entry) {
  std::vector<std::string> cells = InboxRow(entry);
  for (std::string& cell : cells) {
    cell = absl::StrReplaceAll(TerminalSafe(cell), {{"\n", " "}, {"\t", " "}});
  }
  // Drop a blank detail rather than end the line with separators.
  while (!cells.empty() && cells.back().empty()) cells.pop_back();
  return absl::StrCat(absl::StrJoin(cells, "  "), "\n");
}

}  // namespace sx::sxctl
