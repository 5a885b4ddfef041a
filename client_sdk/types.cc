// Names of the SDK's enums, one table per enum so that ToString and Parse can
// never disagree.
#include "sx/client/types.h"

#include <utility>

namespace sx::client {
namespace {

template <typename Enum, size_t N>
std::string NameOf(const std::pair<Enum, const char*> (&table)[N], Enum value) {
  for (const auto& [candidate, name] : table) {
    if (candidate == value) return name;
  }
  return "unspecified";
}

template <typename Enum, size_t N>
bool ValueOf(const std::pair<Enum, const char*> (&table)[N],
             absl::string_view name, Enum* value) {
  for (const auto& [candidate, candidate_name] : table) {
    if (name == candidate_name) {
      *value = candidate;
      return true;
    }
  }
  return false;
}

const std::pair<ReferralKind, const char*> kKinds[] = {
    {ReferralKind::kLead, "lead"},
    {ReferralKind::kProblemList, "problem_list"},
    {ReferralKind::kAuditFinding, "audit_finding"},
};
const std::pair<ReferralState, const char*> kStates[] = {
    {ReferralState::kSubmitted, "submitted"},
    {ReferralState::kDelivered, "delivered"},
    {ReferralState::kAccepted, "accepted"},
    {ReferralState::kDisposing, "disposing"},
    {ReferralState::kFeedbackSent, "feedback_sent"},
    {ReferralState::kClosed, "closed"},
    {ReferralState::kReturned, "returned"},
    {ReferralState::kRerouted, "rerouted"},
    {ReferralState::kWithdrawn, "withdrawn"},
    {ReferralState::kKeptPending, "kept_pending"},
};
const std::pair<DispositionMethod, const char*> kMethods[] = {
    {DispositionMethod::kTalkOrInquiry, "talk_or_inquiry"},
    {DispositionMethod::kPreliminaryVerification, "preliminary_verification"},
    {DispositionMethod::kKeptPending, "kept_pending"},
    {DispositionMethod::kClosedWithoutAction, "closed_without_action"},
    {DispositionMethod::kCaseFiled, "case_filed"},
    {DispositionMethod::kTransfer, "transfer"},
};
const std::pair<Sensitivity, const char*> kSensitivities[] = {
    {Sensitivity::kOrdinary, "ordinary"},
    {Sensitivity::kSensitive, "sensitive"},
    {Sensitivity::kHighlySensitive, "highly_sensitive"},
};
const std::pair<Urgency, const char*> kUrgencies[] = {
    {Urgency::kNormal, "normal"},
    {Urgency::kFastTrack, "fast_track"},
};
const std::pair<FeedbackKind, const char*> kFeedbackKinds[] = {
    {FeedbackKind::kInterim, "interim"},
    {FeedbackKind::kFinal, "final"},
};
const std::pair<EventType, const char*> kEventTypes[] = {
    {EventType::kSubmitted, "submitted"},
    {EventType::kDelivered, "delivered"},
    {EventType::kAccepted, "accepted"},
    {EventType::kReturned, "returned"},
    {EventType::kRerouted, "rerouted"},
    {EventType::kDispositionRecorded, "disposition_recorded"},
    {EventType::kInterimFeedback, "interim_feedback"},
    {EventType::kFinalFeedback, "final_feedback"},
    {EventType::kClosed, "closed"},
    {EventType::kWithdrawn, "withdrawn"},
    {EventType::kReminded, "reminded"},
    {EventType::kOverdue, "overdue"},
    {EventType::kLogRestored, "log_restored"},
    {EventType::kRectificationItemsAdded, "rectification_items_added"},
    {EventType::kRectificationReported, "rectification_reported"},
    {EventType::kRectificationVerified, "rectification_verified"},
    {EventType::kRectificationRejected, "rectification_rejected"},
    {EventType::kRectificationOverdue, "rectification_overdue"},
    {EventType::kFeedbackRejected, "feedback_rejected"},
    {EventType::kReopened, "reopened"},
    {EventType::kReviewDue, "review_due"},
    {EventType::kDelegated, "delegated"},
    {EventType::kDeadlineWarning, "deadline_warning"},
    {EventType::kDeadLettersRedriven, "dead_letters_redriven"},
};
const std::pair<WarningLevel, const char*> kWarningLevels[] = {
    {WarningLevel::kNone, "none"},
    {WarningLevel::kBlue, "blue"},
    {WarningLevel::kYellow, "yellow"},
    {WarningLevel::kRed, "red"},
};
const std::pair<SupervisionLevel, const char*> kSupervisionLevels[] = {
    {SupervisionLevel::kUrge, "urge"},
    {SupervisionLevel::kSupervise, "supervise"},
    {SupervisionLevel::kListed, "listed"},
};
const std::pair<SupervisedCondition, const char*> kSupervisedConditions[] = {
    {SupervisedCondition::kOverdue, "overdue"},
    {SupervisedCondition::kWarned, "warned"},
    {SupervisedCondition::kPressed, "pressed"},
    {SupervisedCondition::kListed, "listed"},
};
const std::pair<IdentityKind, const char*> kIdentityKinds[] = {
    {IdentityKind::kAgency, "agency"},
    {IdentityKind::kAdmin, "admin"},
    {IdentityKind::kAuditor, "auditor"},
};
const std::pair<RectificationStatus, const char*> kRectificationStatuses[] = {
    {RectificationStatus::kInProgress, "in_progress"},
    {RectificationStatus::kReportedDone, "reported_done"},
    {RectificationStatus::kReportedLongTerm, "reported_long_term"},
    {RectificationStatus::kVerified, "verified"},
    {RectificationStatus::kLongTerm, "long_term"},
};
const std::pair<RectificationStep, const char*> kRectificationSteps[] = {
    {RectificationStep::kAdded, "added"},
    {RectificationStep::kProgress, "progress"},
    {RectificationStep::kReportedDone, "reported_done"},
    {RectificationStep::kReportedLongTerm, "reported_long_term"},
    {RectificationStep::kVerified, "verified"},
    {RectificationStep::kRejected, "rejected"},
    {RectificationStep::kOverdue, "overdue"},
};
const std::pair<RectificationReportKind, const char*> kReportKinds[] = {
    {RectificationReportKind::kProgress, "progress"},
    {RectificationReportKind::kDone, "done"},
    {RectificationReportKind::kLongTerm, "long_term"},
};
const std::pair<RectificationVerdict, const char*> kVerdicts[] = {
    {RectificationVerdict::kAccept, "accept"},
    {RectificationVerdict::kReject, "reject"},
};

}  // namespace

std::string ToString(ReferralKind value) { return NameOf(kKinds, value); }
std::string ToString(ReferralState value) { return NameOf(kStates, value); }
std::string ToString(DispositionMethod value) {
  return NameOf(kMethods, value);
}
std::string ToString(Sensitivity value) {
  return NameOf(kSensitivities, value);
}
std::string ToString(Urgency value) { return NameOf(kUrgencies, value); }
std::string ToString(FeedbackKind value) {
  return NameOf(kFeedbackKinds, value);
}
std::string ToString(EventType value) { return NameOf(kEventTypes, value); }
std::string ToString(WarningLevel value) {
  return NameOf(kWarningLevels, value);
}
std::string ToString(SupervisionLevel value) {
  return NameOf(kSupervisionLevels, value);
}
std::string ToString(SupervisedCondition value) {
  return NameOf(kSupervisedConditions, value);
}
std::string ToString(IdentityKind value) {
  return NameOf(kIdentityKinds, value);
}
std::string ToString(RectificationStatus value) {
  return NameOf(kRectificationStatuses, value);
}
std::string ToString(RectificationStep value) {
  return NameOf(kRectificationSteps, value);
}
std::string ToString(RectificationReportKind value) {
  return NameOf(kReportKinds, value);
}
std::string ToString(RectificationVerdict value) {
  return NameOf(kVerdicts, value);
}

bool ParseReferralKind(absl::string_view name, ReferralKind* value) {
  return ValueOf(kKinds, name, value);
}
bool ParseReferralState(absl::string_view name, ReferralState* value) {
  return ValueOf(kStates, name, value);
}
bool ParseDispositionMethod(absl::string_view name, DispositionMethod* value) {
  return ValueOf(kMethods, name, value);
}
bool ParseSensitivity(absl::string_view name, Sensitivity* value) {
  return ValueOf(kSensitivities, name, value);
}
bool ParseUrgency(absl::string_view name, Urgency* value) {
  return ValueOf(kUrgencies, name, value);
}
bool ParseFeedbackKind(absl::string_view name, FeedbackKind* value) {
  return ValueOf(kFeedbackKinds, name, value);
}
bool ParseEventType(absl::string_view name, EventType* value) {
  return ValueOf(kEventTypes, name, value);
}
bool ParseWarningLevel(absl::string_view name, WarningLevel* value) {
  return ValueOf(kWarningLevels, name, value);
}
bool ParseSupervisionLevel(absl::string_view name, SupervisionLevel* value) {
  return ValueOf(kSupervisionLevels, name, value);
}
bool ParseSupervisedCondition(absl::string_view name,
                              SupervisedCondition* value) {
  return ValueOf(kSupervisedConditions, name, value);
}
bool ParseIdentityKind(absl::string_view name, IdentityKind* value) {
  return ValueOf(kIdentityKinds, name, value);
}
bool ParseRectificationStatus(absl::string_view name,
                              RectificationStatus* value) {
  return ValueOf(kRectificationStatuses, name, value);
}
bool ParseRectificationStep(absl::string_view name, RectificationStep* value) {
  return ValueOf(kRectificationSteps, name, value);
}
bool ParseRectificationReportKind(absl::string_view name,
                                  RectificationReportKind* value) {
  return ValueOf(kReportKinds, name, value);
}
bool ParseRectificationVerdict(absl::string_view name,
                               RectificationVerdict* value) {
  return ValueOf(kVerdicts, name, value);
}

const std::vector<SideFigureField>& SideFigureFields() {
  static const auto* const fields = new std::vector<SideFigureField>{
      {"referrals", &SideFigures::referrals},
      {"leads", &SideFigures::leads},
      {"problem_lists", &SideFigures::problem_lists},
      {"audit_findings", &SideFigures::audit_findings},
      {"delivered", &SideFigures::delivered},
      {"accepted", &SideFigures::accepted},
      {"returned", &SideFigures::returned},
      {"rerouted", &SideFigures::rerouted},
      {"withdrawn", &SideFigures::withdrawn},
      {"fed_back", &SideFigures::fed_back},
      {"closed", &SideFigures::closed},
      {"reminders", &SideFigures::reminders},
      {"talk_or_inquiry", &SideFigures::talk_or_inquiry},
      {"preliminary_verification", &SideFigures::preliminary_verification},
      {"kept_pending", &SideFigures::kept_pending},
      {"closed_without_action", &SideFigures::closed_without_action},
      {"case_filed", &SideFigures::case_filed},
      {"transferred", &SideFigures::transferred},
      {"accept_overdue", &SideFigures::accept_overdue},
      {"feedback_overdue", &SideFigures::feedback_overdue},
      {"items_added", &SideFigures::items_added},
      {"items_verified", &SideFigures::items_verified},
      {"items_rejected", &SideFigures::items_rejected},
      {"items_overdue", &SideFigures::items_overdue},
      {"persons_case_filed", &SideFigures::persons_case_filed},
      {"persons_disciplined", &SideFigures::persons_disciplined},
      {"persons_organisational_measures",
       &SideFigures::persons_organisational_measures},
      {"persons_transferred_judicial",
       &SideFigures::persons_transferred_judicial},
      {"amount_recovered_fen", &SideFigures::amount_recovered_fen},
      {"problems_rectified", &SideFigures::problems_rectified},
      {"feedback_rejected", &SideFigures::feedback_rejected},
      {"supervised", &SideFigures::supervised},
      {"listed_supervision", &SideFigures::listed_supervision},
      {"blue_warnings", &SideFigures::blue_warnings},
      {"yellow_warnings", &SideFigures::yellow_warnings},
      {"delegated", &SideFigures::delegated},
      {"report_overdue", &SideFigures::report_overdue},
  };
  return *fields;
}

}  // namespace sx::client
