#include "sx/core/deadline_watcher.h"

#include "absl/strings/str_cat.h"
#include "server/core/rectification_ledger.h"
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

// Flags a ledger item still 整改中 at its due date: the referral state
// machine says whether the hub may (the list has not ended), the item table
// whether the item still owes its rectification. Returns whether it did.
absl::StatusOr<bool> FlagItemOverdue(storage::Transaction& txn,
                                     v1::Referral& referral,
                                     uint32_t item_number, absl::Time now) {
  absl::StatusOr<Step> step = DecideStep(
      referral.state(), Action::kFlagRectificationOverdue, Party::kHub);
  if (!step.ok()) return false;  // the list ended meanwhile
  absl::StatusOr<v1::RectificationItem> item =
      TakeItemStep(txn, referral, item_number, ItemStep::kFlagOverdue,
                   kHubActor, ItemStepDetails(), now);
  // Reported meanwhile: the deadline was met after all. (No such item can
  // only be a damaged index; dropping its entry is all there is to do.)
  if (absl::IsFailedPrecondition(item.status()) ||
      absl::IsInvalidArgument(item.status())) {
    return false;
  }
  SX_RETURN_IF_ERROR(item.status());
  referral.set_version(referral.version() + 1);
  *referral.mutable_updated_at() = ToTimestamp(now);
  SX_RETURN_IF_ERROR(txn.UpdateReferral(referral));
  v1::Event event =
      NewEvent(step->event, referral, kHubActor, referral.state(), "", now);
  event.add_item_numbers(item_number);
  event.set_reason("rectification");
  SX_RETURN_IF_ERROR(
      RecordAndNotify(txn, std::move(event), referral, step->notify));
  return true;
}

// Whether a deadline index entry due at `due` is the one the referral still
// plans at `planned` (the index keeps whole seconds; an entry left behind by
// a moved or cleared plan is not).
bool StillPlanned(bool has_planned, const google::protobuf::Timestamp& planned,
                  absl::Time due) {
  return has_planned && absl::ToUnixSeconds(FromTimestamp(planned)) ==
                            absl::ToUnixSeconds(due);
}

// Reminds the recipient that a kept-pending (暂存待查) lead is due for
// review. Returns whether it did: a lead reopened meanwhile, or given a new
// review date, needs no reminder for this one.
absl::StatusOr<bool> RemindOfReview(storage::Transaction& txn,
                                    const v1::Referral& referral,
                                    absl::Time due, absl::Time now) {
  absl::StatusOr<Step> step =
      DecideStep(referral.state(), Action::kFlagReviewDue, Party::kHub);
  if (!step.ok() ||
      !StillPlanned(referral.has_review_at(), referral.review_at(), due)) {
    return false;
  }
  v1::Event event =
      NewEvent(step->event, referral, kHubActor, referral.state(), "", now);
  event.set_reason("review");
  SX_RETURN_IF_ERROR(
      RecordAndNotify(txn, std::move(event), referral, step->notify));
  return true;
}

// Gives a staged warning (预警) on the feedback deadline, if the referral
// still owes final feedback and this warning is still the one planned (a
// pause moves warnings on; a warning already given or outranked is not
// given again). Returns whether it did.
absl::StatusOr<bool> WarnOfDeadline(storage::Transaction& txn,
                                    v1::Referral& referral,
                                    const storage::Deadline& deadline,
                                    const HubConfig& config, absl::Time now) {
  const bool blue = deadline.kind == storage::DeadlineKind::kBlueWarning;
  const v1::WarningLevel level =
      blue ? v1::WARNING_LEVEL_BLUE : v1::WARNING_LEVEL_YELLOW;
  const google::protobuf::Timestamp& planned =
      blue ? referral.blue_warning_at() : referral.yellow_warning_at();
  absl::StatusOr<Step> step =
      DecideStep(referral.state(), Action::kFlagWarning, Party::kHub);
  const bool this_warning = StillPlanned(
      blue ? referral.has_blue_warning_at() : referral.has_yellow_warning_at(),
      planned, deadline.due);
  if (!step.ok() || !this_warning || referral.warning_level() >= level) {
    return false;
  }
  if (blue) {
    referral.clear_blue_warning_at();
  } else {
    referral.clear_yellow_warning_at();
  }
  referral.set_warning_level(level);
  referral.set_version(referral.version() + 1);
  *referral.mutable_updated_at() = ToTimestamp(now);
  SX_RETURN_IF_ERROR(txn.UpdateReferral(referral));
  v1::Event event =
      NewEvent(step->event, referral, kHubActor, referral.state(), "", now);
  event.set_warning_level(level);
  event.set_reason(blue ? "blue" : "yellow");
  SX_RETURN_IF_ERROR(RecordAndNotify(txn, std::move(event), referral,
                                     step->notify, config.supervisor_ids()));
  return true;
}

// A case under review (立案审查调查) missed its periodic report: red, if the
// report is still the one planned (each report sets the next). Returns
// whether it flagged.
absl::StatusOr<bool> FlagMissedReport(storage::Transaction& txn,
                                      v1::Referral& referral, absl::Time due,
                                      const HubConfig& config, absl::Time now) {
  absl::StatusOr<Step> step =
      DecideStep(referral.state(), Action::kFlagReportOverdue, Party::kHub);
  if (!step.ok() || !StillPlanned(referral.has_report_due_at(),
                                  referral.report_due_at(), due)) {
    return false;
  }
  referral.set_report_overdue(true);
  referral.set_version(referral.version() + 1);
  *referral.mutable_updated_at() = ToTimestamp(now);
  SX_RETURN_IF_ERROR(txn.UpdateReferral(referral));
  v1::Event event =
      NewEvent(step->event, referral, kHubActor, referral.state(), "", now);
  event.set_reason("report");
  event.set_warning_level(v1::WARNING_LEVEL_RED);
  SX_RETURN_IF_ERROR(RecordAndNotify(txn, std::move(event), referral,
                                     step->notify, config.supervisor_ids()));
  return true;
}

}  // namespace

DeadlineWatcher::DeadlineWatcher(
    storage::Store& store, const Clock& clock,
    std::function<std::shared_ptr<const HubConfig>()> config)
    : store_(store), clock_(clock), config_(std::move(config)) {}

DeadlineWatcher::~DeadlineWatcher() { Stop(); }

absl::StatusOr<int> DeadlineWatcher::CheckOnce() {
  const absl::Time now = clock_.Now();
  const std::shared_ptr<const HubConfig> config = config_();
  SX_ASSIGN_OR_RETURN(std::vector<storage::Deadline> due,
                      store_.DeadlinesDue(now, kBatch));
  int flagged = 0;
  for (const storage::Deadline& deadline : due) {
    bool flagged_this = false;
    SX_RETURN_IF_ERROR(
        store_.ApplyAndWait([&](storage::Transaction& txn) -> absl::Status {
          if (deadline.kind == storage::DeadlineKind::kRectificationItem) {
            SX_RETURN_IF_ERROR(txn.DeleteItemDeadline(
                deadline.due, deadline.referral_id, deadline.item_number));
          } else {
            SX_RETURN_IF_ERROR(txn.DeleteDeadline(deadline.kind, deadline.due,
                                                  deadline.referral_id));
          }
          SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                              txn.GetReferral(deadline.referral_id));
          if (!referral.has_value()) return absl::OkStatus();
          if (deadline.kind == storage::DeadlineKind::kRectificationItem) {
            SX_ASSIGN_OR_RETURN(
                flagged_this,
                FlagItemOverdue(txn, *referral, deadline.item_number, now));
            return absl::OkStatus();
          }
          if (deadline.kind == storage::DeadlineKind::kBlueWarning ||
              deadline.kind == storage::DeadlineKind::kYellowWarning) {
            SX_ASSIGN_OR_RETURN(
                flagged_this,
                WarnOfDeadline(txn, *referral, deadline, *config, now));
            return absl::OkStatus();
          }
          if (deadline.kind == storage::DeadlineKind::kReport) {
            SX_ASSIGN_OR_RETURN(
                flagged_this,
                FlagMissedReport(txn, *referral, deadline.due, *config, now));
            return absl::OkStatus();
          }
          if (deadline.kind == storage::DeadlineKind::kReview) {
            SX_ASSIGN_OR_RETURN(
                flagged_this,
                RemindOfReview(txn, *referral, deadline.due, now));
            return absl::OkStatus();
          }
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
            // 红: the last stage of the warnings; none is left to come.
            referral->set_feedback_overdue(true);
            referral->set_warning_level(v1::WARNING_LEVEL_RED);
            SX_RETURN_IF_ERROR(DeleteWarningDeadlines(txn, *referral));
            referral->clear_blue_warning_at();
            referral->clear_yellow_warning_at();
          }
          referral->set_version(referral->version() + 1);
          *referral->mutable_updated_at() = ToTimestamp(now);
          SX_RETURN_IF_ERROR(txn.UpdateReferral(*referral));
          v1::Event event = NewEvent(step->event, *referral, kHubActor,
                                     referral->state(), "", now);
          event.set_reason(accept ? "accept" : "feedback");
          if (!accept) event.set_warning_level(v1::WARNING_LEVEL_RED);
          // The step says whether the supervisors hear it (红 they do).
          SX_RETURN_IF_ERROR(RecordAndNotify(txn, std::move(event), *referral,
                                             step->notify,
                                             config->supervisor_ids()));
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
