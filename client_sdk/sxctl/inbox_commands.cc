#include "client_sdk/sxctl/inbox_commands.h"

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/interrupt.h"
#include "sx/client/inbox_consumer.h"

namespace sx::sxctl {
namespace {

constexpr absl::Duration kDefaultIdle = absl::Seconds(1);

uint64_t AfterSequence(const Invocation& invocation) {
  return invocation.Count("after");
}

// The stream gives no sign of "nothing more for now", so `inbox list` reads
// until the hub has been silent for a while. A reader thread blocks in
// Next(); the calling thread watches the clock and cancels.
// Read() once, from one thread; it runs the reader thread itself.
class InboxSnapshot {
 public:
  InboxSnapshot(client::InboxStream& stream, absl::Duration idle)
      : stream_(stream), idle_(idle) {}

  absl::StatusOr<std::vector<client::InboxEntry>> Read() {
    std::thread reader([this] { ReadUntilEnd(); });
    bool went_quiet = false;
    {
      absl::MutexLock lock(&mu_);
      while (!ended_) {
        const size_t before = entries_.size();
        auto progressed = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
          return ended_ || entries_.size() != before;
        };
        if (!mu_.AwaitWithTimeout(absl::Condition(&progressed), idle_)) {
          went_quiet = true;
          break;
        }
      }
    }
    stream_.Cancel();
    reader.join();
    const absl::Status status = stream_.Finish();
    // Our own Cancel() ends the stream with CANCELLED; anything that ended it
    // before the hub went quiet is a real failure.
    if (!went_quiet && !status.ok()) return status;
    absl::MutexLock lock(&mu_);
    return std::move(entries_);
  }

 private:
  void ReadUntilEnd() {
    client::InboxEntry entry;
    while (stream_.Next(&entry)) {
      absl::MutexLock lock(&mu_);
      entries_.push_back(std::move(entry));
      entry = client::InboxEntry();
    }
    absl::MutexLock lock(&mu_);
    ended_ = true;
  }

  client::InboxStream& stream_;
  const absl::Duration idle_;
  absl::Mutex mu_;
  std::vector<client::InboxEntry> entries_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

// Follows the stream without acknowledging: what is shown stays in the inbox.
absl::Status WatchWithoutAck(const CommandContext& context) {
  std::unique_ptr<client::InboxStream> stream =
      context.exchange->OpenInbox(AfterSequence(context.invocation));
  InterruptHandler interrupt([&stream] { stream->Cancel(); });
  client::InboxEntry entry;
  while (stream->Next(&entry)) context.output.StreamedInboxEntry(entry);
  const absl::Status status = stream->Finish();
  if (interrupt.interrupted()) return absl::OkStatus();
  return status;
}

// Acknowledges each entry once it is printed; InboxConsumer reconnects when
// the hub goes away and never acknowledges what was not printed.
absl::Status WatchWithAck(const CommandContext& context) {
  client::InboxConsumer consumer(*context.exchange,
                                 [&context](const client::InboxEntry& entry) {
                                   context.output.StreamedInboxEntry(entry);
                                   return absl::OkStatus();
                                 });
  InterruptHandler interrupt([&consumer] { consumer.Stop(); });
  return consumer.Run();
}

}  // namespace

absl::Status RunInboxList(const CommandContext& context) {
  const Invocation& in = context.invocation;
  const absl::Duration idle = in.Seconds("idle", kDefaultIdle);
  // A unary call first, so that the connection and TLS handshake are done
  // (and an unknown identity is refused with a clear status) before the idle
  // timer starts: it should measure the hub's silence, not the handshake.
  client::ListQuery probe;
  probe.page_size = 1;
  absl::StatusOr<client::ReferralPage> connected =
      context.exchange->List(probe);
  if (!connected.ok()) return connected.status();

  std::unique_ptr<client::InboxStream> stream =
      context.exchange->OpenInbox(AfterSequence(in));
  absl::StatusOr<std::vector<client::InboxEntry>> entries =
      InboxSnapshot(*stream, idle).Read();
  if (!entries.ok()) return entries.status();
  context.output.InboxEntries(*entries);
  return absl::OkStatus();
}

absl::Status RunInboxWatch(const CommandContext& context) {
  if (context.invocation.Has("ack")) {
    if (context.invocation.Has("after")) {
      // InboxConsumer always resumes from the oldest unacknowledged entry.
      return UsageError("--after cannot be used with --ack");
    }
    return WatchWithAck(context);
  }
  return WatchWithoutAck(context);
}

absl::Status RunInboxAck(const CommandContext& context) {
  const std::vector<uint64_t> sequences = CountArguments(context.invocation);
  absl::StatusOr<uint32_t> acknowledged = context.exchange->Ack(sequences);
  if (!acknowledged.ok()) return acknowledged.status();
  context.output.Acknowledged(*acknowledged, sequences.size());
  return absl::OkStatus();
}

}  // namespace sx::sxctl
