// What changes in the derived entries (counters, watch list, index keys)
// when a referral's record goes from `before` to `after`: the same rule for
// every backend, so that RocksDB and PostgreSQL count alike.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "supervision/v1/referral.pb.h"
#include "sx/storage/referral_deriver.h"

namespace sx::storage {

struct DerivedChanges {
  std::vector<std::pair<std::string, int64_t>> counter_deltas;
  std::vector<std::string> unwatched;
  std::vector<std::pair<std::string, std::string>> watched;
  std::vector<std::string> unindexed;
  std::vector<std::string> indexed;
};

// `before` is null for a new referral. `deriver.derive` must be set.
DerivedChanges DiffDerivedEntries(const ReferralDeriver& deriver,
                                  const ::supervision::v1::Referral* before,
                                  const ::supervision::v1::Referral& after);

}  // namespace sx::storage
