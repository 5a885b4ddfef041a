// The shape of one load run, shared by every sxbench mode: a warmup that is
// not measured, then a measured phase bounded by an operation count or a
// duration; and the log of what the measured operations took.
//
//   LoadPhases phases(plan);                 // the clock starts here
//   OperationLog log;
//   for (;;) {                               // on each load thread
//     const Phase phase = phases.Next();
//     if (phase == Phase::kStop) break;
//     const Clock::time_point sent = Clock::now();
//     absl::Status status = Publish();
//     if (phase == Phase::kMeasured) log.Record(sent, Clock::now(), status);
//   }
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sx::bench {

using Clock = std::chrono::steady_clock;

enum class Phase { kWarmup, kMeasured, kStop };

struct LoadPlan {
  absl::Duration warmup = absl::Seconds(1);
  // Measured operations to start; 0 means "run for `duration`".
  uint64_t count = 0;
  absl::Duration duration = absl::Seconds(5);
};

// Tells each operation a load loop is about to start which phase it is in.
// Thread-safe.
class LoadPhases {
 public:
  explicit LoadPhases(const LoadPlan& plan);

  // The phase of the next operation; kStop once the measured phase has
  // started its count or passed its duration.
  Phase Next();
  // When the measured phase starts (start + warmup).
  Clock::time_point measure_start() const { return measure_start_; }

 private:
  const LoadPlan plan_;
  const Clock::time_point measure_start_;
  const Clock::time_point measure_end_;
  std::atomic<uint64_t> measured_started_{0};
  std::atomic<bool> stopped_{false};
};

// What the measured operations took. Thread-safe.
class OperationLog {
 public:
  // One measured operation, sent and acknowledged (or failed) at these times.
  void Record(Clock::time_point sent, Clock::time_point done,
              const absl::Status& status);

  // Results; read them after every producer has stopped.
  // Latencies of the successful operations, in nanoseconds, once.
  std::vector<int64_t> TakeLatencies();
  uint64_t succeeded() const;
  uint64_t failed() const;
  std::string first_error() const;
  // When the last measured operation finished.
  Clock::time_point last_done() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<int64_t> latencies_ns_ ABSL_GUARDED_BY(mu_);
  uint64_t succeeded_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t failed_ ABSL_GUARDED_BY(mu_) = 0;
  std::string first_error_ ABSL_GUARDED_BY(mu_);
  Clock::time_point last_done_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::bench
