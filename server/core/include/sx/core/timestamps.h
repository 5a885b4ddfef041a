// absl::Time to and from the contract's google.protobuf.Timestamp, in one
// place for the core and the services that answer with times.
#pragma once

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace sx::core {

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace sx::core
