// Acknowledges handled inbox entries from a thread of its own, in batches:
// each Ack call carries everything handled while the previous call was on its
// way, so a lone entry is acknowledged at once and a burst takes a few calls
// instead of one durable hub transaction per entry. Private to the SDK.
//
//   InboxAckBatcher acks(client, *stream, max_batch);
//   while (stream->Next(&entry)) {
//     if (handler(entry).ok()) acks.Add(entry.sequence);
//   }
//   absl::Status acked = acks.Finish();   // sends what is still queued
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "sx/client/exchange_client.h"

namespace sx::client::internal {

// One per inbox stream. A failed acknowledgement ends the stream, so that the
// consumer reconnects and the unacknowledged entries come again.
// Add() and Finish() from the thread that reads the stream;
// EndStreamWhenAcknowledged() from any thread.
class InboxAckBatcher {
 public:
  // `stream` must outlive the batcher.
  InboxAckBatcher(ExchangeClient& client, InboxStream& stream,
                  size_t max_batch);
  ~InboxAckBatcher();

  InboxAckBatcher(const InboxAckBatcher&) = delete;
  InboxAckBatcher& operator=(const InboxAckBatcher&) = delete;

  // Queues the sequence of an entry whose handler succeeded.
  void Add(uint64_t sequence);

  // Ends the stream as soon as nothing queued is left unacknowledged: the hub
  // counts entries a closing stream carried but were not acknowledged as
  // failed deliveries, so handled ones should be acknowledged first.
  void EndStreamWhenAcknowledged();

  // Sends what is still queued (unless an acknowledgement failed), stops the
  // thread, and returns the first acknowledgement failure. Idempotent.
  absl::Status Finish();

 private:
  void SendUntilFinished();
  // Waits for queued sequences; nullopt once finishing and drained, or after
  // a failure.
  std::optional<std::vector<uint64_t>> NextBatch();
  void BatchSent(const absl::Status& sent);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Cancels the stream if EndStreamWhenAcknowledged() asked for it and
  // nothing queued or in flight is left.
  void EndStreamIfAcknowledged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ExchangeClient& client_;
  InboxStream& stream_;
  const size_t max_batch_;

  mutable absl::Mutex mu_;
  std::vector<uint64_t> queued_ ABSL_GUARDED_BY(mu_);
  bool sending_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool end_stream_when_acknowledged_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);

  // Last: it starts once everything above is initialized.
  std::thread sender_;
};

}  // namespace sx::client::internal
