// Grows a hub's history for sxscale: referrals between several agency pairs
// submitted through ExchangeCore with many in flight (so that the store's
// group commit batches them), and for one in ten the recipient's 签收 →
// 处置 → final feedback with an outcome, so that counters of every common
// kind exist. A fake clock spreads the referrals evenly over a span of
// simulated time, so that statistics counters exist in every day and month
// bucket of it.
//
//   HistoryFill fill(exchange, clock, /*max_in_flight=*/512);
//   absl::Status filled = fill.Run(/*first=*/0, /*last=*/10000, from, to);
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sx/core/clock.h"
#include "sx/core/exchange_core.h"

namespace sx::bench {

// The agency ids HistoryFill sends between: those of
// sx/core/testing/test_config.h.
inline constexpr const char* kScaleAgencies[] = {
    "discipline-commission", "inspection-office", "organization-dept",
    "audit-bureau", "stationed-education"};

// What one Run did.
struct FillCounts {
  uint64_t referrals = 0;
  // Accept, dispose and final-feedback steps.
  uint64_t steps = 0;
};

// Not thread-safe: one Run at a time. Its callbacks run on the store's
// completion thread and only hand work back to the thread inside Run.
class HistoryFill {
 public:
  HistoryFill(core::ExchangeCore& exchange, core::FakeClock& clock,
              int max_in_flight);

  HistoryFill(const HistoryFill&) = delete;
  HistoryFill& operator=(const HistoryFill&) = delete;

  // Submits referrals numbered [first, last) (numbers make request ids
  // and choose pairs, so later calls continue the series) at times spread
  // evenly over [from, to), and their follow-up steps; returns once all are
  // durable, with the clock at `to`. Stops at the first failed call.
  absl::Status Run(uint64_t first, uint64_t last, absl::Time from,
                   absl::Time to);

  FillCounts counts() const;

 private:
  // A step owed on a referral whose previous step is durable.
  struct FollowUp {
    uint64_t number;
    std::string referral_id;
    std::string recipient;
    // 0 accept, 1 dispose, 2 final feedback.
    int stage;
  };

  void Submit(uint64_t number);
  void TakeStep(FollowUp follow_up);
  // Records a finished call; queues `next` if it is set and all went well.
  void Finished(const absl::Status& status, std::optional<FollowUp> next);
  // The clock is moved only forward, to `time`.
  void MoveClockTo(absl::Time time);

  core::ExchangeCore& exchange_;
  core::FakeClock& clock_;
  const int max_in_flight_;

  mutable absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<FollowUp> ready_ ABSL_GUARDED_BY(mu_);
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
  FillCounts counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::bench
