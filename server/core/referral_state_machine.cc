#include "sx/core/referral_state_machine.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"

namespace sx::core {

namespace v1 = ::supervision::v1;
namespace {

using State = v1::ReferralState;

struct Rule {
  Action action;
  std::initializer_list<State> from;
  // REFERRAL_STATE_UNSPECIFIED: the state does not change.
  State to;
  std::initializer_list<Party> who;
  v1::EventType event;
  Notify notify;
};

constexpr State kSubmitted = v1::REFERRAL_STATE_SUBMITTED;
constexpr State kDelivered = v1::REFERRAL_STATE_DELIVERED;
constexpr State kAccepted = v1::REFERRAL_STATE_ACCEPTED;
constexpr State kDisposing = v1::REFERRAL_STATE_DISPOSING;
constexpr State kFeedbackSent = v1::REFERRAL_STATE_FEEDBACK_SENT;
constexpr State kUnchanged = v1::REFERRAL_STATE_UNSPECIFIED;

// The whole loop 移送 → 签收 → 处置 → 反馈 → 销号 and its side exits.
const Rule kRules[] = {
    {Action::kDeliver,
     {kSubmitted},
     kDelivered,
     {Party::kRecipient},
     v1::EVENT_TYPE_DELIVERED,
     Notify::kNobody},
    {Action::kAccept,
     {kSubmitted, kDelivered},
     kAccepted,
     {Party::kRecipient},
     v1::EVENT_TYPE_ACCEPTED,
     Notify::kSender},
    {Action::kReturn,
     {kSubmitted, kDelivered, kAccepted},
     v1::REFERRAL_STATE_RETURNED,
     {Party::kRecipient},
     v1::EVENT_TYPE_RETURNED,
     Notify::kSender},
    {Action::kReroute,
     {kAccepted, kDisposing},
     v1::REFERRAL_STATE_REROUTED,
     {Party::kRecipient},
     v1::EVENT_TYPE_REROUTED,
     Notify::kSender},
    {Action::kDispose,
     {kAccepted, kDisposing},
     kDisposing,
     {Party::kRecipient},
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender},
    {Action::kInterimFeedback,
     {kDisposing},
     kUnchanged,
     {Party::kRecipient},
     v1::EVENT_TYPE_INTERIM_FEEDBACK,
     Notify::kSender},
    {Action::kFinalFeedback,
     {kDisposing},
     kFeedbackSent,
     {Party::kRecipient},
     v1::EVENT_TYPE_FINAL_FEEDBACK,
     Notify::kSender},
    {Action::kClose,
     {kFeedbackSent},
     v1::REFERRAL_STATE_CLOSED,
     {Party::kSender},
     v1::EVENT_TYPE_CLOSED,
     Notify::kRecipient},
    {Action::kWithdraw,
     {kSubmitted, kDelivered},
     v1::REFERRAL_STATE_WITHDRAWN,
     {Party::kSender},
     v1::EVENT_TYPE_WITHDRAWN,
     Notify::kRecipient},
    {Action::kRemind,
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnchanged,
     {Party::kSender, Party::kSupervisor},
     v1::EVENT_TYPE_REMINDED,
     Notify::kRecipient},
    {Action::kFlagAcceptOverdue,
     {kSubmitted, kDelivered},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBoth},
    {Action::kFlagFeedbackOverdue,
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBoth},
};

template <typename T>
bool Contains(std::initializer_list<T> list, T value) {
  for (const T& item : list) {
    if (item == value) return true;
  }
  return false;
}

absl::string_view PartyName(Party party) {
  switch (party) {
    case Party::kSender:
      return "the sender";
    case Party::kRecipient:
      return "the recipient";
    case Party::kSupervisor:
      return "a supervising agency";
    case Party::kObserver:
      return "an observer";
    case Party::kStranger:
      return "an agency that is not a party";
    case Party::kHub:
      return "the hub";
  }
  return "unknown";
}

std::string AllowedParties(std::initializer_list<Party> who) {
  std::string names;
  for (Party party : who) {
    absl::StrAppend(&names, names.empty() ? "" : " or ", PartyName(party));
  }
  return names;
}

}  // namespace

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kDeliver:
      return "deliver";
    case Action::kAccept:
      return "accept (签收)";
    case Action::kReturn:
      return "return (退回)";
    case Action::kReroute:
      return "reroute (转办)";
    case Action::kDispose:
      return "record a disposition (处置)";
    case Action::kInterimFeedback:
      return "send interim feedback";
    case Action::kFinalFeedback:
      return "send final feedback (反馈)";
    case Action::kClose:
      return "close (销号)";
    case Action::kWithdraw:
      return "withdraw (撤回)";
    case Action::kRemind:
      return "remind (督办)";
    case Action::kFlagAcceptOverdue:
      return "flag a missed acceptance deadline";
    case Action::kFlagFeedbackOverdue:
      return "flag a missed feedback deadline";
  }
  return "unknown";
}

bool IsTerminal(v1::ReferralState state) {
  return state == v1::REFERRAL_STATE_CLOSED ||
         state == v1::REFERRAL_STATE_RETURNED ||
         state == v1::REFERRAL_STATE_REROUTED ||
         state == v1::REFERRAL_STATE_WITHDRAWN;
}

bool OwesAcceptance(v1::ReferralState state) {
  return state == kSubmitted || state == kDelivered;
}

bool OwesFeedback(v1::ReferralState state) {
  return OwesAcceptance(state) || state == kAccepted || state == kDisposing;
}

absl::StatusOr<Step> DecideStep(v1::ReferralState current, Action action,
                                Party party) {
  for (const Rule& rule : kRules) {
    if (rule.action != action) continue;
    if (!Contains(rule.who, party)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "only ", AllowedParties(rule.who), " may ", ActionName(action),
          " this referral; the caller is ", PartyName(party)));
    }
    if (!Contains(rule.from, current)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot ", ActionName(action), " a referral in state ",
                       v1::ReferralState_Name(current)));
    }
    return Step{rule.to == kUnchanged ? current : rule.to, rule.event,
                rule.notify};
  }
  return absl::InternalError(
      absl::StrCat("no rule for action ", ActionName(action)));
}

}  // namespace sx::core
