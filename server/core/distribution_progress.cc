#include "server/core/distribution_progress.h"

namespace sx::core {

namespace v1 = ::supervision::v1;

v1::DistributionProgress ProgressOf(
    const std::vector<v1::Referral>& referrals) {
  v1::DistributionProgress progress;
  progress.set_recipients(static_cast<uint32_t>(referrals.size()));
  for (const v1::Referral& referral : referrals) {
    bool delivered = false;
    bool accepted = false;
    bool fed_back = false;
    switch (referral.state()) {
      case v1::REFERRAL_STATE_CLOSED:
        progress.set_closed(progress.closed() + 1);
        [[fallthrough]];
      case v1::REFERRAL_STATE_FEEDBACK_SENT:
        fed_back = true;
        [[fallthrough]];
      case v1::REFERRAL_STATE_ACCEPTED:
      case v1::REFERRAL_STATE_DISPOSING:
      case v1::REFERRAL_STATE_KEPT_PENDING:
        accepted = true;
        [[fallthrough]];
      case v1::REFERRAL_STATE_DELIVERED:
        delivered = true;
        break;
      case v1::REFERRAL_STATE_REROUTED:
        // Passed on (转办) after signing for it.
        delivered = accepted = true;
        progress.set_ended_otherwise(progress.ended_otherwise() + 1);
        break;
      case v1::REFERRAL_STATE_RETURNED:
        // Sent back (退回): the recipient had it, but did not sign for it.
        delivered = true;
        progress.set_ended_otherwise(progress.ended_otherwise() + 1);
        break;
      case v1::REFERRAL_STATE_WITHDRAWN:
        progress.set_ended_otherwise(progress.ended_otherwise() + 1);
        break;
      default:
        break;
    }
    if (delivered) progress.set_delivered(progress.delivered() + 1);
    if (accepted) progress.set_accepted(progress.accepted() + 1);
    if (fed_back) progress.set_fed_back(progress.fed_back() + 1);
    if (referral.accept_overdue() || referral.feedback_overdue()) {
      progress.set_overdue(progress.overdue() + 1);
    }
  }
  return progress;
}

}  // namespace sx::core
