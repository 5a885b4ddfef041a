#include "bench/load_run.h"

#include <algorithm>

namespace sx::bench {

LoadPhases::LoadPhases(const LoadPlan& plan)
    : plan_(plan),
      measure_start_(Clock::now() + absl::ToChronoNanoseconds(plan.warmup)),
      measure_end_(measure_start_ + absl::ToChronoNanoseconds(plan.duration)) {}

Phase LoadPhases::Next() {
  if (stopped_.load(std::memory_order_relaxed)) return Phase::kStop;
  const Clock::time_point now = Clock::now();
  if (now < measure_start_) return Phase::kWarmup;
  const bool done = plan_.count > 0
                        ? measured_started_.fetch_add(
                              1, std::memory_order_relaxed) >= plan_.count
                        : now >= measure_end_;
  if (done) {
    stopped_.store(true, std::memory_order_relaxed);
    return Phase::kStop;
  }
  return Phase::kMeasured;
}

void OperationLog::Record(Clock::time_point sent, Clock::time_point done,
                          const absl::Status& status) {
  absl::MutexLock lock(&mu_);
  last_done_ = std::max(last_done_, done);
  if (status.ok()) {
    ++succeeded_;
    latencies_ns_.push_back(
        std::chrono::duration_cast<std::chrono::nanoseconds>(done - sent)
            .count());
    return;
  }
  if (failed_++ == 0) first_error_ = status.ToString();
}

std::vector<int64_t> OperationLog::TakeLatencies() {
  absl::MutexLock lock(&mu_);
  return std::move(latencies_ns_);
}

uint64_t OperationLog::succeeded() const {
  absl::MutexLock lock(&mu_);
  return succeeded_;
}

uint64_t OperationLog::failed() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

std::string OperationLog::first_error() const {
  absl::MutexLock lock(&mu_);
  return first_error_;
}

Clock::time_point OperationLog::last_done() const {
  absl::MutexLock lock(&mu_);
  return last_done_;
}

}  // namespace sx::bench
