// What SubmitAsync runs on: gathers submits into calls under load, by the
// rules of SubmitBatching (client_options.h), and hands each call to a
// sender that knows the transport. Private to the SDK.
//
//   SubmitBatcher batcher(options.submit_batching, options.retry,
//                         [](std::vector<v1::SubmitReferralRequest> requests,
//                            SubmitBatcher::CallDone done) { ... });
//   batcher.Submit(std::move(request), std::move(callback));
//
// Retries: the sender retries a call that failed as a whole (connection,
// deadline) with the same requests. An item the hub answered UNAVAILABLE or
// DEADLINE_EXCEEDED on its own, inside a call that worked, goes into a later
// call with the same request id, after a backoff, until the retry policy's
// attempts are spent.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "supervision/v1/exchange.pb.h"
#include "sx/client/client_options.h"
#include "sx/client/exchange_client.h"

namespace sx::client::internal {

class SubmitBatcher {
 public:
  // One result per request, in order, or why the call failed as a whole.
  using CallDone = std::function<void(absl::StatusOr<BatchResults>)>;
  // Sends one call with `requests` (one: SubmitReferral; more:
  // SubmitReferrals) and calls `done` exactly once, on any thread, also
  // before returning. Each request carries its request id already.
  // `requests` stay alive until `done` has been called.
  using SendCall =
      std::function<void(std::shared_ptr<const std::vector<
                             ::supervision::v1::SubmitReferralRequest>>
                             requests,
                         CallDone done)>;

  SubmitBatcher(const SubmitBatching& batching, const RetryPolicy& retry,
                SendCall send);
  // Sends what has gathered at once, then waits until every submit has run
  // its callback (with the hub down, until its retries are spent). Never
  // destroy the batcher from inside one of its callbacks.
  ~SubmitBatcher();

  SubmitBatcher(const SubmitBatcher&) = delete;
  SubmitBatcher& operator=(const SubmitBatcher&) = delete;

  // `request` must carry its request id. `done` runs exactly once, on a
  // sender's or the batcher's thread, or before Submit returns.
  void Submit(::supervision::v1::SubmitReferralRequest request,
              SubmitCallback done);

 private:
  class State;
  // Shared with the calls in flight: the last of them may still be leaving
  // the batcher's code when the destructor, seeing everything done, returns.
  std::shared_ptr<State> state_;
};

}  // namespace sx::client::internal
