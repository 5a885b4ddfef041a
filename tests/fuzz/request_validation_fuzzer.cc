// Fuzzes the field checks every request passes before it reaches storage
// (request_validation.h) with protos parsed from arbitrary bytes, as gRPC
// would hand them over, and with small fuzzed limits so that every limit is
// reachable within libFuzzer's input sizes. What passes must really be what
// the checks promise: ids of 1-128 printable ASCII characters, non-blank
// texts within the limit, known enum values, and attachments whose digest
// and size are the hub's own.
//
// Input: 1 byte selecting the check, 4 bytes of limits, then the payload.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/message_differencer.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/base/sha256.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "request_validation_fuzzer: invariant violated: %s\n",
                 what);
    std::abort();
  }
}

bool IsBlank(absl::string_view text) {
  return absl::StripAsciiWhitespace(text).empty();
}

// What ValidateText promises of a text it accepted.
void CheckText(absl::string_view text, const v1::Limits& limits,
               const char* what) {
  Check(!IsBlank(text) && text.size() <= limits.max_text_bytes(), what);
}

void CheckSealedAttachments(
    const google::protobuf::RepeatedPtrField<v1::Attachment>& attachments,
    const v1::Limits& limits) {
  Check(static_cast<uint32_t>(attachments.size()) <= limits.max_attachments(),
        "attachment count within the limit");
  for (const v1::Attachment& attachment : attachments) {
    Check(!IsBlank(attachment.name()), "attachment has a name");
    Check(attachment.content().size() <= limits.max_attachment_bytes(),
          "attachment within the limit");
    Check(attachment.sha256_hex() == Sha256Hex(attachment.content()),
          "sealed attachment carries the hub's digest");
    Check(attachment.size_bytes() ==
              static_cast<int64_t>(attachment.content().size()),
          "sealed attachment carries its real size");
  }
}

// Sealing what is already sealed accepts it and changes nothing: a retry
// of a stored request must seal to the same bytes (request fingerprints).
template <typename Message, typename Seal>
void CheckSealIdempotent(const Message& sealed, const v1::Limits& limits,
                         Seal seal) {
  Message again = sealed;
  Check(seal(again, limits).ok(), "a sealed message seals again");
  Check(google::protobuf::util::MessageDifferencer::Equals(sealed, again),
        "sealing twice changes nothing");
}

void FuzzLead(absl::string_view bytes, const v1::Limits& limits) {
  v1::Lead lead;
  if (!lead.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;  // gRPC would have refused it before the hub saw it
  }
  if (!SealLead(lead, limits).ok()) return;
  CheckText(lead.subject(), limits, "lead.subject accepted");
  CheckText(lead.category(), limits, "lead.category accepted");
  CheckText(lead.summary(), limits, "lead.summary accepted");
  CheckText(lead.source(), limits, "lead.source accepted");
  Check(lead.subject_organization().size() <= limits.max_text_bytes() &&
            lead.subject_position().size() <= limits.max_text_bytes(),
        "optional lead texts within the limit");
  Check(lead.sensitivity() != v1::SENSITIVITY_UNSPECIFIED &&
            v1::Sensitivity_IsValid(lead.sensitivity()),
        "lead.sensitivity known");
  Check(lead.urgency() != v1::URGENCY_UNSPECIFIED &&
            v1::Urgency_IsValid(lead.urgency()),
        "lead.urgency known");
  CheckSealedAttachments(lead.attachments(), limits);
  CheckSealIdempotent(lead, limits, SealLead);
}

void FuzzFeedback(absl::string_view bytes, const v1::Limits& limits) {
  v1::Feedback feedback;
  if (!feedback.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  if (!SealFeedback(feedback, limits).ok()) return;
  Check(feedback.kind() == v1::FEEDBACK_KIND_INTERIM ||
            feedback.kind() == v1::FEEDBACK_KIND_FINAL,
        "feedback.kind known");
  CheckText(feedback.text(), limits, "feedback.text accepted");
  CheckSealedAttachments(feedback.attachments(), limits);
  CheckSealIdempotent(feedback, limits, SealFeedback);
}

void FuzzId(absl::string_view bytes) {
  if (!ValidateId("id", bytes).ok()) return;
  Check(!bytes.empty() && bytes.size() <= kMaxIdBytes, "id length 1-128");
  for (char c : bytes) Check(absl::ascii_isgraph(c), "id printable ASCII");
}

void FuzzText(absl::string_view bytes, const v1::Limits& limits) {
  if (!ValidateText("text", bytes, limits).ok()) return;
  CheckText(bytes, limits, "text accepted");
}

// A whole SubmitReferralRequest as the wire delivers it: sealing its lead
// must not disturb the rest of the request.
void FuzzSubmitRequest(absl::string_view bytes, const v1::Limits& limits) {
  v1::SubmitReferralRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return;
  }
  const v1::SubmitReferralRequest before = request;
  if (!SealLead(*request.mutable_lead(), limits).ok()) return;
  request.clear_lead();
  v1::SubmitReferralRequest rest = before;
  rest.clear_lead();
  Check(google::protobuf::util::MessageDifferencer::Equals(request, rest),
        "sealing the lead changes only the lead");
}

}  // namespace
}  // namespace sx::core

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Protobuf logs every string that is not UTF-8 it refuses to parse.
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kHeader = 5;
  if (size < kHeader) return 0;
  // Small limits (texts up to 255 bytes, attachments up to 1 KiB, up to 7 of
  // them) so that inputs of a few hundred bytes cross them; zero is allowed
  // too, since only the config loader fills defaults.
  supervision::v1::Limits limits;
  limits.set_max_text_bytes(data[1]);
  limits.set_max_attachment_bytes((data[2] | (data[3] << 8)) & 0x7ff);
  limits.set_max_attachments(data[4] & 7);
  const absl::string_view payload(reinterpret_cast<const char*>(data + kHeader),
                                  size - kHeader);
  switch (data[0] % 6) {
    case 0:
      sx::core::FuzzLead(payload, limits);
      break;
    case 1:
      sx::core::FuzzFeedback(payload, limits);
      break;
    case 2:
      sx::core::FuzzId(payload);
      break;
    case 3:
      sx::core::FuzzText(payload, limits);
      break;
    case 4:
      sx::core::FuzzSubmitRequest(payload, limits);
      break;
    default: {
      // The limits of a real config, for long texts near 64 KiB.
      supervision::v1::Limits defaults;
      defaults.set_max_text_bytes(65536);
      defaults.set_max_attachment_bytes(8 << 20);
      defaults.set_max_attachments(20);
      sx::core::FuzzLead(payload, defaults);
    }
  }
  return 0;
}
