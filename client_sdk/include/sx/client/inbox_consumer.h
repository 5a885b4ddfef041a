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
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sx/client/exchange_client.h"

namespace sx::client {

// Returns OK once the entry is safely handled; any error means "give it to me
// again": the consumer reconnects after a backoff and the entry comes again.
using InboxHandler = std::function<absl::Status(const InboxEntry&)>;

struct InboxConsumerOptions {
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Run() on one thread; Stop() from any thread.
class InboxConsumer {
 public:
  InboxConsumer(ExchangeClient& client, InboxHandler handler,
                InboxConsumerOptions options = {});

  // Consumes until Stop(). Returns OK after Stop(); PERMISSION_DENIED or
  // UNAUTHENTICATED if the hub refuses this identity (retrying cannot help).
  absl::Status Run();
  void Stop();

  // Entries handled so far (not counting acknowledgement-only repeats).
  uint64_t handled() const;

 private:
  // Consumes one stream until it ends; returns why.
  absl::Status ConsumeStream(InboxStream& stream);
  bool stopping() const;

  ExchangeClient& client_;
  const InboxHandler handler_;
  const InboxConsumerOptions options_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  InboxStream* current_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
  // Highest sequence whose handler succeeded: entries up to it are only
  // acknowledged if they come again.
  uint64_t last_handled_sequence_ = 0;
};

}  // namespace sx::client
