// One open StreamInbox call: sends the agency's unacknowledged entries in
// order, then waits for the notifier to say more arrived. Never blocks a gRPC
// callback thread: reads are short RocksDB scans, waits are callbacks.
#pragma once

#include <deque>
#include <functional>
#include <optional>

#include "absl/synchronization/mutex.h"
#include "grpcpp/support/server_callback.h"
#include "server/inbox_notifier.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/exchange_core.h"

namespace sx::server {

// Deletes itself when gRPC is done with the call. Thread-safe.
class InboxStream final
    : public grpc::ServerWriteReactor<supervision::v1::InboxEntry>,
      public InboxWaiter {
 public:
  // How to check the caller again (see InboxWaiter::Reauthenticate): OK
  // while the connection's certificate still names the stream's caller.
  using Reauthenticator = std::function<absl::Status()>;

  // Finishes at once with RESOURCE_EXHAUSTED if the agency already holds
  // `max_streams` open streams.
  InboxStream(core::ExchangeCore& core, InboxNotifier& notifier,
              core::Identity caller, Reauthenticator reauthenticate,
              uint64_t after_sequence, size_t max_streams);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;
  void Wake() override;
  void Reauthenticate() override;

 private:
  // Ends the stream (UNAUTHENTICATED) if the caller no longer passes
  // `reauthenticate_`; true if it did.
  bool EndIfNoLongerAllowed() ABSL_LOCKS_EXCLUDED(mu_);
  // Starts the next write if none is in flight and an entry is available.
  void Pump() ABSL_LOCKS_EXCLUDED(mu_);
  // Marks the stream finished; returns the status to pass to Finish() (after
  // releasing mu_) unless a write is in flight or Finish was already called.
  // The status is that of the first call.
  std::optional<grpc::Status> FinishOnce(grpc::Status status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  core::ExchangeCore& core_;
  InboxNotifier& notifier_;
  const core::Identity caller_;
  const Reauthenticator reauthenticate_;
  bool subscribed_ = false;

  absl::Mutex mu_;
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_);
  std::deque<supervision::v1::InboxEntry> pending_ ABSL_GUARDED_BY(mu_);
  supervision::v1::InboxEntry in_flight_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // No more writes start once set.
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  // Why, once finished_.
  grpc::Status ending_ ABSL_GUARDED_BY(mu_);
  bool finish_called_ ABSL_GUARDED_BY(mu_) = false;
  // Sequences this stream carried (the most recent ones): when it ends,
  // those still unacknowledged count a failed delivery.
  std::deque<uint64_t> carried_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sx::server
