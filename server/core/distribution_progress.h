// How far a distribution's referrals have come, counted from the referrals
// themselves (a distribution holds at most limits.max_distribution_recipients
// of them, so reading them all is bounded and never stale).
#pragma once

#include <vector>

#include "supervision/v1/distribution.pb.h"
#include "supervision/v1/referral.pb.h"

namespace sx::core {

// Counts each referral in every stage it has passed (see
// DistributionProgress in distribution.proto).
::supervision::v1::DistributionProgress ProgressOf(
    const std::vector<::supervision::v1::Referral>& referrals);

}  // namespace sx::core
