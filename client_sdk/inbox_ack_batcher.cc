#include "client_sdk/inbox_ack_batcher.h"

#include <algorithm>
#include <utility>

namespace sx::client::internal {

InboxAckBatcher::InboxAckBatcher(ExchangeClient& client, InboxStream& stream,
                                 size_t max_batch)
    : client_(client),
      stream_(stream),
      max_batch_(std::max<size_t>(max_batch, 1)),
      sender_([this] { SendUntilFinished(); }) {}

InboxAckBatcher::~InboxAckBatcher() {
  // Whoever reads the stream reports failures through Finish(); this only
  // makes sure the thread never outlives the batcher.
  Finish().IgnoreError();
}

void InboxAckBatcher::Add(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  // After a failure the stream is ending and the entry comes again.
  if (!failure_.ok()) return;
  queued_.push_back(sequence);
}

void InboxAckBatcher::EndStreamWhenAcknowledged() {
  absl::MutexLock lock(&mu_);
  end_stream_when_acknowledged_ = true;
  EndStreamIfAcknowledged();
}

absl::Status InboxAckBatcher::Finish() {
  {
    absl::MutexLock lock(&mu_);
    finishing_ = true;
  }
  if (sender_.joinable()) sender_.join();
  absl::MutexLock lock(&mu_);
  return failure_;
}

void InboxAckBatcher::SendUntilFinished() {
  // No timer: the next call leaves as soon as the previous one returns, so
  // batches grow only as far as the load makes them.
  while (std::optional<std::vector<uint64_t>> batch = NextBatch()) {
    BatchSent(client_.Ack(*batch).status());
  }
}

bool InboxAckBatcher::HasWork() const {
  return !queued_.empty() || finishing_ || !failure_.ok();
}

std::optional<std::vector<uint64_t>> InboxAckBatcher::NextBatch() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &InboxAckBatcher::HasWork));
  if (!failure_.ok() || queued_.empty()) return std::nullopt;
  const size_t count = std::min(queued_.size(), max_batch_);
  std::vector<uint64_t> batch(queued_.begin(), queued_.begin() + count);
  queued_.erase(queued_.begin(), queued_.begin() + count);
  sending_ = true;
  return batch;
}

void InboxAckBatcher::BatchSent(const absl::Status& sent) {
  absl::MutexLock lock(&mu_);
  sending_ = false;
  if (!sent.ok()) {
    failure_ = sent;
    queued_.clear();
    // The entries not acknowledged come again on the next stream, and the
    // consumer only acknowledges those it has handled already.
    stream_.Cancel();
    return;
  }
  EndStreamIfAcknowledged();
}

void InboxAckBatcher::EndStreamIfAcknowledged() {
  if (end_stream_when_acknowledged_ && queued_.empty() && !sending_) {
    stream_.Cancel();
  }
}

}  // namespace sx::client::internal
