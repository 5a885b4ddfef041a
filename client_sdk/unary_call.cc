#include "client_sdk/unary_call.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <utility>

#include "absl/time/clock.h"
#include "client_sdk/grpc_status_convert.h"
#include "grpcpp/alarm.h"

namespace sx::client::internal {
namespace {

// When to try again, shared by the blocking and the asynchronous calls, and
// what to report when the attempts are over.
class RetrySchedule {
 public:
  RetrySchedule(const ClientOptions& options,
                std::shared_ptr<ConnectionHistory> history)
      : policy_(options.retry),
        call_timeout_(options.call_timeout),
        history_(std::move(history)),
        backoff_(options.retry.initial_backoff) {}

  // Prepares attempt `number_` (counted from 1) on a fresh context.
  void PrepareAttempt(grpc::ClientContext& context) {
    ++number_;
    context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    // Once the hub has answered, a retry waits (within its deadline) for the
    // channel to reconnect instead of failing at once while the channel is
    // between attempts: that rides out a hub restart, and waiting calls
    // drive the reconnection. Before, a setup mistake is far likelier than
    // a restart, and waiting would hide its cause behind a deadline: retries
    // fail fast, so all attempts take about the sum of the backoff pauses.
    context.set_wait_for_ready(number_ > 1 && history_->answered());
  }

  // Records what `status` says about the connection; true if another
  // attempt should follow.
  bool ShouldRetry(const grpc::Status& status) {
    const grpc::StatusCode code = status.error_code();
    const ConnectionFailure failure = ClassifyConnectionFailure(status);
    // Only a status the hub itself sent proves the connection worked; an
    // UNAVAILABLE that is not classified may be a transport failure too.
    if (code != grpc::StatusCode::UNAVAILABLE &&
        code != grpc::StatusCode::DEADLINE_EXCEEDED &&
        code != grpc::StatusCode::CANCELLED) {
      history_->RecordAnswer();
      last_connection_failure_ = grpc::Status::OK;
    } else if (failure != ConnectionFailure::kNone) {
      last_connection_failure_ = status;
    }
    return (code == grpc::StatusCode::UNAVAILABLE ||
            code == grpc::StatusCode::DEADLINE_EXCEEDED) &&
           ConnectionFailureIsRetryable(failure, *history_) &&
           number_ < policy_.max_attempts;
  }

  // The status to report for the last attempt's `status`. A waiting retry
  // that ran out of time after the connection failed says only "Deadline
  // Exceeded": the connection failure before it is the cause.
  absl::Status Outcome(const grpc::Status& status) const {
    const grpc::Status& cause =
        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED &&
                !last_connection_failure_.ok()
            ? last_connection_failure_
            : status;
    return FromGrpcStatus(ExplainConnectionFailure(
        cause, ClassifyConnectionFailure(cause), *history_));
  }

  // The pause before the next attempt. Full jitter keeps many clients from
  // retrying in lockstep after a hub restart.
  absl::Duration NextPause() {
    thread_local std::minstd_rand jitter(std::random_device{}());
    std::uniform_int_distribution<int64_t> spread(
        0, absl::ToInt64Microseconds(backoff_));
    backoff_ = std::min(backoff_ * 2, policy_.max_backoff);
    return absl::Microseconds(spread(jitter));
  }

 private:
  const RetryPolicy policy_;
  const absl::Duration call_timeout_;
  const std::shared_ptr<ConnectionHistory> history_;
  absl::Duration backoff_;
  int number_ = 0;
  grpc::Status last_connection_failure_;
};

// One asynchronous call across its attempts. It owns itself: it is deleted
// right before `done` runs. Nothing touches it after starting an attempt or
// setting the alarm, because the attempt's completion (and with it the
// deletion) may run at once, on the starting thread.
class RetryingAsyncCall {
 public:
  RetryingAsyncCall(const ClientOptions& options,
                    std::shared_ptr<ConnectionHistory> history,
                    AsyncAttempt attempt,
                    std::function<void(absl::Status)> done)
      : schedule_(options, std::move(history)),
        attempt_(std::make_shared<const AsyncAttempt>(std::move(attempt))),
        done_(std::move(done)) {}

  void StartAttempt() {
    context_ = std::make_unique<grpc::ClientContext>();
    schedule_.PrepareAttempt(*context_);
    // A copy: the call may be deleted before `attempt` returns.
    const std::shared_ptr<const AsyncAttempt> attempt = attempt_;
    (*attempt)(context_.get(),
               [this](grpc::Status status) { AttemptFinished(status); });
  }

 private:
  void AttemptFinished(const grpc::Status& status) {
    if (!schedule_.ShouldRetry(status)) {
      // The context holds the channel: release it before `done` tells the
      // caller that the call is over, or the caller's client (and with it
      // the channel's last other reference) may go first, and gRPC would
      // then tear the channel down on this, its own callback thread.
      const std::function<void(absl::Status)> done = std::move(done_);
      absl::Status outcome = schedule_.Outcome(status);
      delete this;
      done(std::move(outcome));
      return;
    }
    // An alarm is set once; the previous one (if any) has fired, and
    // destroying it while its callback still runs is safe.
    alarm_ = std::make_unique<grpc::Alarm>();
    alarm_->Set(absl::ToChronoTime(absl::Now() + schedule_.NextPause()),
                [this](bool fired) {
                  if (fired) {
                    StartAttempt();
                  } else {  // gRPC is shutting down
                    AttemptFinished(grpc::Status(grpc::StatusCode::CANCELLED,
                                                 "retry cancelled"));
                  }
                });
  }

  RetrySchedule schedule_;
  const std::shared_ptr<const AsyncAttempt> attempt_;
  std::function<void(absl::Status)> done_;
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::Alarm> alarm_;
};

}  // namespace

absl::Status CallWithRetries(
    const ClientOptions& options, std::shared_ptr<ConnectionHistory> history,
    const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
  RetrySchedule schedule(options, std::move(history));
  for (;;) {
    grpc::ClientContext context;
    schedule.PrepareAttempt(context);
    const grpc::Status status = attempt(&context);
    if (!schedule.ShouldRetry(status)) return schedule.Outcome(status);
    absl::SleepFor(schedule.NextPause());
  }
}

void CallWithRetriesAsync(const ClientOptions& options,
                          std::shared_ptr<ConnectionHistory> history,
                          AsyncAttempt attempt,
                          std::function<void(absl::Status)> done) {
  (new RetryingAsyncCall(options, std::move(history), std::move(attempt),
                         std::move(done)))
      ->StartAttempt();
}

}  // namespace sx::client::internal
