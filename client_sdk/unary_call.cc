#include "unary_call.h"

#include <algorithm>
#include <cstdint>
#include <random>

#include "absl/time/clock.h"
#include "grpc_status_convert.h"

namespace sx::client::internal {
namespace {

bool IsRetryable(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace

absl::Status CallWithRetries(
    const ClientOptions& options,
    const std::function<grpc::Status(grpc::ClientContext*)>& attempt) {
  absl::Duration backoff = options.retry.initial_backoff;
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int number = 1;; ++number) {
    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options.call_timeout));
    // A retry waits (within its deadline) for the channel to reconnect
    // instead of failing at once while the channel is between attempts;
    // waiting calls also drive the reconnection.
    context.set_wait_for_ready(number > 1);
    const grpc::Status status = attempt(&context);
    if (status.ok() || !IsRetryable(status.error_code()) ||
        number >= options.retry.max_attempts) {
      return FromGrpcStatus(status);
    }
    // Full jitter keeps many clients from retrying in lockstep after a hub
    // restart.
    std::uniform_int_distribution<int64_t> spread(
        0, absl::ToInt64Microseconds(backoff));
    absl::SleepFor(absl::Microseconds(spread(jitter)));
    backoff = std::min(backoff * 2, options.retry.max_backoff);
  }
}

}  // namespace sx::client::internal
