#include "server/core/rectification_ledger.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "sx/base/status_macros.h"
#include "sx/core/request_validation.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

// Open items named in a refusal to close; the rest are counted.
constexpr size_t kOpenItemsNamed = 20;

// Moves one item's count from the counter of `from` to that of `to`.
void Recount(v1::RectificationSummary& summary, v1::RectificationStatus from,
             v1::RectificationStatus to) {
  if (from == to) return;
  auto add = [&summary](v1::RectificationStatus status, int delta) {
    auto step = [delta](uint32_t count) {
      return delta < 0 && count == 0 ? 0u : count + delta;
    };
    switch (status) {
      case v1::RECTIFICATION_STATUS_IN_PROGRESS:
        summary.set_in_progress(step(summary.in_progress()));
        break;
      case v1::RECTIFICATION_STATUS_REPORTED_DONE:
      case v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM:
        summary.set_awaiting_verification(
            step(summary.awaiting_verification()));
        break;
      case v1::RECTIFICATION_STATUS_VERIFIED:
        summary.set_verified(step(summary.verified()));
        break;
      case v1::RECTIFICATION_STATUS_LONG_TERM:
        summary.set_long_term(step(summary.long_term()));
        break;
      default:
        break;
    }
  };
  add(from, -1);
  add(to, +1);
}

// An item's deadline stands while it is 整改中 and not yet flagged: a
// report takes it away, a rejection brings it back (and if the due date has
// passed meanwhile, the next check flags the item).
bool DeadlineStands(const v1::RectificationItem& item) {
  return item.status() == v1::RECTIFICATION_STATUS_IN_PROGRESS &&
         !item.overdue();
}

absl::Status KeepDeadline(storage::Transaction& txn,
                          absl::string_view referral_id, bool stood,
                          const v1::RectificationItem& item) {
  const bool stands = DeadlineStands(item);
  if (stood == stands) return absl::OkStatus();
  const absl::Time due = FromTimestamp(item.due_at());
  return stands ? txn.PutItemDeadline(due, referral_id, item.number())
                : txn.DeleteItemDeadline(due, referral_id, item.number());
}

}  // namespace

absl::Status ValidateItemDrafts(absl::string_view field,
                                const ItemDrafts& drafts,
                                const v1::Limits& limits) {
  if (static_cast<uint32_t>(drafts.size()) > limits.max_rectification_items()) {
    return absl::ResourceExhaustedError(
        absl::StrCat(field, ": ", drafts.size(), " items exceed the limit of ",
                     limits.max_rectification_items(), " per list"));
  }
  for (int i = 0; i < drafts.size(); ++i) {
    const v1::RectificationItemDraft& draft = drafts[i];
    const std::string where = absl::StrCat(field, "[", i, "]");
    SX_RETURN_IF_ERROR(
        ValidateText(absl::StrCat(where, ".problem"), draft.problem(), limits));
    SX_RETURN_IF_ERROR(ValidateOptionalText(absl::StrCat(where, ".category"),
                                            draft.category(), limits));
    SX_RETURN_IF_ERROR(
        ValidateOptionalText(absl::StrCat(where, ".responsible_unit"),
                             draft.responsible_unit(), limits));
    for (int m = 0; m < draft.measures_size(); ++m) {
      SX_RETURN_IF_ERROR(ValidateText(absl::StrCat(where, ".measures[", m, "]"),
                                      draft.measures(m), limits));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDueDatesAhead(absl::string_view field,
                                const ItemDrafts& drafts, absl::Time now) {
  for (int i = 0; i < drafts.size(); ++i) {
    if (drafts[i].has_due_at() && FromTimestamp(drafts[i].due_at()) <= now) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i,
          "].due_at: must be in the future (or unset: the referral's "
          "feedback deadline)"));
    }
  }
  return absl::OkStatus();
}

std::string ItemDraftBytes(const ItemDrafts& drafts) {
  v1::AddRectificationItemsRequest items_only;
  *items_only.mutable_items() = drafts;
  return items_only.SerializeAsString();
}

absl::Status CheckHasLedger(const v1::Referral& referral) {
  if (referral.kind() == v1::REFERRAL_KIND_PROBLEM_LIST) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "referral ", referral.referral_id(),
      " is not a problem list (问题清单): only problem lists carry a "
      "rectification ledger"));
}

absl::StatusOr<std::vector<uint32_t>> AddLedgerItems(
    storage::Transaction& txn, v1::Referral& referral, const ItemDrafts& drafts,
    absl::string_view actor, uint32_t max_items, absl::Time now) {
  v1::RectificationSummary& summary = *referral.mutable_rectification();
  if (summary.total() + static_cast<uint64_t>(drafts.size()) > max_items) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "items: the list has ", summary.total(), " items, and ", drafts.size(),
        " more would exceed the limit of ", max_items,
        " (limits.max_rectification_items); send the rest as another list"));
  }
  const bool feedback_due_passed =
      FromTimestamp(referral.feedback_due_at()) <= now;
  for (int i = 0; i < drafts.size(); ++i) {
    if (!drafts[i].has_due_at() && feedback_due_passed) {
      // An item would be overdue the moment it was added.
      return absl::InvalidArgumentError(absl::StrCat(
          "items[", i, "].due_at: required: the list's feedback deadline (",
          absl::FormatTime(absl::RFC3339_sec,
                           FromTimestamp(referral.feedback_due_at()),
                           absl::UTCTimeZone()),
          ") has passed, so new items need their own"));
    }
  }
  summary.set_rounds(summary.rounds() + 1);
  std::vector<uint32_t> numbers;
  for (const v1::RectificationItemDraft& draft : drafts) {
    v1::RectificationItem item;
    item.set_number(summary.total() + 1);
    item.set_category(draft.category());
    item.set_problem(draft.problem());
    *item.mutable_measures() = draft.measures();
    item.set_responsible_unit(draft.responsible_unit());
    *item.mutable_due_at() =
        draft.has_due_at() ? draft.due_at() : referral.feedback_due_at();
    item.set_status(v1::RECTIFICATION_STATUS_IN_PROGRESS);
    item.set_round(summary.rounds());
    *item.mutable_updated_at() = ToTimestamp(now);
    v1::RectificationUpdate& added = *item.add_history();
    added.set_step(v1::RECTIFICATION_STEP_ADDED);
    added.set_actor(std::string(actor));
    *added.mutable_time() = ToTimestamp(now);
    added.set_status(item.status());
    SX_RETURN_IF_ERROR(txn.PutRectificationItem(referral.referral_id(), item));
    SX_RETURN_IF_ERROR(KeepDeadline(txn, referral.referral_id(),
                                    /*stood=*/false, item));
    summary.set_total(summary.total() + 1);
    summary.set_in_progress(summary.in_progress() + 1);
    numbers.push_back(item.number());
  }
  return numbers;
}

absl::StatusOr<v1::RectificationItem> TakeItemStep(
    storage::Transaction& txn, v1::Referral& referral, uint32_t number,
    ItemStep step, absl::string_view actor, ItemStepDetails details,
    absl::Time now) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::RectificationItem> found,
                      txn.GetRectificationItem(referral.referral_id(), number));
  if (!found.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "item_number: referral ", referral.referral_id(), " has items 1 to ",
        referral.rectification().total(), "; there is no item ", number));
  }
  v1::RectificationItem& item = *found;
  SX_ASSIGN_OR_RETURN(ItemTransition transition,
                      DecideItemStep(number, item.status(), step));
  const bool stood = DeadlineStands(item);
  v1::RectificationSummary& summary = *referral.mutable_rectification();
  Recount(summary, item.status(), transition.to);
  item.set_status(transition.to);
  if (step == ItemStep::kReject) {
    item.set_rejections(item.rejections() + 1);
    summary.set_rejections(summary.rejections() + 1);
  }
  if (step == ItemStep::kFlagOverdue) {
    item.set_overdue(true);
    summary.set_overdue(summary.overdue() + 1);
  }
  v1::RectificationUpdate& update = *item.add_history();
  update.set_step(transition.recorded);
  update.set_actor(std::string(actor));
  *update.mutable_time() = ToTimestamp(now);
  update.set_text(std::move(details.text));
  *update.mutable_evidence() = std::move(details.evidence);
  update.set_status(item.status());
  if (details.review_at.has_value()) {
    *update.mutable_review_at() = ToTimestamp(*details.review_at);
    *item.mutable_review_at() = ToTimestamp(*details.review_at);
  } else if (item.status() != v1::RECTIFICATION_STATUS_LONG_TERM &&
             item.status() != v1::RECTIFICATION_STATUS_REPORTED_LONG_TERM) {
    // Reported done, or a long-term report rejected: nothing to review.
    item.clear_review_at();
  }
  *item.mutable_updated_at() = ToTimestamp(now);
  SX_RETURN_IF_ERROR(KeepDeadline(txn, referral.referral_id(), stood, item));
  SX_RETURN_IF_ERROR(txn.PutRectificationItem(referral.referral_id(), item));
  return item;
}

absl::StatusOr<ItemDrafts> OpenItemsAsDrafts(storage::Transaction& txn,
                                             const v1::Referral& referral,
                                             absl::Time now) {
  ItemDrafts drafts;
  for (uint32_t number = 1; number <= referral.rectification().total();
       ++number) {
    SX_ASSIGN_OR_RETURN(
        std::optional<v1::RectificationItem> item,
        txn.GetRectificationItem(referral.referral_id(), number));
    if (!item.has_value() || IsSettled(item->status())) continue;
    v1::RectificationItemDraft& draft = *drafts.Add();
    draft.set_category(item->category());
    draft.set_problem(item->problem());
    *draft.mutable_measures() = item->measures();
    draft.set_responsible_unit(item->responsible_unit());
    if (FromTimestamp(item->due_at()) > now) {
      *draft.mutable_due_at() = item->due_at();
    }
  }
  return drafts;
}

absl::Status CheckLedgerSettled(storage::Transaction& txn,
                                const v1::Referral& referral) {
  const v1::RectificationSummary& summary = referral.rectification();
  if (summary.verified() + summary.long_term() >= summary.total()) {
    return absl::OkStatus();
  }
  // Only the refusal reads items: at most the list's length, never history.
  std::vector<std::string> open;
  size_t more = 0;
  for (uint32_t number = 1; number <= summary.total(); ++number) {
    SX_ASSIGN_OR_RETURN(
        std::optional<v1::RectificationItem> item,
        txn.GetRectificationItem(referral.referral_id(), number));
    if (!item.has_value() || IsSettled(item->status())) continue;
    if (open.size() < kOpenItemsNamed) {
      open.push_back(absl::StrCat(number, " ", ItemStatusName(item->status())));
    } else {
      ++more;
    }
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot close (销号) problem list ", referral.referral_id(), ": ",
      summary.total() - summary.verified() - summary.long_term(), " of ",
      summary.total(),
      " rectification items are not settled (verified or accepted as "
      "长期坚持): item ",
      absl::StrJoin(open, ", item "),
      more > 0 ? absl::StrCat(" and ", more, " more") : "",
      " (sxctl rectification list ", referral.referral_id(), ")"));
}

}  // namespace sx::core
