// Creating a referral: the one way every new referral comes to be, whether
// submitted, rerouted (转办 child), delegated (交办 child) or one of a
// distribution (通报 / 分送).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/core/rectification_ledger.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"
#include "sx/core/signed_step.h"
#include "sx/storage/store.h"

namespace sx::core {

struct NewReferralParams {
  std::string sender;
  std::string recipient;
  ::supervision::v1::ReferralKind kind =
      ::supervision::v1::REFERRAL_KIND_UNSPECIFIED;
  std::string parent_referral_id;
  std::vector<std::string> observers;
  std::string request_id;
  // SHA-256 of the serialized lead, if the caller has it already: computed
  // before the transaction, it stays off the store's serial writer thread.
  std::string lead_sha256;
  // One of a distribution (通报 / 分送), if set.
  std::string distribution_id;
  // The returned referral this one sends again, if set.
  std::string resubmission_of;
  // 交办: a child delegated from parent_referral_id, with what it is asked
  // to do, and a feedback deadline that replaces the configured one.
  bool delegated = false;
  std::string delegation_instructions;
  std::optional<absl::Time> feedback_due_at;
  // The sender's signature of the request that creates it, if signed.
  std::optional<SignedStep> signed_step;
};

// Checks what a new referral carries, whoever sends it (SubmitReferral,
// SubmitDistribution): a kind, a lead (null: missing), items only on a
// problem list. Fills the lead's attachment digests.
absl::Status SealNewReferralContent(::supervision::v1::ReferralKind kind,
                                    ::supervision::v1::Lead* lead,
                                    const ItemDrafts& items,
                                    const ::supervision::v1::Limits& limits);

// OK if `caller` may send `original_id` again: its sender, and the referral
// RETURNED. Otherwise PERMISSION_DENIED worded as for a referral that does
// not exist, or FAILED_PRECONDITION naming its state.
absl::Status CheckResubmittable(storage::Transaction& txn,
                                absl::string_view caller,
                                absl::string_view original_id);

// 转办 and 交办 pass a lead onward from the recipient of `parent`: never back
// to an agency that sent it on its way (its sender or an observer; that is
// 退回), INVALID_ARGUMENT naming target_agency_id.
absl::Status CheckOnward(const ::supervision::v1::Referral& parent,
                         absl::string_view target);

// The child of `parent` that 转办 or 交办 creates: from the parent's
// recipient to `target`, of the parent's kind, observed by the parent's
// observers and its sender (lead_sha256 comes from the stored lead).
NewReferralParams OnwardParams(const ::supervision::v1::Referral& parent,
                               absl::string_view target,
                               absl::string_view request_id);

// Creates a referral in SUBMITTED, its event, and the recipient's inbox
// entry; with `items` (a problem list's first round), its ledger too.
absl::StatusOr<::supervision::v1::Referral> CreateAndDeliver(
    storage::Transaction& txn, const HubConfig& config,
    const NewReferralParams& params, const ::supervision::v1::Lead& lead,
    const ItemDrafts& items, absl::Time now);

}  // namespace sx::core
