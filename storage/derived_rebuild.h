// Derives a store's counters and watch list again from every referral, when
// they were derived with another rule or not at all (see ReferralDeriver).
// The one place the store reads all referrals: once, when a data directory
// is first opened by a release with a new rule, never on a request.
#pragma once

#include "absl/status/status.h"
#include "rocksdb/db.h"
#include "storage/column_families.h"
#include "sx/storage/referral_deriver.h"

namespace sx::storage {

// Does nothing if the store's entries were derived with deriver.version (or
// there is no deriver). Otherwise removes every derived entry, derives them
// from the referrals in rounds, and records the version last, fsynced: a
// crash part way leaves the version unrecorded, and the next open starts
// over.
absl::Status RederiveIfStale(rocksdb::DB& db, const ColumnFamilies& cfs,
                             const ReferralDeriver& deriver);

}  // namespace sx::storage
