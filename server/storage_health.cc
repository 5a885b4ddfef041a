#include "server/storage_health.h"

#include "absl/strings/str_cat.h"
#include "server/hub_log.h"

namespace sx::server {

void StorageHealthReporter::Damaged(const absl::Status& damage) {
  LogLine(absl::StrCat(
      "STORAGE DAMAGED, writes are refused until the data directory is "
      "restored (deploy/README.md, \"Damaged storage\"): ",
      damage.message()));
  absl::MutexLock lock(&mu_);
  damaged_ = true;
  if (health_ != nullptr) health_->SetServingStatus(false);
}

void StorageHealthReporter::Reachable(const absl::Status& reachable) {
  LogLine(reachable.ok() ? std::string("the database answers again")
                         : absl::StrCat("the database does not answer, "
                                        "NOT_SERVING until it does: ",
                                        reachable.message()));
  absl::MutexLock lock(&mu_);
  unreachable_ = !reachable.ok();
  if (health_ != nullptr) health_->SetServingStatus(!damaged_ && !unreachable_);
}

void StorageHealthReporter::Serving(grpc::HealthCheckServiceInterface* health) {
  absl::MutexLock lock(&mu_);
  health_ = health;
  if (health_ != nullptr && (damaged_ || unreachable_)) {
    health_->SetServingStatus(false);
  }
}

}  // namespace sx::server
