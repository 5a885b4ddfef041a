#include "sx/core/restore_recorder.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "sx/base/status_macros.h"
#include "sx/core/timestamps.h"

namespace sx::core {
namespace {

namespace v1 = ::supervision::v1;

// The generation recorded with an earlier restore of the same backup.
absl::StatusOr<std::string> StoredGeneration(storage::Store& store) {
  std::string generation;
  SX_RETURN_IF_ERROR(
      store.ApplyAndWait([&](storage::Transaction& txn) -> absl::Status {
        SX_ASSIGN_OR_RETURN(generation, txn.IdGeneration());
        return absl::OkStatus();
      }));
  return generation;
}

}  // namespace

absl::StatusOr<RecordedRestore> RecordRestore(
    storage::Store& store, const Clock& clock,
    const storage::BackupMarker& backup,
    const std::vector<std::string>& agencies) {
  SX_ASSIGN_OR_RETURN(const uint64_t events, store.EventCount());
  if (events > 0) {
    SX_ASSIGN_OR_RETURN(std::vector<v1::Event> last,
                        store.ReadEvents(events, 1));
    if (!last.empty() && last[0].type() == v1::EVENT_TYPE_LOG_RESTORED &&
        absl::StrContains(last[0].reason(), backup.token)) {
      SX_ASSIGN_OR_RETURN(std::string generation, StoredGeneration(store));
      return RecordedRestore{last[0].sequence(), std::move(generation)};
    }
  }
  const absl::Time now = clock.Now();
  // To the microsecond, so that two restores never share a generation.
  const std::string generation = absl::StrCat(
      "r", absl::FormatTime("%Y%m%d%H%M%S", now, absl::UTCTimeZone()),
      absl::StrFormat("%06d", absl::ToUnixMicros(now) % 1000000));
  const uint64_t next_inbox_sequence =
      static_cast<uint64_t>(absl::ToUnixMicros(now));
  RecordedRestore recorded;
  SX_RETURN_IF_ERROR(store.ApplyAndWait([&](storage::Transaction& txn)
                                            -> absl::Status {
    SX_RETURN_IF_ERROR(txn.SetIdGeneration(generation));
    for (const std::string& agency : agencies) {
      SX_RETURN_IF_ERROR(txn.AdvanceInboxSequence(agency, next_inbox_sequence));
    }
    v1::Event event;
    event.set_type(v1::EVENT_TYPE_LOG_RESTORED);
    event.set_actor("hub");
    *event.mutable_time() = ToTimestamp(now);
    event.set_reason(absl::StrCat(
        "restored from the backup written at ",
        absl::FormatTime(absl::RFC3339_sec, backup.written,
                         absl::UTCTimeZone()),
        " (token ", backup.token, "): the events after sequence ", events,
        " were lost with the rest of what was written after the backup; new "
        "referral ids carry generation ",
        generation, " and inbox sequences continue from ",
        next_inbox_sequence));
    SX_ASSIGN_OR_RETURN(v1::Event stored,
                        txn.AppendEvent(std::move(event), {}));
    recorded = RecordedRestore{stored.sequence(), generation};
    return absl::OkStatus();
  }));
  return recorded;
}

}  // namespace sx::core
