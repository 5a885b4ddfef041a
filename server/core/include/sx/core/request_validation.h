// Field checks for incoming requests, before anything touches storage.
// INVALID_ARGUMENT names the field; RESOURCE_EXHAUSTED names the limit.
// "Seal" functions also fill what the hub computes (attachment digests and
// sizes), after checking what the client claimed.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "supervision/v1/config.pb.h"
#include "supervision/v1/referral.pb.h"

namespace sx::core {

inline constexpr size_t kMaxIdBytes = 128;

// Request and referral ids: 1 to 128 printable ASCII characters.
absl::Status ValidateId(absl::string_view field, absl::string_view id);

// A required free-text field: not blank, within limits.max_text_bytes.
absl::Status ValidateText(absl::string_view field, absl::string_view text,
                          const ::supervision::v1::Limits& limits);

// A listing's page size: `requested`, or `default_size` when 0;
// INVALID_ARGUMENT above `max_size`.
absl::StatusOr<size_t> ValidatePageSize(uint32_t requested,
                                        uint32_t default_size,
                                        uint32_t max_size);

// An optional free-text field: may be empty; else valid UTF-8 within
// limits.max_text_bytes.
absl::Status ValidateOptionalText(absl::string_view field,
                                  absl::string_view text,
                                  const ::supervision::v1::Limits& limits);

// Checks the count, names and sizes of attachments; checks or fills each
// one's SHA-256 and size. `field` names them in errors.
absl::Status SealAttachments(
    absl::string_view field,
    google::protobuf::RepeatedPtrField<::supervision::v1::Attachment>&
        attachments,
    const ::supervision::v1::Limits& limits);

// Checks a lead's required fields, enums and sizes; checks or fills each
// attachment's SHA-256 and size.
absl::Status SealLead(::supervision::v1::Lead& lead,
                      const ::supervision::v1::Limits& limits);

// Checks feedback's kind, text, outcome (final feedback only, no negative
// figures) and attachments; fills attachment digests.
absl::Status SealFeedback(::supervision::v1::Feedback& feedback,
                          const ::supervision::v1::Limits& limits);

}  // namespace sx::core
