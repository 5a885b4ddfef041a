// A system under test as sxbench drives it: the hub or the echo service
// through the SDK, RabbitMQ through rabbitmq-c, JetStream through cnats.
// Every target runs the same load shape (a window of `inflight` acknowledged
// publishes) and logs into the same OperationLog, so that their numbers are
// comparable.
#pragma once

#include <memory>
#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/bench_options.h"
#include "bench/load_run.h"
#include "bench/run_report.h"

namespace sx::bench {

// Prepare, Run and FinishDelivery are called once each, in that order, from
// one thread.
class BenchTarget {
 public:
  virtual ~BenchTarget() = default;

  // Connects and sets up: checks that one publish is accepted, declares the
  // queue, creates the stream, opens inbox consumers.
  virtual absl::Status Prepare() = 0;
  // Publishes until `phases` says stop, keeping options.inflight
  // acknowledged publishes in flight, and logs each measured one. Returns
  // only after every publish it started has been answered.
  virtual absl::Status Run(LoadPhases& phases, OperationLog& log) = 0;
  // Waits for the deliveries of the measured publishes (up to the drain
  // timeout) and stops consuming; nullopt if this run measures no delivery.
  virtual std::optional<DeliveryReport> FinishDelivery(
      Clock::time_point measure_start) {
    (void)measure_start;
    return std::nullopt;
  }
};

// --mode=hub and --mode=echo.
absl::StatusOr<std::unique_ptr<BenchTarget>> MakeExchangeTarget(
    const BenchOptions& options);
// Whether this build has the broker clients.
extern const bool kWithRabbitMq;
extern const bool kWithJetStream;

// --mode=rabbitmq; UNIMPLEMENTED when built without librabbitmq.
absl::StatusOr<std::unique_ptr<BenchTarget>> MakeRabbitMqTarget(
    const BenchOptions& options);
// --mode=jetstream; UNIMPLEMENTED when built without libnats.
absl::StatusOr<std::unique_ptr<BenchTarget>> MakeJetStreamTarget(
    const BenchOptions& options);

// A payload of `size` bytes that no transport can compress away; the first
// eight bytes carry `id` (little endian) for targets that match
// acknowledgements by content.
std::string MakePayload(size_t size, uint64_t id);

}  // namespace sx::bench
