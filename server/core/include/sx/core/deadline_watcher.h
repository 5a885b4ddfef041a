// Flags missed deadlines durably: for each referral whose acceptance or
// final-feedback deadline has passed while the recipient still owes the
// step, records an OVERDUE event (actor "hub"), marks the referral and tells
// both parties' inboxes. The same for the hub's other timed steps: a ledger
// item's deadline, the review date of a lead kept pending, and the staged
// warnings (预警, blue and yellow) before a feedback deadline, which also
// reach the supervisor agencies of the config. Time comes from the injected
// clock, so tests move a FakeClock and call CheckOnce() instead of
// sleeping.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sx/core/clock.h"
#include "sx/core/hub_config.h"
#include "sx/storage/store.h"

namespace sx::core {

// Thread-safe. Start() runs CheckOnce() every `interval` on its own thread
// until Stop() or destruction.
class DeadlineWatcher {
 public:
  DeadlineWatcher(storage::Store& store, const Clock& clock,
                  std::function<std::shared_ptr<const HubConfig>()> config);
  ~DeadlineWatcher();

  // Flags everything due by now; returns how many deadlines it flagged.
  // Blocks until the flags are durable: not for gRPC callback threads.
  absl::StatusOr<int> CheckOnce();

  // `on_error` hears of failed checks (the watcher keeps going).
  void Start(absl::Duration interval,
             std::function<void(const absl::Status&)> on_error);
  void Stop();

 private:
  storage::Store& store_;
  const Clock& clock_;
  std::function<std::shared_ptr<const HubConfig>()> config_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sx::core
