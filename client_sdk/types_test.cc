#include "sx/client/types.h"

#include "gtest/gtest.h"

namespace sx::client {
namespace {

TEST(TypesTest, NamesRoundTrip) {
  for (ReferralState state :
       {ReferralState::kSubmitted, ReferralState::kDelivered,
        ReferralState::kAccepted, ReferralState::kDisposing,
        ReferralState::kFeedbackSent, ReferralState::kClosed,
        ReferralState::kReturned, ReferralState::kRerouted,
        ReferralState::kWithdrawn}) {
    ReferralState parsed = ReferralState::kUnspecified;
    ASSERT_TRUE(ParseReferralState(ToString(state), &parsed)) << ToString(state);
    EXPECT_EQ(parsed, state);
  }
  DispositionMethod method;
  ASSERT_TRUE(ParseDispositionMethod("preliminary_verification", &method));
  EXPECT_EQ(method, DispositionMethod::kPreliminaryVerification);
  Urgency urgency;
  ASSERT_TRUE(ParseUrgency("fast_track", &urgency));
  EXPECT_EQ(ToString(urgency), "fast_track");
}

TEST(TypesTest, EventTypeNamesRoundTrip) {
  for (int i = static_cast<int>(EventType::kSubmitted);
       i <= static_cast<int>(EventType::kLogRestored); ++i) {
    const EventType type = static_cast<EventType>(i);
    EventType parsed = EventType::kUnspecified;
    ASSERT_TRUE(ParseEventType(ToString(type), &parsed)) << i;
    EXPECT_EQ(parsed, type);
  }
  EXPECT_EQ(ToString(EventType::kOverdue), "overdue");
  EXPECT_EQ(ToString(EventType::kLogRestored), "log_restored");
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

}  // namespace
}  // namespace sx::client
