// Which fields of a stored record are its content, encrypted at rest, and
// where the encrypted form goes in the record.
//
// Encrypted: everything in a lead; feedback text and attachments, reminder
// text, who handled and approved a disposition and why
// (DispositionRecord.handler, approver, approval_reference, reason) and a
// delegation's instructions in a referral; a rectification item's problem,
// measures, and each report's text and evidence.
//
// Readable, because routing, deadlines, indexes, statistics or the audit
// chain need them: ids, parties, kinds, states, times, deadlines, warning
// and supervision levels, disposition methods, feedback outcome figures and
// links, rectification item category, responsible unit, status and dates,
// and the reasons given for 退回 / 撤回 / 退回补充 / 转办 and rejected
// rectification reports (Referral.state_reason), which the audit events
// carry too and the event chain commits to.
#pragma once

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "supervision/v1/records.pb.h"
#include "supervision/v1/rectification.pb.h"
#include "supervision/v1/referral.pb.h"

namespace sx::encryption {

// The field number the API reserves in Lead, Referral and
// RectificationItem for their EncryptedContent.
inline constexpr int kEncryptedContentField = 536870000;

// Moves the content fields out of `record` into a message of the same type
// that holds only them, at the same positions in repeated fields.
::supervision::v1::Lead TakeContent(::supervision::v1::Lead& record);
::supervision::v1::Referral TakeContent(::supervision::v1::Referral& record);
::supervision::v1::RectificationItem TakeContent(
    ::supervision::v1::RectificationItem& record);

// Puts content taken by TakeContent back. DATA_LOSS if it does not fit the
// record (more entries than the record's repeated fields have).
absl::Status RestoreContent(const ::supervision::v1::Lead& content,
                            ::supervision::v1::Lead& record);
absl::Status RestoreContent(const ::supervision::v1::Referral& content,
                            ::supervision::v1::Referral& record);
absl::Status RestoreContent(const ::supervision::v1::RectificationItem& content,
                            ::supervision::v1::RectificationItem& record);

// The EncryptedContent a stored record carries, or nullopt if it carries
// none (plain text, e.g. written before encryption was on). DATA_LOSS if
// it does not parse.
absl::StatusOr<std::optional<::supervision::v1::EncryptedContent>>
FindEncryptedContent(const google::protobuf::Message& record);
// Sets the record's EncryptedContent, replacing any it had.
void SetEncryptedContent(const ::supervision::v1::EncryptedContent& sealed,
                         google::protobuf::Message& record);
void ClearEncryptedContent(google::protobuf::Message& record);

}  // namespace sx::encryption
