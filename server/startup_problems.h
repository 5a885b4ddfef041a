// The list of problems the start checks (startup_checks.h) collect, and how
// they word what the file system says, shared by the TLS checks and the
// rest: every problem names the setting as the config spells it.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace sx::server {

// Every problem found, in the order checked. Not thread-safe.
class StartupProblems {
 public:
  // `<field> "<value>": <problem>`, naming the setting as the file does.
  void Add(absl::string_view field, absl::string_view value,
           absl::string_view problem) {
    lines_.push_back(absl::StrCat(field, " \"", value, "\": ", problem));
  }
  // A problem worded in full elsewhere (CertificateRevocations names the
  // setting itself).
  void AddLine(absl::string_view line) { lines_.emplace_back(line); }

  absl::Status ToStatus() const {
    if (lines_.empty()) return absl::OkStatus();
    if (lines_.size() == 1) {
      return absl::FailedPreconditionError(absl::StrCat("config: ", lines_[0]));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("config: ", lines_.size(), " problems:\n  ",
                     absl::StrJoin(lines_, "\n  ")));
  }

 private:
  std::vector<std::string> lines_;
};

// strerror, and for a refusal the user it applies to: --check-config run by
// hand as another user than the service's answers for that user.
std::string Because(int error);

// The whole of a regular file, or why not, worded to follow `field "path": `.
absl::StatusOr<std::string> ReadRegularFile(const std::string& path);

}  // namespace sx::server
