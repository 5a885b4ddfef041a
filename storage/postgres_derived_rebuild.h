// The PostgreSQL store's counterpart of derived_rebuild.h: derives the
// counters, watch list and referral index again from every referral when
// the deriver's version is not the one they were derived with. Once per
// new rule, at open; never on a request.
#pragma once

#include "absl/status/status.h"
#include "storage/postgres_connection.h"
#include "sx/storage/referral_deriver.h"

namespace sx::storage {

// In one database transaction: a crash part way leaves nothing half done.
absl::Status RederiveIfStale(PgConnection& connection,
                             const ReferralDeriver& deriver);

}  // namespace sx::storage
