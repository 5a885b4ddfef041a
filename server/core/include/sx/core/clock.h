// Where the hub's notion of "now" comes from. Production uses the system
// clock; tests inject a FakeClock so that deadlines need no sleeping.
#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sx::core {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// For exercises and demonstrations: starts at `start` when constructed and
// runs `speed` times as fast as the system clock. Thread-safe.
class ExerciseClock final : public Clock {
 public:
  ExerciseClock(absl::Time start, double speed)
      : start_(start), speed_(speed), real_start_(absl::Now()) {}
  absl::Time Now() const override {
    return start_ + (absl::Now() - real_start_) * speed_;
  }

 private:
  const absl::Time start_;
  const double speed_;
  const absl::Time real_start_;
};

// A clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&mu_);
    now_ += by;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::core
