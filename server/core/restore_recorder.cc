#include "sx/core/restore_recorder.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/core/referral_steps.h"
#include "sx/base/status_macros.h"

namespace sx::core {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kGenerationWord[] = "generation ";

// The generation a recorded restore's reason names.
uint64_t GenerationIn(const v1::Event& event) {
  const size_t at = event.reason().rfind(kGenerationWord);
  uint64_t generation = 0;
  if (at != std::string::npos) {
    generation = std::strtoull(
        event.reason().c_str() + at + sizeof(kGenerationWord) - 1, nullptr, 10);
  }
  return generation;
}

}  // namespace

absl::StatusOr<RecordedRestore> RecordRestore(
    storage::Store& store, const Clock& clock,
    const storage::BackupMarker& backup) {
  SX_ASSIGN_OR_RETURN(const uint64_t events, store.EventCount());
  if (events > 0) {
    SX_ASSIGN_OR_RETURN(std::vector<v1::Event> last,
                        store.ReadEvents(events, 1));
    if (!last.empty() && last[0].type() == v1::EVENT_TYPE_LOG_RESTORED &&
        absl::StrContains(last[0].reason(), backup.token)) {
      return RecordedRestore{last[0].sequence(), GenerationIn(last[0])};
    }
  }
  RecordedRestore recorded;
  SX_RETURN_IF_ERROR(store.ApplyAndWait([&](storage::Transaction& txn)
                                            -> absl::Status {
    SX_ASSIGN_OR_RETURN(const uint64_t restores, txn.CountRestore());
    v1::Event event;
    event.set_type(v1::EVENT_TYPE_LOG_RESTORED);
    event.set_actor("hub");
    *event.mutable_time() = ToTimestamp(clock.Now());
    event.set_reason(absl::StrCat(
        "restored from the backup written at ",
        absl::FormatTime(absl::RFC3339_sec, backup.written,
                         absl::UTCTimeZone()),
        " (token ", backup.token, "): the events after sequence ", events,
        " were lost with the rest of what was written after the backup; new "
        "referral ids carry ",
        kGenerationWord, restores + 1));
    SX_ASSIGN_OR_RETURN(v1::Event stored,
                        txn.AppendEvent(std::move(event), {}));
    recorded = RecordedRestore{stored.sequence(), restores + 1};
    return absl::OkStatus();
  }));
  return recorded;
}

}  // namespace sx::core
