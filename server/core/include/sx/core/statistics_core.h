// Statistics (statistics.proto): the figures of a period per unit, read
// from the counters every event adds to as it is written (see
// statistics_counting.h). A call reads at most units × figures × buckets
// counters, whatever the size of the history.
#pragma once

#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "supervision/v1/statistics.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/identity.h"
#include "sx/storage/store.h"

namespace sx::core {

// Thread-safe.
class StatisticsCore {
 public:
  StatisticsCore(storage::Store& store,
                 std::function<std::shared_ptr<const HubConfig>()> config);

  // Agencies see their own figures; supervising agencies, administrators
  // and auditors every unit (see statistics.proto).
  absl::StatusOr<::supervision::v1::GetStatisticsResponse> Get(
      const Identity& caller,
      const ::supervision::v1::GetStatisticsRequest& request);

 private:
  storage::Store& store_;
  std::function<std::shared_ptr<const HubConfig>()> config_;
};

}  // namespace sx::core
