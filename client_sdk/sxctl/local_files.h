// Whole local files in and out, for the files sxctl reads and writes on the
// user's behalf (attachments, saved checkpoints, exports, certificates), with
// errors that name the file and what sxctl was doing with it.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sx::sxctl {

// An errno-derived status: "cannot <what> <path>".
absl::Status FileError(absl::string_view what, const std::string& path,
                       int error_number);

// The file's bytes. `what` says what it is for errors ("read attachment").
absl::StatusOr<std::string> ReadLocalFile(const std::string& path,
                                          absl::string_view what);

// Replaces the file with `content` all at once: written beside it, then
// renamed over it, so that a failure never leaves half a file behind.
absl::Status WriteLocalFile(const std::string& path, absl::string_view content,
                            absl::string_view what);

}  // namespace sx::sxctl
