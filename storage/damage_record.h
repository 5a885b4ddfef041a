// The first sign that the database is damaged (a checksum that does not
// match, a record that does not parse), kept for the life of the store so
// that the hub reports it — gRPC health, `admin status`, a metric, one log
// line — and refuses writes until an operator restores the data directory.
// Damage does not heal by itself: RocksDB may keep serving other blocks, but
// what was lost stays lost, and more writes on top of it only make the
// restore lose more.
#pragma once

#include <atomic>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace sx::storage {

// Thread-safe.
class DamageRecord {
 public:
  // `on_first` (may be empty) is called once, with the first damage, on the
  // thread that found it; it must not block.
  explicit DamageRecord(std::function<void(const absl::Status&)> on_first);

  // Keeps `status` if it says that stored data is damaged (DATA_LOSS) and
  // nothing was kept before. Returns `status` unchanged.
  const absl::Status& Observe(const absl::Status& status);

  // OK, or the first damage seen.
  absl::Status Current() const;
  // Current() is not OK; cheap enough for every write.
  bool damaged() const { return damaged_.load(std::memory_order_acquire); }

 private:
  const std::function<void(const absl::Status&)> on_first_;
  mutable absl::Mutex mu_;
  absl::Status first_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> damaged_{false};
};

}  // namespace sx::storage
