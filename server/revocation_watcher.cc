#include "server/revocation_watcher.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/hub_log.h"

namespace sx::server {

RevocationWatcher::RevocationWatcher(
    std::shared_ptr<CertificateRevocations> revocations,
    absl::Duration interval, std::function<void()> changed)
    : revocations_(std::move(revocations)),
      interval_(interval),
      changed_(std::move(changed)),
      thread_([this] { Run(); }) {}

RevocationWatcher::~RevocationWatcher() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void RevocationWatcher::Run() {
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
    }
    absl::StatusOr<CertificateRevocations::RefreshResult> refreshed =
        revocations_->Refresh();
    if (!refreshed.ok()) {
      // Logged on every attempt until someone repairs the file: a CRL that
      // does not count is a revocation that does not hold.
      LogLine(absl::StrCat("CRLs not re-read, the previous ones stay: ",
                           refreshed.status().message()));
      continue;
    }
    if (*refreshed == CertificateRevocations::RefreshResult::kFilesUnchanged) {
      continue;
    }
    const std::string skipped = absl::StrJoin(revocations_->skipped(), "; ");
    LogLine(absl::StrCat(
        "CRLs re-read: ", revocations_->revoked_count(),
        " certificates revoked",
        skipped.empty() ? "" : absl::StrCat("; skipped ", skipped)));
    if (*refreshed ==
        CertificateRevocations::RefreshResult::kRevocationsChanged) {
      changed_();
    }
  }
}

}  // namespace sx::server
