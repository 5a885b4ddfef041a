#include "sx/client/types.h"

#include <string>

#include "gtest/gtest.h"

namespace sx::client {
namespace {

TEST(TypesTest, NamesRoundTrip) {
  for (ReferralState state :
       {ReferralState::kSubmitted, ReferralState::kDelivered,
        ReferralState::kAccepted, ReferralState::kDisposing,
        ReferralState::kFeedbackSent, ReferralState::kClosed,
        ReferralState::kReturned, ReferralState::kRerouted,
        ReferralState::kWithdrawn, ReferralState::kKeptPending}) {
    ReferralState parsed = ReferralState::kUnspecified;
    ASSERT_TRUE(ParseReferralState(ToString(state), &parsed))
        << ToString(state);
    EXPECT_EQ(parsed, state);
  }
  // 暂存待查 is a state as well as a method, under the same name.
  EXPECT_EQ(ToString(ReferralState::kKeptPending), "kept_pending");
  EXPECT_EQ(ToString(ReferralState::kKeptPending),
            ToString(DispositionMethod::kKeptPending));
  DispositionMethod method;
  ASSERT_TRUE(ParseDispositionMethod("preliminary_verification", &method));
  EXPECT_EQ(method, DispositionMethod::kPreliminaryVerification);
  Urgency urgency;
  ASSERT_TRUE(ParseUrgency("fast_track", &urgency));
  EXPECT_EQ(ToString(urgency), "fast_track");
}

TEST(TypesTest, EventTypeNamesRoundTrip) {
  for (int i = static_cast<int>(EventType::kSubmitted);
       i <= static_cast<int>(EventType::kDeadLettersRedriven); ++i) {
    const EventType type = static_cast<EventType>(i);
    EventType parsed = EventType::kUnspecified;
    ASSERT_TRUE(ParseEventType(ToString(type), &parsed)) << i;
    EXPECT_EQ(parsed, type);
  }
  EXPECT_EQ(ToString(EventType::kOverdue), "overdue");
  EXPECT_EQ(ToString(EventType::kLogRestored), "log_restored");
  EXPECT_EQ(ToString(EventType::kRectificationRejected),
            "rectification_rejected");
  EXPECT_EQ(ToString(EventType::kFeedbackRejected), "feedback_rejected");
  EventType parsed = EventType::kUnspecified;
  ASSERT_TRUE(ParseEventType("feedback_rejected", &parsed));
  EXPECT_EQ(parsed, EventType::kFeedbackRejected);
  EXPECT_EQ(ToString(EventType::kReopened), "reopened");
  EXPECT_EQ(ToString(EventType::kReviewDue), "review_due");
  EXPECT_EQ(ToString(EventType::kDelegated), "delegated");
  EXPECT_EQ(ToString(EventType::kDeadlineWarning), "deadline_warning");
  EXPECT_EQ(ToString(EventType::kDeadLettersRedriven),
            "dead_letters_redriven");
}

// 预警: no warning is "none", not "unspecified", and every level parses back.
TEST(TypesTest, WarningLevelNamesRoundTrip) {
  EXPECT_EQ(ToString(WarningLevel::kNone), "none");
  EXPECT_EQ(ToString(WarningLevel::kBlue), "blue");
  EXPECT_EQ(ToString(WarningLevel::kYellow), "yellow");
  EXPECT_EQ(ToString(WarningLevel::kRed), "red");
  for (WarningLevel level : {WarningLevel::kNone, WarningLevel::kBlue,
                             WarningLevel::kYellow, WarningLevel::kRed}) {
    WarningLevel parsed =
        level == WarningLevel::kRed ? WarningLevel::kNone : WarningLevel::kRed;
    ASSERT_TRUE(ParseWarningLevel(ToString(level), &parsed)) << ToString(level);
    EXPECT_EQ(parsed, level);
  }
  WarningLevel level = WarningLevel::kYellow;
  EXPECT_FALSE(ParseWarningLevel("unspecified", &level));
  EXPECT_FALSE(ParseWarningLevel("黄", &level));
  EXPECT_EQ(level, WarningLevel::kYellow) << "a failed parse must not write";
}

// 催办, 督办, 挂牌督办 by the names sxctl takes (remind --level) and prints.
TEST(TypesTest, SupervisionLevelNamesRoundTrip) {
  EXPECT_EQ(ToString(SupervisionLevel::kUrge), "urge");
  EXPECT_EQ(ToString(SupervisionLevel::kSupervise), "supervise");
  EXPECT_EQ(ToString(SupervisionLevel::kListed), "listed");
  EXPECT_EQ(ToString(SupervisionLevel::kUnspecified), "unspecified");
  for (SupervisionLevel level :
       {SupervisionLevel::kUrge, SupervisionLevel::kSupervise,
        SupervisionLevel::kListed}) {
    SupervisionLevel parsed = SupervisionLevel::kUnspecified;
    ASSERT_TRUE(ParseSupervisionLevel(ToString(level), &parsed))
        << ToString(level);
    EXPECT_EQ(parsed, level);
  }
  SupervisionLevel level = SupervisionLevel::kSupervise;
  EXPECT_FALSE(ParseSupervisionLevel("unspecified", &level));
  EXPECT_FALSE(ParseSupervisionLevel("督办", &level));
  EXPECT_EQ(level, SupervisionLevel::kSupervise)
      << "a failed parse must not write";
}

// 督办台账 conditions by the names sxctl takes (supervision ledger
// --condition).
TEST(TypesTest, SupervisedConditionNamesRoundTrip) {
  EXPECT_EQ(ToString(SupervisedCondition::kOverdue), "overdue");
  EXPECT_EQ(ToString(SupervisedCondition::kWarned), "warned");
  EXPECT_EQ(ToString(SupervisedCondition::kPressed), "pressed");
  EXPECT_EQ(ToString(SupervisedCondition::kListed), "listed");
  EXPECT_EQ(ToString(SupervisedCondition::kUnspecified), "unspecified");
  for (SupervisedCondition condition :
       {SupervisedCondition::kOverdue, SupervisedCondition::kWarned,
        SupervisedCondition::kPressed, SupervisedCondition::kListed}) {
    SupervisedCondition parsed = SupervisedCondition::kUnspecified;
    ASSERT_TRUE(ParseSupervisedCondition(ToString(condition), &parsed))
        << ToString(condition);
    EXPECT_EQ(parsed, condition);
  }
  SupervisedCondition condition = SupervisedCondition::kWarned;
  EXPECT_FALSE(ParseSupervisedCondition("unspecified", &condition));
  EXPECT_FALSE(ParseSupervisedCondition("挂牌", &condition));
  EXPECT_EQ(condition, SupervisedCondition::kWarned)
      << "a failed parse must not write";
}

// Every value of a ledger enum has a name that parses back to it, so the
// loops run from the first value after kUnspecified to the last.
template <typename Enum>
void ExpectNamesRoundTrip(Enum last, bool (*parse)(absl::string_view, Enum*)) {
  for (int i = 1; i <= static_cast<int>(last); ++i) {
    const Enum value = static_cast<Enum>(i);
    const std::string name = ToString(value);
    EXPECT_NE(name, "unspecified") << i;
    Enum parsed = Enum::kUnspecified;
    ASSERT_TRUE(parse(name, &parsed)) << name;
    EXPECT_EQ(parsed, value) << name;
  }
}

TEST(TypesTest, RectificationNamesRoundTrip) {
  ExpectNamesRoundTrip(RectificationStatus::kLongTerm,
                       &ParseRectificationStatus);
  ExpectNamesRoundTrip(RectificationStep::kOverdue, &ParseRectificationStep);
  ExpectNamesRoundTrip(RectificationReportKind::kLongTerm,
                       &ParseRectificationReportKind);
  ExpectNamesRoundTrip(RectificationVerdict::kReject,
                       &ParseRectificationVerdict);
  EXPECT_EQ(ToString(RectificationStatus::kReportedLongTerm),
            "reported_long_term");
  EXPECT_EQ(ToString(RectificationReportKind::kLongTerm), "long_term");
  RectificationVerdict verdict = RectificationVerdict::kAccept;
  EXPECT_FALSE(ParseRectificationVerdict("approve", &verdict));
  EXPECT_EQ(verdict, RectificationVerdict::kAccept);
}

// As the hub names kinds in its messages ("admin \"ops\"").
TEST(TypesTest, IdentityKindNamesRoundTrip) {
  for (IdentityKind kind :
       {IdentityKind::kAgency, IdentityKind::kAdmin, IdentityKind::kAuditor}) {
    IdentityKind parsed = IdentityKind::kUnspecified;
    ASSERT_TRUE(ParseIdentityKind(ToString(kind), &parsed)) << ToString(kind);
    EXPECT_EQ(parsed, kind);
  }
  EXPECT_EQ(ToString(IdentityKind::kAuditor), "auditor");
}

TEST(TypesTest, UnknownNamesAreRefused) {
  ReferralState state = ReferralState::kClosed;
  EXPECT_FALSE(ParseReferralState("SUBMITTED", &state));
  EXPECT_FALSE(ParseReferralState("", &state));
  EXPECT_EQ(state, ReferralState::kClosed) << "a failed parse must not write";
  EXPECT_EQ(ToString(ReferralState::kUnspecified), "unspecified");
}

// A distribution sends what a single referral sends, to several recipients,
// so a program that switches from Submit to SubmitDistribution keeps the
// same defaults: a lead, unless told otherwise.
TEST(TypesTest, NewDistributionStartsLikeNewReferral) {
  const NewDistribution distribution;
  EXPECT_EQ(distribution.kind, NewReferral{}.kind);
  EXPECT_EQ(distribution.kind, ReferralKind::kLead);
  EXPECT_TRUE(distribution.recipient_agency_ids.empty());
  EXPECT_EQ(Referral{}.distribution_id, "") << "not one of a distribution";
}

// What a step leaves unset is sent unset: no review date but for 暂存待查,
// the parent's deadline for a delegated child, and a referral of its own
// is neither delegated nor paused.
TEST(TypesTest, NewFieldsStartUnset) {
  EXPECT_EQ(DisposeParams{}.method, DispositionMethod::kUnspecified);
  EXPECT_EQ(DisposeParams{}.review_at, absl::InfinitePast());
  EXPECT_EQ(DelegateParams{}.feedback_due_at, absl::InfinitePast());
  const Referral referral;
  EXPECT_FALSE(referral.delegated);
  EXPECT_TRUE(referral.delegated_referral_ids.empty());
  EXPECT_TRUE(referral.dispositions.empty());
  EXPECT_EQ(referral.review_at, absl::InfinitePast());
  EXPECT_EQ(referral.paused_at, absl::InfinitePast());
  EXPECT_EQ(DispositionRecord{}.recorded_at, absl::InfinitePast());
  EXPECT_TRUE(Feedback{}.cites_referral_ids.empty());
  // No warning given and none planned until the hub says so.
  EXPECT_EQ(referral.warning_level, WarningLevel::kNone);
  EXPECT_EQ(referral.blue_warning_at, absl::InfinitePast());
  EXPECT_EQ(referral.yellow_warning_at, absl::InfinitePast());
  EXPECT_EQ(Event{}.warning_level, WarningLevel::kNone);
  // No reminder yet, so no level; a reminder sent without one is 催办.
  EXPECT_EQ(referral.supervision_level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(Reminder{}.level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(Event{}.supervision_level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(RemindParams{}.level, SupervisionLevel::kUrge);
  EXPECT_EQ(referral.delegation_instructions, "");
}

// Figures of a unit that did nothing are zeros, not garbage: the hub leaves
// such units' figures unset.
TEST(TypesTest, FiguresStartAtZero) {
  const UnitFigures unit;
  EXPECT_EQ(unit.as_sender.referrals, 0u);
  EXPECT_EQ(unit.as_recipient.amount_recovered_fen, 0u);
  EXPECT_EQ(Statistics{}.totals.problems_rectified, 0u);
  EXPECT_EQ(unit.as_recipient.feedback_rejected, 0u);
  EXPECT_EQ(DistributionProgress{}.recipients, 0u);
}

}  // namespace
}  // namespace sx::client
