#include "client_sdk/sxctl/referral_content_options.h"

#include <string>
#include <utility>

#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/command_context.h"
#include "client_sdk/sxctl/rectification_items_file.h"

namespace sx::sxctl {

absl::StatusOr<ReferralContent> ReadReferralContent(const Invocation& in) {
  ReferralContent content;
  const absl::Status kind =
      ChoiceOption(in, "kind", &client::ParseReferralKind, &content.kind);
  if (!kind.ok()) return kind;
  client::Lead& lead = content.lead;
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
  absl::StatusOr<std::vector<client::Attachment>> attachments =
      ReadAttachmentFiles(in.Values("attach"));
  if (!attachments.ok()) return attachments.status();
  lead.attachments = *std::move(attachments);
  if (in.Has("items")) {
    if (content.kind != client::ReferralKind::kProblemList) {
      return UsageError("--items goes with --kind problem_list only");
    }
    absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
        ReadRectificationItemsFile(in.Value("items"));
    if (!items.ok()) return items.status();
    content.rectification_items = *std::move(items);
  }
  return content;
}

}  // namespace sx::sxctl
