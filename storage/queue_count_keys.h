// Counter keys of each agency's inbox depth and dead letters, kept by every
// backend with AddToCounters as entries come and go (queue_counts.cc).
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace sx::storage {

std::string InboxDepthKey(absl::string_view agency_id);
std::string DeadLetterCountKey(absl::string_view agency_id);

}  // namespace sx::storage
