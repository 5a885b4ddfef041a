#include "sx/core/request_validation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/core/outcome_figures.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF), as protobuf requires of proto3 strings.
bool IsValidUtf8(absl::string_view text) {
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < kSmallest[length] || code > 0x10FFFF ||
        (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

absl::Status Missing(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}

// Figures belong to the result: interim feedback reports progress in words.
absl::Status CheckOutcome(const v1::Feedback& feedback) {
  if (!feedback.has_outcome()) return absl::OkStatus();
  const v1::FeedbackOutcome& outcome = feedback.outcome();
  if (feedback.kind() != v1::FEEDBACK_KIND_FINAL &&
      outcome.ByteSizeLong() > 0) {
    return absl::InvalidArgumentError(
        "feedback.outcome: only final feedback reports an outcome");
  }
  for (const auto& [name, value] : OutcomeFigures(outcome)) {
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("feedback.outcome.", name, ": ", value, " is negative"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateId(absl::string_view field, absl::string_view id) {
  if (id.empty()) return Missing(field);
  if (id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": longer than ", kMaxIdBytes, " characters"));
  }
  for (char c : id) {
    if (!absl::ascii_isgraph(c)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": only printable ASCII without spaces is allowed"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<size_t> ValidatePageSize(uint32_t requested,
                                        uint32_t default_size,
                                        uint32_t max_size) {
  if (requested > max_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: at most ", max_size));
  }
  return requested == 0 ? default_size : requested;
}

absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          const v1::Limits& limits) {
  if (absl::StripAsciiWhitespace(text).empty()) return Missing(field);
  if (!IsValidUtf8(text)) {
    // Stored text must parse again as a proto3 string, or the referral
    // (and the inbox holding it) could never be read back.
    return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  }
  if (text.size() > limits.max_text_bytes()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(field, ": ", text.size(), " bytes exceed the limit of ",
                     limits.max_text_bytes()));
  }
  return absl::OkStatus();
}

absl::Status SealAttachments(
    absl::string_view field,
    google::protobuf::RepeatedPtrField<v1::Attachment>& attachments,
    const v1::Limits& limits) {
  if (static_cast<uint32_t>(attachments.size()) > limits.max_attachments()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        field, ": ", attachments.size(), " attachments exceed the limit of ",
        limits.max_attachments()));
  }
  for (int i = 0; i < attachments.size(); ++i) {
    v1::Attachment& attachment = attachments[i];
    const std::string where = absl::StrCat(field, "[", i, "]");
    if (absl::StripAsciiWhitespace(attachment.name()).empty()) {
      return Missing(absl::StrCat(where, ".name"));
    }
    if (attachment.content().size() > limits.max_attachment_bytes()) {
      return absl::ResourceExhaustedError(absl::StrCat(
          where, ".content: ", attachment.content().size(),
          " bytes exceed the limit of ", limits.max_attachment_bytes()));
    }
    const std::string digest = Sha256Hex(attachment.content());
    if (!attachment.sha256_hex().empty() &&
        absl::AsciiStrToLower(attachment.sha256_hex()) != digest) {
      return absl::InvalidArgumentError(
          absl::StrCat(where,
                       ".sha256_hex: does not match the content (corrupted in "
                       "transit, or the wrong file)"));
    }
    attachment.set_sha256_hex(digest);
    attachment.set_size_bytes(
        static_cast<int64_t>(attachment.content().size()));
  }
  return absl::OkStatus();
}

absl::Status ValidateOptionalText(absl::string_view field,
                                  absl::string_view text,
                                  const v1::Limits& limits) {
  if (text.size() > limits.max_text_bytes()) {
    return absl::ResourceExhaustedError(absl::StrCat(
        field, ": exceeds the limit of ", limits.max_text_bytes(), " bytes"));
  }
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not valid UTF-8"));
  }
  return absl::OkStatus();
}

absl::Status SealLead(v1::Lead& lead, const v1::Limits& limits) {
  // Fields this hub does not know are not kept: the lead is stored as the
  // hub understands it, and no client can plant a field the storage layer
  // gives a meaning (encryption at rest's reserved number).
  lead.DiscardUnknownFields();
  SX_RETURN_IF_ERROR(ValidateText("lead.subject", lead.subject(), limits));
  SX_RETURN_IF_ERROR(ValidateText("lead.category", lead.category(), limits));
  SX_RETURN_IF_ERROR(ValidateText("lead.summary", lead.summary(), limits));
  SX_RETURN_IF_ERROR(ValidateText("lead.source", lead.source(), limits));
  SX_RETURN_IF_ERROR(ValidateOptionalText("lead.subject_organization",
                                          lead.subject_organization(), limits));
  SX_RETURN_IF_ERROR(ValidateOptionalText("lead.subject_position",
                                          lead.subject_position(), limits));
  if (lead.sensitivity() == v1::SENSITIVITY_UNSPECIFIED ||
      !v1::Sensitivity_IsValid(lead.sensitivity())) {
    return absl::InvalidArgumentError(
        "lead.sensitivity: required (ORDINARY, SENSITIVE or HIGHLY_SENSITIVE)");
  }
  if (lead.urgency() == v1::URGENCY_UNSPECIFIED ||
      !v1::Urgency_IsValid(lead.urgency())) {
    return absl::InvalidArgumentError(
        "lead.urgency: required (NORMAL or FAST_TRACK)");
  }
  return SealAttachments("lead.attachments", *lead.mutable_attachments(),
                         limits);
}

absl::Status SealFeedback(v1::Feedback& feedback, const v1::Limits& limits) {
  if (feedback.kind() != v1::FEEDBACK_KIND_INTERIM &&
      feedback.kind() != v1::FEEDBACK_KIND_FINAL) {
    return absl::InvalidArgumentError(
        "feedback.kind: required (INTERIM or FINAL)");
  }
  SX_RETURN_IF_ERROR(ValidateText("feedback.text", feedback.text(), limits));
  SX_RETURN_IF_ERROR(CheckOutcome(feedback));
  return SealAttachments("feedback.attachments",
                         *feedback.mutable_attachments(), limits);
}

}  // namespace sx::core
