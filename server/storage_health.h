// Where the store's first report of damaged data goes (its on_damage): one
// log line that names what was found, and gRPC health NOT_SERVING for every
// service, so that load balancers and monitoring see it, from then until
// the hub is restarted on a restored data directory. A PostgreSQL database
// that stops answering is NOT_SERVING too, for as long as it lasts. The store opens before
// the gRPC server exists, so damage found first is applied when it starts.
#pragma once

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/health_check_service_interface.h"

namespace sx::server {

// Thread-safe.
class StorageHealthReporter {
 public:
  // The store's on_damage: any thread, once.
  void Damaged(const absl::Status& damage);
  // The store's on_reachability (PostgreSQL): NOT_SERVING while the
  // database does not answer, SERVING again once it does (unless damaged).
  void Reachable(const absl::Status& reachable);
  // The server's health service, once it serves (null: none).
  void Serving(grpc::HealthCheckServiceInterface* health);
  // Before the server shuts down.
  void Stop() { Serving(nullptr); }

 private:
  absl::Mutex mu_;
  grpc::HealthCheckServiceInterface* health_ ABSL_GUARDED_BY(mu_) = nullptr;
  bool damaged_ ABSL_GUARDED_BY(mu_) = false;
  bool unreachable_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sx::server
