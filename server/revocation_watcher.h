// Re-reads the CRLs every tls.refresh_interval_seconds on its own thread and
// says when the set of revoked certificates changed, so that the hub can end
// open streams of a newly revoked certificate.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/certificate_revocations.h"

namespace sx::server {

// Thread-safe; stops on destruction.
class RevocationWatcher {
 public:
  // `changed` runs on the watcher's thread after a refresh that changed the
  // revoked set.
  RevocationWatcher(std::shared_ptr<CertificateRevocations> revocations,
                    absl::Duration interval, std::function<void()> changed);
  ~RevocationWatcher();

 private:
  void Run();

  const std::shared_ptr<CertificateRevocations> revocations_;
  const absl::Duration interval_;
  const std::function<void()> changed_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sx::server
