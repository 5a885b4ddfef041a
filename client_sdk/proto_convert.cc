#include "client_sdk/proto_convert.h"

#include <string>
#include <utility>

#include "absl/strings/escaping.h"
#include "google/protobuf/timestamp.pb.h"

namespace sx::client::internal {

namespace v1 = ::supervision::v1;

namespace {

// The SDK's enums list the contract's values in the contract's order, so a
// cast converts them; these guard that promise.
static_assert(static_cast<int>(ReferralState::kKeptPending) ==
              v1::REFERRAL_STATE_KEPT_PENDING);
static_assert(static_cast<int>(DispositionMethod::kTransfer) ==
              v1::DISPOSITION_METHOD_TRANSFER);
static_assert(static_cast<int>(EventType::kDeadLettersRedriven) ==
              v1::EVENT_TYPE_DEAD_LETTERS_REDRIVEN);
static_assert(static_cast<int>(WarningLevel::kNone) ==
              v1::WARNING_LEVEL_UNSPECIFIED);
static_assert(static_cast<int>(WarningLevel::kRed) == v1::WARNING_LEVEL_RED);
static_assert(static_cast<int>(SupervisionLevel::kUnspecified) ==
              v1::SUPERVISION_LEVEL_UNSPECIFIED);
static_assert(static_cast<int>(SupervisionLevel::kListed) ==
              v1::SUPERVISION_LEVEL_LISTED);
static_assert(static_cast<int>(SupervisedCondition::kListed) ==
              v1::SUPERVISED_CONDITION_LISTED);
static_assert(static_cast<int>(ReferralKind::kAuditFinding) ==
              v1::REFERRAL_KIND_AUDIT_FINDING);
static_assert(static_cast<int>(Sensitivity::kHighlySensitive) ==
              v1::SENSITIVITY_HIGHLY_SENSITIVE);
static_assert(static_cast<int>(Urgency::kFastTrack) == v1::URGENCY_FAST_TRACK);
static_assert(static_cast<int>(FeedbackKind::kFinal) ==
              v1::FEEDBACK_KIND_FINAL);
static_assert(static_cast<int>(IdentityKind::kAuditor) ==
              v1::IDENTITY_KIND_AUDITOR);
static_assert(static_cast<int>(RectificationStatus::kLongTerm) ==
              v1::RECTIFICATION_STATUS_LONG_TERM);
static_assert(static_cast<int>(RectificationStep::kOverdue) ==
              v1::RECTIFICATION_STEP_OVERDUE);
static_assert(static_cast<int>(RectificationReportKind::kLongTerm) ==
              v1::RECTIFICATION_REPORT_KIND_LONG_TERM);
static_assert(static_cast<int>(RectificationVerdict::kReject) ==
              v1::RECTIFICATION_VERDICT_REJECT);

template <typename To, typename From>
To Cast(From value) {
  return static_cast<To>(static_cast<int>(value));
}

absl::Time FromProto(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) {
    return absl::InfinitePast();
  }
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);  // rounds down
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

// Query bounds: an infinite time is no bound, and leaves the field unset.
bool IsBound(absl::Time time) {
  return time != absl::InfinitePast() && time != absl::InfiniteFuture();
}

v1::Attachment ToProto(const Attachment& attachment) {
  v1::Attachment proto;
  proto.set_name(attachment.name);
  proto.set_media_type(attachment.media_type);
  proto.set_content(attachment.content);
  proto.set_sha256_hex(attachment.sha256_hex);
  return proto;
}

Attachment FromProto(const v1::Attachment& proto) {
  return Attachment{proto.name(), proto.media_type(), proto.content(),
                    proto.sha256_hex(), proto.size_bytes()};
}

Lead FromProto(const v1::Lead& proto) {
  Lead lead;
  lead.subject = proto.subject();
  lead.subject_organization = proto.subject_organization();
  lead.subject_position = proto.subject_position();
  lead.category = proto.category();
  lead.summary = proto.summary();
  lead.source = proto.source();
  for (const auto& attachment : proto.attachments()) {
    lead.attachments.push_back(FromProto(attachment));
  }
  lead.sensitivity = Cast<Sensitivity>(proto.sensitivity());
  lead.urgency = Cast<Urgency>(proto.urgency());
  return lead;
}

Feedback FromProto(const v1::Feedback& proto) {
  Feedback feedback;
  feedback.kind = Cast<FeedbackKind>(proto.kind());
  feedback.text = proto.text();
  for (const auto& attachment : proto.attachments()) {
    feedback.attachments.push_back(FromProto(attachment));
  }
  feedback.sent_at = FromProto(proto.sent_at());
  feedback.has_outcome = proto.has_outcome();
  const v1::FeedbackOutcome& outcome = proto.outcome();
  feedback.outcome = FeedbackOutcome{outcome.persons_case_filed(),
                                     outcome.persons_disciplined(),
                                     outcome.persons_organisational_measures(),
                                     outcome.persons_transferred_judicial(),
                                     outcome.amount_recovered_fen(),
                                     outcome.problems_rectified()};
  feedback.cites_referral_ids.assign(proto.cites_referral_ids().begin(),
                                     proto.cites_referral_ids().end());
  return feedback;
}

DispositionRecord FromProto(const v1::DispositionRecord& proto) {
  DispositionRecord record;
  record.method = Cast<DispositionMethod>(proto.method());
  record.handler = proto.handler();
  record.approver = proto.approver();
  record.approval_reference = proto.approval_reference();
  record.reason = proto.reason();
  record.recorded_at = FromProto(proto.recorded_at());
  record.review_at = FromProto(proto.review_at());
  return record;
}

RectificationSummary FromProto(const v1::RectificationSummary& proto) {
  return RectificationSummary{
      proto.total(),      proto.in_progress(), proto.awaiting_verification(),
      proto.verified(),   proto.long_term(),   proto.overdue(),
      proto.rejections(), proto.rounds()};
}

RectificationUpdate FromProto(const v1::RectificationUpdate& proto) {
  RectificationUpdate update;
  update.step = Cast<RectificationStep>(proto.step());
  update.actor = proto.actor();
  update.time = FromProto(proto.time());
  update.text = proto.text();
  for (const auto& attachment : proto.evidence()) {
    update.evidence.push_back(FromProto(attachment));
  }
  update.status = Cast<RectificationStatus>(proto.status());
  update.review_at = FromProto(proto.review_at());
  return update;
}

// What Submit and SubmitDistribution send alike: the kind, the lead and a
// problem list's first ledger items. `New` is NewReferral or NewDistribution,
// `Request` the matching request. (Qualified: this namespace's own ToProto
// overloads would hide the public ones.)
template <typename New, typename Request>
void SetReferralContent(const New& referral, Request& proto) {
  proto.set_kind(Cast<v1::ReferralKind>(referral.kind));
  *proto.mutable_lead() = internal::ToProto(referral.lead);
  for (const RectificationItemDraft& item : referral.rectification_items) {
    *proto.add_rectification_items() = internal::ToProto(item);
  }
}

}  // namespace

Event FromProto(const v1::Event& proto) {
  Event event;
  event.sequence = proto.sequence();
  event.type = Cast<EventType>(proto.type());
  event.referral_id = proto.referral_id();
  event.actor = proto.actor();
  event.time = FromProto(proto.time());
  event.from_state = Cast<ReferralState>(proto.from_state());
  event.to_state = Cast<ReferralState>(proto.to_state());
  event.request_id = proto.request_id();
  event.disposition = Cast<DispositionMethod>(proto.disposition());
  event.reason = proto.reason();
  event.related_referral_id = proto.related_referral_id();
  event.content_sha256 = proto.content_sha256();
  event.previous_event_sha256 = proto.previous_event_sha256();
  event.item_numbers.assign(proto.item_numbers().begin(),
                            proto.item_numbers().end());
  event.warning_level = Cast<WarningLevel>(proto.warning_level());
  event.supervision_level = Cast<SupervisionLevel>(proto.supervision_level());
  if (proto.has_step_signature()) {
    const v1::StepSignature& signed_step = proto.step_signature();
    event.step_signature = StepSignature{
        signed_step.method(),
        signed_step.request_sha256(),
        signed_step.signature(),
        signed_step.certificate_sha256(),
        signed_step.leaf_index(),
        signed_step.tree_size(),
        {signed_step.audit_path().begin(), signed_step.audit_path().end()}};
  }
  return event;
}

v1::Lead ToProto(const Lead& lead) {
  v1::Lead proto;
  proto.set_subject(lead.subject);
  proto.set_subject_organization(lead.subject_organization);
  proto.set_subject_position(lead.subject_position);
  proto.set_category(lead.category);
  proto.set_summary(lead.summary);
  proto.set_source(lead.source);
  for (const Attachment& attachment : lead.attachments) {
    *proto.add_attachments() = ToProto(attachment);
  }
  proto.set_sensitivity(Cast<v1::Sensitivity>(lead.sensitivity));
  proto.set_urgency(Cast<v1::Urgency>(lead.urgency));
  return proto;
}

v1::Feedback ToProto(const Feedback& feedback) {
  v1::Feedback proto;
  proto.set_kind(Cast<v1::FeedbackKind>(feedback.kind));
  proto.set_text(feedback.text);
  for (const Attachment& attachment : feedback.attachments) {
    *proto.add_attachments() = ToProto(attachment);
  }
  if (feedback.has_outcome) {
    const FeedbackOutcome& outcome = feedback.outcome;
    v1::FeedbackOutcome* out = proto.mutable_outcome();
    out->set_persons_case_filed(outcome.persons_case_filed);
    out->set_persons_disciplined(outcome.persons_disciplined);
    out->set_persons_organisational_measures(
        outcome.persons_organisational_measures);
    out->set_persons_transferred_judicial(outcome.persons_transferred_judicial);
    out->set_amount_recovered_fen(outcome.amount_recovered_fen);
    out->set_problems_rectified(outcome.problems_rectified);
  }
  for (const std::string& cited : feedback.cites_referral_ids) {
    proto.add_cites_referral_ids(cited);
  }
  return proto;
}

v1::SubmitReferralRequest ToProto(const NewReferral& referral) {
  v1::SubmitReferralRequest proto;
  proto.set_recipient_agency_id(referral.recipient_agency_id);
  SetReferralContent(referral, proto);
  if (!referral.resubmits_referral_id.empty()) {
    proto.set_resubmits_referral_id(referral.resubmits_referral_id);
  }
  return proto;
}

v1::RecordDispositionRequest ToProto(const DisposeParams& params) {
  v1::RecordDispositionRequest proto;
  proto.set_referral_id(params.referral_id);
  proto.set_method(Cast<v1::DispositionMethod>(params.method));
  proto.set_handler(params.handler);
  proto.set_approver(params.approver);
  proto.set_approval_reference(params.approval_reference);
  proto.set_reason(params.reason);
  if (IsBound(params.review_at)) {
    *proto.mutable_review_at() = ToProto(params.review_at);
  }
  return proto;
}

v1::DelegateReferralRequest ToProto(const DelegateParams& params) {
  v1::DelegateReferralRequest proto;
  proto.set_referral_id(params.referral_id);
  proto.set_target_agency_id(params.target_agency_id);
  proto.set_instructions(params.instructions);
  if (IsBound(params.feedback_due_at)) {
    *proto.mutable_feedback_due_at() = ToProto(params.feedback_due_at);
  }
  return proto;
}

v1::RemindReferralRequest ToProto(const RemindParams& params) {
  v1::RemindReferralRequest proto;
  proto.set_referral_id(params.referral_id);
  proto.set_text(params.text);
  proto.set_level(Cast<v1::SupervisionLevel>(params.level));
  return proto;
}

v1::SubmitDistributionRequest ToProto(const NewDistribution& distribution) {
  v1::SubmitDistributionRequest proto;
  for (const std::string& recipient : distribution.recipient_agency_ids) {
    proto.add_recipient_agency_ids(recipient);
  }
  SetReferralContent(distribution, proto);
  return proto;
}

v1::ListReferralsRequest ToProto(const ListQuery& query) {
  v1::ListReferralsRequest proto;
  proto.set_role(query.role == PartyRole::kSender ? v1::PARTY_ROLE_SENDER
                                                  : v1::PARTY_ROLE_RECIPIENT);
  for (ReferralState state : query.states) {
    proto.add_states(Cast<v1::ReferralState>(state));
  }
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

v1::ListReferralStepsRequest ToProto(const ReferralStepsQuery& query) {
  v1::ListReferralStepsRequest proto;
  proto.set_referral_id(query.referral_id);
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

Referral FromProto(const v1::Referral& proto) {
  Referral referral;
  referral.referral_id = proto.referral_id();
  referral.kind = Cast<ReferralKind>(proto.kind());
  referral.sender_agency_id = proto.sender_agency_id();
  referral.recipient_agency_id = proto.recipient_agency_id();
  referral.state = Cast<ReferralState>(proto.state());
  referral.has_lead = proto.has_lead();
  if (proto.has_lead()) referral.lead = FromProto(proto.lead());
  referral.urgency = Cast<Urgency>(proto.urgency());
  referral.created_at = FromProto(proto.created_at());
  referral.updated_at = FromProto(proto.updated_at());
  referral.accept_due_at = FromProto(proto.accept_due_at());
  referral.feedback_due_at = FromProto(proto.feedback_due_at());
  referral.disposition = Cast<DispositionMethod>(proto.disposition());
  referral.parent_referral_id = proto.parent_referral_id();
  referral.child_referral_id = proto.child_referral_id();
  referral.observer_agency_ids.assign(proto.observer_agency_ids().begin(),
                                      proto.observer_agency_ids().end());
  referral.state_reason = proto.state_reason();
  for (const auto& feedback : proto.feedback()) {
    referral.feedback.push_back(FromProto(feedback));
  }
  for (const auto& reminder : proto.reminders()) {
    referral.reminders.push_back(
        Reminder{reminder.from_agency_id(), reminder.text(),
                 FromProto(reminder.sent_at()),
                 Cast<SupervisionLevel>(reminder.level())});
  }
  referral.accept_overdue = proto.accept_overdue();
  referral.feedback_overdue = proto.feedback_overdue();
  referral.version = proto.version();
  referral.rectification = FromProto(proto.rectification());
  referral.distribution_id = proto.distribution_id();
  referral.resubmission_of = proto.resubmission_of();
  for (const v1::DispositionRecord& record : proto.dispositions()) {
    referral.dispositions.push_back(FromProto(record));
  }
  referral.review_at = FromProto(proto.review_at());
  referral.paused_at = FromProto(proto.paused_at());
  referral.delegated_referral_ids.assign(proto.delegated_referral_ids().begin(),
                                         proto.delegated_referral_ids().end());
  referral.delegated = proto.delegated();
  referral.delegation_instructions = proto.delegation_instructions();
  referral.warning_level = Cast<WarningLevel>(proto.warning_level());
  referral.blue_warning_at = FromProto(proto.blue_warning_at());
  referral.yellow_warning_at = FromProto(proto.yellow_warning_at());
  referral.supervision_level =
      Cast<SupervisionLevel>(proto.supervision_level());
  referral.report_due_at = FromProto(proto.report_due_at());
  referral.report_overdue = proto.report_overdue();
  return referral;
}

InboxEntry FromProto(const v1::InboxEntry& proto) {
  return InboxEntry{proto.sequence(), FromProto(proto.event()),
                    FromProto(proto.referral()), proto.delivery_attempts()};
}

ReferralPage FromProto(const v1::ListReferralsResponse& proto) {
  ReferralPage page;
  for (const auto& referral : proto.referrals()) {
    page.referrals.push_back(FromProto(referral));
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

ReferralSteps FromProto(const v1::ListReferralStepsResponse& proto) {
  ReferralSteps page;
  for (const v1::Event& event : proto.events()) {
    page.events.push_back(FromProto(event));
  }
  page.signing_certificates.assign(proto.signing_certificates().begin(),
                                   proto.signing_certificates().end());
  page.next_page_token = proto.next_page_token();
  return page;
}

InboxPage FromProto(const v1::PeekInboxResponse& proto) {
  InboxPage page;
  for (const auto& entry : proto.entries()) {
    page.entries.push_back(FromProto(entry));
  }
  page.next_after_sequence = proto.next_after_sequence();
  return page;
}

uint32_t FromProto(const v1::AckInboxResponse& response) {
  return response.acknowledged();
}

v1::ListTransfersRequest ToProto(const TransferQuery& query) {
  v1::ListTransfersRequest proto;
  for (ReferralState state : query.states) {
    proto.add_states(Cast<v1::ReferralState>(state));
  }
  proto.set_sender_agency_id(query.sender_agency_id);
  proto.set_recipient_agency_id(query.recipient_agency_id);
  if (IsBound(query.created_after)) {
    *proto.mutable_created_after() = ToProto(query.created_after);
  }
  if (IsBound(query.created_before)) {
    *proto.mutable_created_before() = ToProto(query.created_before);
  }
  proto.set_overdue_only(query.overdue_only);
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

v1::ListDeadLettersRequest ToProto(const DeadLetterQuery& query) {
  v1::ListDeadLettersRequest proto;
  proto.set_agency_id(query.agency_id);
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

v1::QueryEventsRequest ToProto(const EventQuery& query) {
  v1::QueryEventsRequest proto;
  proto.set_referral_id(query.referral_id);
  proto.set_agency_id(query.agency_id);
  proto.set_type(Cast<v1::EventType>(query.type));
  if (IsBound(query.time_from)) {
    *proto.mutable_time_from() = ToProto(query.time_from);
  }
  if (IsBound(query.time_to)) *proto.mutable_time_to() = ToProto(query.time_to);
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

v1::RectificationItemDraft ToProto(const RectificationItemDraft& draft) {
  v1::RectificationItemDraft proto;
  proto.set_category(draft.category);
  proto.set_problem(draft.problem);
  for (const std::string& measure : draft.measures) proto.add_measures(measure);
  proto.set_responsible_unit(draft.responsible_unit);
  if (IsBound(draft.due_at)) *proto.mutable_due_at() = ToProto(draft.due_at);
  return proto;
}

v1::AddRectificationItemsRequest ToProto(
    const AddRectificationItemsParams& params) {
  v1::AddRectificationItemsRequest proto;
  proto.set_referral_id(params.referral_id);
  for (const RectificationItemDraft& item : params.items) {
    *proto.add_items() = ToProto(item);
  }
  return proto;
}

v1::ReportRectificationRequest ToProto(
    const ReportRectificationParams& params) {
  v1::ReportRectificationRequest proto;
  proto.set_referral_id(params.referral_id);
  proto.set_item_number(params.item_number);
  proto.set_kind(Cast<v1::RectificationReportKind>(params.kind));
  proto.set_text(params.text);
  for (const Attachment& attachment : params.evidence) {
    *proto.add_evidence() = ToProto(attachment);
  }
  if (IsBound(params.review_at)) {
    *proto.mutable_review_at() = ToProto(params.review_at);
  }
  return proto;
}

v1::VerifyRectificationRequest ToProto(
    const VerifyRectificationParams& params) {
  v1::VerifyRectificationRequest proto;
  proto.set_referral_id(params.referral_id);
  proto.set_item_number(params.item_number);
  proto.set_verdict(Cast<v1::RectificationVerdict>(params.verdict));
  proto.set_reason(params.reason);
  return proto;
}

v1::ListRectificationItemsRequest ToProto(const RectificationItemQuery& query) {
  v1::ListRectificationItemsRequest proto;
  proto.set_referral_id(query.referral_id);
  for (RectificationStatus status : query.statuses) {
    proto.add_statuses(Cast<v1::RectificationStatus>(status));
  }
  proto.set_overdue_only(query.overdue_only);
  proto.set_after_number(query.after_number);
  proto.set_page_size(query.page_size);
  proto.set_include_history(query.include_history);
  return proto;
}

RectificationItem FromProto(const v1::RectificationItem& proto) {
  RectificationItem item;
  item.number = proto.number();
  item.category = proto.category();
  item.problem = proto.problem();
  item.measures.assign(proto.measures().begin(), proto.measures().end());
  item.responsible_unit = proto.responsible_unit();
  item.due_at = FromProto(proto.due_at());
  item.status = Cast<RectificationStatus>(proto.status());
  item.review_at = FromProto(proto.review_at());
  item.overdue = proto.overdue();
  item.rejections = proto.rejections();
  item.round = proto.round();
  for (const v1::RectificationUpdate& update : proto.history()) {
    item.history.push_back(FromProto(update));
  }
  item.updated_at = FromProto(proto.updated_at());
  return item;
}

RectificationStepResult FromProto(const v1::RectificationStepResponse& proto) {
  RectificationStepResult result;
  result.referral = FromProto(proto.referral());
  for (const v1::RectificationItem& item : proto.items()) {
    result.items.push_back(FromProto(item));
  }
  return result;
}

RectificationItemPage FromProto(
    const v1::ListRectificationItemsResponse& proto) {
  RectificationItemPage page;
  for (const v1::RectificationItem& item : proto.items()) {
    page.items.push_back(FromProto(item));
  }
  page.next_after_number = proto.next_after_number();
  page.summary = FromProto(proto.summary());
  return page;
}

v1::ListDistributionsRequest ToProto(const DistributionQuery& query) {
  v1::ListDistributionsRequest proto;
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

Distribution FromProto(const v1::Distribution& proto) {
  Distribution distribution;
  distribution.distribution_id = proto.distribution_id();
  distribution.sender_agency_id = proto.sender_agency_id();
  distribution.kind = Cast<ReferralKind>(proto.kind());
  distribution.created_at = FromProto(proto.created_at());
  const v1::DistributionProgress& progress = proto.progress();
  distribution.progress = DistributionProgress{
      progress.recipients(), progress.delivered(), progress.accepted(),
      progress.fed_back(),   progress.closed(),    progress.ended_otherwise(),
      progress.overdue()};
  for (const v1::DistributionMember& member : proto.members()) {
    distribution.members.push_back(DistributionMember{
        member.recipient_agency_id(), FromProto(member.referral())});
  }
  return distribution;
}

DistributionPage FromProto(const v1::ListDistributionsResponse& proto) {
  DistributionPage page;
  for (const v1::Distribution& distribution : proto.distributions()) {
    page.distributions.push_back(FromProto(distribution));
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

v1::GetStatisticsRequest ToProto(const StatisticsQuery& query) {
  v1::GetStatisticsRequest proto;
  proto.set_from_date(query.from_date);
  proto.set_to_date(query.to_date);
  proto.set_agency_id(query.agency_id);
  return proto;
}

SideFigures FromProto(const v1::SideFigures& proto) {
  SideFigures figures;
  figures.referrals = proto.referrals();
  figures.leads = proto.leads();
  figures.problem_lists = proto.problem_lists();
  figures.audit_findings = proto.audit_findings();
  figures.delivered = proto.delivered();
  figures.accepted = proto.accepted();
  figures.returned = proto.returned();
  figures.rerouted = proto.rerouted();
  figures.withdrawn = proto.withdrawn();
  figures.fed_back = proto.fed_back();
  figures.closed = proto.closed();
  figures.reminders = proto.reminders();
  figures.talk_or_inquiry = proto.talk_or_inquiry();
  figures.preliminary_verification = proto.preliminary_verification();
  figures.kept_pending = proto.kept_pending();
  figures.closed_without_action = proto.closed_without_action();
  figures.case_filed = proto.case_filed();
  figures.transferred = proto.transferred();
  figures.accept_overdue = proto.accept_overdue();
  figures.feedback_overdue = proto.feedback_overdue();
  figures.items_added = proto.items_added();
  figures.items_verified = proto.items_verified();
  figures.items_rejected = proto.items_rejected();
  figures.items_overdue = proto.items_overdue();
  figures.persons_case_filed = proto.persons_case_filed();
  figures.persons_disciplined = proto.persons_disciplined();
  figures.persons_organisational_measures =
      proto.persons_organisational_measures();
  figures.persons_transferred_judicial = proto.persons_transferred_judicial();
  figures.amount_recovered_fen = proto.amount_recovered_fen();
  figures.problems_rectified = proto.problems_rectified();
  figures.feedback_rejected = proto.feedback_rejected();
  figures.supervised = proto.supervised();
  figures.listed_supervision = proto.listed_supervision();
  figures.blue_warnings = proto.blue_warnings();
  figures.yellow_warnings = proto.yellow_warnings();
  figures.delegated = proto.delegated();
  figures.report_overdue = proto.report_overdue();
  return figures;
}

Statistics FromProto(const v1::GetStatisticsResponse& proto) {
  Statistics statistics;
  statistics.from_date = proto.from_date();
  statistics.to_date = proto.to_date();
  for (const v1::UnitFigures& unit : proto.units()) {
    statistics.units.push_back(UnitFigures{
        unit.agency_id(), unit.display_name(), FromProto(unit.as_sender()),
        FromProto(unit.as_recipient())});
  }
  statistics.totals = FromProto(proto.totals());
  return statistics;
}

v1::ListSupervisedReferralsRequest ToProto(
    const SupervisionLedgerQuery& query) {
  v1::ListSupervisedReferralsRequest proto;
  proto.set_recipient_agency_id(query.recipient_agency_id);
  for (SupervisedCondition condition : query.conditions) {
    proto.add_conditions(Cast<v1::SupervisedCondition>(condition));
  }
  proto.set_page_size(query.page_size);
  proto.set_page_token(query.page_token);
  return proto;
}

std::vector<absl::StatusOr<Referral>> FromProto(
    const v1::SubmitReferralsResponse& response) {
  std::vector<absl::StatusOr<Referral>> results;
  results.reserve(static_cast<size_t>(response.results_size()));
  for (const v1::SubmitReferralResult& result : response.results()) {
    if (result.code() == 0) {
      results.emplace_back(FromProto(result.referral()));
    } else {
      results.emplace_back(absl::Status(
          static_cast<absl::StatusCode>(result.code()), result.message()));
    }
  }
  return results;
}

SupervisionLedgerPage FromProto(
    const v1::ListSupervisedReferralsResponse& proto) {
  SupervisionLedgerPage page;
  for (const v1::SupervisedReferral& entry : proto.referrals()) {
    page.referrals.push_back(SupervisedReferral{
        FromProto(entry.transfer()), entry.subject(),
        entry.subject_organization(), FromProto(entry.last_reminded_at()),
        entry.last_reminded_by()});
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

TransferSummary FromProto(const v1::TransferSummary& transfer) {
  TransferSummary summary;
  summary.referral_id = transfer.referral_id();
  summary.kind = Cast<ReferralKind>(transfer.kind());
  summary.sender_agency_id = transfer.sender_agency_id();
  summary.recipient_agency_id = transfer.recipient_agency_id();
  summary.state = Cast<ReferralState>(transfer.state());
  summary.urgency = Cast<Urgency>(transfer.urgency());
  summary.created_at = FromProto(transfer.created_at());
  summary.updated_at = FromProto(transfer.updated_at());
  summary.accept_due_at = FromProto(transfer.accept_due_at());
  summary.feedback_due_at = FromProto(transfer.feedback_due_at());
  summary.accept_overdue = transfer.accept_overdue();
  summary.feedback_overdue = transfer.feedback_overdue();
  summary.disposition = Cast<DispositionMethod>(transfer.disposition());
  summary.parent_referral_id = transfer.parent_referral_id();
  summary.child_referral_id = transfer.child_referral_id();
  summary.feedback_count = transfer.feedback_count();
  summary.reminder_count = transfer.reminder_count();
  summary.version = transfer.version();
  summary.warning_level = Cast<WarningLevel>(transfer.warning_level());
  summary.delegation_count = transfer.delegation_count();
  summary.delegated = transfer.delegated();
  summary.supervision_level =
      Cast<SupervisionLevel>(transfer.supervision_level());
  summary.report_due_at = FromProto(transfer.report_due_at());
  summary.report_overdue = transfer.report_overdue();
  return summary;
}

TransferPage FromProto(const v1::ListTransfersResponse& proto) {
  TransferPage page;
  for (const v1::TransferSummary& transfer : proto.transfers()) {
    page.transfers.push_back(FromProto(transfer));
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

std::vector<InboxStats> FromProto(const v1::GetInboxStatsResponse& proto) {
  std::vector<InboxStats> inboxes;
  for (const v1::InboxStats& inbox : proto.inboxes()) {
    inboxes.push_back(InboxStats{inbox.agency_id(), inbox.depth(),
                                 FromProto(inbox.oldest_unacknowledged_at()),
                                 inbox.connected_streams(),
                                 inbox.dead_letters(), inbox.last_sequence()});
  }
  return inboxes;
}

DeadLetterPage FromProto(const v1::ListDeadLettersResponse& proto) {
  DeadLetterPage page;
  for (const v1::DeadLetter& letter : proto.dead_letters()) {
    page.dead_letters.push_back(DeadLetter{
        letter.agency_id(), letter.sequence(), FromProto(letter.event()),
        letter.delivery_attempts(), FromProto(letter.dead_lettered_at())});
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

uint32_t FromProto(const v1::RedriveDeadLettersResponse& response) {
  return response.redriven();
}

TransferCounts FromProto(const v1::GetTransferCountsResponse& proto) {
  TransferCounts counts;
  for (const v1::StateCount& entry : proto.by_state()) {
    counts.by_state.push_back(
        StateCount{Cast<ReferralState>(entry.state()), entry.count()});
  }
  for (const v1::RouteCount& entry : proto.by_route()) {
    counts.by_route.push_back(
        RouteCount{entry.sender_type(), entry.recipient_type(), entry.count()});
  }
  counts.overdue_open = proto.overdue_open();
  for (const v1::RecipientConditions& entry : proto.by_recipient()) {
    counts.by_recipient.push_back(RecipientConditions{
        entry.agency_id(), entry.overdue(), entry.blue_warnings(),
        entry.yellow_warnings(), entry.red_warnings(), entry.urged(),
        entry.supervised(), entry.listed()});
  }
  return counts;
}

HubStatus FromProto(const v1::HubStatus& proto) {
  HubStatus status{
      proto.hub_id(),   proto.version(),   FromProto(proto.started_at()),
      proto.storage(),  proto.referrals(), proto.events(),
      proto.agencies(), std::nullopt};
  if (proto.has_encryption()) {
    EncryptionStatus& encryption = status.encryption.emplace();
    encryption.cipher = proto.encryption().cipher();
    for (const v1::KeyUse& key : proto.encryption().keys()) {
      encryption.keys.push_back(
          {key.name(), key.fingerprint(), key.records(), key.current()});
    }
  }
  return status;
}

RewrapProgress FromProto(const v1::RewrapDataKeysResponse& proto) {
  return RewrapProgress{proto.referrals(), proto.records(),
                        proto.next_page_token()};
}

EventPage FromProto(const v1::QueryEventsResponse& proto) {
  EventPage page;
  for (const v1::Event& event : proto.events()) {
    page.events.push_back(FromProto(event));
  }
  page.next_page_token = proto.next_page_token();
  return page;
}

absl::StatusOr<SignedCheckpoint> FromProto(const v1::SignedCheckpoint& proto) {
  SignedCheckpoint checkpoint;
  checkpoint.text = proto.text();
  if (!absl::Base64Unescape(proto.signature_base64(), &checkpoint.signature)) {
    return absl::DataLossError(
        "the hub sent a checkpoint signature that is not base64");
  }
  checkpoint.tree_size = proto.tree_size();
  checkpoint.root_hash = proto.root_hash();
  return checkpoint;
}

InclusionProof FromProto(const v1::InclusionProof& proto) {
  return InclusionProof{proto.leaf_index(),
                        proto.tree_size(),
                        {proto.hashes().begin(), proto.hashes().end()}};
}

ConsistencyProof FromProto(const v1::ConsistencyProof& proto) {
  return ConsistencyProof{proto.first_size(),
                          proto.second_size(),
                          {proto.hashes().begin(), proto.hashes().end()}};
}

absl::StatusOr<EventExport> FromProto(const v1::EventExport& proto) {
  absl::StatusOr<SignedCheckpoint> checkpoint = FromProto(proto.checkpoint());
  if (!checkpoint.ok()) return checkpoint.status();
  EventExport exported;
  exported.checkpoint = *std::move(checkpoint);
  for (const v1::ExportedEvent& event : proto.events()) {
    exported.events.push_back(
        ExportedEvent{event.event_bytes(), FromProto(event.proof())});
  }
  exported.signing_certificates.assign(proto.signing_certificates().begin(),
                                       proto.signing_certificates().end());
  return exported;
}

WhoAmIAnswer FromProto(const v1::WhoAmIResponse& proto) {
  const v1::CallerIdentity& caller = proto.caller();
  return WhoAmIAnswer{
      CallerIdentity{Cast<IdentityKind>(caller.kind()), caller.name(),
                     caller.certificate_uri(), caller.agency_type(),
                     caller.display_name(), caller.supervisor()},
      proto.hub_id(), proto.hub_version(), FromProto(proto.hub_time())};
}

}  // namespace sx::client::internal
