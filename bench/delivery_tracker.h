// Matches inbox arrivals to the submits that caused them, by referral id, to
// measure submit-to-delivery latency. An entry may arrive before its submit
// returns (the hub notifies streams as soon as the write is durable), so
// either side may come first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bench/load_run.h"
#include "bench/run_report.h"

namespace sx::bench {

// Thread-safe.
class DeliveryTracker {
 public:
  // A submit that returned `referral_id`, sent at `sent`. Only measured
  // submits are timed; the others are just expected, so that their arrivals
  // are not mistaken for strays.
  void Submitted(const std::string& referral_id, Clock::time_point sent,
                 bool measured);
  // The inbox entry of a new referral reached the consumer.
  void Arrived(const std::string& referral_id, Clock::time_point arrived);
  // Waits until every measured submit has arrived; false on timeout.
  bool WaitForAll(absl::Duration timeout);
  DeliveryReport Report(Clock::time_point measure_start);

 private:
  bool AllArrived() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return waiting_.empty();
  }

  absl::Mutex mu_;
  // Measured submits whose entry has not arrived yet.
  absl::flat_hash_map<std::string, Clock::time_point> waiting_
      ABSL_GUARDED_BY(mu_);
  // Warmup submits whose entry has not arrived yet.
  absl::flat_hash_set<std::string> unmeasured_ ABSL_GUARDED_BY(mu_);
  // Arrivals whose submit has not returned yet (or never will: entries left
  // from earlier runs).
  absl::flat_hash_map<std::string, Clock::time_point> early_
      ABSL_GUARDED_BY(mu_);
  std::vector<int64_t> latencies_ns_ ABSL_GUARDED_BY(mu_);
  Clock::time_point last_arrival_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::bench
