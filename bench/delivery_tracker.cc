#include "bench/delivery_tracker.h"

#include <algorithm>

namespace sx::bench {

void DeliveryTracker::Submitted(const std::string& referral_id,
                                Clock::time_point sent, bool measured) {
  absl::MutexLock lock(&mu_);
  auto early = early_.find(referral_id);
  if (early == early_.end()) {
    if (measured) {
      waiting_[referral_id] = sent;
    } else {
      unmeasured_.insert(referral_id);
    }
    return;
  }
  if (measured) {
    latencies_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(early->second -
                                                             sent)
            .count());
    last_arrival_ = std::max(last_arrival_, early->second);
  }
  early_.erase(early);
}

void DeliveryTracker::Arrived(const std::string& referral_id,
                              Clock::time_point arrived) {
  absl::MutexLock lock(&mu_);
  if (auto waiting = waiting_.find(referral_id); waiting != waiting_.end()) {
    latencies_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(arrived -
                                                             waiting->second)
            .count());
    last_arrival_ = std::max(last_arrival_, arrived);
    waiting_.erase(waiting);
    return;
  }
  if (unmeasured_.erase(referral_id) > 0) return;
  early_[referral_id] = arrived;
}

bool DeliveryTracker::WaitForAll(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  return mu_.AwaitWithTimeout(
      absl::Condition(this, &DeliveryTracker::AllArrived), timeout);
}

DeliveryReport DeliveryTracker::Report(Clock::time_point measure_start) {
  absl::MutexLock lock(&mu_);
  DeliveryReport report;
  report.delivered = latencies_ns_.size();
  report.missing = waiting_.size();
  if (report.delivered > 0) {
    report.elapsed_seconds =
        std::chrono::duration<double>(last_arrival_ - measure_start).count();
  }
  // What never arrived counts as late as it is by now, so that the
  // percentiles are lower bounds rather than flattering.
  std::vector<int64_t> latencies = latencies_ns_;
  const Clock::time_point now = Clock::now();
  for (const auto& [referral_id, sent] : waiting_) {
    latencies.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent)
            .count());
  }
  report.latency = Summarize(latencies);
  return report;
}

}  // namespace sx::bench
