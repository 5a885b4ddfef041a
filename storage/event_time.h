// An event's time (a google.protobuf.Timestamp) as absl::Time and back: one
// conversion for the chain head, the time index and the audit queries.
#pragma once

#include <cstdint>

#include "absl/time/time.h"
#include "supervision/v1/referral.pb.h"

namespace sx::storage {

inline absl::Time EventTime(const ::supervision::v1::Event& event) {
  return absl::FromUnixSeconds(event.time().seconds()) +
         absl::Nanoseconds(event.time().nanos());
}

inline void SetEventTime(absl::Time time, ::supervision::v1::Event& event) {
  const int64_t nanos = absl::ToUnixNanos(time);
  // Floor division, so that a time before 1970 keeps nanos in [0, 1e9).
  int64_t seconds = nanos / 1000000000;
  int64_t rest = nanos % 1000000000;
  if (rest < 0) {
    rest += 1000000000;
    --seconds;
  }
  event.mutable_time()->set_seconds(seconds);
  event.mutable_time()->set_nanos(static_cast<int32_t>(rest));
}

}  // namespace sx::storage
