// When a referral's final feedback is due, and when the hub warns (预警)
// that the deadline draws near: the config's deadline rules by kind and
// urgency, in calendar or working days (the config's calendar), and the
// blue and yellow stages in working days left. Pure: no storage, no clock.
//
//   const absl::Time due = FeedbackDueFor(config, kind, urgency, now);
//   PlanWarnings(config, now, referral);  // blue_warning_at, yellow_...
#pragma once

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "supervision/v1/config.pb.h"
#include "supervision/v1/referral.pb.h"
#include "sx/core/hub_config.h"

namespace sx::core {

// The config's deadlines: each rule names a kind and a number of days; the
// yellow stage comes after the blue one. INVALID_ARGUMENT names the field.
absl::Status ValidateDeadlines(const ::supervision::v1::Deadlines& deadlines);

// The feedback deadline of a referral created at `now`: the first matching
// rule, else the config's days for the urgency, in working days if the
// config says so.
absl::Time FeedbackDueFor(const HubConfig& config,
                          ::supervision::v1::ReferralKind kind,
                          ::supervision::v1::Urgency urgency, absl::Time now);

// Sets the referral's blue_warning_at and yellow_warning_at for its
// feedback_due_at: the moments the configured working days are left, each
// only if it lies after `now` (a deadline born short warns only of what is
// still to come) and above the referral's warning level. Clears them when
// warnings are disabled.
void PlanWarnings(const HubConfig& config, absl::Time now,
                  ::supervision::v1::Referral& referral);

}  // namespace sx::core
