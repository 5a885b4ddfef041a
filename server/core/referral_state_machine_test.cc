#include "sx/core/referral_state_machine.h"

#include <set>
#include <string>
#include <tuple>
#include <utility>
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
constexpr State kKeptPending = v1::REFERRAL_STATE_KEPT_PENDING;

const std::vector<State> kAllStates = {kUnspecified, kSubmitted,  kDelivered,
                                       kAccepted,    kDisposing,  kFeedbackSent,
                                       kClosed,      kReturned,   kRerouted,
                                       kWithdrawn,   kKeptPending};

const std::vector<Action> kAllActions = {Action::kDeliver,
                                         Action::kAccept,
                                         Action::kReturn,
                                         Action::kReroute,
                                         Action::kDispose,
                                         Action::kKeepPending,
                                         Action::kReopen,
                                         Action::kDelegate,
                                         Action::kInterimFeedback,
                                         Action::kFinalFeedback,
                                         Action::kClose,
                                         Action::kWithdraw,
                                         Action::kRemind,
                                         Action::kRejectFeedback,
                                         Action::kFlagAcceptOverdue,
                                         Action::kFlagFeedbackOverdue,
                                         Action::kFlagReviewDue,
                                         Action::kFlagWarning,
                                         Action::kFlagReportOverdue,
                                         Action::kAddRectificationItems,
                                         Action::kReportRectification,
                                         Action::kVerifyRectification,
                                         Action::kRejectRectification,
                                         Action::kFlagRectificationOverdue};

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
     {kAccepted, kDisposing, kKeptPending},
     kRerouted,
     v1::EVENT_TYPE_REROUTED,
     Notify::kSender},
    {Action::kDispose,
     {Party::kRecipient},
     {kAccepted, kDisposing},
     kDisposing,
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender},
    // 暂存待查, with a new review date as often as needed; 重新启用.
    {Action::kKeepPending,
     {Party::kRecipient},
     {kAccepted, kDisposing, kKeptPending},
     kKeptPending,
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender},
    {Action::kReopen,
     {Party::kRecipient},
     {kKeptPending},
     kDisposing,
     v1::EVENT_TYPE_REOPENED,
     Notify::kSender},
    // 交办: the referral stays where it is, with its recipient.
    {Action::kDelegate,
     {Party::kRecipient},
     {kAccepted, kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_DELEGATED,
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
    {Action::kRejectFeedback,
     {Party::kSender},
     {kFeedbackSent},
     kDisposing,
     v1::EVENT_TYPE_FEEDBACK_REJECTED,
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
    // 红 reaches the supervisors as 蓝 and 黄 did; a missed acceptance not.
    {Action::kFlagFeedbackOverdue,
     {Party::kHub},
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBothAndSupervisors},
    {Action::kFlagReviewDue,
     {Party::kHub},
     {kKeptPending},
     kUnspecified,
     v1::EVENT_TYPE_REVIEW_DUE,
     Notify::kRecipient},
    // 预警: blue and yellow while final feedback is owed; red is OVERDUE.
    {Action::kFlagWarning,
     {Party::kHub},
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_DEADLINE_WARNING,
     Notify::kRecipientAndSupervisors},
    // A missed periodic report while a case is under review: red.
    {Action::kFlagReportOverdue,
     {Party::kHub},
     {kDisposing},
     kUnspecified,
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBothAndSupervisors},
    // rectification.proto: items until the referral ends, reports and
    // verdicts once it is accepted; none changes the referral's state.
    {Action::kAddRectificationItems,
     {Party::kSender},
     {kSubmitted, kDelivered, kAccepted, kDisposing, kFeedbackSent},
     kUnspecified,
     v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED,
     Notify::kRecipient},
    {Action::kReportRectification,
     {Party::kRecipient},
     {kAccepted, kDisposing, kFeedbackSent},
     kUnspecified,
     v1::EVENT_TYPE_RECTIFICATION_REPORTED,
     Notify::kSender},
    {Action::kVerifyRectification,
     {Party::kSender},
     {kAccepted, kDisposing, kFeedbackSent},
     kUnspecified,
     v1::EVENT_TYPE_RECTIFICATION_VERIFIED,
     Notify::kRecipient},
    {Action::kRejectRectification,
     {Party::kSender},
     {kAccepted, kDisposing, kFeedbackSent},
     kUnspecified,
     v1::EVENT_TYPE_RECTIFICATION_REJECTED,
     Notify::kRecipient},
    {Action::kFlagRectificationOverdue,
     {Party::kHub},
     {kSubmitted, kDelivered, kAccepted, kDisposing, kFeedbackSent},
     kUnspecified,
     v1::EVENT_TYPE_RECTIFICATION_OVERDUE,
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
  // close 1, withdraw 2, remind 4 states × 2 parties, overdue flags 2 + 4;
  // ledger: add 5, report 3, verify 3, reject 3, item overdue 5; 退回补充 1;
  // reroute also from kept pending 1, keep pending 3, reopen 1, delegate 2,
  // review reminder 1; warnings 4; missed periodic report 1.
  EXPECT_EQ(allowed, 1 + 2 + 3 + 2 + 2 + 1 + 1 + 1 + 2 + 8 + 2 + 4 + 5 + 3 + 3 +
                         3 + 5 + 1 + 1 + 3 + 1 + 2 + 1 + 4 + 1);
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
  EXPECT_EQ(step.status().message(),
            "cannot accept (签收) a referral that is closed: it takes no "
            "further steps");

  step = DecideStep(kDisposing, Action::kRemind, Party::kStranger);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(absl::StrContains(step.status().message(),
                                "the sender or a supervising agency"))
      << step.status().message();
}

// The states as sxctl prints them (client_sdk/types.cc), written out here.
TEST(ReferralStateMachineTest, StateNamesAreTheOnesSxctlPrints) {
  const std::vector<std::pair<State, std::string>> expected = {
      {kSubmitted, "submitted"},        {kDelivered, "delivered"},
      {kAccepted, "accepted"},          {kDisposing, "disposing"},
      {kFeedbackSent, "feedback_sent"}, {kClosed, "closed"},
      {kReturned, "returned"},          {kRerouted, "rerouted"},
      {kWithdrawn, "withdrawn"},        {kKeptPending, "kept_pending"},
      {kUnspecified, "unspecified"}};
  for (const auto& [state, name] : expected) EXPECT_EQ(StateName(state), name);
}

// The sxctl command for each step a caller asks for (client_sdk/sxctl/
// command_table.cc), written out here; none for the implicit ones.
const std::vector<std::pair<Action, std::string>> kCommands = {
    {Action::kDeliver, ""},
    {Action::kAccept, "accept"},
    {Action::kReturn, "return"},
    {Action::kReroute, "reroute"},
    {Action::kDispose, "dispose"},
    {Action::kKeepPending, "dispose --method kept_pending --review-date"},
    {Action::kReopen, "reopen"},
    {Action::kDelegate, "delegate"},
    {Action::kInterimFeedback, "feedback --kind interim"},
    {Action::kFinalFeedback, "feedback --kind final"},
    {Action::kClose, "close"},
    {Action::kWithdraw, "withdraw"},
    {Action::kRemind, "remind"},
    {Action::kRejectFeedback, "reject-feedback"},
    {Action::kFlagAcceptOverdue, ""},
    {Action::kFlagFeedbackOverdue, ""},
    {Action::kFlagReviewDue, ""},
    {Action::kFlagWarning, ""},
    {Action::kFlagReportOverdue, ""},
    {Action::kAddRectificationItems, "rectification add"},
    {Action::kReportRectification, "rectification report"},
    {Action::kVerifyRectification, "rectification verify --accept"},
    {Action::kRejectRectification, "rectification verify --reject"},
    {Action::kFlagRectificationOverdue, ""},
};

bool IsLedgerStep(Action action) {
  return action == Action::kAddRectificationItems ||
         action == Action::kReportRectification ||
         action == Action::kVerifyRectification ||
         action == Action::kRejectRectification ||
         action == Action::kFlagRectificationOverdue;
}

TEST(ReferralStateMachineTest, CommandsAreSxctlsOwn) {
  ASSERT_EQ(kCommands.size(), kAllActions.size());
  for (const auto& [action, command] : kCommands) {
    EXPECT_EQ(CommandFor(action), command) << ActionName(action);
  }
}

TEST(ReferralStateMachineTest, AllowedActionsAreExactlyTheContracts) {
  for (State state : kAllStates) {
    for (Party party : kAllParties) {
      std::set<Action> expected;
      for (const Expected& row : kContract) {
        if (row.who.count(party) && row.from.count(state)) {
          expected.insert(row.action);
        }
      }
      const std::vector<Action> allowed = AllowedActions(state, party);
      EXPECT_EQ(std::set<Action>(allowed.begin(), allowed.end()), expected)
          << StateName(state) << " " << PartyLabel(party);
      EXPECT_EQ(allowed.size(), expected.size()) << "no action twice";
    }
  }
}

// The hint for every state and party lists exactly the steps the contract
// allows that party there (those a command asks for), each with its sxctl
// command; and says why when there are none.
TEST(ReferralStateMachineTest, HintListsExactlyTheStepsAllowedNow) {
  for (State state : kAllStates) {
    for (Party party : kAllParties) {
      const std::string hint = NextStepsHint(state, party);
      SCOPED_TRACE(
          absl::StrCat(StateName(state), " ", PartyLabel(party), ": ", hint));
      EXPECT_FALSE(absl::StrContains(hint, "REFERRAL_STATE_"));
      bool takes_any = false;
      for (const Expected& row : kContract) takes_any |= row.who.count(party);
      if (!takes_any) {
        EXPECT_TRUE(absl::EndsWith(hint, " takes no steps on a referral"));
        EXPECT_FALSE(absl::StrContains(hint, "sxctl"));
        continue;
      }
      if (IsTerminal(state)) {
        EXPECT_EQ(hint, absl::StrCat("a ", StateName(state),
                                     " referral takes no further steps"));
        continue;
      }
      int listed = 0;
      for (const auto& [action, command] : kCommands) {
        if (command.empty()) continue;
        // Hints are about the referral's own loop, not its ledger.
        if (IsLedgerStep(action)) {
          EXPECT_FALSE(absl::StrContains(hint, command)) << command;
          continue;
        }
        const Expected& row = ContractFor(action);
        const bool allowed = row.who.count(party) && row.from.count(state);
        const std::string item = absl::StrCat("sxctl ", command, ")");
        EXPECT_EQ(absl::StrContains(hint, item), allowed) << item;
        if (allowed) {
          ++listed;
          // "record a disposition (处置, sxctl dispose)"
          const std::string name = ActionName(action);
          const std::string verb = name.substr(0, name.find(" ("));
          EXPECT_TRUE(absl::StrContains(hint, absl::StrCat(verb, " (")))
              << verb;
        }
      }
      EXPECT_TRUE(absl::StartsWith(hint, absl::StrCat("while the referral is ",
                                                      StateName(state), ", ")));
      if (listed == 0) {
        EXPECT_TRUE(absl::EndsWith(hint, " has no step to take"));
      } else {
        EXPECT_TRUE(absl::StrContains(hint, " may "));
      }
    }
  }
}

// Every refusal is a sentence a person can act on: the state as sxctl
// prints it (never the proto enum name) and, last, the hint for the caller.
TEST(ReferralStateMachineTest, EveryRefusalNamesTheStateAndEndsWithTheHint) {
  for (State state : kAllStates) {
    for (Action action : kAllActions) {
      for (Party party : kAllParties) {
        absl::StatusOr<Step> step = DecideStep(state, action, party);
        if (step.ok()) continue;
        const std::string message(step.status().message());
        SCOPED_TRACE(message);
        EXPECT_FALSE(absl::StrContains(message, "REFERRAL_STATE_"));
        EXPECT_TRUE(absl::StrContains(message, ActionName(action)));
        if (step.status().code() == absl::StatusCode::kPermissionDenied) {
          EXPECT_TRUE(absl::StartsWith(message, "only "));
          EXPECT_TRUE(absl::EndsWith(message, NextStepsHint(state, party)));
          continue;
        }
        ASSERT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition);
        EXPECT_TRUE(absl::StartsWith(message, "cannot "));
        EXPECT_TRUE(absl::StrContains(
            message,
            absl::StrCat(" a referral that is ", StateName(state), ": ")));
        if (IsTerminal(state)) {
          EXPECT_TRUE(absl::EndsWith(message, ": it takes no further steps"));
        } else {
          EXPECT_TRUE(absl::EndsWith(
              message, absl::StrCat("; ", NextStepsHint(state, party))));
        }
      }
    }
  }
}

TEST(ReferralStateMachineTest, TheRefusalInTheIssueNowSaysWhatToDo) {
  absl::StatusOr<Step> step =
      DecideStep(kDelivered, Action::kDispose, Party::kRecipient);
  EXPECT_EQ(step.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(step.status().message(),
            "cannot record a disposition (处置) on a referral that is "
            "delivered: the recipient must first accept (签收, sxctl accept); "
            "while the referral is delivered, the recipient may accept (签收, "
            "sxctl accept) or return (退回, sxctl return)");

  step = DecideStep(kSubmitted, Action::kClose, Party::kSender);
  EXPECT_EQ(step.status().message(),
            "cannot close (销号) a referral that is submitted: the recipient "
            "must first accept (签收, sxctl accept), then record a disposition "
            "(处置, sxctl dispose), then send final feedback (反馈, sxctl "
            "feedback --kind final); while the referral is submitted, the "
            "sender may withdraw (撤回, sxctl withdraw) or send a reminder "
            "(督办, sxctl remind)");

  // No way back: the message says when the step was open instead.
  step = DecideStep(kAccepted, Action::kWithdraw, Party::kSender);
  EXPECT_EQ(step.status().message(),
            "cannot withdraw (撤回) a referral that is accepted: that step is "
            "open only while a referral is submitted or delivered; while the "
            "referral is accepted, the sender may send a reminder (督办, sxctl "
            "remind)");

  step = DecideStep(kSubmitted, Action::kAccept, Party::kSender);
  EXPECT_EQ(step.status().message(),
            "only the recipient may accept (签收) this referral, and the "
            "caller is the sender; while the referral is submitted, the sender "
            "may withdraw (撤回, sxctl withdraw) or send a reminder (督办, "
            "sxctl remind)");

  step = DecideStep(kFeedbackSent, Action::kRemind, Party::kObserver);
  EXPECT_EQ(
      step.status().message(),
      "only the sender or a supervising agency may send a reminder (督办) "
      "about this referral, and the caller is an observer; an observer "
      "takes no steps on a referral");
}

// "X must first a (..., sxctl a), then b (..., sxctl b)": taking those steps,
// by those parties, in that order, must lead to a state where the refused
// action is allowed. Checked for every refusal that names steps to take first.
TEST(ReferralStateMachineTest, StepsNamedToTakeFirstLeadToTheAction) {
  int checked = 0;
  for (State state : kAllStates) {
    for (Action action : kAllActions) {
      for (Party party : kAllParties) {
        absl::StatusOr<Step> refused = DecideStep(state, action, party);
        if (refused.status().code() != absl::StatusCode::kFailedPrecondition) {
          continue;
        }
        const std::string message(refused.status().message());
        const size_t first = message.find(" must first ");
        if (first == std::string::npos) {
          // Only when nothing leads there: then the message says when.
          if (!IsTerminal(state)) {
            EXPECT_TRUE(absl::StrContains(message, "open only while"))
                << message;
          }
          continue;
        }
        SCOPED_TRACE(message);
        const std::string steps = message.substr(0, message.find("; ", first));
        State at = state;
        size_t from = 0;
        int taken = 0;
        for (;;) {
          const size_t command = steps.find("sxctl ", from);
          if (command == std::string::npos) break;
          const size_t end = steps.find(')', command);
          const std::string name = steps.substr(command + 6, end - command - 6);
          from = end;
          Action next = Action::kDeliver;
          bool found = false;
          for (const auto& [a, c] : kCommands) {
            if (c == name) {
              next = a;
              found = true;
            }
          }
          ASSERT_TRUE(found) << name;
          const Expected& row = ContractFor(next);
          ASSERT_EQ(row.who.size(), 1u);
          const Party by = *row.who.begin();
          EXPECT_TRUE(absl::StrContains(
              steps.substr(0, command),
              by == Party::kSender ? "the sender" : "the recipient"));
          absl::StatusOr<Step> step = DecideStep(at, next, by);
          ASSERT_TRUE(step.ok()) << step.status();
          at = step->to;
          ++taken;
        }
        EXPECT_GT(taken, 0);
        EXPECT_TRUE(DecideStep(at, action, party).ok())
            << "after the steps named, the referral is " << StateName(at);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
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
