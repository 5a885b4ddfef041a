// Keeps exercise history and real history apart. A hub served with an
// exercise clock (config exercise_clock) dates its events in another time;
// its data directory is marked so that it never serves real traffic, and a
// directory that holds real history is never served with such a clock.
#pragma once

#include "absl/status/status.h"
#include "supervision/v1/config.pb.h"
#include "sx/storage/store.h"

namespace sx::server {

// The marker file in an exercise data directory.
inline constexpr char kExerciseMarkerFile[] = "EXERCISE_CLOCK";

// FAILED_PRECONDITION when the config and the directory do not match (see
// above); marks a new exercise directory. `store` is data_dir's, open.
absl::Status CheckExerciseDirectory(const ::supervision::v1::HubConfig& config,
                                    storage::Store& store);

}  // namespace sx::server
