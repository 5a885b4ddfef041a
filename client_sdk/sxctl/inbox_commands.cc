#include "client_sdk/sxctl/inbox_commands.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client_sdk/sxctl/interrupt.h"
#include "sx/client/inbox_consumer.h"

namespace sx::sxctl {
namespace {

uint64_t AfterSequence(const Invocation& invocation) {
  return invocation.Count("after");
}

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
  // A peek, page by page: looking takes no delivery, so listing as often as
  // one likes never moves entries to the dead letters.
  std::vector<client::InboxEntry> entries;
  client::PeekInboxParams page_params;
  page_params.after_sequence = AfterSequence(context.invocation);
  for (;;) {
    absl::StatusOr<client::InboxPage> page =
        context.exchange->PeekInbox(page_params);
    if (!page.ok()) return page.status();
    for (client::InboxEntry& entry : page->entries) {
      entries.push_back(std::move(entry));
    }
    if (page->next_after_sequence == 0) break;
    page_params.after_sequence = page->next_after_sequence;
  }
  context.output.InboxEntries(entries);
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
