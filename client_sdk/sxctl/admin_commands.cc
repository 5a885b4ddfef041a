#include "client_sdk/sxctl/admin_commands.h"

#include <unistd.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "client_sdk/sxctl/interrupt.h"
#include "client_sdk/sxctl/top_frame.h"

namespace sx::sxctl {
namespace {

constexpr absl::Duration kDefaultTopInterval = absl::Seconds(2);

// What one frame of `admin top` shows, read in three calls.
absl::StatusOr<TopFrame> ReadTopFrame(client::AdminClient& admin) {
  TopFrame frame;
  absl::StatusOr<client::HubStatus> status = admin.GetHubStatus();
  if (!status.ok()) return status.status();
  // Throughput is measured between the moments the event counts came back.
  frame.taken = absl::Now();
  frame.status = *std::move(status);
  absl::StatusOr<std::vector<client::InboxStats>> inboxes =
      admin.GetInboxStats();
  if (!inboxes.ok()) return inboxes.status();
  frame.inboxes = *std::move(inboxes);
  absl::StatusOr<client::TransferCounts> counts = admin.GetTransferCounts();
  if (!counts.ok()) return counts.status();
  frame.counts = *std::move(counts);
  return frame;
}

}  // namespace

absl::Status RunAdminTransfers(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::TransferQuery query;
  absl::StatusOr<std::vector<client::ReferralState>> states = StateOptions(in);
  if (!states.ok()) return states.status();
  query.states = *std::move(states);
  query.sender_agency_id = in.Value("from");
  query.recipient_agency_id = in.Value("to");
  query.created_after = in.Time("created-after", absl::InfinitePast());
  query.created_before = in.Time("created-before", absl::InfiniteFuture());
  query.overdue_only = in.Has("overdue");
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(context.admin->ListTransfers(query), context.output,
                   &Output::Transfers);
}

absl::Status RunAdminInboxes(const CommandContext& context) {
  return PrintIfOk(context.admin->GetInboxStats(), context.output,
                   &Output::Inboxes);
}

absl::Status RunAdminDeadLetters(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::DeadLetterQuery query;
  query.agency_id = in.Value("agency");
  query.page_size = PageSizeOption(in);
  query.page_token = in.Value("page-token");
  return PrintIfOk(context.admin->ListDeadLetters(query), context.output,
                   &Output::DeadLetters);
}

absl::Status RunAdminRedrive(const CommandContext& context) {
  const std::string agency = context.invocation.Value("agency");
  absl::StatusOr<uint32_t> redriven = context.admin->RedriveDeadLetters(
      agency, CountArguments(context.invocation));
  if (!redriven.ok()) return redriven.status();
  context.output.Redriven(agency, *redriven);
  return absl::OkStatus();
}

absl::Status RunAdminCounts(const CommandContext& context) {
  return PrintIfOk(context.admin->GetTransferCounts(), context.output,
                   &Output::Counts);
}

absl::Status RunAdminStatus(const CommandContext& context) {
  return PrintIfOk(context.admin->GetHubStatus(), context.output,
                   &Output::Status);
}

absl::Status RunAdminRewrapKeys(const CommandContext& context) {
  const Invocation& in = context.invocation;
  const uint32_t batch =
      in.Has("batch") ? static_cast<uint32_t>(in.Count("batch")) : 0;
  client::RewrapProgress total;
  std::string page_token;
  do {
    absl::StatusOr<client::RewrapProgress> page =
        context.admin->RewrapDataKeys(page_token, batch);
    if (!page.ok()) return page.status();
    total.referrals += page->referrals;
    total.records += page->records;
    page_token = page->next_page_token;
  } while (!page_token.empty());
  context.output.Rewrapped(total);
  return absl::OkStatus();
}

absl::Status RunAdminTop(const CommandContext& context) {
  const Invocation& in = context.invocation;
  const absl::Duration interval = in.Seconds("interval", kDefaultTopInterval);
  if (in.Has("iterations") && in.Count("iterations") == 0) {
    return UsageError("--iterations must be at least 1");
  }
  const uint64_t iterations = in.Count("iterations");  // 0: until Ctrl-C
  // Redraw in place only on a terminal; a pipe or file gets every frame.
  const bool redraw = !in.Has("json") && isatty(STDOUT_FILENO) == 1;
  absl::Notification stop;
  InterruptHandler interrupt([&stop] { stop.Notify(); });
  std::optional<TopFrame> previous;
  for (uint64_t shown = 0; iterations == 0 || shown < iterations; ++shown) {
    if (shown > 0 && stop.WaitForNotificationWithTimeout(interval)) break;
    absl::StatusOr<TopFrame> frame = ReadTopFrame(*context.admin);
    if (!frame.ok()) return frame.status();
    frame->events_per_second =
        EventsPerSecond(previous.has_value() ? &*previous : nullptr, *frame);
    context.output.Top(*frame, redraw);
    previous = *std::move(frame);
  }
  return absl::OkStatus();
}

}  // namespace sx::sxctl
