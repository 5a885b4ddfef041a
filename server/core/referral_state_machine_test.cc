#include "sx/core/referral_state_machine.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using State = v1::ReferralState;

constexpr State kUnspecified = v1::REFERRAL_STATE_UNSPECIFIED;
constexpr State kSubmitted = v1::REFERRAL_STATE_SUBMITTED;
constexpr State kDelivered = v1::REFERRAL_STATE_DELIVERED;
constexpr State kAccepted = v1::REFERRAL_STATE_ACCEPTED;
constexpr State kDisposing = v1::REFERRAL_STATE_DISPOSING;
constexpr State kFeedbackSent = v1::REFERRAL_STATE_FEEDBACK_SENT;
constexpr State kClosed = v1::REFERRAL_STATE_CLOSED;
constexpr State kReturned = v1::REFERRAL_STATE_RETURNED;
constexpr State kRerouted = v1::REFERRAL_STATE_REROUTED;
constexpr State kWithdrawn = v1::REFERRAL_STATE_WITHDRAWN;

const std::vector<State> kAllStates = {
    kUnspecified,  kSubmitted, kDelivered, kAccepted, kDisposing,
    kFeedbackSent, kClosed,    kReturned,  kRerouted, kWithdrawn};

const std::vector<Action> kAllActions = {Action::kDeliver,
                                         Action::kAccept,
                                         Action::kReturn,
                                         Action::kReroute,
                                         Action::kDispose,
                                         Action::kInterimFeedback,
                                         Action::kFinalFeedback,
                                         Action::kClose,
                                         Action::kWithdraw,
                                         Action::kRemind,
                                         Action::kFlagAcceptOverdue,
                                         Action::kFlagFeedbackOverdue};

const std::vector<Party> kAllParties = {Party::kSender,     Party::kRecipient,
                                        Party::kSupervisor, Party::kObserver,
                                        Party::kStranger,   Party::kHub};

// The contract of exchange.proto, written out independently of the table in
// referral_state_machine.cc: who may take each action, from which states, to
// which state (kUnspecified: unchanged), the event and whom it notifies.
struct Expected {
  Action action;
  std::set<Party> who;
  std::set<State> from;
  State to;
  v1::EventType event;
  Notify notify;
};

const std::vector<Expected> kContract = {
    {Action::kDeliver,
     {Party::kRecipient},
     {kSubmitted},
     kDelivered,
     v1::EVENT_TYPE_DELIVERED,
     Notify::kNobody},
    {Action::kAccept,
     {Party::kRecipient},
     {kSubmitted, kDelivered},
     kAccepted,
     v1::EVENT_TYPE_ACCEPTED,
     Notify::kSender},
    {Action::kReturn,
     {Party::kRecipient},
     {kSubmitted, kDelivered, kAccepted},
     kReturned,
     v1::EVENT_TYPE_RETURNED,
     Notify::kSender},
    {Action::kReroute,
     {Party::kRecipient},
     {kAccepted, kDisposing},
     kRerouted,
     v1::EVENT_TYPE_REROUTED,
     Notify::kSender},
    {Action::kDispose,
     {Party::kRecipient},
     {kAccepted, kDisposing},
     kDisposing,
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender},
    {Action::kInterimFeedback,
     {Party::kRecipient},
     {kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_INTERIM_FEEDBACK,
     Notify::kSender},
    {Action::kFinalFeedback,
     {Party::kRecipient},
     {kDisposing},
     kFeedbackSent,
     v1::EVENT_TYPE_FINAL_FEEDBACK,
     Notify::kSender},
    {Action::kClose,
     {Party::kSender},
     {kFeedbackSent},
     kClosed,
     v1::EVENT_TYPE_CLOSED,
     Notify::kRecipient},
    {Action::kWithdraw,
     {Party::kSender},
     {kSubmitted, kDelivered},
     kWithdrawn,
     v1::EVENT_TYPE_WITHDRAWN,
     Notify::kRecipient},
    {Action::kRemind,
     {Party::kSender, Party::kSupervisor},
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_REMINDED,
     Notify::kRecipient},
    {Action::kFlagAcceptOverdue,
     {Party::kHub},
     {kSubmitted, kDelivered},
     kUnspecified,
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBoth},
    {Action::kFlagFeedbackOverdue,
     {Party::kHub},
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBoth},
};

const Expected& ContractFor(Action action) {
  for (const Expected& expected : kContract) {
    if (expected.action == action) return expected;
  }
  ADD_FAILURE() << "no contract row for " << ActionName(action);
  return kContract.front();
}

std::string PartyLabel(Party party) {
  switch (party) {
    case Party::kSender:
      return "sender";
    case Party::kRecipient:
      return "recipient";
    case Party::kSupervisor:
      return "supervisor";
    case Party::kObserver:
      return "observer";
    case Party::kStranger:
      return "stranger";
    case Party::kHub:
      return "hub";
  }
  return "?";
}

TEST(ReferralStateMachineTest, ContractCoversEveryAction) {
  EXPECT_EQ(kContract.size(), kAllActions.size());
  for (Action action : kAllActions)
    EXPECT_EQ(ContractFor(action).action, action);
}

// Every (state × action × party): exactly the contract's combinations succeed,
// with the right target, event and notification; the rest fail with the
// right code.
TEST(ReferralStateMachineTest, EveryCombinationMatchesTheContract) {
  int allowed = 0;
  for (State state : kAllStates) {
    for (Action action : kAllActions) {
      for (Party party : kAllParties) {
        const Expected& expected = ContractFor(action);
        SCOPED_TRACE(absl::StrCat(v1::ReferralState_Name(state), " × ",
                                  ActionName(action), " × ",
                                  PartyLabel(party)));
        absl::StatusOr<Step> step = DecideStep(state, action, party);
        if (!expected.who.count(party)) {
          // The party is checked before the state.
          EXPECT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied)
              << step.status();
          continue;
        }
        if (!expected.from.count(state)) {
          EXPECT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition)
              << step.status();
          continue;
        }
        ASSERT_TRUE(step.ok()) << step.status();
        ++allowed;
        EXPECT_EQ(step->to, expected.to == kUnspecified ? state : expected.to);
        EXPECT_EQ(step->event, expected.event);
        EXPECT_EQ(step->notify, expected.notify);
      }
    }
  }
  // Deliver 1, accept 2, return 3, reroute 2, dispose 2, interim 1, final 1,
  // close 1, withdraw 2, remind 4 states × 2 parties, overdue flags 2 + 4.
  EXPECT_EQ(allowed, 1 + 2 + 3 + 2 + 2 + 1 + 1 + 1 + 2 + 8 + 2 + 4);
}

TEST(ReferralStateMachineTest, TerminalStatesAllowNothing) {
  for (State state : {kClosed, kReturned, kRerouted, kWithdrawn}) {
    EXPECT_TRUE(IsTerminal(state)) << v1::ReferralState_Name(state);
    for (Action action : kAllActions) {
      for (Party party : kAllParties) {
        EXPECT_FALSE(DecideStep(state, action, party).ok())
            << v1::ReferralState_Name(state) << " " << ActionName(action) << " "
            << PartyLabel(party);
      }
    }
  }
  for (State state : {kUnspecified, kSubmitted, kDelivered, kAccepted,
                      kDisposing, kFeedbackSent}) {
    EXPECT_FALSE(IsTerminal(state)) << v1::ReferralState_Name(state);
  }
}

TEST(ReferralStateMachineTest, ObserversAndStrangersMayNeverAct) {
  for (State state : kAllStates) {
    for (Action action : kAllActions) {
      for (Party party : {Party::kObserver, Party::kStranger}) {
        EXPECT_EQ(DecideStep(state, action, party).status().code(),
                  absl::StatusCode::kPermissionDenied);
      }
    }
  }
}

TEST(ReferralStateMachineTest, WrongPartyIsReportedBeforeWrongState) {
  // Closing a SUBMITTED referral is wrong on both counts; the party wins.
  absl::StatusOr<Step> step =
      DecideStep(kSubmitted, Action::kClose, Party::kRecipient);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(step.status().message(), "only the sender"))
      << step.status().message();
  EXPECT_TRUE(absl::StrContains(step.status().message(), "the recipient"))
      << step.status().message();
}

TEST(ReferralStateMachineTest, ErrorsNameTheActionAndTheState) {
  absl::StatusOr<Step> step =
      DecideStep(kClosed, Action::kAccept, Party::kRecipient);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(step.status().message(), "签收"))
      << step.status().message();
  EXPECT_TRUE(
      absl::StrContains(step.status().message(), "REFERRAL_STATE_CLOSED"))
      << step.status().message();

  step = DecideStep(kDisposing, Action::kRemind, Party::kStranger);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(step.status().message(),
                                "the sender or a supervising agency"))
      << step.status().message();
}

TEST(ReferralStateMachineTest, TheDocumentedExample) {
  absl::StatusOr<Step> step =
      DecideStep(kDelivered, Action::kAccept, Party::kRecipient);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->to, kAccepted);
  EXPECT_EQ(step->event, v1::EVENT_TYPE_ACCEPTED);
  EXPECT_EQ(step->notify, Notify::kSender);
}

TEST(ReferralStateMachineTest, ActionNamesAreDistinct) {
  std::set<std::string> names;
  for (Action action : kAllActions) {
    const std::string name(ActionName(action));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << name;
  }
}

}  // namespace
}  // namespace sx::core
