#include "encryption/content_fields.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/unknown_field_set.h"

namespace sx::encryption {

namespace v1 = ::supervision::v1;
namespace {

// The record has fewer entries in a repeated field than its content: the
// two were not stored together.
absl::Status Mismatch(absl::string_view field) {
  return absl::DataLossError(
      absl::StrCat("encrypted content does not fit its record: more ", field,
                   " entries than the record has"));
}

}  // namespace

v1::Lead TakeContent(v1::Lead& record) {
  v1::Lead content = std::move(record);
  record.Clear();
  return content;
}

v1::Referral TakeContent(v1::Referral& record) {
  v1::Referral content;
  // Stored referrals never embed their lead; if one did, it is content.
  if (record.has_lead()) content.mutable_lead()->Swap(record.mutable_lead());
  record.clear_lead();
  for (v1::Feedback& feedback : *record.mutable_feedback()) {
    v1::Feedback* taken = content.add_feedback();
    taken->set_text(std::move(*feedback.mutable_text()));
    feedback.clear_text();
    taken->mutable_attachments()->Swap(feedback.mutable_attachments());
  }
  for (v1::Reminder& reminder : *record.mutable_reminders()) {
    content.add_reminders()->set_text(std::move(*reminder.mutable_text()));
    reminder.clear_text();
  }
  for (v1::DispositionRecord& disposition : *record.mutable_dispositions()) {
    v1::DispositionRecord* taken = content.add_dispositions();
    taken->set_handler(std::move(*disposition.mutable_handler()));
    taken->set_approver(std::move(*disposition.mutable_approver()));
    taken->set_approval_reference(
        std::move(*disposition.mutable_approval_reference()));
    taken->set_reason(std::move(*disposition.mutable_reason()));
    disposition.clear_handler();
    disposition.clear_approver();
    disposition.clear_approval_reference();
    disposition.clear_reason();
  }
  content.set_delegation_instructions(
      std::move(*record.mutable_delegation_instructions()));
  record.clear_delegation_instructions();
  return content;
}

v1::RectificationItem TakeContent(v1::RectificationItem& record) {
  v1::RectificationItem content;
  content.set_problem(std::move(*record.mutable_problem()));
  record.clear_problem();
  content.mutable_measures()->Swap(record.mutable_measures());
  for (v1::RectificationUpdate& update : *record.mutable_history()) {
    v1::RectificationUpdate* taken = content.add_history();
    taken->set_text(std::move(*update.mutable_text()));
    update.clear_text();
    taken->mutable_evidence()->Swap(update.mutable_evidence());
  }
  return content;
}

absl::Status RestoreContent(const v1::Lead& content, v1::Lead& record) {
  record.MergeFrom(content);
  return absl::OkStatus();
}

absl::Status RestoreContent(const v1::Referral& content, v1::Referral& record) {
  if (content.feedback_size() > record.feedback_size()) {
    return Mismatch("feedback");
  }
  if (content.reminders_size() > record.reminders_size()) {
    return Mismatch("reminder");
  }
  if (content.dispositions_size() > record.dispositions_size()) {
    return Mismatch("disposition");
  }
  for (int i = 0; i < content.feedback_size(); ++i) {
    v1::Feedback& feedback = *record.mutable_feedback(i);
    feedback.set_text(content.feedback(i).text());
    *feedback.mutable_attachments() = content.feedback(i).attachments();
  }
  for (int i = 0; i < content.reminders_size(); ++i) {
    record.mutable_reminders(i)->set_text(content.reminders(i).text());
  }
  for (int i = 0; i < content.dispositions_size(); ++i) {
    const v1::DispositionRecord& taken = content.dispositions(i);
    v1::DispositionRecord& disposition = *record.mutable_dispositions(i);
    disposition.set_handler(taken.handler());
    disposition.set_approver(taken.approver());
    disposition.set_approval_reference(taken.approval_reference());
    disposition.set_reason(taken.reason());
  }
  record.set_delegation_instructions(content.delegation_instructions());
  if (content.has_lead()) *record.mutable_lead() = content.lead();
  return absl::OkStatus();
}

absl::Status RestoreContent(const v1::RectificationItem& content,
                            v1::RectificationItem& record) {
  if (content.history_size() > record.history_size()) {
    return Mismatch("report");
  }
  record.set_problem(content.problem());
  *record.mutable_measures() = content.measures();
  for (int i = 0; i < content.history_size(); ++i) {
    v1::RectificationUpdate& update = *record.mutable_history(i);
    update.set_text(content.history(i).text());
    *update.mutable_evidence() = content.history(i).evidence();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<v1::EncryptedContent>> FindEncryptedContent(
    const google::protobuf::Message& record) {
  const google::protobuf::UnknownFieldSet& unknown =
      record.GetReflection()->GetUnknownFields(record);
  for (int i = 0; i < unknown.field_count(); ++i) {
    const google::protobuf::UnknownField& field = unknown.field(i);
    if (field.number() != kEncryptedContentField) continue;
    v1::EncryptedContent sealed;
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED ||
        !sealed.ParseFromString(field.length_delimited())) {
      return absl::DataLossError(
          absl::StrCat("the encrypted content of a stored ",
                       record.GetTypeName(), " does not parse"));
    }
    return sealed;
  }
  return std::nullopt;
}

void SetEncryptedContent(const v1::EncryptedContent& sealed,
                         google::protobuf::Message& record) {
  ClearEncryptedContent(record);
  record.GetReflection()->MutableUnknownFields(&record)->AddLengthDelimited(
      kEncryptedContentField, sealed.SerializeAsString());
}

void ClearEncryptedContent(google::protobuf::Message& record) {
  record.GetReflection()->MutableUnknownFields(&record)->DeleteByNumber(
      kEncryptedContentField);
}

}  // namespace sx::encryption
