// The human-readable shape of distributions (通报 / 分送): how far the
// recipients have come, in one line, and one row per recipient's referral,
// so that the sender sees at a glance who has not yet signed for it or fed
// back.
#pragma once

#include <string>
#include <vector>

#include "sx/client/types.h"

namespace sx::sxctl {

// "delivered 19/19, signed for 12/19, fed back 7/19, closed 0/19, overdue 2,
// ended otherwise 0".
std::string DistributionProgressLine(
    const client::DistributionProgress& progress);

// What `distribute` and `distribution show` print: the distribution's id,
// kind, sender, creation time and progress line, then one row per recipient:
// its referral, state, missed deadlines and last change.
std::string DistributionText(const client::Distribution& distribution);

// One row per distribution of `distribution list`, with its progress counts.
std::string DistributionTableText(
    const std::vector<client::Distribution>& distributions);

}  // namespace sx::sxctl
