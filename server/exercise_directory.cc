#include "server/exercise_directory.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "sx/base/status_macros.h"

namespace sx::server {

absl::Status CheckExerciseDirectory(const ::supervision::v1::HubConfig& config,
                                    storage::Store& store) {
  const std::string marker =
      (std::filesystem::path(config.data_dir()) / kExerciseMarkerFile).string();
  std::error_code error;
  const bool marked = std::filesystem::exists(marker, error);
  if (!config.has_exercise_clock()) {
    if (!marked) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat(
        config.data_dir(),
        " holds an exercise (演练): its events are dated by an exercise "
        "clock, not by the real time. Serve real traffic from another "
        "data_dir, or put the exercise_clock back into the config to go on "
        "with the exercise"));
  }
  if (marked) return absl::OkStatus();
  SX_ASSIGN_OR_RETURN(const uint64_t events, store.EventCount());
  if (events > 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "exercise_clock: ", config.data_dir(), " already holds ", events,
        " events of real history; an exercise clock would date new events "
        "in another time. Give the exercise a data_dir of its own"));
  }
  std::ofstream out(marker);
  out << "This data directory was served with an exercise clock "
         "(exercise_clock); its events are not dated by the real time.\n";
  out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat("cannot write ", marker, " in data_dir"));
  }
  return absl::OkStatus();
}

}  // namespace sx::server
