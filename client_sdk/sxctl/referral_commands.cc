#include "client_sdk/sxctl/referral_commands.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "client_sdk/sxctl/attachment_files.h"

namespace sx::sxctl {
namespace {

client::CallOptions RequestOptions(const Invocation& invocation) {
  client::CallOptions options;
  options.request_id = invocation.Value("request-id");
  return options;
}

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

}  // namespace

absl::Status RunSend(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::NewReferral referral;
  referral.recipient_agency_id = in.Value("to");
  const absl::Status kind =
      ChoiceOption(in, "kind", &client::ParseReferralKind, &referral.kind);
  if (!kind.ok()) return kind;
  client::Lead& lead = referral.lead;
  lead.subject = in.Value("subject");
  lead.subject_organization = in.Value("subject-org");
  lead.subject_position = in.Value("subject-position");
  lead.category = in.Value("category");
  lead.summary = in.Value("summary");
  lead.source = in.Value("source");
  absl::StatusOr<client::Sensitivity> sensitivity =
      ParseChoice(&client::ParseSensitivity, in.Value("sensitivity"));
  if (!sensitivity.ok()) return sensitivity.status();
  lead.sensitivity = *sensitivity;
  absl::StatusOr<client::Urgency> urgency = ParseChoice(
      &client::ParseUrgency, in.Has("urgency")
                                 ? in.Value("urgency")
                                 : client::ToString(client::Urgency::kNormal));
  if (!urgency.ok()) return urgency.status();
  lead.urgency = *urgency;
  // Read every file before calling, so that a typo sends nothing.
  absl::StatusOr<std::vector<client::Attachment>> attachments =
      ReadAttachmentFiles(in.Values("attach"));
  if (!attachments.ok()) return attachments.status();
  lead.attachments = *std::move(attachments);
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
