// The supervising agencies' ledger (督办台账, supervision_ledger.proto): the
// open referrals that are overdue, warned or pressed, read from the watch
// list the store keeps as each change is written (current_conditions.h).
// A page reads at most a few rounds of the watch list and two records per
// entry it returns, whatever the size of the history.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "supervision/v1/supervision_ledger.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/storage/store.h"

namespace sx::core {

// Thread-safe.
class SupervisionLedgerCore {
 public:
  SupervisionLedgerCore(
      storage::Store& store,
      std::function<std::shared_ptr<const HubConfig>()> config);

  // PERMISSION_DENIED unless the caller is a supervising agency.
  absl::StatusOr<::supervision::v1::ListSupervisedReferralsResponse> List(
      const Identity& caller,
      const ::supervision::v1::ListSupervisedReferralsRequest& request);

 private:
  storage::Store& store_;
  std::function<std::shared_ptr<const HubConfig>()> config_;
};

}  // namespace sx::core
