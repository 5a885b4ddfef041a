#include "client_sdk/sxctl/rectification_commands.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "client_sdk/sxctl/attachment_files.h"
#include "client_sdk/sxctl/rectification_items_file.h"

namespace sx::sxctl {
namespace {

// Every ledger command names its referral first.
const std::string& ReferralId(const Invocation& invocation) {
  return invocation.arguments.front();
}

// The ITEM argument of report and verify: 1, 2, ...
absl::StatusOr<uint32_t> ItemNumber(const Invocation& invocation) {
  const std::string& text = invocation.arguments.at(1);
  uint32_t number = 0;
  if (text.empty() || text[0] == '+' || !absl::SimpleAtoi(text, &number) ||
      number == 0) {
    return UsageError(
        absl::StrCat("ITEM '", text,
                     "' is not an item number (1, 2, ... as listed by "
                     "sxctl rectification list)"));
  }
  return number;
}

// --after, or 0; beyond uint32 no item exists, so the hub's answer to the
// largest number (nothing after it) is the right one.
uint32_t AfterOption(const Invocation& invocation) {
  const uint64_t after = invocation.Count("after");
  return after > std::numeric_limits<uint32_t>::max()
             ? std::numeric_limits<uint32_t>::max()
             : static_cast<uint32_t>(after);
}

absl::StatusOr<client::RectificationItemPage> ListAllPages(
    client::ExchangeClient& exchange, client::RectificationItemQuery query) {
  client::RectificationItemPage all;
  while (true) {
    absl::StatusOr<client::RectificationItemPage> page =
        exchange.ListRectificationItems(query);
    if (!page.ok()) return page.status();
    for (client::RectificationItem& item : page->items) {
      all.items.push_back(std::move(item));
    }
    // The summary of the last page is the newest.
    all.summary = page->summary;
    if (page->next_after_number == 0) break;
    // Pages go forward in number order; one that does not would loop.
    if (page->next_after_number <= query.after_number) {
      return absl::DataLossError(absl::StrCat(
          "the hub answered items after ", query.after_number,
          " with a page that continues after ", page->next_after_number));
    }
    query.after_number = page->next_after_number;
  }
  return all;
}

}  // namespace

absl::Status RunRectificationList(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::RectificationItemQuery query;
  query.referral_id = ReferralId(in);
  for (const std::string& name : in.Values("status")) {
    absl::StatusOr<client::RectificationStatus> status =
        ParseChoice(&client::ParseRectificationStatus, name);
    if (!status.ok()) return status.status();
    query.statuses.push_back(*status);
  }
  query.overdue_only = in.Has("overdue");
  query.include_history = in.Has("history");
  query.page_size = PageSizeOption(in);
  query.after_number = AfterOption(in);
  absl::StatusOr<client::RectificationItemPage> page =
      in.Has("all") ? ListAllPages(*context.exchange, query)
                    : context.exchange->ListRectificationItems(query);
  if (!page.ok()) return page.status();
  context.output.RectificationItems(*page, query.include_history);
  return absl::OkStatus();
}

absl::Status RunRectificationAdd(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::AddRectificationItemsParams params;
  params.referral_id = ReferralId(in);
  absl::StatusOr<std::vector<client::RectificationItemDraft>> items =
      ReadRectificationItemsFile(in.Value("items"));
  if (!items.ok()) return items.status();
  params.items = *std::move(items);
  return PrintIfOk(
      context.exchange->AddRectificationItems(params, RequestOptions(in)),
      context.output, &Output::RectificationStep);
}

absl::Status RunRectificationReport(const CommandContext& context) {
  const Invocation& in = context.invocation;
  client::ReportRectificationParams params;
  params.referral_id = ReferralId(in);
  absl::StatusOr<uint32_t> item = ItemNumber(in);
  if (!item.ok()) return item.status();
  params.item_number = *item;
  absl::StatusOr<client::RectificationReportKind> kind =
      ParseChoice(&client::ParseRectificationReportKind, in.Value("kind"));
  if (!kind.ok()) return kind.status();
  params.kind = *kind;
  params.text = in.Value("text");
  const absl::Status review_date = ReviewDateOption(
      in, params.kind == client::RectificationReportKind::kLongTerm,
      "--kind long_term", "when the continuing effort is reviewed",
      &params.review_at);
  if (!review_date.ok()) return review_date;
  // Read every file before calling, so that a typo sends nothing.
  absl::StatusOr<std::vector<client::Attachment>> evidence =
      ReadAttachmentFiles(in.Values("evidence"));
  if (!evidence.ok()) return evidence.status();
  params.evidence = *std::move(evidence);
  return PrintIfOk(
      context.exchange->ReportRectification(params, RequestOptions(in)),
      context.output, &Output::RectificationStep);
}

absl::Status RunRectificationVerify(const CommandContext& context) {
  const Invocation& in = context.invocation;
  const bool accept = in.Has("accept");
  const bool reject = in.Has("reject");
  if (accept == reject) return UsageError("give either --accept or --reject");
  if (reject && !in.Has("reason")) {
    return UsageError("--reject needs --reason TEXT: what is still missing");
  }
  if (accept && in.Has("reason")) {
    return UsageError("--reason goes with --reject only");
  }
  client::VerifyRectificationParams params;
  params.referral_id = ReferralId(in);
  absl::StatusOr<uint32_t> item = ItemNumber(in);
  if (!item.ok()) return item.status();
  params.item_number = *item;
  params.verdict = accept ? client::RectificationVerdict::kAccept
                          : client::RectificationVerdict::kReject;
  params.reason = in.Value("reason");
  return PrintIfOk(
      context.exchange->VerifyRectification(params, RequestOptions(in)),
      context.output, &Output::RectificationStep);
}

}  // namespace sx::sxctl
