// Scrubs the store (Store::Scrub) every storage_checks.scrub_interval_seconds
// on its own thread and logs what each pass read and found. Damage reaches
// the hub's health through the store's on_damage, as damage met by a read
// does.
#pragma once

#include <cstdint>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sx/storage/store.h"

namespace sx::server {

// Thread-safe; stops on destruction (a pass under way stops after the file
// it is reading).
class StorageScrubber {
 public:
  StorageScrubber(storage::Store& store, absl::Duration interval,
                  uint64_t bytes_per_second);
  ~StorageScrubber();

 private:
  void Run();
  bool Stopping();

  storage::Store& store_;
  const absl::Duration interval_;
  const uint64_t bytes_per_second_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sx::server
