// The rule of what the store counts and watches about each referral: every
// referral counts in its state and route; open ones count when overdue,
// warned (while feedback is owed) or pressed, and only those are watched.
#include "sx/core/current_conditions.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sx/core/referral_state_machine.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

v1::Referral Referral(v1::ReferralState state) {
  v1::Referral referral;
  referral.set_referral_id("test-hub-0000000007");
  referral.set_sender_agency_id("inspection-office");
  referral.set_recipient_agency_id("discipline-commission");
  referral.set_state(state);
  return referral;
}

storage::DerivedEntries Derive(const v1::Referral& referral) {
  return CurrentConditionsDeriver().derive(referral);
}

using Keys = std::vector<std::string>;

TEST(CurrentConditionsTest, AQuietReferralCountsInItsStateAndRouteOnly) {
  const storage::DerivedEntries entries =
      Derive(Referral(v1::REFERRAL_STATE_ACCEPTED));
  EXPECT_EQ(entries.counters,
            Keys{"g/state/3/inspection-office/discipline-commission"});
  EXPECT_TRUE(entries.watched.empty());
}

TEST(CurrentConditionsTest, AnOpenTroubledReferralIsCountedAndWatched) {
  v1::Referral referral = Referral(v1::REFERRAL_STATE_DISPOSING);
  referral.set_feedback_overdue(true);
  referral.set_warning_level(v1::WARNING_LEVEL_RED);
  referral.set_supervision_level(v1::SUPERVISION_LEVEL_LISTED);
  const storage::DerivedEntries entries = Derive(referral);
  EXPECT_EQ(entries.counters,
            (Keys{"g/state/4/inspection-office/discipline-commission",
                  "g/overdue/discipline-commission",
                  "g/warning/3/discipline-commission",
                  "g/pressed/3/discipline-commission"}));
  ASSERT_EQ(entries.watched.size(), 1u);
  EXPECT_EQ(entries.watched[0].first,
            std::string("discipline-commission\0test-hub-0000000007", 41));
  v1::TransferSummary summary;
  ASSERT_TRUE(summary.ParseFromString(entries.watched[0].second));
  EXPECT_EQ(summary.supervision_level(), v1::SUPERVISION_LEVEL_LISTED);
  EXPECT_TRUE(summary.feedback_overdue());
}

TEST(CurrentConditionsTest, EachConditionAloneIsEnoughToBeWatched) {
  v1::Referral overdue = Referral(v1::REFERRAL_STATE_DELIVERED);
  overdue.set_accept_overdue(true);
  v1::Referral warned = Referral(v1::REFERRAL_STATE_ACCEPTED);
  warned.set_warning_level(v1::WARNING_LEVEL_BLUE);
  v1::Referral pressed = Referral(v1::REFERRAL_STATE_SUBMITTED);
  pressed.set_supervision_level(v1::SUPERVISION_LEVEL_URGE);
  for (const v1::Referral& referral : {overdue, warned, pressed}) {
    EXPECT_TRUE(IsWatched(referral)) << referral.ShortDebugString();
    EXPECT_EQ(Derive(referral).watched.size(), 1u);
  }
}

TEST(CurrentConditionsTest, FinalStatesLeaveEveryOpenCountAndTheWatchList) {
  for (v1::ReferralState state :
       {v1::REFERRAL_STATE_CLOSED, v1::REFERRAL_STATE_RETURNED,
        v1::REFERRAL_STATE_REROUTED, v1::REFERRAL_STATE_WITHDRAWN}) {
    v1::Referral referral = Referral(state);
    referral.set_accept_overdue(true);
    referral.set_feedback_overdue(true);
    referral.set_warning_level(v1::WARNING_LEVEL_RED);
    referral.set_supervision_level(v1::SUPERVISION_LEVEL_LISTED);
    const storage::DerivedEntries entries = Derive(referral);
    ASSERT_EQ(entries.counters.size(), 1u) << StateName(state);
    EXPECT_TRUE(entries.watched.empty()) << StateName(state);
  }
}

TEST(CurrentConditionsTest, AWarningStandsOnlyWhileFeedbackIsOwed) {
  // Final feedback sent, awaiting 销号: still open (overdue and pressed
  // count, the ledger keeps it), but its warning no longer stands.
  v1::Referral answered = Referral(v1::REFERRAL_STATE_FEEDBACK_SENT);
  answered.set_warning_level(v1::WARNING_LEVEL_YELLOW);
  answered.set_feedback_overdue(true);
  EXPECT_EQ(Derive(answered).counters,
            (Keys{"g/state/5/inspection-office/discipline-commission",
                  "g/overdue/discipline-commission"}));
  EXPECT_TRUE(IsWatched(answered));
  // Kept pending (暂存待查): not answered yet, the warning stands.
  v1::Referral kept = Referral(v1::REFERRAL_STATE_KEPT_PENDING);
  kept.set_warning_level(v1::WARNING_LEVEL_YELLOW);
  EXPECT_EQ(Derive(kept).counters,
            (Keys{"g/state/10/inspection-office/discipline-commission",
                  "g/warning/2/discipline-commission"}));
}

}  // namespace
}  // namespace sx::core
