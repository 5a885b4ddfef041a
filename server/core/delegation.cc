#include "server/core/delegation.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/core/referral_creation.h"
#include "sx/base/status_macros.h"
#include "sx/core/access_policy.h"
#include "sx/core/referral_state_machine.h"
#include "sx/core/request_validation.h"
#include "sx/core/timestamps.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

template <typename Ids>
bool Lists(const Ids& ids, absl::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Whether a delegated child no longer owes its part: it sent final
// feedback, or ended (returned, rerouted on, withdrawn, closed).
bool Answered(v1::ReferralState state) {
  return state == v1::REFERRAL_STATE_FEEDBACK_SENT || IsTerminal(state);
}

}  // namespace

absl::Status ValidateDelegation(const StepRequest& request,
                                const v1::Limits& limits, absl::Time now) {
  SX_RETURN_IF_ERROR(ValidateId("target_agency_id", request.target_agency_id));
  SX_RETURN_IF_ERROR(ValidateText("instructions", request.text, limits));
  if (request.due_at.has_value() && *request.due_at <= now) {
    return absl::InvalidArgumentError(
        absl::StrCat("feedback_due_at: ", absl::FormatTime(*request.due_at),
                     " has passed; the child's deadline must lie ahead"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Referral> DelegateWork(storage::Transaction& txn,
                                          const HubConfig& config,
                                          const StepRequest& request,
                                          v1::Referral& parent,
                                          absl::Time now) {
  const std::string& target = request.target_agency_id;
  SX_RETURN_IF_ERROR(CheckOnward(parent, target));
  const uint32_t most = config.limits().max_delegations();
  if (static_cast<uint32_t>(parent.delegated_referral_ids_size()) >= most) {
    return absl::FailedPreconditionError(absl::StrCat(
        "referral ", parent.referral_id(), " has delegated work ", most,
        " times already, the most limits.max_delegations allows"));
  }
  const absl::Time parent_due = FromTimestamp(parent.feedback_due_at());
  if (request.due_at.has_value() && *request.due_at > parent_due) {
    return absl::InvalidArgumentError(
        absl::StrCat("feedback_due_at: ", absl::FormatTime(*request.due_at),
                     " is after the feedback deadline of ",
                     parent.referral_id(), " (", absl::FormatTime(parent_due),
                     "), which the delegating agency answers for"));
  }
  SX_RETURN_IF_ERROR(
      CheckRoute(config, parent.recipient_agency_id(), target, parent.kind()));
  SX_ASSIGN_OR_RETURN(v1::Lead lead, txn.GetLead(parent.referral_id()));
  NewReferralParams params = OnwardParams(parent, target, request.request_id);
  params.delegated = true;
  params.delegation_instructions = request.text;
  // As for a reroute's child: the signed 交办 is what created it.
  params.signed_step = request.signed_step;
  params.feedback_due_at = request.due_at.has_value()
                               ? std::min(*request.due_at, parent_due)
                               : parent_due;
  SX_ASSIGN_OR_RETURN(v1::Referral child,
                      CreateAndDeliver(txn, config, params, lead, {}, now));
  parent.add_delegated_referral_ids(child.referral_id());
  return child;
}

absl::Status CheckDelegatesAnswered(storage::Transaction& txn,
                                    const v1::Referral& parent, Action action) {
  std::vector<std::string> open;
  for (const std::string& id : parent.delegated_referral_ids()) {
    SX_ASSIGN_OR_RETURN(std::optional<v1::Referral> child, txn.GetReferral(id));
    if (!child.has_value()) {
      return absl::DataLossError(
          absl::StrCat("storage: delegated referral ", id, " is missing"));
    }
    if (!Answered(child->state())) {
      open.push_back(absl::StrCat(id, " (", child->recipient_agency_id(), ", ",
                                  StateName(child->state()), ")"));
    }
  }
  if (open.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", ActionName(action), " while work delegated from ",
      parent.referral_id(),
      " (交办) is unanswered: ", absl::StrJoin(open, ", "),
      "; each must send its final feedback first (interim feedback is "
      "possible meanwhile)"));
}

absl::Status CheckCitations(const v1::Referral& referral,
                            const v1::Feedback& feedback) {
  for (const std::string& cited : feedback.cites_referral_ids()) {
    if (!Lists(referral.delegated_referral_ids(), cited)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "feedback.cites_referral_ids: ", cited,
          " is not work delegated from ", referral.referral_id(),
          " (交办); feedback may cite only its delegated_referral_ids"));
    }
  }
  return absl::OkStatus();
}

}  // namespace sx::core
