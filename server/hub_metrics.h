// The hub's Prometheus metrics: per-method request counts and latencies (a
// gRPC interceptor), synced-write latency and group size from the store, and
// gauges computed at scrape time for inbox depths, dead letters, open streams
// and open overdue referrals. Served on the config's metrics_address.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/support/server_interceptor.h"
#include "sx/core/admin_core.h"
#include "sx/metrics/metrics_http_server.h"
#include "sx/metrics/metrics_registry.h"
#include "sx/storage/store.h"

namespace sx::server {

// Thread-safe. Destroy the HTTP endpoint (Stop) before the AdminCore it reads.
class HubMetrics {
 public:
  // Registers the families and hooks the store's write observer.
  static absl::StatusOr<std::unique_ptr<HubMetrics>> Create(
      storage::Store& store, core::AdminCore& admin);

  // For ServerBuilder::experimental().SetInterceptorCreators.
  absl::StatusOr<std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>>
  InterceptorCreators();

  // Serves GET /metrics on `address` until Stop() or destruction.
  absl::Status Serve(absl::string_view address);
  void Stop();
  int port() const;

 private:
  HubMetrics() = default;

  metrics::MetricsRegistry registry_;
  std::unique_ptr<metrics::MetricsHttpServer> http_;
};

}  // namespace sx::server
