// Per-call gRPC server metrics, recorded by a server interceptor: calls by
// method and status code, and a latency histogram by method.
//
//   absl::StatusOr<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> factory =
//       MakeGrpcMetricsInterceptorFactory(registry);
//   std::vector<std::unique_ptr<
//       grpc::experimental::ServerInterceptorFactoryInterface>> creators;
//   creators.push_back(std::move(*factory));
//   builder.experimental().SetInterceptorCreators(std::move(creators));
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"
#include "sx/metrics/metrics_registry.h"

namespace sx::metrics {

struct GrpcMetricsOptions {
  // Counter with labels {method, code}, e.g.
  // {method="ExchangeService/SubmitReferral", code="OK"}.
  std::string requests_metric = "sxhub_grpc_requests_total";
  // Histogram (seconds) with label {method}: from the call's arrival at the
  // interceptor to the moment its status is handed to gRPC for sending.
  std::string latency_metric = "sxhub_grpc_request_duration_seconds";
  std::vector<double> latency_buckets = LatencyBucketsSeconds();
  // Distinct method labels kept; later ones are recorded as "other", so that
  // clients calling made-up method names cannot grow the registry unbounded.
  size_t max_methods = 64;
  // Source of call start and end times; tests inject a fake.
  std::function<absl::Time()> now = &absl::Now;
};

// Registers the two families in `registry` (which must outlive the server)
// and returns a factory for ServerBuilder::experimental()
// .SetInterceptorCreators(). Works for sync, async and callback services.
// The code recorded is the one the server sent (a call the client cancelled
// counts with the code the handler finished with); a call that ends without
// sending any status counts as CANCELLED. The factory and its interceptors
// are thread-safe.
absl::StatusOr<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeGrpcMetricsInterceptorFactory(MetricsRegistry& registry,
                                  GrpcMetricsOptions options = {});

// "/supervision.v1.ExchangeService/SubmitReferral" becomes
// "ExchangeService/SubmitReferral": the package adds nothing on one hub.
std::string ShortMethodName(absl::string_view full_method);

}  // namespace sx::metrics
