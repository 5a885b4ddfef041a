#include "sx/client/inbox_consumer.h"

#include <algorithm>

#include "absl/time/clock.h"

namespace sx::client {
namespace {

// Errors that no reconnect can cure.
bool IsPermanent(const absl::Status& status) {
  return absl::IsPermissionDenied(status) || absl::IsUnauthenticated(status) ||
         absl::IsInvalidArgument(status);
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
  if (current_ != nullptr) current_->Cancel();
}

absl::Status InboxConsumer::Run() {
  absl::Duration backoff = options_.initial_backoff;
  for (;;) {
    // Always from the oldest unacknowledged entry: whatever was not
    // acknowledged before the break comes again, in order.
    std::unique_ptr<InboxStream> stream = client_.OpenInbox(0);
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return absl::OkStatus();
      current_ = stream.get();
    }
    const uint64_t handled_before = handled();
    absl::Status ended = ConsumeStream(*stream);
    {
      absl::MutexLock lock(&mu_);
      current_ = nullptr;
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

absl::Status InboxConsumer::ConsumeStream(InboxStream& stream) {
  InboxEntry entry;
  while (stream.Next(&entry)) {
    if (entry.sequence > last_handled_sequence_) {
      absl::Status handled = handler_(entry);
      if (!handled.ok()) {
        // Not acknowledged: reconnecting brings this entry back first.
        stream.Cancel();
        stream.Finish().IgnoreError();
        return handled;
      }
      last_handled_sequence_ = entry.sequence;
      absl::MutexLock lock(&mu_);
      ++handled_;
    }
    absl::StatusOr<uint32_t> acked = client_.Ack({entry.sequence});
    if (!acked.ok()) {
      stream.Cancel();
      stream.Finish().IgnoreError();
      return acked.status();
    }
  }
  return stream.Finish();
}

}  // namespace sx::client
