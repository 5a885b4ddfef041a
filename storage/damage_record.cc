#include "storage/damage_record.h"

#include <utility>

namespace sx::storage {

DamageRecord::DamageRecord(std::function<void(const absl::Status&)> on_first)
    : on_first_(std::move(on_first)) {}

const absl::Status& DamageRecord::Observe(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kDataLoss) return status;
  {
    absl::MutexLock lock(&mu_);
    if (!first_.ok()) return status;
    first_ = status;
    damaged_.store(true, std::memory_order_release);
  }
  if (on_first_) on_first_(status);
  return status;
}

absl::Status DamageRecord::Current() const {
  absl::MutexLock lock(&mu_);
  return first_;
}

}  // namespace sx::storage
