#include "sx/metrics/grpc_metrics_interceptor.h"

#include <algorithm>
#include <atomic>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace sx::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

// "OK", "NOT_FOUND", ...; gRPC and absl share the numbering.
std::string CodeLabel(grpc::StatusCode code) {
  std::string name =
      absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat(static_cast<int>(code)) : name;
}

// The method labels handed out so far, at most `max` of them. Thread-safe.
class MethodLabels {
 public:
  explicit MethodLabels(size_t max) : max_(max) {}

  std::string Label(const char* full_method) {
    std::string label =
        ShortMethodName(full_method == nullptr ? "" : full_method);
    {
      absl::ReaderMutexLock lock(&mu_);
      if (known_.contains(label)) return label;
    }
    absl::MutexLock lock(&mu_);
    if (known_.contains(label)) return label;
    if (known_.size() >= max_) return "other";
    known_.insert(label);
    return label;
  }

 private:
  const size_t max_;
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> known_ ABSL_GUARDED_BY(mu_);
};

// What every call's interceptor records into. Thread-safe.
struct CallMetrics {
  CallMetrics(CounterFamily& requests, HistogramFamily& latency,
              size_t max_methods, std::function<absl::Time()> now)
      : requests(requests),
        latency(latency),
        methods(max_methods),
        now(std::move(now)) {}

  CounterFamily& requests;
  HistogramFamily& latency;
  MethodLabels methods;
  const std::function<absl::Time()> now;
};

// One per call. gRPC runs a call's batches one at a time, but not always on
// the same thread, hence the atomic.
class CallMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallMetricsInterceptor(std::shared_ptr<CallMetrics> metrics,
                         std::string method)
      : metrics_(std::move(metrics)),
        method_(std::move(method)),
        start_(metrics_->now()) {}

  ~CallMetricsInterceptor() override {
    if (!recorded_.load()) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* batch) override {
    // Recorded before the status goes out, so a client that has its reply
    // also finds the call in the metrics.
    if (batch->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) &&
        !recorded_.load()) {
      Record(batch->GetSendStatus().error_code());
    }
    batch->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_.store(true);
    metrics_->requests.Add({method_, CodeLabel(code)}, 1);
    const absl::Duration elapsed = metrics_->now() - start_;
    metrics_->latency.Observe({method_}, absl::ToDoubleSeconds(std::max(
                                             elapsed, absl::ZeroDuration())));
  }

  const std::shared_ptr<CallMetrics> metrics_;
  const std::string method_;
  const absl::Time start_;
  std::atomic<bool> recorded_{false};
};

class GrpcMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit GrpcMetricsInterceptorFactory(std::shared_ptr<CallMetrics> metrics)
      : metrics_(std::move(metrics)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallMetricsInterceptor(metrics_,
                                      metrics_->methods.Label(info->method()));
  }

 private:
  const std::shared_ptr<CallMetrics> metrics_;
};

}  // namespace

std::string ShortMethodName(absl::string_view full_method) {
  absl::string_view path = full_method;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return "unknown";
  const size_t slash = path.find('/');
  if (slash == absl::string_view::npos) return std::string(path);
  absl::string_view service = path.substr(0, slash);
  const size_t dot = service.rfind('.');
  if (dot != absl::string_view::npos) service.remove_prefix(dot + 1);
  return absl::StrCat(service, path.substr(slash));
}

absl::StatusOr<
    std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
MakeGrpcMetricsInterceptorFactory(MetricsRegistry& registry,
                                  GrpcMetricsOptions options) {
  if (options.now == nullptr) {
    return absl::InvalidArgumentError("gRPC metrics: no clock");
  }
  absl::StatusOr<CounterFamily*> requests = registry.Counter(
      options.requests_metric, "gRPC calls handled, by method and status code.",
      {"method", "code"});
  if (!requests.ok()) return requests.status();
  absl::StatusOr<HistogramFamily*> latency = registry.Histogram(
      options.latency_metric,
      "Time from a gRPC call's arrival to its status, by method.", {"method"},
      options.latency_buckets);
  if (!latency.ok()) return latency.status();
  auto metrics = std::make_shared<CallMetrics>(
      **requests, **latency, options.max_methods, std::move(options.now));
  return std::make_unique<GrpcMetricsInterceptorFactory>(std::move(metrics));
}

}  // namespace sx::metrics
