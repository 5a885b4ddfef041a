// Consumes an agency's inbox: streams entries in order, hands each to a
// handler, acknowledges it only after the handler succeeded, and reconnects
// with backoff when the hub goes away, without losing or skipping entries.
//
//   sx::client::InboxConsumer consumer(
//       *client, [&](const sx::client::InboxEntry& entry) -> absl::Status {
//         return ledger.Register(entry);   // your system's work
//       });
//   std::thread worker([&] { consumer.Run(); });
//   ...
//   consumer.Stop();
//   worker.join();
//
// Delivery is at least once across program restarts; within one consumer an
// entry that was handled but whose acknowledgement was lost is acknowledged
// again without calling the handler twice.
//
// Acknowledgements go out from a second thread while the handler works on the
// next entries: each Ack call carries every entry handled while the previous
// call was on its way (up to max_ack_batch), so a lone entry is acknowledged at
// once and a busy inbox is not held to one durable hub write per entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sx/client/exchange_client.h"
#include "sx/client/export.h"

namespace sx::client {
namespace internal {
class InboxAckBatcher;
}  // namespace internal

// Returns OK once the entry is safely handled; any error means "give it to me
// again": the consumer reconnects after a backoff and the entry comes again.
using InboxHandler = std::function<absl::Status(const InboxEntry&)>;

struct InboxConsumerOptions {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // The most entries one Ack call carries; 1 to 1000 (the hub's limit per
  // call), values outside are brought into that range.
  size_t max_ack_batch = 1000;
};

// Run() on one thread; Stop() from any thread.
class SX_CLIENT_EXPORT InboxConsumer {
 public:
  InboxConsumer(ExchangeClient& client, InboxHandler handler,
                InboxConsumerOptions options = {});

  // Consumes until Stop(). Returns OK after Stop(), once the entries handled
  // so far were acknowledged (each Ack call with the client's deadline and
  // retries); PERMISSION_DENIED or UNAUTHENTICATED if the hub refuses this
  // identity (retrying cannot help).
  absl::Status Run();
  // Does not wait: the stream closes once the acknowledgements on their way
  // are out, and Run() returns.
  void Stop();

  // Entries handled so far (not counting acknowledgement-only repeats).
  uint64_t handled() const;

 private:
  // Consumes one stream until it ends, acknowledging through `acks`; returns
  // why it ended.
  absl::Status ConsumeStream(InboxStream& stream,
                             internal::InboxAckBatcher& acks);
  bool stopping() const;

  ExchangeClient& client_;
  const InboxHandler handler_;
  const InboxConsumerOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The acknowledgements of the open stream, which Stop() ends.
  internal::InboxAckBatcher* open_stream_acks_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
  // Highest sequence whose handler succeeded: entries up to it are only
  // acknowledged if they come again. Only Run()'s thread touches it.
  uint64_t last_handled_sequence_ = 0;
};

}  // namespace sx::client
