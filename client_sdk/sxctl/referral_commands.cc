#include "client_sdk/sxctl/referral_commands.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/referral_content_options.h"
#include "client_sdk/sxctl/yuan_amount.h"

namespace sx::sxctl {
namespace {

// Every command that names one referral takes its id first.
const std::string& ReferralId(const CommandContext& context) {
  return context.invocation.arguments.front();
}

// The common tail of every step: print the referral as it is now.
absl::Status PrintResult(const CommandContext& context,
                         absl::StatusOr<client::Referral> referral) {
  if (!referral.ok()) return referral.status();
  context.output.Referral(*referral);
  return absl::OkStatus();
}

// The outcome options of `feedback` and the figure each sets.
struct OutcomeCount {
  const char* option;
  int32_t client::FeedbackOutcome::*figure;
};
constexpr OutcomeCount kOutcomeCounts[] = {
    {"case-filed", &client::FeedbackOutcome::persons_case_filed},
    {"disciplined", &client::FeedbackOutcome::persons_disciplined},
    {"organisational",
     &client::FeedbackOutcome::persons_organisational_measures},
    {"judicial", &client::FeedbackOutcome::persons_transferred_judicial},
    {"rectified", &client::FeedbackOutcome::problems_rectified},
};
constexpr char kRecoveredYuan[] = "recovered-yuan";

// Sets feedback->outcome from the outcome options. Giving any of them
// reports the outcome, with 0 for the figures not given; giving none leaves
// it unreported.
absl::Status OutcomeOptions(const Invocation& in, client::Feedback* feedback) {
  client::FeedbackOutcome& outcome = feedback->outcome;
  bool reported = false;
  for (const OutcomeCount& count : kOutcomeCounts) {
    if (!in.Has(count.option)) continue;
    const uint64_t value = in.Count(count.option);
    if (value > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
      return UsageError(absl::StrCat("--", count.option, " ", value,
                                     " is more than a referral can count"));
    }
    outcome.*count.figure = static_cast<int32_t>(value);
    reported = true;
  }
  if (in.Has(kRecoveredYuan)) {
    const std::string amount = in.Value(kRecoveredYuan);
    if (!ParseYuanAsFen(amount, &outcome.amount_recovered_fen)) {
      return UsageError(absl::StrCat(
          "--", kRecoveredYuan, " '", amount,
          "' is not an amount in yuan with at most two decimals, such as "
          "12.5"));
    }
    reported = true;
  }
  if (reported && feedback->kind != client::FeedbackKind::kFinal) {
    return UsageError(
        "outcome figures (--case-filed, --disciplined, --organisational, "
        "--judicial, --recovered-yuan, --rectified) go with --kind final "
        "only");
  }
  feedback->has_outcome = reported;
  return absl::OkStatus();
}

}  // namespace

absl::Status RunSend(const CommandContext& context) {
  const Invocation& in = context.invocation;
  // An empty id would send a referral of its own, not the one meant.
  if (in.Has("resubmits") && in.Value("resubmits").empty()) {
    return UsageError("--resubmits needs the id of the returned referral");
  }
  absl::StatusOr<ReferralContent> content = ReadReferralContent(in);
  if (!content.ok()) return content.status();
  client::NewReferral referral;
  referral.recipient_agency_id = in.Value("to");
  referral.kind = content->kind;
  referral.lead = std::move(content->lead);
  referral.rectification_items = std::move(content->rectification_items);
  referral.resubmits_referral_id = in.Value("resubmits");
  return PrintResult(context,
                     context.exchange->Submit(referral, RequestOptions(in)));
}

absl::Status RunShow(const CommandContext& context) {
  const Invocation& in = context.invocation;
  // Attachment bytes are only fetched when they are to be written out.
  const bool save = in.Has("attachments-to");
  absl::StatusOr<client::Referral> referral =
      context.exchange->Get(ReferralId(context), save);
  if (!referral.ok()) return referral.status();
  if (!save) {
    context.output.Referral(*referral);
    return absl::OkStatus();
  }
  absl::StatusOr<SavedAttachments> saved =
      SaveAttachments(*referral, in.Value("attachments-to"));
  if (!saved.ok()) return saved.status();
  context.output.Referral(*referral, &*saved);
  return absl::OkStatus();
}

absl::Status RunList(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::ListQuery query;
  query.role = in.Value("role") == "sent" ? client::PartyRole::kSender
                                          : client::PartyRole::kRecipient;
  absl::StatusOr<std::vector<client::ReferralState>> states = StateOptions(in);
  if (!states.ok()) return states.status();
  query.states = *std::move(states);
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(context.exchange->List(query), context.output,
                   &Output::Page);
}

absl::Status RunAccept(const CommandContext& context) {
  return PrintResult(
      context, context.exchange->Accept(ReferralId(context),
                                        RequestOptions(context.invocation)));
}

absl::Status RunReturn(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::ReturnParams params;
  params.referral_id = ReferralId(context);
  params.reason = in.Value("reason");
  return PrintResult(context,
                     context.exchange->Return(params, RequestOptions(in)));
}

absl::Status RunReroute(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::RerouteParams params;
  params.referral_id = ReferralId(context);
  params.target_agency_id = in.Value("to");
  params.reason = in.Value("reason");
  return PrintResult(context,
                     context.exchange->Reroute(params, RequestOptions(in)));
}

absl::Status RunDispose(const CommandContext& context) {
  const Invocation& in = context.invocation;
  absl::StatusOr<client::DispositionMethod> method =
      ParseChoice(&client::ParseDispositionMethod, in.Value("method"));
  if (!method.ok()) return method.status();
  return PrintResult(context,
                     context.exchange->Dispose(ReferralId(context), *method,
                                               RequestOptions(in)));
}

absl::Status RunFeedback(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::Feedback feedback;
  absl::StatusOr<client::FeedbackKind> kind =
      ParseChoice(&client::ParseFeedbackKind, in.Value("kind"));
  if (!kind.ok()) return kind.status();
  feedback.kind = *kind;
  feedback.text = in.Value("text");
  const absl::Status outcome = OutcomeOptions(in, &feedback);
  if (!outcome.ok()) return outcome;
  absl::StatusOr<std::vector<client::Attachment>> attachments =
      ReadAttachmentFiles(in.Values("attach"));
  if (!attachments.ok()) return attachments.status();
  feedback.attachments = *std::move(attachments);
  return PrintResult(
      context, context.exchange->SendFeedback(ReferralId(context), feedback,
                                              RequestOptions(in)));
}

absl::Status RunClose(const CommandContext& context) {
  return PrintResult(
      context, context.exchange->Close(ReferralId(context),
                                       RequestOptions(context.invocation)));
}

absl::Status RunRejectFeedback(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::RejectFeedbackParams params;
  params.referral_id = ReferralId(context);
  params.reason = in.Value("reason");
  return PrintResult(
      context, context.exchange->RejectFeedback(params, RequestOptions(in)));
}

absl::Status RunWithdraw(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::WithdrawParams params;
  params.referral_id = ReferralId(context);
  params.reason = in.Value("reason");
  return PrintResult(context,
                     context.exchange->Withdraw(params, RequestOptions(in)));
}

absl::Status RunRemind(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::RemindParams params;
  params.referral_id = ReferralId(context);
  params.text = in.Value("text");
  return PrintResult(context,
                     context.exchange->Remind(params, RequestOptions(in)));
}

}  // namespace sx::sxctl
