// The PostgreSQL store's own conversions (the shared ones are in
// stored_records.h, which this includes).
#pragma once

#include "storage/stored_records.h"
#include "sx/storage/store.h"

namespace sx::storage {

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
