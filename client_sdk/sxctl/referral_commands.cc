#include "client_sdk/sxctl/referral_commands.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/audit_verification.h"
#include "client_sdk/sxctl/every_page.h"
#include "client_sdk/sxctl/local_files.h"
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

// The steps that send the referral and --reason and nothing else (退回,
// 退回补充, 撤回, 重新启用): `step` is the ExchangeClient method, `Params`
// its *Params struct.
template <typename Params>
absl::Status RunReasonStep(
    const CommandContext& context,
    absl::StatusOr<client::Referral> (client::ExchangeClient::*step)(
        const Params&, const client::CallOptions&)) {
  Params params;
  params.referral_id = ReferralId(context);
  params.reason = context.invocation.Value("reason");
  return PrintResult(context, (context.exchange->*step)(
                                  params, RequestOptions(context.invocation)));
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

constexpr char kVerifySignatures[] = "verify-signatures";
constexpr char kSigningCa[] = "signing-ca";

// The PEM of --signing-ca if --verify-signatures asks for the steps'
// signatures to be checked, nullopt if it does not. Read before the hub is
// asked, so that a wrong path fails alone.
absl::StatusOr<std::optional<std::string>> SigningCaOption(
    const Invocation& in) {
  if (!in.Has(kSigningCa)) {
    if (!in.Has(kVerifySignatures)) return std::optional<std::string>();
    return UsageError(
        "--verify-signatures needs --signing-ca FILE: the CA certificates "
        "(PEM) that issue agencies' signing certificates");
  }
  // Given alone it would check nothing, which the user did not ask for.
  if (!in.Has(kVerifySignatures)) {
    return UsageError("--signing-ca goes with --verify-signatures only");
  }
  absl::StatusOr<std::string> pem =
      ReadLocalFile(in.Value(kSigningCa), "read signing CA");
  if (!pem.ok()) return pem.status();
  return std::optional<std::string>(*std::move(pem));
}

// Every page of the referral's steps, oldest first, with the signing
// certificates that any page named (each page names those of its own
// events).
absl::StatusOr<client::ReferralSteps> ReadEveryStep(
    client::ExchangeClient& exchange, const std::string& referral_id) {
  client::ReferralStepsQuery query;
  query.referral_id = referral_id;
  std::vector<std::string> certificates;
  absl::StatusOr<client::ReferralSteps> steps =
      ReadEveryPage<client::ReferralSteps, client::ReferralStepsQuery>(
          std::move(query),
          [&exchange, &certificates](const client::ReferralStepsQuery& page)
              -> absl::StatusOr<client::ReferralSteps> {
            absl::StatusOr<client::ReferralSteps> read =
                exchange.ListSteps(page);
            // ReadEveryPage gathers the events alone.
            if (read.ok()) {
              for (std::string& der : read->signing_certificates) {
                certificates.push_back(std::move(der));
              }
            }
            return read;
          },
          &client::ReferralSteps::events);
  if (!steps.ok()) return steps.status();
  steps->signing_certificates = std::move(certificates);
  return steps;
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
  absl::StatusOr<std::optional<std::string>> signing_ca = SigningCaOption(in);
  if (!signing_ca.ok()) return signing_ca.status();
  // Attachment bytes are only fetched when they are to be written out.
  const bool save = in.Has("attachments-to");
  absl::StatusOr<client::Referral> referral =
      context.exchange->Get(ReferralId(context), save);
  if (!referral.ok()) return referral.status();
  // The steps are checked before any attachment is written: a signature
  // that fails fails the command, naming the event, as audit verify does.
  client::ReferralSteps steps;
  std::optional<VerifiedSignatures> signatures;
  if (signing_ca->has_value()) {
    absl::StatusOr<client::ReferralSteps> read =
        ReadEveryStep(*context.exchange, ReferralId(context));
    if (!read.ok()) return read.status();
    steps = *std::move(read);
    absl::StatusOr<VerifiedSignatures> verified =
        VerifyStepSignatures(steps.events, steps.signing_certificates,
                             **signing_ca, "the hub's reply");
    if (!verified.ok()) return verified.status();
    signatures = *std::move(verified);
  }
  std::optional<SavedAttachments> saved;
  if (save) {
    absl::StatusOr<SavedAttachments> written =
        SaveAttachments(*referral, in.Value("attachments-to"));
    if (!written.ok()) return written.status();
    saved = *std::move(written);
  }
  const SavedAttachments* saved_to = saved.has_value() ? &*saved : nullptr;
  if (signatures.has_value()) {
    context.output.ReferralWithSteps(*referral, saved_to, steps.events,
                                     *signatures);
  } else {
    context.output.Referral(*referral, saved_to);
  }
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
  return RunReasonStep(context, &client::ExchangeClient::Return);
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
  client::DisposeParams params;
  params.referral_id = ReferralId(context);
  absl::StatusOr<client::DispositionMethod> method =
      ParseChoice(&client::ParseDispositionMethod, in.Value("method"));
  if (!method.ok()) return method.status();
  params.method = *method;
  params.handler = in.Value("handler");
  params.approver = in.Value("approver");
  params.approval_reference = in.Value("approval-ref");
  params.reason = in.Value("reason");
  const absl::Status review_date = ReviewDateOption(
      in, params.method == client::DispositionMethod::kKeptPending,
      "--method kept_pending", "when the lead is reviewed again",
      &params.review_at);
  if (!review_date.ok()) return review_date;
  return PrintResult(context,
                     context.exchange->Dispose(params, RequestOptions(in)));
}

absl::Status RunReopen(const CommandContext& context) {
  return RunReasonStep(context, &client::ExchangeClient::Reopen);
}

absl::Status RunDelegate(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::DelegateParams params;
  params.referral_id = ReferralId(context);
  params.target_agency_id = in.Value("to");
  params.instructions = in.Value("instructions");
  const absl::Status due = DeadlineOption(in, "due", &params.feedback_due_at);
  if (!due.ok()) return due;
  return PrintIfOk(context.exchange->Delegate(params, RequestOptions(in)),
                   context.output, &Output::Delegated);
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
  absl::StatusOr<std::vector<std::string>> cites =
      IdListOption(in, "cites", "referral");
  if (!cites.ok()) return cites.status();
  if (!cites->empty() && feedback.kind != client::FeedbackKind::kFinal) {
    return UsageError("--cites goes with --kind final only");
  }
  feedback.cites_referral_ids = *std::move(cites);
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
  return RunReasonStep(context, &client::ExchangeClient::RejectFeedback);
}

absl::Status RunWithdraw(const CommandContext& context) {
  return RunReasonStep(context, &client::ExchangeClient::Withdraw);
}

absl::Status RunRemind(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::RemindParams params;
  params.referral_id = ReferralId(context);
  params.text = in.Value("text");
  const absl::Status level =
      ChoiceOption(in, "level", &client::ParseSupervisionLevel, &params.level);
  if (!level.ok()) return level;
  return PrintResult(context,
                     context.exchange->Remind(params, RequestOptions(in)));
}

}  // namespace sx::sxctl
