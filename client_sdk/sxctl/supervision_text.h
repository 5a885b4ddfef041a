// The human-readable shape of the supervising agencies' ledger (督办台账,
// `sxctl supervision ledger`): one row per open referral that is overdue,
// warned or pressed, with the lead's subject.
#pragma once

#include <string>
#include <vector>

#include "sx/client/types.h"

namespace sx::sxctl {

// REFERRAL, RECIPIENT, STATE, WARN (蓝/黄/红), 督办 (催办/督办/挂牌督办),
// OVERDUE (accept, feedback, report), FEEDBACK DUE (the day, China Standard
// Time), LAST REMINDED (when and by whom) and SUBJECT (with the subject's
// unit);
// "-" where there is nothing to show.
std::string SupervisionLedgerTableText(
    const std::vector<client::SupervisedReferral>& referrals);

}  // namespace sx::sxctl
