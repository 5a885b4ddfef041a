// The rectification ledger (整改台账) of a problem list inside a storage
// transaction: adding items, moving one item by the item table, the
// summary counts on the referral, item deadlines, and whether the list may
// be closed. Shared by submission, the ledger calls, the close step and the
// deadline watcher, so that each change to an item is written one way.
//
// Callers authorize first (AuthorizeStep with a ledger action) and write
// the referral, its event and the request record themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "server/core/rectification_item_table.h"
#include "supervision/v1/config.pb.h"
#include "supervision/v1/rectification.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/storage/store.h"

namespace sx::core {

using ItemDrafts = google::protobuf::RepeatedPtrField<
    ::supervision::v1::RectificationItemDraft>;

// Checks drafts before any transaction: a problem, texts within limits.
// `field` names them in errors ("items").
absl::Status ValidateItemDrafts(absl::string_view field,
                                const ItemDrafts& drafts,
                                const ::supervision::v1::Limits& limits);

// Due dates must lie after `now`. Checked inside the transaction, after the
// replay check: a retry of a call that succeeded must not fail because its
// dates have passed since.
absl::Status CheckDueDatesAhead(absl::string_view field,
                                const ItemDrafts& drafts, absl::Time now);

// The bytes an event's content digest covers for these drafts.
std::string ItemDraftBytes(const ItemDrafts& drafts);

// FAILED_PRECONDITION unless the referral is a problem list: the others
// have no ledger.
absl::Status CheckHasLedger(const ::supervision::v1::Referral& referral);

// Stores `drafts` as the ledger's next items (numbers after the last, the
// next round), with their deadlines, and counts them in the referral's
// summary. RESOURCE_EXHAUSTED past limits.max_rectification_items. Returns
// the new items' numbers.
absl::StatusOr<std::vector<uint32_t>> AddLedgerItems(
    storage::Transaction& txn, ::supervision::v1::Referral& referral,
    const ItemDrafts& drafts, absl::string_view actor, uint32_t max_items,
    absl::Time now);

// What a report or verdict carries into the item's history.
struct ItemStepDetails {
  std::string text;
  google::protobuf::RepeatedPtrField<::supervision::v1::Attachment> evidence;
  // Long-term reports only.
  std::optional<absl::Time> review_at;
};

// Moves item `number` by `step` (INVALID_ARGUMENT if the list has no such
// item, FAILED_PRECONDITION if its status does not allow the step), records
// it in the item's history, keeps its deadline and the referral's summary
// in step, and returns the item as stored.
absl::StatusOr<::supervision::v1::RectificationItem> TakeItemStep(
    storage::Transaction& txn, ::supervision::v1::Referral& referral,
    uint32_t number, ItemStep step, absl::string_view actor,
    ItemStepDetails details, absl::Time now);

// The list's unsettled items as drafts, for the child of a 转办: the
// competent agency takes over what is still open. Due dates already past
// are left unset (the child's own feedback deadline).
absl::StatusOr<ItemDrafts> OpenItemsAsDrafts(
    storage::Transaction& txn, const ::supervision::v1::Referral& referral,
    absl::Time now);

// OK when every item is settled; else FAILED_PRECONDITION naming the open
// items and their statuses (销号 waits for 对账).
absl::Status CheckLedgerSettled(storage::Transaction& txn,
                                const ::supervision::v1::Referral& referral);

}  // namespace sx::core
