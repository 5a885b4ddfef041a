// The figures of a FeedbackOutcome by field name ("persons_case_filed",
// ...), read through the message's descriptor, so that checking them and
// counting them in the statistics (whose SideFigures fields carry the same
// names) follow the contract without a list of their own.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "supervision/v1/referral.pb.h"

namespace sx::core {

std::vector<std::pair<std::string, int64_t>> OutcomeFigures(
    const ::supervision::v1::FeedbackOutcome& outcome);

}  // namespace sx::core
