#include "sx/core/referral_state_machine.h"

#include <initializer_list>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

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
  // The sxctl command that asks for the step; null if no command names it.
  const char* command;
  // A step on a problem list's rectification ledger: hints about what to do
  // next with the referral itself leave these out.
  bool ledger = false;
};

constexpr State kSubmitted = v1::REFERRAL_STATE_SUBMITTED;
constexpr State kDelivered = v1::REFERRAL_STATE_DELIVERED;
constexpr State kAccepted = v1::REFERRAL_STATE_ACCEPTED;
constexpr State kDisposing = v1::REFERRAL_STATE_DISPOSING;
constexpr State kFeedbackSent = v1::REFERRAL_STATE_FEEDBACK_SENT;
constexpr State kKeptPending = v1::REFERRAL_STATE_KEPT_PENDING;
constexpr State kUnchanged = v1::REFERRAL_STATE_UNSPECIFIED;
constexpr bool kLedger = true;

// The whole loop 移送 → 签收 → 处置 → 反馈 → 销号 and its side exits.
const Rule kRules[] = {
    {Action::kDeliver,
     {kSubmitted},
     kDelivered,
     {Party::kRecipient},
     v1::EVENT_TYPE_DELIVERED,
     Notify::kNobody,
     nullptr},
    {Action::kAccept,
     {kSubmitted, kDelivered},
     kAccepted,
     {Party::kRecipient},
     v1::EVENT_TYPE_ACCEPTED,
     Notify::kSender,
     "accept"},
    {Action::kReturn,
     {kSubmitted, kDelivered, kAccepted},
     v1::REFERRAL_STATE_RETURNED,
     {Party::kRecipient},
     v1::EVENT_TYPE_RETURNED,
     Notify::kSender,
     "return"},
    {Action::kReroute,
     {kAccepted, kDisposing, kKeptPending},
     v1::REFERRAL_STATE_REROUTED,
     {Party::kRecipient},
     v1::EVENT_TYPE_REROUTED,
     Notify::kSender,
     "reroute"},
    {Action::kDispose,
     {kAccepted, kDisposing},
     kDisposing,
     {Party::kRecipient},
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender,
     "dispose"},
    // 暂存待查: a disposition too, but one that pauses the feedback clock
    // until the recipient reopens the lead; a new review date may be set.
    {Action::kKeepPending,
     {kAccepted, kDisposing, kKeptPending},
     kKeptPending,
     {Party::kRecipient},
     v1::EVENT_TYPE_DISPOSITION_RECORDED,
     Notify::kSender,
     "dispose --method kept_pending --review-date"},
    {Action::kReopen,
     {kKeptPending},
     kDisposing,
     {Party::kRecipient},
     v1::EVENT_TYPE_REOPENED,
     Notify::kSender,
     "reopen"},
    // 交办 / 分办: the work goes to a child referral, the referral stays
    // with its recipient, who answers for it.
    {Action::kDelegate,
     {kAccepted, kDisposing},
     kUnchanged,
     {Party::kRecipient},
     v1::EVENT_TYPE_DELEGATED,
     Notify::kSender,
     "delegate"},
    {Action::kInterimFeedback,
     {kDisposing},
     kUnchanged,
     {Party::kRecipient},
     v1::EVENT_TYPE_INTERIM_FEEDBACK,
     Notify::kSender,
     "feedback --kind interim"},
    {Action::kFinalFeedback,
     {kDisposing},
     kFeedbackSent,
     {Party::kRecipient},
     v1::EVENT_TYPE_FINAL_FEEDBACK,
     Notify::kSender,
     "feedback --kind final"},
    {Action::kClose,
     {kFeedbackSent},
     v1::REFERRAL_STATE_CLOSED,
     {Party::kSender},
     v1::EVENT_TYPE_CLOSED,
     Notify::kRecipient,
     "close"},
    {Action::kRejectFeedback,
     {kFeedbackSent},
     kDisposing,
     {Party::kSender},
     v1::EVENT_TYPE_FEEDBACK_REJECTED,
     Notify::kRecipient,
     "reject-feedback"},
    {Action::kWithdraw,
     {kSubmitted, kDelivered},
     v1::REFERRAL_STATE_WITHDRAWN,
     {Party::kSender},
     v1::EVENT_TYPE_WITHDRAWN,
     Notify::kRecipient,
     "withdraw"},
    {Action::kRemind,
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnchanged,
     {Party::kSender, Party::kSupervisor},
     v1::EVENT_TYPE_REMINDED,
     Notify::kRecipient,
     "remind"},
    {Action::kFlagAcceptOverdue,
     {kSubmitted, kDelivered},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBoth,
     nullptr},
    {Action::kFlagFeedbackOverdue,
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBothAndSupervisors,
     nullptr},
    {Action::kFlagReviewDue,
     {kKeptPending},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_REVIEW_DUE,
     Notify::kRecipient,
     nullptr},
    {Action::kFlagWarning,
     {kSubmitted, kDelivered, kAccepted, kDisposing},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_DEADLINE_WARNING,
     Notify::kRecipientAndSupervisors,
     nullptr},
    // A case under review (立案审查调查) reports periodically; a missed
    // report is red as a missed final deadline is.
    {Action::kFlagReportOverdue,
     {kDisposing},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_OVERDUE,
     Notify::kBothAndSupervisors,
     nullptr},
    // The rectification ledger (整改台账) of a problem list: items may be
    // added until the referral ends, also after final feedback (a second
    // round); reports and verdicts need the list accepted (签收) first.
    {Action::kAddRectificationItems,
     {kSubmitted, kDelivered, kAccepted, kDisposing, kFeedbackSent},
     kUnchanged,
     {Party::kSender},
     v1::EVENT_TYPE_RECTIFICATION_ITEMS_ADDED,
     Notify::kRecipient,
     "rectification add",
     kLedger},
    {Action::kReportRectification,
     {kAccepted, kDisposing, kFeedbackSent},
     kUnchanged,
     {Party::kRecipient},
     v1::EVENT_TYPE_RECTIFICATION_REPORTED,
     Notify::kSender,
     "rectification report",
     kLedger},
    {Action::kVerifyRectification,
     {kAccepted, kDisposing, kFeedbackSent},
     kUnchanged,
     {Party::kSender},
     v1::EVENT_TYPE_RECTIFICATION_VERIFIED,
     Notify::kRecipient,
     "rectification verify --accept",
     kLedger},
    {Action::kRejectRectification,
     {kAccepted, kDisposing, kFeedbackSent},
     kUnchanged,
     {Party::kSender},
     v1::EVENT_TYPE_RECTIFICATION_REJECTED,
     Notify::kRecipient,
     "rectification verify --reject",
     kLedger},
    {Action::kFlagRectificationOverdue,
     {kSubmitted, kDelivered, kAccepted, kDisposing, kFeedbackSent},
     kUnchanged,
     {Party::kHub},
     v1::EVENT_TYPE_RECTIFICATION_OVERDUE,
     Notify::kBoth,
     nullptr,
     kLedger},
};

template <typename T>
bool Contains(std::initializer_list<T> list, T value) {
  for (const T& item : list) {
    if (item == value) return true;
  }
  return false;
}

const Rule* RuleFor(Action action) {
  for (const Rule& rule : kRules) {
    if (rule.action == action) return &rule;
  }
  return nullptr;
}

// How an action reads in a sentence: "record a disposition (处置) on a
// referral", "accept (签收) a referral".
struct ActionWords {
  absl::string_view verb;
  // The term the agencies use, if there is one.
  absl::string_view term;
  // What joins the verb to the referral ("on ..."), if anything.
  absl::string_view preposition;
};

ActionWords WordsFor(Action action) {
  switch (action) {
    case Action::kDeliver:
      return {"deliver", "", ""};
    case Action::kAccept:
      return {"accept", "签收", ""};
    case Action::kReturn:
      return {"return", "退回", ""};
    case Action::kReroute:
      return {"reroute", "转办", ""};
    case Action::kDispose:
      return {"record a disposition", "处置", "on"};
    case Action::kKeepPending:
      return {"keep pending", "暂存待查", ""};
    case Action::kReopen:
      return {"reopen", "重新启用", ""};
    case Action::kDelegate:
      return {"delegate work", "交办", "on"};
    case Action::kInterimFeedback:
      return {"send interim feedback", "", "on"};
    case Action::kFinalFeedback:
      return {"send final feedback", "反馈", "on"};
    case Action::kClose:
      return {"close", "销号", ""};
    case Action::kWithdraw:
      return {"withdraw", "撤回", ""};
    case Action::kRejectFeedback:
      return {"reject the final feedback", "退回补充", "of"};
    case Action::kRemind:
      return {"send a reminder", "督办", "about"};
    case Action::kFlagAcceptOverdue:
      return {"flag a missed acceptance deadline", "", "on"};
    case Action::kFlagFeedbackOverdue:
      return {"flag a missed feedback deadline", "", "on"};
    case Action::kFlagReviewDue:
      return {"remind of a review date", "", "on"};
    case Action::kFlagWarning:
      return {"warn of a nearing feedback deadline", "预警", "on"};
    case Action::kFlagReportOverdue:
      return {"flag a missed periodic report", "", "on"};
    case Action::kAddRectificationItems:
      return {"add rectification items", "整改问题", "to"};
    case Action::kReportRectification:
      return {"report on a rectification item", "整改报告", "of"};
    case Action::kVerifyRectification:
      return {"verify a rectification item", "核验", "of"};
    case Action::kRejectRectification:
      return {"reject a rectification report", "未通过", "on"};
    case Action::kFlagRectificationOverdue:
      return {"flag a missed rectification deadline", "", "on"};
  }
  return {"unknown", "", ""};
}

// "record a disposition (处置) on this referral".
std::string ActionOn(Action action, absl::string_view referral) {
  const ActionWords words = WordsFor(action);
  return absl::StrCat(ActionName(action), " ", words.preposition,
                      words.preposition.empty() ? "" : " ", referral);
}

// "accept (签收, sxctl accept)": the action and how to ask for it.
std::string ActionWithCommand(Action action) {
  const ActionWords words = WordsFor(action);
  const absl::string_view command = CommandFor(action);
  std::string aside(words.term);
  if (!command.empty()) {
    absl::StrAppend(&aside, aside.empty() ? "" : ", ", "sxctl ", command);
  }
  return aside.empty() ? std::string(words.verb)
                       : absl::StrCat(words.verb, " (", aside, ")");
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

// "a, b or c".
std::string OneOf(const std::vector<std::string>& items) {
  if (items.size() <= 1) return absl::StrJoin(items, "");
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "),
                      " or ", items.back());
}

std::string AllowedParties(std::initializer_list<Party> who) {
  std::vector<std::string> names;
  for (Party party : who) names.emplace_back(PartyName(party));
  return OneOf(names);
}

bool TakesAnySteps(Party party) {
  for (const Rule& rule : kRules) {
    if (Contains(rule.who, party) && !rule.ledger) return true;
  }
  return false;
}

// The party to the referral (sender or recipient) that may take a step, if
// any.
std::optional<Party> PartyTaking(const Rule& rule) {
  for (Party party : rule.who) {
    if (party == Party::kSender || party == Party::kRecipient) return party;
  }
  return std::nullopt;
}

// The shortest run of steps a caller asks for (by sender or recipient) that
// leads from `current` to a state `wanted` may start from, as "the recipient
// must first accept (签收, sxctl accept), then record a disposition (处置,
// sxctl dispose)"; nullopt if there is none.
std::optional<std::string> StepsFirst(State current, const Rule& wanted) {
  struct Arrival {
    State state;
    int previous;  // index into `seen`, -1 for `current`
    const Rule* by;
  };
  std::vector<Arrival> seen = {{current, -1, nullptr}};
  for (size_t next = 0; next < seen.size(); ++next) {
    const State at = seen[next].state;
    if (next > 0 && Contains(wanted.from, at)) {
      std::vector<const Rule*> path;
      for (int i = static_cast<int>(next); seen[i].by != nullptr;
           i = seen[i].previous) {
        path.insert(path.begin(), seen[i].by);
      }
      std::string text;
      std::optional<Party> said;
      for (const Rule* rule : path) {
        const Party party = *PartyTaking(*rule);
        if (!said.has_value()) {
          absl::StrAppend(&text, PartyName(party), " must first ");
        } else if (party == *said) {
          absl::StrAppend(&text, ", then ");
        } else {
          absl::StrAppend(&text, ", then ", PartyName(party), " must ");
        }
        said = party;
        absl::StrAppend(&text, ActionWithCommand(rule->action));
      }
      return text;
    }
    for (const Rule& rule : kRules) {
      if (rule.command == nullptr || rule.to == kUnchanged || rule.ledger ||
          !Contains(rule.from, at) || !PartyTaking(rule).has_value()) {
        continue;
      }
      bool known = false;
      for (const Arrival& arrival : seen) known |= arrival.state == rule.to;
      if (!known) seen.push_back({rule.to, static_cast<int>(next), &rule});
    }
  }
  return std::nullopt;
}

std::string StateList(std::initializer_list<State> states) {
  std::vector<std::string> names;
  for (State state : states) names.push_back(StateName(state));
  return OneOf(names);
}

}  // namespace

std::string ActionName(Action action) {
  const ActionWords words = WordsFor(action);
  return words.term.empty() ? std::string(words.verb)
                            : absl::StrCat(words.verb, " (", words.term, ")");
}

std::string StateName(v1::ReferralState state) {
  absl::string_view name = v1::ReferralState_Name(state);
  if (name.empty()) return absl::StrCat("unknown state ", state);
  absl::ConsumePrefix(&name, "REFERRAL_STATE_");
  return absl::AsciiStrToLower(name);
}

absl::string_view CommandFor(Action action) {
  const Rule* rule = RuleFor(action);
  return rule == nullptr || rule->command == nullptr ? "" : rule->command;
}

std::vector<Action> AllowedActions(v1::ReferralState state, Party party) {
  std::vector<Action> actions;
  for (const Rule& rule : kRules) {
    if (Contains(rule.who, party) && Contains(rule.from, state)) {
      actions.push_back(rule.action);
    }
  }
  return actions;
}

std::string NextStepsHint(v1::ReferralState state, Party party) {
  if (!TakesAnySteps(party)) {
    return absl::StrCat(PartyName(party), " takes no steps on a referral");
  }
  if (IsTerminal(state)) {
    return absl::StrCat("a ", StateName(state),
                        " referral takes no further steps");
  }
  std::vector<std::string> open;
  for (Action action : AllowedActions(state, party)) {
    if (!CommandFor(action).empty() && !RuleFor(action)->ledger) {
      open.push_back(ActionWithCommand(action));
    }
  }
  if (open.empty()) {
    return absl::StrCat("while the referral is ", StateName(state), ", ",
                        PartyName(party), " has no step to take");
  }
  return absl::StrCat("while the referral is ", StateName(state), ", ",
                      PartyName(party), " may ", OneOf(open));
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
  const Rule* rule = RuleFor(action);
  if (rule == nullptr) {
    return absl::InternalError(
        absl::StrCat("no rule for action ", ActionName(action)));
  }
  if (!Contains(rule->who, party)) {
    return absl::PermissionDeniedError(
        absl::StrCat("only ", AllowedParties(rule->who), " may ",
                     ActionOn(action, "this referral"), ", and the caller is ",
                     PartyName(party), "; ", NextStepsHint(current, party)));
  }
  if (!Contains(rule->from, current)) {
    std::string message =
        absl::StrCat("cannot ", ActionOn(action, "a referral"), " that is ",
                     StateName(current), ": ");
    if (IsTerminal(current)) {
      absl::StrAppend(&message, "it takes no further steps");
      return absl::FailedPreconditionError(message);
    }
    std::optional<std::string> first = StepsFirst(current, *rule);
    absl::StrAppend(
        &message,
        first.has_value()
            ? *first
            : absl::StrCat("that step is open only while a referral is ",
                           StateList(rule->from)),
        "; ", NextStepsHint(current, party));
    return absl::FailedPreconditionError(message);
  }
  return Step{rule->to == kUnchanged ? current : rule->to, rule->event,
              rule->notify};
}

}  // namespace sx::core
