// Small conversions shared by the PostgreSQL store's reads and writes.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "sx/storage/store.h"

namespace sx::storage {

// A stored record that does not parse is damage (DATA_LOSS), as in RocksDB.
template <typename Message>
absl::StatusOr<Message> ParseRecord(const std::string& bytes,
                                    absl::string_view what) {
  Message message;
  if (!message.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("storage: stored ", what, " does not parse"));
  }
  return message;
}

// The deadlines table's `kind` column, for a DBA's reports.
inline const char* DeadlineKindName(DeadlineKind kind) {
  switch (kind) {
    case DeadlineKind::kAccept:
      return "accept";
    case DeadlineKind::kFeedback:
      return "feedback";
    case DeadlineKind::kRectificationItem:
      return "rectification_item";
    case DeadlineKind::kReview:
      return "review";
    case DeadlineKind::kBlueWarning:
      return "blue_warning";
    case DeadlineKind::kYellowWarning:
      return "yellow_warning";
    case DeadlineKind::kReport:
      return "report";
  }
  return "unknown";
}

}  // namespace sx::storage
