#include "sx/core/rectification_core.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/core/rectification_ledger.h"
#include "server/core/referral_steps.h"
#include "server/core/request_records.h"
#include "sx/base/sha256.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/request_validation.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using storage::Transaction;

constexpr uint32_t kDefaultPageSize = 50;
constexpr uint32_t kMaxPageSize = 500;

// Replies carry names, sizes and digests of evidence; GetReferral-style
// downloads of the bytes are not part of a ledger reply, which keeps replies
// about hundreds of items small.
void StripEvidenceContent(v1::RectificationItem& item) {
  for (v1::RectificationUpdate& update : *item.mutable_history()) {
    StripAttachmentContent(*update.mutable_evidence());
  }
}

absl::Status ValidateItemNumber(uint32_t number) {
  if (number == 0) {
    return absl::InvalidArgumentError(
        "item_number: required (items are numbered from 1)");
  }
  return absl::OkStatus();
}

// The digest an event keeps of what a request carried: its bytes without
// the request id, which is no content.
template <typename Request>
std::string ContentOf(Request request) {
  request.clear_request_id();
  return Sha256(request.SerializeAsString());
}

// The result of an earlier call with the same request id, as it is now.
absl::Status ReadReplay(Transaction& txn, const v1::RequestRecord& record,
                        v1::RectificationStepResponse& result) {
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      txn.GetReferral(record.referral_id()));
  if (!referral.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "storage: referral ", record.referral_id(), " of a request is gone"));
  }
  *result.mutable_referral() = *std::move(referral);
  for (uint32_t number : record.item_numbers()) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::RectificationItem> item,
                        txn.GetRectificationItem(record.referral_id(), number));
    if (item.has_value()) *result.add_items() = *std::move(item);
  }
  return absl::OkStatus();
}

}  // namespace

// One ledger call, checked and ready for the transaction.
struct RectificationCore::LedgerStep {
  Action action;
  std::string method;
  std::string request_id;
  std::string fingerprint;
  std::optional<SignedStep> signed_step;
  std::string referral_id;
  // Add only.
  ItemDrafts drafts;
  // Report and verify only.
  uint32_t item_number = 0;
  ItemStep item_step = ItemStep::kProgress;
  ItemStepDetails details;
  // SHA-256 of what the call carried, for the event.
  std::string content_sha256;
};

namespace {

// Dates a call sets must lie ahead. Checked after the replay check, so that
// a retry of a call that succeeded replays even once its dates have passed.
absl::Status CheckDatesAhead(const RectificationCore::LedgerStep& step,
                             absl::Time now) {
  if (step.action == Action::kAddRectificationItems) {
    return CheckDueDatesAhead("items", step.drafts, now);
  }
  if (step.details.review_at.has_value() && *step.details.review_at <= now) {
    return absl::InvalidArgumentError("review_at: must be in the future");
  }
  return absl::OkStatus();
}

}  // namespace

RectificationCore::RectificationCore(
    storage::Store& store, const Clock& clock,
    std::function<std::shared_ptr<const HubConfig>()> config)
    : store_(store), clock_(clock), config_(std::move(config)) {}

void RectificationCore::AddItems(const Identity& caller,
                                 v1::AddRectificationItemsRequest request,
                                 std::string request_fingerprint,
                                 LedgerCallback done,
                                 std::optional<SignedStep> signed_step) {
  const std::shared_ptr<const HubConfig> config = config_();
  absl::Status valid = [&]() -> absl::Status {
    SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id()));
    SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id()));
    if (request.items().empty()) {
      return absl::InvalidArgumentError("items: at least one");
    }
    return ValidateItemDrafts("items", request.items(), config->limits());
  }();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto step = std::make_shared<LedgerStep>();
  step->action = Action::kAddRectificationItems;
  step->method = "AddRectificationItems";
  step->request_id = request.request_id();
  step->fingerprint = std::move(request_fingerprint);
  step->signed_step = std::move(signed_step);
  step->referral_id = request.referral_id();
  step->content_sha256 = Sha256(ItemDraftBytes(request.items()));
  step->drafts = std::move(*request.mutable_items());
  Run(caller, std::move(step), std::move(done));
}

void RectificationCore::Report(const Identity& caller,
                               v1::ReportRectificationRequest request,
                               std::string request_fingerprint,
                               LedgerCallback done,
                               std::optional<SignedStep> signed_step) {
  const std::shared_ptr<const HubConfig> config = config_();
  auto step = std::make_shared<LedgerStep>();
  absl::Status valid = [&]() -> absl::Status {
    SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id()));
    SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id()));
    SX_RETURN_IF_ERROR(ValidateItemNumber(request.item_number()));
    SX_RETURN_IF_ERROR(ValidateText("text", request.text(), config->limits()));
    SX_RETURN_IF_ERROR(SealAttachments("evidence", *request.mutable_evidence(),
                                       config->limits()));
    switch (request.kind()) {
      case v1::RECTIFICATION_REPORT_KIND_PROGRESS:
        step->item_step = ItemStep::kProgress;
        break;
      case v1::RECTIFICATION_REPORT_KIND_DONE:
        step->item_step = ItemStep::kReportDone;
        break;
      case v1::RECTIFICATION_REPORT_KIND_LONG_TERM:
        step->item_step = ItemStep::kReportLongTerm;
        if (!request.has_review_at()) {
          return absl::InvalidArgumentError(
              "review_at: required for a long-term (长期坚持) report: when "
              "the continuing effort is reviewed");
        }
        step->details.review_at = FromTimestamp(request.review_at());
        return absl::OkStatus();
      default:
        return absl::InvalidArgumentError(
            "kind: required (PROGRESS, DONE or LONG_TERM)");
    }
    if (request.has_review_at()) {
      return absl::InvalidArgumentError(
          "review_at: only a long-term (长期坚持) report has a review date");
    }
    return absl::OkStatus();
  }();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  step->action = Action::kReportRectification;
  step->method = "ReportRectification";
  step->request_id = request.request_id();
  step->fingerprint = std::move(request_fingerprint);
  step->signed_step = std::move(signed_step);
  step->referral_id = request.referral_id();
  step->item_number = request.item_number();
  step->content_sha256 = ContentOf(request);
  step->details.text = std::move(*request.mutable_text());
  step->details.evidence = std::move(*request.mutable_evidence());
  Run(caller, std::move(step), std::move(done));
}

void RectificationCore::Verify(const Identity& caller,
                               v1::VerifyRectificationRequest request,
                               std::string request_fingerprint,
                               LedgerCallback done,
                               std::optional<SignedStep> signed_step) {
  const std::shared_ptr<const HubConfig> config = config_();
  const bool reject = request.verdict() == v1::RECTIFICATION_VERDICT_REJECT;
  absl::Status valid = [&]() -> absl::Status {
    SX_RETURN_IF_ERROR(ValidateId("request_id", request.request_id()));
    SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id()));
    SX_RETURN_IF_ERROR(ValidateItemNumber(request.item_number()));
    if (request.verdict() != v1::RECTIFICATION_VERDICT_ACCEPT && !reject) {
      return absl::InvalidArgumentError("verdict: required (ACCEPT or REJECT)");
    }
    // A rejection must tell the unit what is still missing.
    return reject ? ValidateText("reason", request.reason(), config->limits())
                  : ValidateOptionalText("reason", request.reason(),
                                         config->limits());
  }();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  auto step = std::make_shared<LedgerStep>();
  step->action =
      reject ? Action::kRejectRectification : Action::kVerifyRectification;
  step->item_step = reject ? ItemStep::kReject : ItemStep::kAccept;
  step->method = "VerifyRectification";
  step->request_id = request.request_id();
  step->fingerprint = std::move(request_fingerprint);
  step->signed_step = std::move(signed_step);
  step->referral_id = request.referral_id();
  step->item_number = request.item_number();
  step->content_sha256 = ContentOf(request);
  step->details.text = std::move(*request.mutable_reason());
  Run(caller, std::move(step), std::move(done));
}

void RectificationCore::Run(const Identity& caller,
                            std::shared_ptr<LedgerStep> step,
                            LedgerCallback done) {
  const std::shared_ptr<const HubConfig> config = config_();
  const absl::Time now = clock_.Now();
  auto result = std::make_shared<v1::RectificationStepResponse>();
  store_.Apply(
      [=](Transaction& txn) -> absl::Status {
        SX_ASSIGN_OR_RETURN(std::optional<v1::RequestRecord> record,
                            FindRequest(txn, caller, step->method,
                                        step->request_id, step->fingerprint));
        if (record.has_value()) return ReadReplay(txn, *record, *result);
        SX_RETURN_IF_ERROR(CheckDatesAhead(*step, now));
        SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> found,
                            txn.GetReferral(step->referral_id));
        if (!found.has_value()) {
          return NotAPartyOrMissing(caller.name, step->referral_id);
        }
        v1::Referral& referral = *found;
        SX_ASSIGN_OR_RETURN(
            Step decided,
            AuthorizeStep(*config, caller.name, referral, step->action));
        SX_RETURN_IF_ERROR(CheckHasLedger(referral));
        const v1::ReferralState from = referral.state();

        std::vector<uint32_t> numbers;
        if (step->action == Action::kAddRectificationItems) {
          SX_ASSIGN_OR_RETURN(
              numbers,
              AddLedgerItems(txn, referral, step->drafts, caller.name,
                             config->limits().max_rectification_items(), now));
          for (uint32_t number : numbers) {
            SX_ASSIGN_OR_RETURN(
                std::optional<v1::RectificationItem> item,
                txn.GetRectificationItem(referral.referral_id(), number));
            if (item.has_value()) *result->add_items() = *std::move(item);
          }
        } else {
          SX_ASSIGN_OR_RETURN(
              *result->add_items(),
              TakeItemStep(txn, referral, step->item_number, step->item_step,
                           caller.name, std::move(step->details), now));
          numbers.push_back(step->item_number);
        }
        referral.set_state(decided.to);
        referral.set_version(referral.version() + 1);
        *referral.mutable_updated_at() = ToTimestamp(now);
        SX_RETURN_IF_ERROR(txn.UpdateReferral(referral));

        v1::Event event = NewEvent(decided.event, referral, caller.name, from,
                                   step->request_id, now);
        SX_RETURN_IF_ERROR(KeepStepSignature(txn, step->signed_step, event));
        for (uint32_t number : numbers) event.add_item_numbers(number);
        if (step->action == Action::kRejectRectification) {
          event.set_reason(result->items(0).history().rbegin()->text());
        }
        event.set_content_sha256(step->content_sha256);
        SX_RETURN_IF_ERROR(
            RecordAndNotify(txn, std::move(event), referral, decided.notify));
        SX_RETURN_IF_ERROR(RememberRequest(txn, caller, step->method,
                                           step->request_id, step->fingerprint,
                                           referral.referral_id(), numbers));
        *result->mutable_referral() = std::move(referral);
        return absl::OkStatus();
      },
      [result, done = std::move(done)](absl::Status status) {
        if (!status.ok()) {
          done(status);
          return;
        }
        StripFeedbackAttachments(*result->mutable_referral());
        for (v1::RectificationItem& item : *result->mutable_items()) {
          StripEvidenceContent(item);
        }
        done(std::move(*result));
      });
}

absl::StatusOr<v1::ListRectificationItemsResponse> RectificationCore::List(
    const Identity& caller, const v1::ListRectificationItemsRequest& request) {
  SX_RETURN_IF_ERROR(ValidateId("referral_id", request.referral_id()));
  SX_ASSIGN_OR_RETURN(
      const size_t page_size,
      ValidatePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize));
  for (int status : request.statuses()) {
    if (status == v1::RECTIFICATION_STATUS_UNSPECIFIED ||
        !v1::RectificationStatus_IsValid(status)) {
      return absl::InvalidArgumentError(
          absl::StrCat("statuses: ", status, " is not a status"));
    }
  }
  SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> referral,
                      store_.GetReferral(request.referral_id()));
  if (!referral.has_value()) {
    return NotAPartyOrMissing(caller.name, request.referral_id());
  }
  SX_RETURN_IF_ERROR(CheckCanRead(*config_(), caller.name, *referral));
  SX_RETURN_IF_ERROR(CheckHasLedger(*referral));
  auto wanted = [&](const v1::RectificationItem& item) {
    if (request.overdue_only() && !item.overdue()) return false;
    if (request.statuses().empty()) return true;
    for (int status : request.statuses()) {
      if (status == item.status()) return true;
    }
    return false;
  };

  v1::ListRectificationItemsResponse response;
  *response.mutable_summary() = referral->rectification();
  uint32_t after = request.after_number();
  // Filters may skip items: read on until the page is full and one more
  // match shows that there is a next page, or the ledger ends. At most the
  // list's own length is read.
  for (;;) {
    SX_ASSIGN_OR_RETURN(std::vector<v1::RectificationItem> items,
                        store_.ListRectificationItems(request.referral_id(),
                                                      after, page_size + 1));
    for (v1::RectificationItem& item : items) {
      after = item.number();
      if (!wanted(item)) continue;
      if (static_cast<size_t>(response.items_size()) == page_size) {
        response.set_next_after_number(
            response.items(response.items_size() - 1).number());
        return response;
      }
      if (request.include_history()) {
        StripEvidenceContent(item);
      } else {
        item.clear_history();
      }
      *response.add_items() = std::move(item);
    }
    if (items.size() < page_size + 1) return response;
  }
}

}  // namespace sx::core
