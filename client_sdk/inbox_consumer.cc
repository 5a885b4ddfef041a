#include "sx/client/inbox_consumer.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "client_sdk/inbox_ack_batcher.h"

namespace sx::client {
namespace {

using internal::InboxAckBatcher;

// AckInboxRequest takes at most this many sequences.
constexpr size_t kHubMaxAcksPerCall = 1000;

// Errors that no reconnect can cure.
bool IsPermanent(const absl::Status& status) {
  return absl::IsPermissionDenied(status) || absl::IsUnauthenticated(status) ||
         absl::IsInvalidArgument(status);
}

// Waits for the stream's end once every handled entry is acknowledged (or
// an acknowledgement failed) and returns the first reason it ended: `why`
// (the consumer's own), a failed acknowledgement, or the stream's status.
absl::Status AwaitStreamEnd(InboxStream& stream, InboxAckBatcher& acks,
                            absl::Status why) {
  absl::Status acknowledged = acks.Finish();
  absl::Status finished = stream.Finish();
  if (!why.ok()) return why;
  // A failed acknowledgement cancelled the stream; CANCELLED would hide it.
  if (!acknowledged.ok()) return acknowledged;
  return finished;
}

}  // namespace

InboxConsumer::InboxConsumer(ExchangeClient& client, InboxHandler handler,
                             InboxConsumerOptions options)
    : client_(client), handler_(std::move(handler)), options_(options) {}

bool InboxConsumer::stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

uint64_t InboxConsumer::handled() const {
  absl::MutexLock lock(&mu_);
  return handled_;
}

void InboxConsumer::Stop() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  if (open_stream_acks_ != nullptr) {
    open_stream_acks_->EndStreamWhenAcknowledged();
  }
}

absl::Status InboxConsumer::Run() {
  const size_t max_ack_batch =
      std::clamp<size_t>(options_.max_ack_batch, 1, kHubMaxAcksPerCall);
  absl::Duration backoff = options_.initial_backoff;
  for (;;) {
    // Always from the oldest unacknowledged entry: whatever was not
    // acknowledged before the break comes again, in order.
    std::unique_ptr<InboxStream> stream = client_.OpenInbox(0);
    InboxAckBatcher acks(client_, *stream, max_ack_batch);
    {
      absl::MutexLock lock(&mu_);
      open_stream_acks_ = &acks;
      // A Stop() that came before this point ends the new stream the same
      // way as one that comes while it is read: nothing is handled, and the
      // call is finished rather than dropped.
      if (stopping_) acks.EndStreamWhenAcknowledged();
    }
    const uint64_t handled_before = handled();
    absl::Status ended = ConsumeStream(*stream, acks);
    {
      absl::MutexLock lock(&mu_);
      open_stream_acks_ = nullptr;
      if (stopping_) return absl::OkStatus();
    }
    if (IsPermanent(ended)) return ended;
    // A stream that made progress was healthy: start the backoff afresh.
    if (handled() > handled_before) backoff = options_.initial_backoff;
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), backoff);
    if (stopping_) return absl::OkStatus();
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::Status InboxConsumer::ConsumeStream(InboxStream& stream,
                                          InboxAckBatcher& acks) {
  InboxEntry entry;
  while (stream.Next(&entry)) {
    // Stop() had the stream end once the acknowledgements are out; entries
    // that arrive meanwhile are left for the next run.
    if (stopping()) break;
    if (entry.sequence > last_handled_sequence_) {
      absl::Status handled = handler_(entry);
      if (!handled.ok()) {
        // Not acknowledged: reconnecting brings this entry back first. The
        // hub counts entries a closed stream carried without acknowledgement
        // as failed deliveries, so the handled ones are acknowledged first.
        acks.EndStreamWhenAcknowledged();
        return AwaitStreamEnd(stream, acks, handled);
      }
      last_handled_sequence_ = entry.sequence;
      absl::MutexLock lock(&mu_);
      ++handled_;
    }
    acks.Add(entry.sequence);
  }
  return AwaitStreamEnd(stream, acks, absl::OkStatus());
}

}  // namespace sx::client
