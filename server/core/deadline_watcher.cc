#include "sx/core/deadline_watcher.h"

#include "absl/strings/str_cat.h"
#include "server/core/referral_steps.h"
#include "sx/base/status_macros.h"
#include "sx/core/referral_state_machine.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Deadlines handled per check; the rest wait for the next one.
constexpr size_t kBatch = 500;

// The actor name of the hub's own steps in the event chain.
constexpr char kHubActor[] = "hub";

}  // namespace

DeadlineWatcher::DeadlineWatcher(storage::Store& store, const Clock& clock)
    : store_(store), clock_(clock) {}

DeadlineWatcher::~DeadlineWatcher() { Stop(); }

absl::StatusOr<int> DeadlineWatcher::CheckOnce() {
  const absl::Time now = clock_.Now();
  SX_ASSIGN_OR_RETURN(std::vector<storage::Deadline> due,
                      store_.DeadlinesDue(now, kBatch));
  int flagged = 0;
  for (const storage::Deadline& deadline : due) {
    bool flagged_this = false;
    SX_RETURN_IF_ERROR(
        store_.ApplyAndWait([&](storage::Transaction& txn) -> absl::Status {
          SX_RETURN_IF_ERROR(txn.DeleteDeadline(deadline.kind, deadline.due,
                                                deadline.referral_id));
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                              txn.GetReferral(deadline.referral_id));
          if (!referral.has_value()) return absl::OkStatus();
          const bool accept = deadline.kind == storage::DeadlineKind::kAccept;
          absl::StatusOr<Step> step =
              DecideStep(referral->state(),
                         accept ? Action::kFlagAcceptOverdue
                                : Action::kFlagFeedbackOverdue,
                         Party::kHub);
          // The step was taken meanwhile: the deadline was met after all.
          if (!step.ok()) return absl::OkStatus();
          if (accept) {
            referral->set_accept_overdue(true);
          } else {
            referral->set_feedback_overdue(true);
          }
          referral->set_version(referral->version() + 1);
          *referral->mutable_updated_at() = ToTimestamp(now);
          SX_RETURN_IF_ERROR(txn.UpdateReferral(*referral));
          v1::Event event = NewEvent(step->event, *referral, kHubActor,
                                     referral->state(), "", now);
          event.set_reason(accept ? "accept" : "feedback");
          SX_RETURN_IF_ERROR(
              RecordAndNotify(txn, std::move(event), *referral, step->notify));
          flagged_this = true;
          return absl::OkStatus();
        }));
    if (flagged_this) ++flagged;
  }
  return flagged;
}

void DeadlineWatcher::Start(absl::Duration interval,
                            std::function<void(const absl::Status&)> on_error) {
  thread_ = std::thread([this, interval, on_error = std::move(on_error)] {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval);
        if (stopping_) return;
      }
      absl::StatusOr<int> checked = CheckOnce();
      if (!checked.ok() && on_error) on_error(checked.status());
    }
  });
}

void DeadlineWatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace sx::core
