#include "client_sdk/proto_convert.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace sx::client::internal {
namespace {

namespace v1 = ::supervision::v1;

TEST(ProtoConvertTest, LeadKeepsEveryField) {
  Lead lead;
  lead.subject = "县土地储备中心";
  lead.subject_organization = "县自然资源局";
  lead.subject_position = "主任";
  lead.category = "进一步了解关注类";
  lead.summary = "通过个人账户收取土地出让金";
  lead.source = "巡察个别谈话";
  lead.attachments.push_back({"记录.csv", "text/csv", "a,b\n", "", 0});
  lead.sensitivity = Sensitivity::kHighlySensitive;
  lead.urgency = Urgency::kFastTrack;

  v1::Referral proto;
  proto.set_referral_id("demo-0000000001");
  proto.set_state(v1::REFERRAL_STATE_DISPOSING);
  proto.set_disposition(v1::DISPOSITION_METHOD_CASE_FILED);
  *proto.mutable_lead() = ToProto(lead);
  proto.mutable_created_at()->set_seconds(1764115200);
  v1::Feedback* feedback = proto.add_feedback();
  feedback->set_kind(v1::FEEDBACK_KIND_INTERIM);
  feedback->set_text("已派员提前介入");

  Referral back = FromProto(proto);
  EXPECT_TRUE(back.has_lead);
  EXPECT_EQ(back.lead.subject, lead.subject);
  EXPECT_EQ(back.lead.subject_position, "主任");
  EXPECT_EQ(back.lead.summary, lead.summary);
  ASSERT_EQ(back.lead.attachments.size(), 1u);
  EXPECT_EQ(back.lead.attachments[0].content, "a,b\n");
  EXPECT_EQ(back.lead.sensitivity, Sensitivity::kHighlySensitive);
  EXPECT_EQ(back.lead.urgency, Urgency::kFastTrack);
  EXPECT_EQ(back.state, ReferralState::kDisposing);
  EXPECT_EQ(back.disposition, DispositionMethod::kCaseFiled);
  EXPECT_EQ(back.created_at, absl::FromUnixSeconds(1764115200));
  EXPECT_EQ(back.updated_at, absl::InfinitePast()) << "unset stays unset";
  ASSERT_EQ(back.feedback.size(), 1u);
  EXPECT_EQ(back.feedback[0].kind, FeedbackKind::kInterim);
}

TEST(ProtoConvertTest, ReferralWithoutLeadSaysSo) {
  v1::Referral proto;
  proto.set_referral_id("demo-0000000002");
  EXPECT_FALSE(FromProto(proto).has_lead);
}

TEST(ProtoConvertTest, ListQueryMapsRoles) {
  ListQuery query;
  query.role = PartyRole::kSender;
  query.states = {ReferralState::kClosed};
  query.page_size = 10;
  v1::ListReferralsRequest proto = ToProto(query);
  EXPECT_EQ(proto.role(), v1::PARTY_ROLE_SENDER);
  ASSERT_EQ(proto.states_size(), 1);
  EXPECT_EQ(proto.states(0), v1::REFERRAL_STATE_CLOSED);
  query.role = PartyRole::kRecipient;
  EXPECT_EQ(ToProto(query).role(), v1::PARTY_ROLE_RECIPIENT);
}

TEST(ProtoConvertTest, InboxEntryCarriesAttemptsOverdueFlagsAndDigests) {
  v1::InboxEntry proto;
  proto.set_sequence(7);
  proto.set_delivery_attempts(3);
  proto.mutable_event()->set_type(v1::EVENT_TYPE_OVERDUE);
  proto.mutable_event()->set_previous_event_sha256(std::string(32, '\x01'));
  proto.mutable_referral()->set_feedback_overdue(true);
  InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.delivery_attempts, 3u);
  EXPECT_EQ(entry.event.type, EventType::kOverdue);
  EXPECT_EQ(ToString(entry.event.type), "overdue");
  EXPECT_EQ(entry.event.previous_event_sha256, std::string(32, '\x01'));
  EXPECT_FALSE(entry.referral.accept_overdue);
  EXPECT_TRUE(entry.referral.feedback_overdue);
}

TEST(ProtoConvertTest, FeedbackOutcomeTravelsOnlyWhenReported) {
  Feedback feedback;
  feedback.kind = FeedbackKind::kFinal;
  feedback.text = "已立案审查调查，给予开除党籍处分";
  EXPECT_FALSE(ToProto(feedback).has_outcome()) << "not reported";

  feedback.has_outcome = true;
  feedback.outcome.persons_case_filed = 36;
  feedback.outcome.persons_disciplined = 37;
  feedback.outcome.persons_organisational_measures = 5;
  feedback.outcome.persons_transferred_judicial = 2;
  feedback.outcome.amount_recovered_fen = 123456789012;
  feedback.outcome.problems_rectified = 11;
  v1::Referral proto;
  *proto.add_feedback() = ToProto(feedback);
  ASSERT_TRUE(proto.feedback(0).has_outcome());
  EXPECT_EQ(proto.feedback(0).outcome().amount_recovered_fen(), 123456789012);

  const Feedback back = FromProto(proto).feedback[0];
  EXPECT_TRUE(back.has_outcome);
  EXPECT_EQ(back.outcome.persons_case_filed, 36);
  EXPECT_EQ(back.outcome.persons_disciplined, 37);
  EXPECT_EQ(back.outcome.persons_organisational_measures, 5);
  EXPECT_EQ(back.outcome.persons_transferred_judicial, 2);
  EXPECT_EQ(back.outcome.amount_recovered_fen, 123456789012);
  EXPECT_EQ(back.outcome.problems_rectified, 11);

  // Reported zeros ("nothing came of it") are still reported.
  feedback.outcome = FeedbackOutcome{};
  EXPECT_TRUE(ToProto(feedback).has_outcome());
}

TEST(ProtoConvertTest, SubmitCarriesTheFirstRoundOfItems) {
  NewReferral referral;
  referral.recipient_agency_id = "land-bureau-party-group";
  referral.kind = ReferralKind::kProblemList;
  referral.lead.subject = "县自然资源局";
  RectificationItemDraft item;
  item.category = "党的领导弱化";
  item.problem = "落实全面从严治党主体责任不到位";
  item.measures = {"召开专题民主生活会", "修订党组议事规则"};
  item.responsible_unit = "局党组";
  item.due_at = absl::FromUnixSeconds(1767196800);
  referral.rectification_items.push_back(item);
  referral.rectification_items.push_back(RectificationItemDraft{});

  const v1::SubmitReferralRequest proto = ToProto(referral);
  EXPECT_EQ(proto.request_id(), "") << "the client sets it";
  EXPECT_EQ(proto.kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_EQ(proto.lead().subject(), "县自然资源局");
  ASSERT_EQ(proto.rectification_items_size(), 2);
  const v1::RectificationItemDraft& first = proto.rectification_items(0);
  EXPECT_EQ(first.category(), "党的领导弱化");
  EXPECT_EQ(first.problem(), "落实全面从严治党主体责任不到位");
  ASSERT_EQ(first.measures_size(), 2);
  EXPECT_EQ(first.measures(1), "修订党组议事规则");
  EXPECT_EQ(first.responsible_unit(), "局党组");
  EXPECT_EQ(first.due_at().seconds(), 1767196800);
  EXPECT_FALSE(proto.rectification_items(1).has_due_at())
      << "no due date: the referral's feedback due date applies";
}

TEST(ProtoConvertTest, LedgerStepRequestsKeepEveryField) {
  ReportRectificationParams report;
  report.referral_id = "demo-0000000003";
  report.item_number = 4;
  report.kind = RectificationReportKind::kLongTerm;
  report.text = "已建立长效机制，持续推进";
  report.evidence.push_back({"制度汇编.pdf", "application/pdf", "%PDF", "", 4});
  report.review_at = absl::FromUnixSeconds(1782864000);
  const v1::ReportRectificationRequest proto = ToProto(report);
  EXPECT_EQ(proto.referral_id(), "demo-0000000003");
  EXPECT_EQ(proto.item_number(), 4u);
  EXPECT_EQ(proto.kind(), v1::RECTIFICATION_REPORT_KIND_LONG_TERM);
  EXPECT_EQ(proto.text(), "已建立长效机制，持续推进");
  ASSERT_EQ(proto.evidence_size(), 1);
  EXPECT_EQ(proto.evidence(0).content(), "%PDF");
  EXPECT_EQ(proto.review_at().seconds(), 1782864000);
  report.review_at = absl::InfinitePast();
  EXPECT_FALSE(ToProto(report).has_review_at());

  VerifyRectificationParams verify;
  verify.referral_id = "demo-0000000003";
  verify.item_number = 4;
  verify.verdict = RectificationVerdict::kReject;
  verify.reason = "缺少整改佐证材料";
  const v1::VerifyRectificationRequest verdict = ToProto(verify);
  EXPECT_EQ(verdict.verdict(), v1::RECTIFICATION_VERDICT_REJECT);
  EXPECT_EQ(verdict.reason(), "缺少整改佐证材料");
  EXPECT_EQ(verdict.item_number(), 4u);

  AddRectificationItemsParams add;
  add.referral_id = "demo-0000000003";
  add.items.resize(3);
  EXPECT_EQ(ToProto(add).items_size(), 3);

  RectificationItemQuery query;
  query.referral_id = "demo-0000000003";
  query.statuses = {RectificationStatus::kInProgress,
                    RectificationStatus::kReportedDone};
  query.overdue_only = true;
  query.after_number = 50;
  query.page_size = 25;
  query.include_history = true;
  const v1::ListRectificationItemsRequest list = ToProto(query);
  ASSERT_EQ(list.statuses_size(), 2);
  EXPECT_EQ(list.statuses(1), v1::RECTIFICATION_STATUS_REPORTED_DONE);
  EXPECT_TRUE(list.overdue_only());
  EXPECT_EQ(list.after_number(), 50u);
  EXPECT_EQ(list.page_size(), 25u);
  EXPECT_TRUE(list.include_history());
}

TEST(ProtoConvertTest, LedgerRepliesKeepItemsHistoryAndCounts) {
  v1::ListRectificationItemsResponse proto;
  v1::RectificationItem* item = proto.add_items();
  item->set_number(7);
  item->set_category("全面从严治党不力");
  item->set_problem("公务接待超标准");
  item->add_measures("清退超标准费用");
  item->set_responsible_unit("局办公室");
  item->mutable_due_at()->set_seconds(1767196800);
  item->set_status(v1::RECTIFICATION_STATUS_LONG_TERM);
  item->mutable_review_at()->set_seconds(1782864000);
  item->set_overdue(true);
  item->set_rejections(1);
  item->set_round(2);
  v1::RectificationUpdate* update = item->add_history();
  update->set_step(v1::RECTIFICATION_STEP_REJECTED);
  update->set_actor("inspection-office");
  update->set_text("缺少整改佐证材料");
  update->set_status(v1::RECTIFICATION_STATUS_IN_PROGRESS);
  update->add_evidence()->set_name("退款凭证.jpg");
  proto.set_next_after_number(7);
  v1::RectificationSummary* summary = proto.mutable_summary();
  summary->set_total(11);
  summary->set_in_progress(1);
  summary->set_verified(9);
  summary->set_long_term(1);
  summary->set_overdue(1);
  summary->set_rejections(1);
  summary->set_rounds(2);

  const RectificationItemPage page = FromProto(proto);
  ASSERT_EQ(page.items.size(), 1u);
  const RectificationItem& back = page.items[0];
  EXPECT_EQ(back.number, 7u);
  EXPECT_EQ(back.category, "全面从严治党不力");
  EXPECT_EQ(back.problem, "公务接待超标准");
  EXPECT_EQ(back.measures, std::vector<std::string>{"清退超标准费用"});
  EXPECT_EQ(back.responsible_unit, "局办公室");
  EXPECT_EQ(back.due_at, absl::FromUnixSeconds(1767196800));
  EXPECT_EQ(back.status, RectificationStatus::kLongTerm);
  EXPECT_EQ(back.review_at, absl::FromUnixSeconds(1782864000));
  EXPECT_TRUE(back.overdue);
  EXPECT_EQ(back.rejections, 1u);
  EXPECT_EQ(back.round, 2u);
  EXPECT_EQ(back.updated_at, absl::InfinitePast());
  ASSERT_EQ(back.history.size(), 1u);
  EXPECT_EQ(back.history[0].step, RectificationStep::kRejected);
  EXPECT_EQ(back.history[0].actor, "inspection-office");
  EXPECT_EQ(back.history[0].status, RectificationStatus::kInProgress);
  ASSERT_EQ(back.history[0].evidence.size(), 1u);
  EXPECT_EQ(back.history[0].evidence[0].name, "退款凭证.jpg");
  EXPECT_EQ(page.next_after_number, 7u);
  EXPECT_EQ(page.summary.total, 11u);
  EXPECT_EQ(page.summary.in_progress, 1u);
  EXPECT_EQ(page.summary.awaiting_verification, 0u);
  EXPECT_EQ(page.summary.verified, 9u);
  EXPECT_EQ(page.summary.long_term, 1u);
  EXPECT_EQ(page.summary.overdue, 1u);
  EXPECT_EQ(page.summary.rejections, 1u);
  EXPECT_EQ(page.summary.rounds, 2u);

  v1::RectificationStepResponse step;
  step.mutable_referral()->set_referral_id("demo-0000000003");
  *step.mutable_referral()->mutable_rectification() = proto.summary();
  *step.add_items() = proto.items(0);
  const RectificationStepResult result = FromProto(step);
  EXPECT_EQ(result.referral.referral_id, "demo-0000000003");
  EXPECT_EQ(result.referral.rectification.verified, 9u);
  ASSERT_EQ(result.items.size(), 1u);
  EXPECT_EQ(result.items[0].number, 7u);
}

TEST(ProtoConvertTest, LedgerEventsNameTheirItems) {
  v1::Event proto;
  proto.set_type(v1::EVENT_TYPE_RECTIFICATION_VERIFIED);
  proto.add_item_numbers(3);
  proto.add_item_numbers(5);
  const Event event = FromProto(proto);
  EXPECT_EQ(event.type, EventType::kRectificationVerified);
  EXPECT_EQ(event.item_numbers, (std::vector<uint32_t>{3, 5}));
}

TEST(ProtoConvertTest, SignedStepKeepsItsSignatureAndUnsignedHasNone) {
  v1::Event proto;
  proto.set_type(v1::EVENT_TYPE_ACCEPTED);
  proto.set_actor("inspection-office");
  EXPECT_FALSE(FromProto(proto).step_signature.has_value());

  v1::StepSignature* signature = proto.mutable_step_signature();
  signature->set_method("/supervision.v1.ExchangeService/SubmitReferrals");
  signature->set_request_sha256(std::string(32, '\x01'));
  signature->set_signature(std::string("\x30\x45\x00", 3));
  signature->set_certificate_sha256(std::string(32, '\x02'));
  signature->set_leaf_index(2);
  signature->set_tree_size(3);
  signature->add_audit_path(std::string(32, '\x03'));
  signature->add_audit_path(std::string(32, '\x04'));
  const Event event = FromProto(proto);
  ASSERT_TRUE(event.step_signature.has_value());
  EXPECT_EQ(event.step_signature->method,
            "/supervision.v1.ExchangeService/SubmitReferrals");
  EXPECT_EQ(event.step_signature->request_sha256, std::string(32, '\x01'));
  EXPECT_EQ(event.step_signature->signature, std::string("\x30\x45\x00", 3));
  EXPECT_EQ(event.step_signature->certificate_sha256, std::string(32, '\x02'));
  EXPECT_EQ(event.step_signature->leaf_index, 2u);
  EXPECT_EQ(event.step_signature->tree_size, 3u);
  EXPECT_EQ(event.step_signature->audit_path,
            (std::vector<std::string>{std::string(32, '\x03'),
                                      std::string(32, '\x04')}));
}

// 退回补充 as the recipient's inbox delivers it: the reason says what is
// missing, and the referral is disposing again with every round of feedback.
TEST(ProtoConvertTest, RejectedFeedbackArrivesWithItsReasonAndEveryRound) {
  v1::InboxEntry proto;
  proto.set_sequence(9);
  proto.mutable_event()->set_type(v1::EVENT_TYPE_FEEDBACK_REJECTED);
  proto.mutable_event()->set_actor("inspection-office");
  proto.mutable_event()->set_from_state(v1::REFERRAL_STATE_FEEDBACK_SENT);
  proto.mutable_event()->set_to_state(v1::REFERRAL_STATE_DISPOSING);
  proto.mutable_event()->set_reason("未说明对相关责任人的处理情况");
  proto.mutable_referral()->set_state(v1::REFERRAL_STATE_DISPOSING);
  proto.mutable_referral()->set_state_reason("未说明对相关责任人的处理情况");
  for (const char* text : {"已立案审查调查", "已给予党内严重警告处分"}) {
    v1::Feedback* feedback = proto.mutable_referral()->add_feedback();
    feedback->set_kind(v1::FEEDBACK_KIND_FINAL);
    feedback->set_text(text);
  }
  const InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.event.type, EventType::kFeedbackRejected);
  EXPECT_EQ(entry.event.from_state, ReferralState::kFeedbackSent);
  EXPECT_EQ(entry.event.to_state, ReferralState::kDisposing);
  EXPECT_EQ(entry.event.reason, "未说明对相关责任人的处理情况");
  EXPECT_EQ(entry.referral.state_reason, "未说明对相关责任人的处理情况");
  ASSERT_EQ(entry.referral.feedback.size(), 2u);
  EXPECT_EQ(entry.referral.feedback[0].kind, FeedbackKind::kFinal);
  EXPECT_EQ(entry.referral.feedback[1].text, "已给予党内严重警告处分");

  // Auditors can ask for exactly these events.
  EventQuery events;
  events.type = EventType::kFeedbackRejected;
  EXPECT_EQ(ToProto(events).type(), v1::EVENT_TYPE_FEEDBACK_REJECTED);
}

// 处置 with its handler and approval (承办人负首责、组长审核把关): 予以了结 as
// the group meeting decided it, then 暂存待查 with a review date.
TEST(ProtoConvertTest, DisposeCarriesHandlerApprovalAndReviewDate) {
  ASSERT_EQ(v1::RecordDispositionRequest::descriptor()->field_count(), 8)
      << "the contract has a field DisposeParams does not";
  DisposeParams params;
  params.referral_id = "demo-0000000011";
  params.method = DispositionMethod::kClosedWithoutAction;
  params.handler = "张明";
  params.approver = "李华";
  params.approval_reference = "纪组会〔2026〕3号";
  params.reason = "反映问题查无实据";
  v1::RecordDispositionRequest proto = ToProto(params);
  EXPECT_EQ(proto.request_id(), "") << "the client sets it";
  EXPECT_EQ(proto.referral_id(), "demo-0000000011");
  EXPECT_EQ(proto.method(), v1::DISPOSITION_METHOD_CLOSED_WITHOUT_ACTION);
  EXPECT_EQ(proto.handler(), "张明");
  EXPECT_EQ(proto.approver(), "李华");
  EXPECT_EQ(proto.approval_reference(), "纪组会〔2026〕3号");
  EXPECT_EQ(proto.reason(), "反映问题查无实据");
  EXPECT_FALSE(proto.has_review_at()) << "only kept pending has one";

  params.method = DispositionMethod::kKeptPending;
  params.review_at = absl::FromUnixSeconds(1782864000);
  proto = ToProto(params);
  EXPECT_EQ(proto.method(), v1::DISPOSITION_METHOD_KEPT_PENDING);
  EXPECT_EQ(proto.review_at().seconds(), 1782864000);

  // The method alone, as the method-only Dispose sends it.
  DisposeParams bare;
  bare.referral_id = "demo-0000000011";
  bare.method = DispositionMethod::kTalkOrInquiry;
  proto = ToProto(bare);
  EXPECT_EQ(proto.method(), v1::DISPOSITION_METHOD_TALK_OR_INQUIRY);
  EXPECT_EQ(proto.handler(), "");
  EXPECT_EQ(proto.approver(), "");
  EXPECT_FALSE(proto.has_review_at());
}

// 交办 (case 4 of docs/CASES.md): the commission hands the verification of
// one problem to the stationed group, due earlier than its own feedback.
TEST(ProtoConvertTest, DelegateCarriesInstructionsAndAnEarlierDeadline) {
  ASSERT_EQ(v1::DelegateReferralRequest::descriptor()->field_count(), 5)
      << "the contract has a field DelegateParams does not";
  DelegateParams params;
  params.referral_id = "demo-0000000012";
  params.target_agency_id = "stationed-education";
  params.instructions = "请对第2项问题开展初步核实并于20日内报告";
  v1::DelegateReferralRequest proto = ToProto(params);
  EXPECT_EQ(proto.request_id(), "");
  EXPECT_EQ(proto.referral_id(), "demo-0000000012");
  EXPECT_EQ(proto.target_agency_id(), "stationed-education");
  EXPECT_EQ(proto.instructions(), "请对第2项问题开展初步核实并于20日内报告");
  EXPECT_FALSE(proto.has_feedback_due_at()) << "the parent's deadline";

  params.feedback_due_at = absl::FromUnixSeconds(1767196800);
  proto = ToProto(params);
  EXPECT_EQ(proto.feedback_due_at().seconds(), 1767196800);
}

// 督办 escalates (as practised): 催办 by the sender's call written before
// levels existed, then 督办, then 挂牌督办 from the supervising commission.
TEST(ProtoConvertTest, RemindCarriesItsLevel) {
  ASSERT_EQ(v1::RemindReferralRequest::descriptor()->field_count(), 4)
      << "the contract has a field RemindParams does not";
  v1::RemindReferralRequest proto =
      ToProto(RemindParams{"demo-0000000016", "请于3日内反馈初核进展"});
  EXPECT_EQ(proto.request_id(), "") << "the client sets it";
  EXPECT_EQ(proto.referral_id(), "demo-0000000016");
  EXPECT_EQ(proto.text(), "请于3日内反馈初核进展");
  EXPECT_EQ(proto.level(), v1::SUPERVISION_LEVEL_URGE);

  RemindParams params;
  params.referral_id = "demo-0000000016";
  params.text = "请于12月20日前报送核查结果";
  for (const auto& [level, proto_level] :
       {std::pair{SupervisionLevel::kSupervise,
                  v1::SUPERVISION_LEVEL_SUPERVISE},
        std::pair{SupervisionLevel::kListed, v1::SUPERVISION_LEVEL_LISTED},
        std::pair{SupervisionLevel::kUnspecified,
                  v1::SUPERVISION_LEVEL_UNSPECIFIED}}) {
    params.level = level;
    proto = ToProto(params);
    EXPECT_EQ(proto.level(), proto_level) << ToString(level);
    EXPECT_EQ(proto.text(), "请于12月20日前报送核查结果");
  }
}

// What a reminded referral shows: each reminder's level, the highest one
// reached, and the REMINDED event's level; a delegated child also carries
// what its parent's recipient asked of it.
TEST(ProtoConvertTest, RemindersArriveWithTheirLevels) {
  ASSERT_EQ(v1::Reminder::descriptor()->field_count(), 4)
      << "the contract has a field Reminder does not";
  v1::InboxEntry proto;
  proto.set_sequence(33);
  v1::Event* event = proto.mutable_event();
  event->set_type(v1::EVENT_TYPE_REMINDED);
  event->set_actor("discipline-commission");
  event->set_supervision_level(v1::SUPERVISION_LEVEL_LISTED);
  v1::Referral* referral = proto.mutable_referral();
  referral->set_referral_id("demo-0000000015");
  referral->set_parent_referral_id("demo-0000000012");
  referral->set_delegated(true);
  referral->set_delegation_instructions(
      "请对第2项问题开展初步核实并于20日内报告");
  referral->set_supervision_level(v1::SUPERVISION_LEVEL_LISTED);
  const std::pair<const char*, v1::SupervisionLevel> sent[] = {
      {"inspection-office", v1::SUPERVISION_LEVEL_URGE},
      {"inspection-office", v1::SUPERVISION_LEVEL_SUPERVISE},
      {"discipline-commission", v1::SUPERVISION_LEVEL_LISTED}};
  for (const auto& [from, level] : sent) {
    v1::Reminder* reminder = referral->add_reminders();
    reminder->set_from_agency_id(from);
    reminder->set_text("请尽快反馈");
    reminder->mutable_sent_at()->set_seconds(1766000000 + level);
    reminder->set_level(level);
  }

  const InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.event.type, EventType::kReminded);
  EXPECT_EQ(entry.event.supervision_level, SupervisionLevel::kListed);
  EXPECT_EQ(entry.referral.supervision_level, SupervisionLevel::kListed);
  EXPECT_EQ(entry.referral.delegation_instructions,
            "请对第2项问题开展初步核实并于20日内报告");
  ASSERT_EQ(entry.referral.reminders.size(), 3u);
  const SupervisionLevel levels[] = {SupervisionLevel::kUrge,
                                     SupervisionLevel::kSupervise,
                                     SupervisionLevel::kListed};
  for (size_t i = 0; i < 3; ++i) {
    const Reminder& reminder = entry.referral.reminders[i];
    EXPECT_EQ(reminder.level, levels[i]) << i;
    EXPECT_EQ(reminder.from_agency_id, sent[i].first) << i;
    EXPECT_EQ(reminder.text, "请尽快反馈");
    EXPECT_EQ(reminder.sent_at,
              absl::FromUnixSeconds(1766000000 + static_cast<int64_t>(i) + 1));
  }

  // No reminder yet: no level; not delegated: no instructions.
  const Referral plain = FromProto(v1::Referral());
  EXPECT_EQ(plain.supervision_level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(plain.delegation_instructions, "");
  EXPECT_EQ(FromProto(v1::Event()).supervision_level,
            SupervisionLevel::kUnspecified);
}

// A lead kept pending (暂存待查) after preliminary verification: every
// decision in order, the review date and when the clock paused.
TEST(ProtoConvertTest, KeptPendingReferralKeepsEveryDecisionAndItsClock) {
  ASSERT_EQ(v1::DispositionRecord::descriptor()->field_count(), 7)
      << "the contract has a field DispositionRecord does not";
  v1::Referral proto;
  proto.set_referral_id("demo-0000000013");
  proto.set_state(v1::REFERRAL_STATE_KEPT_PENDING);
  proto.set_disposition(v1::DISPOSITION_METHOD_KEPT_PENDING);
  v1::DispositionRecord* first = proto.add_dispositions();
  first->set_method(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  first->set_handler("张明");
  first->mutable_recorded_at()->set_seconds(1764115200);
  v1::DispositionRecord* second = proto.add_dispositions();
  second->set_method(v1::DISPOSITION_METHOD_KEPT_PENDING);
  second->set_handler("张明");
  second->set_approver("李华");
  second->set_approval_reference("组务会纪要第12期");
  second->set_reason("关键证人暂无法联系");
  second->mutable_recorded_at()->set_seconds(1764201600);
  second->mutable_review_at()->set_seconds(1782864000);
  proto.mutable_review_at()->set_seconds(1782864000);
  proto.mutable_paused_at()->set_seconds(1764201600);

  const Referral back = FromProto(proto);
  EXPECT_EQ(back.state, ReferralState::kKeptPending);
  EXPECT_EQ(back.disposition, DispositionMethod::kKeptPending);
  ASSERT_EQ(back.dispositions.size(), 2u);
  EXPECT_EQ(back.dispositions[0].method,
            DispositionMethod::kPreliminaryVerification);
  EXPECT_EQ(back.dispositions[0].handler, "张明");
  EXPECT_EQ(back.dispositions[0].approver, "");
  EXPECT_EQ(back.dispositions[0].recorded_at,
            absl::FromUnixSeconds(1764115200));
  EXPECT_EQ(back.dispositions[0].review_at, absl::InfinitePast());
  EXPECT_EQ(back.dispositions[1].method, DispositionMethod::kKeptPending);
  EXPECT_EQ(back.dispositions[1].approver, "李华");
  EXPECT_EQ(back.dispositions[1].approval_reference, "组务会纪要第12期");
  EXPECT_EQ(back.dispositions[1].reason, "关键证人暂无法联系");
  EXPECT_EQ(back.dispositions[1].recorded_at,
            absl::FromUnixSeconds(1764201600));
  EXPECT_EQ(back.dispositions[1].review_at, absl::FromUnixSeconds(1782864000));
  EXPECT_EQ(back.review_at, absl::FromUnixSeconds(1782864000));
  EXPECT_EQ(back.paused_at, absl::FromUnixSeconds(1764201600));

  const Referral plain = FromProto(v1::Referral());
  EXPECT_TRUE(plain.dispositions.empty());
  EXPECT_EQ(plain.review_at, absl::InfinitePast());
  EXPECT_EQ(plain.paused_at, absl::InfinitePast());
}

// 交办 as the inboxes deliver it: the parent names its children in order,
// the child says it was delegated, not rerouted, and final feedback on the
// parent cites the children it builds on.
TEST(ProtoConvertTest, DelegationLinksParentChildrenAndFeedback) {
  v1::InboxEntry proto;
  proto.set_sequence(21);
  proto.mutable_event()->set_type(v1::EVENT_TYPE_DELEGATED);
  proto.mutable_event()->set_related_referral_id("demo-0000000015");
  v1::Referral* parent = proto.mutable_referral();
  parent->set_referral_id("demo-0000000012");
  parent->set_state(v1::REFERRAL_STATE_DISPOSING);
  parent->add_delegated_referral_ids("demo-0000000014");
  parent->add_delegated_referral_ids("demo-0000000015");
  const InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.event.type, EventType::kDelegated);
  EXPECT_EQ(entry.event.related_referral_id, "demo-0000000015");
  EXPECT_EQ(entry.referral.delegated_referral_ids,
            (std::vector<std::string>{"demo-0000000014", "demo-0000000015"}));
  EXPECT_FALSE(entry.referral.delegated) << "the parent was not delegated";
  EXPECT_EQ(entry.referral.child_referral_id, "") << "not a 转办";

  v1::Referral child;
  child.set_referral_id("demo-0000000015");
  child.set_parent_referral_id("demo-0000000012");
  child.set_delegated(true);
  const Referral child_back = FromProto(child);
  EXPECT_TRUE(child_back.delegated);
  EXPECT_EQ(child_back.parent_referral_id, "demo-0000000012");
  EXPECT_TRUE(child_back.delegated_referral_ids.empty());

  Feedback feedback;
  feedback.kind = FeedbackKind::kFinal;
  feedback.text = "经驻局纪检监察组核实，第2项问题属实";
  EXPECT_EQ(ToProto(feedback).cites_referral_ids_size(), 0);
  feedback.cites_referral_ids = {"demo-0000000014", "demo-0000000015"};
  v1::Referral with_feedback;
  *with_feedback.add_feedback() = ToProto(feedback);
  ASSERT_EQ(with_feedback.feedback(0).cites_referral_ids_size(), 2);
  EXPECT_EQ(with_feedback.feedback(0).cites_referral_ids(1), "demo-0000000015");
  EXPECT_EQ(FromProto(with_feedback).feedback[0].cites_referral_ids,
            feedback.cites_referral_ids);

  // The other new events arrive as what they are, and auditors can ask for
  // each.
  for (const auto& [proto_type, type] :
       {std::pair{v1::EVENT_TYPE_REOPENED, EventType::kReopened},
        std::pair{v1::EVENT_TYPE_REVIEW_DUE, EventType::kReviewDue},
        std::pair{v1::EVENT_TYPE_DELEGATED, EventType::kDelegated}}) {
    v1::Event event;
    event.set_type(proto_type);
    EXPECT_EQ(FromProto(event).type, type) << proto_type;
    EventQuery query;
    query.type = type;
    EXPECT_EQ(ToProto(query).type(), proto_type) << proto_type;
  }
}

// 预警 as the recipient's inbox delivers it: the yellow warning (2 working
// days left) after the blue one, with no warning left to come; then the
// missed deadline, red.
TEST(ProtoConvertTest, DeadlineWarningsArriveWithTheirLevel) {
  EXPECT_EQ(v1::Event::descriptor()->field_count(), 17)
      << "the contract has a field Event does not";
  v1::InboxEntry proto;
  proto.set_sequence(31);
  v1::Event* event = proto.mutable_event();
  event->set_type(v1::EVENT_TYPE_DEADLINE_WARNING);
  event->set_actor("hub");
  event->set_warning_level(v1::WARNING_LEVEL_YELLOW);
  v1::Referral* referral = proto.mutable_referral();
  referral->set_referral_id("demo-0000000016");
  referral->set_state(v1::REFERRAL_STATE_DISPOSING);
  referral->mutable_feedback_due_at()->set_seconds(1767196800);
  referral->set_warning_level(v1::WARNING_LEVEL_YELLOW);
  InboxEntry entry = FromProto(proto);
  EXPECT_EQ(entry.event.type, EventType::kDeadlineWarning);
  EXPECT_EQ(entry.event.warning_level, WarningLevel::kYellow);
  EXPECT_EQ(entry.referral.warning_level, WarningLevel::kYellow);
  EXPECT_EQ(entry.referral.blue_warning_at, absl::InfinitePast())
      << "given already: none to come";
  EXPECT_EQ(entry.referral.yellow_warning_at, absl::InfinitePast());

  event->set_type(v1::EVENT_TYPE_OVERDUE);
  event->set_warning_level(v1::WARNING_LEVEL_RED);
  referral->set_feedback_overdue(true);
  referral->set_warning_level(v1::WARNING_LEVEL_RED);
  entry = FromProto(proto);
  EXPECT_EQ(entry.event.type, EventType::kOverdue);
  EXPECT_EQ(entry.event.warning_level, WarningLevel::kRed);
  EXPECT_EQ(entry.referral.warning_level, WarningLevel::kRed);

  // An accept overdue is no warning on the feedback deadline.
  EXPECT_EQ(FromProto(v1::Event()).warning_level, WarningLevel::kNone);

  // Auditors can ask for the warnings alone.
  EventQuery query;
  query.type = EventType::kDeadlineWarning;
  EXPECT_EQ(ToProto(query).type(), v1::EVENT_TYPE_DEADLINE_WARNING);
}

// A referral just accepted: no warning yet, the blue and yellow ones
// planned before its deadline; each level arrives as itself.
TEST(ProtoConvertTest, ReferralKeepsItsWarningLevelAndPlannedWarnings) {
  v1::Referral proto;
  proto.set_referral_id("demo-0000000017");
  proto.mutable_feedback_due_at()->set_seconds(1767196800);
  proto.mutable_blue_warning_at()->set_seconds(1766678400);
  proto.mutable_yellow_warning_at()->set_seconds(1766937600);
  Referral back = FromProto(proto);
  EXPECT_EQ(back.warning_level, WarningLevel::kNone);
  EXPECT_EQ(back.blue_warning_at, absl::FromUnixSeconds(1766678400));
  EXPECT_EQ(back.yellow_warning_at, absl::FromUnixSeconds(1766937600));

  proto.clear_blue_warning_at();
  for (const auto& [proto_level, level] :
       {std::pair{v1::WARNING_LEVEL_BLUE, WarningLevel::kBlue},
        std::pair{v1::WARNING_LEVEL_YELLOW, WarningLevel::kYellow},
        std::pair{v1::WARNING_LEVEL_RED, WarningLevel::kRed}}) {
    proto.set_warning_level(proto_level);
    back = FromProto(proto);
    EXPECT_EQ(back.warning_level, level) << proto_level;
    EXPECT_EQ(back.blue_warning_at, absl::InfinitePast()) << proto_level;
    EXPECT_EQ(back.yellow_warning_at, absl::FromUnixSeconds(1766937600));
  }
}

// What an administrator sees of a transfer, every field of the contract:
// the warning level, the 督办 level, 交办 links and periodic reports besides
// the state and deadlines.
TEST(ProtoConvertTest, TransferSummaryKeepsEveryField) {
  ASSERT_EQ(v1::TransferSummary::descriptor()->field_count(), 24)
      << "the contract has a field TransferSummary does not";
  v1::ListTransfersResponse proto;
  v1::TransferSummary* transfer = proto.add_transfers();
  transfer->set_referral_id("demo-0000000012");
  transfer->set_kind(v1::REFERRAL_KIND_LEAD);
  transfer->set_sender_agency_id("inspection-office");
  transfer->set_recipient_agency_id("discipline-commission");
  transfer->set_state(v1::REFERRAL_STATE_DISPOSING);
  transfer->set_urgency(v1::URGENCY_FAST_TRACK);
  transfer->mutable_created_at()->set_seconds(1764115200);
  transfer->mutable_updated_at()->set_seconds(1764201600);
  transfer->mutable_accept_due_at()->set_seconds(1764374400);
  transfer->mutable_feedback_due_at()->set_seconds(1767196800);
  transfer->set_accept_overdue(true);
  transfer->set_feedback_overdue(false);
  transfer->set_disposition(v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  transfer->set_parent_referral_id("demo-0000000010");
  transfer->set_child_referral_id("demo-0000000011");
  transfer->set_feedback_count(2);
  transfer->set_reminder_count(3);
  transfer->set_version(9);
  transfer->set_warning_level(v1::WARNING_LEVEL_YELLOW);
  transfer->set_delegation_count(2);
  transfer->set_delegated(true);
  transfer->set_supervision_level(v1::SUPERVISION_LEVEL_SUPERVISE);
  transfer->mutable_report_due_at()->set_seconds(1775001600);
  transfer->set_report_overdue(true);
  proto.add_transfers()->set_referral_id("demo-0000000013");
  proto.set_next_page_token("demo-0000000013");

  const TransferPage page = FromProto(proto);
  ASSERT_EQ(page.transfers.size(), 2u);
  const TransferSummary& back = page.transfers[0];
  EXPECT_EQ(back.referral_id, "demo-0000000012");
  EXPECT_EQ(back.kind, ReferralKind::kLead);
  EXPECT_EQ(back.sender_agency_id, "inspection-office");
  EXPECT_EQ(back.recipient_agency_id, "discipline-commission");
  EXPECT_EQ(back.state, ReferralState::kDisposing);
  EXPECT_EQ(back.urgency, Urgency::kFastTrack);
  EXPECT_EQ(back.created_at, absl::FromUnixSeconds(1764115200));
  EXPECT_EQ(back.updated_at, absl::FromUnixSeconds(1764201600));
  EXPECT_EQ(back.accept_due_at, absl::FromUnixSeconds(1764374400));
  EXPECT_EQ(back.feedback_due_at, absl::FromUnixSeconds(1767196800));
  EXPECT_TRUE(back.accept_overdue);
  EXPECT_FALSE(back.feedback_overdue);
  EXPECT_EQ(back.disposition, DispositionMethod::kPreliminaryVerification);
  EXPECT_EQ(back.parent_referral_id, "demo-0000000010");
  EXPECT_EQ(back.child_referral_id, "demo-0000000011");
  EXPECT_EQ(back.feedback_count, 2u);
  EXPECT_EQ(back.reminder_count, 3u);
  EXPECT_EQ(back.version, 9);
  EXPECT_EQ(back.warning_level, WarningLevel::kYellow);
  EXPECT_EQ(back.delegation_count, 2u);
  EXPECT_TRUE(back.delegated);
  EXPECT_EQ(back.supervision_level, SupervisionLevel::kSupervise);
  EXPECT_EQ(back.report_due_at, absl::FromUnixSeconds(1775001600));
  EXPECT_TRUE(back.report_overdue);
  const TransferSummary& plain = page.transfers[1];
  EXPECT_EQ(plain.warning_level, WarningLevel::kNone);
  EXPECT_EQ(plain.delegation_count, 0u);
  EXPECT_FALSE(plain.delegated);
  EXPECT_EQ(plain.supervision_level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(plain.report_due_at, absl::InfinitePast());
  EXPECT_FALSE(plain.report_overdue);
  EXPECT_EQ(page.next_page_token, "demo-0000000013");
}

// The counts an administrator reads, every field of the contract: per
// recipient, each condition the supervising agencies watch in its own field.
TEST(ProtoConvertTest, TransferCountsKeepEveryRecipientsConditions) {
  ASSERT_EQ(v1::GetTransferCountsResponse::descriptor()->field_count(), 4)
      << "the contract has a field TransferCounts does not";
  ASSERT_EQ(v1::RecipientConditions::descriptor()->field_count(), 8)
      << "the contract has a field RecipientConditions does not";
  v1::GetTransferCountsResponse proto;
  v1::StateCount* state = proto.add_by_state();
  state->set_state(v1::REFERRAL_STATE_DISPOSING);
  state->set_count(7);
  v1::RouteCount* route = proto.add_by_route();
  route->set_sender_type("inspection_office");
  route->set_recipient_type("discipline_commission");
  route->set_count(5);
  proto.set_overdue_open(3);
  v1::RecipientConditions* organization = proto.add_by_recipient();
  organization->set_agency_id("organization-dept");
  organization->set_overdue(1);
  organization->set_blue_warnings(2);
  organization->set_yellow_warnings(3);
  organization->set_red_warnings(4);
  organization->set_urged(5);
  organization->set_supervised(6);
  organization->set_listed(7);
  proto.add_by_recipient()->set_agency_id("stationed-housing");

  const TransferCounts back = FromProto(proto);
  ASSERT_EQ(back.by_state.size(), 1u);
  EXPECT_EQ(back.by_state[0].state, ReferralState::kDisposing);
  EXPECT_EQ(back.by_state[0].count, 7u);
  ASSERT_EQ(back.by_route.size(), 1u);
  EXPECT_EQ(back.by_route[0].sender_type, "inspection_office");
  EXPECT_EQ(back.by_route[0].recipient_type, "discipline_commission");
  EXPECT_EQ(back.by_route[0].count, 5u);
  EXPECT_EQ(back.overdue_open, 3u);
  ASSERT_EQ(back.by_recipient.size(), 2u);
  const RecipientConditions& first = back.by_recipient[0];
  EXPECT_EQ(first.agency_id, "organization-dept");
  EXPECT_EQ(first.overdue, 1u);
  EXPECT_EQ(first.blue_warnings, 2u);
  EXPECT_EQ(first.yellow_warnings, 3u);
  EXPECT_EQ(first.red_warnings, 4u);
  EXPECT_EQ(first.urged, 5u);
  EXPECT_EQ(first.supervised, 6u);
  EXPECT_EQ(first.listed, 7u);
  EXPECT_EQ(back.by_recipient[1].agency_id, "stationed-housing");
  EXPECT_EQ(back.by_recipient[1].listed, 0u);
}

// 督办台账: the query as the contract has it, every condition in order.
TEST(ProtoConvertTest, SupervisionLedgerQueryKeepsEveryFilter) {
  ASSERT_EQ(v1::ListSupervisedReferralsRequest::descriptor()->field_count(), 4)
      << "the contract has a field SupervisionLedgerQuery does not";
  SupervisionLedgerQuery query;
  query.recipient_agency_id = "organization-dept";
  query.conditions = {
      SupervisedCondition::kOverdue, SupervisedCondition::kWarned,
      SupervisedCondition::kPressed, SupervisedCondition::kListed};
  query.page_size = 20;
  query.page_token = "0a0b";
  const v1::ListSupervisedReferralsRequest request = ToProto(query);
  EXPECT_EQ(request.recipient_agency_id(), "organization-dept");
  ASSERT_EQ(request.conditions_size(), 4);
  EXPECT_EQ(request.conditions(0), v1::SUPERVISED_CONDITION_OVERDUE);
  EXPECT_EQ(request.conditions(1), v1::SUPERVISED_CONDITION_WARNED);
  EXPECT_EQ(request.conditions(2), v1::SUPERVISED_CONDITION_PRESSED);
  EXPECT_EQ(request.conditions(3), v1::SUPERVISED_CONDITION_LISTED);
  EXPECT_EQ(request.page_size(), 20u);
  EXPECT_EQ(request.page_token(), "0a0b");

  const v1::ListSupervisedReferralsRequest everything =
      ToProto(SupervisionLedgerQuery{});
  EXPECT_EQ(everything.recipient_agency_id(), "");
  EXPECT_EQ(everything.conditions_size(), 0);
  EXPECT_EQ(everything.page_size(), 0u);
}

// 督办台账: each entry with where it stands, its subject and its last
// reminder; an entry never reminded has no reminder time.
TEST(ProtoConvertTest, SupervisionLedgerKeepsSubjectsAndTheLastReminder) {
  ASSERT_EQ(v1::ListSupervisedReferralsResponse::descriptor()->field_count(), 2)
      << "the contract has a field SupervisionLedgerPage does not";
  ASSERT_EQ(v1::SupervisedReferral::descriptor()->field_count(), 5)
      << "the contract has a field SupervisedReferral does not";
  v1::ListSupervisedReferralsResponse proto;
  v1::SupervisedReferral* listed = proto.add_referrals();
  v1::TransferSummary* transfer = listed->mutable_transfer();
  transfer->set_referral_id("demo-0000000021");
  transfer->set_recipient_agency_id("organization-dept");
  transfer->set_state(v1::REFERRAL_STATE_SUBMITTED);
  transfer->set_accept_overdue(true);
  transfer->set_warning_level(v1::WARNING_LEVEL_RED);
  transfer->set_supervision_level(v1::SUPERVISION_LEVEL_LISTED);
  transfer->set_reminder_count(2);
  listed->set_subject("县土地储备中心");
  listed->set_subject_organization("县自然资源局");
  listed->mutable_last_reminded_at()->set_seconds(1767196800);
  listed->set_last_reminded_by("discipline-commission");
  v1::SupervisedReferral* warned = proto.add_referrals();
  warned->mutable_transfer()->set_referral_id("demo-0000000022");
  warned->mutable_transfer()->set_warning_level(v1::WARNING_LEVEL_BLUE);
  warned->set_subject("市教育局学生营养餐配送项目");
  proto.set_next_page_token("0a0b");

  const SupervisionLedgerPage page = FromProto(proto);
  ASSERT_EQ(page.referrals.size(), 2u);
  const SupervisedReferral& first = page.referrals[0];
  EXPECT_EQ(first.transfer.referral_id, "demo-0000000021");
  EXPECT_EQ(first.transfer.recipient_agency_id, "organization-dept");
  EXPECT_EQ(first.transfer.state, ReferralState::kSubmitted);
  EXPECT_TRUE(first.transfer.accept_overdue);
  EXPECT_EQ(first.transfer.warning_level, WarningLevel::kRed);
  EXPECT_EQ(first.transfer.supervision_level, SupervisionLevel::kListed);
  EXPECT_EQ(first.transfer.reminder_count, 2u);
  EXPECT_EQ(first.subject, "县土地储备中心");
  EXPECT_EQ(first.subject_organization, "县自然资源局");
  EXPECT_EQ(first.last_reminded_at, absl::FromUnixSeconds(1767196800));
  EXPECT_EQ(first.last_reminded_by, "discipline-commission");
  const SupervisedReferral& second = page.referrals[1];
  EXPECT_EQ(second.transfer.referral_id, "demo-0000000022");
  EXPECT_EQ(second.transfer.warning_level, WarningLevel::kBlue);
  EXPECT_EQ(second.transfer.supervision_level, SupervisionLevel::kUnspecified);
  EXPECT_EQ(second.subject, "市教育局学生营养餐配送项目");
  EXPECT_EQ(second.subject_organization, "");
  EXPECT_EQ(second.last_reminded_at, absl::InfinitePast());
  EXPECT_EQ(second.last_reminded_by, "");
  EXPECT_EQ(page.next_page_token, "0a0b");
}

TEST(ProtoConvertTest, DistributionSendsWhatSubmitSendsToEveryRecipient) {
  // Case 10 of docs/CASES.md: one problem list to several supervision units.
  NewDistribution distribution;
  distribution.recipient_agency_ids = {"discipline-commission",
                                       "organization-department",
                                       "propaganda-department"};
  distribution.kind = ReferralKind::kProblemList;
  distribution.lead.subject = "行业系统治理";
  distribution.lead.category = "巡察建议";
  distribution.lead.urgency = Urgency::kNormal;
  RectificationItemDraft item;
  item.problem = "行业监管制度执行不到位";
  item.measures = {"开展专项整治"};
  distribution.rectification_items.push_back(item);

  const v1::SubmitDistributionRequest proto = ToProto(distribution);
  EXPECT_EQ(proto.request_id(), "") << "the client sets it";
  ASSERT_EQ(proto.recipient_agency_ids_size(), 3);
  EXPECT_EQ(proto.recipient_agency_ids(1), "organization-department");
  EXPECT_EQ(proto.kind(), v1::REFERRAL_KIND_PROBLEM_LIST);
  EXPECT_EQ(proto.lead().subject(), "行业系统治理");
  ASSERT_EQ(proto.rectification_items_size(), 1);
  EXPECT_EQ(proto.rectification_items(0).problem(), "行业监管制度执行不到位");

  // The same content as a single referral's, field for field.
  NewReferral referral;
  referral.kind = distribution.kind;
  referral.lead = distribution.lead;
  referral.rectification_items = distribution.rectification_items;
  const v1::SubmitReferralRequest single = ToProto(referral);
  EXPECT_EQ(proto.lead().SerializeAsString(),
            single.lead().SerializeAsString());
  EXPECT_EQ(proto.rectification_items(0).SerializeAsString(),
            single.rectification_items(0).SerializeAsString());
}

// 退回后重新移送: the inspection office sends again the lead the commission
// returned, and the new referral names the first.
TEST(ProtoConvertTest, AResubmissionNamesTheReturnedReferral) {
  NewReferral referral;
  referral.recipient_agency_id = "discipline-commission";
  referral.lead.subject = "县土地储备中心";
  EXPECT_EQ(ToProto(referral).resubmits_referral_id(), "")
      << "a referral of its own";
  referral.resubmits_referral_id = "demo-0000000007";
  const v1::SubmitReferralRequest request = ToProto(referral);
  EXPECT_EQ(request.resubmits_referral_id(), "demo-0000000007");
  EXPECT_EQ(request.recipient_agency_id(), "discipline-commission");
  EXPECT_EQ(request.lead().subject(), "县土地储备中心");

  v1::Referral proto;
  proto.set_referral_id("demo-0000000009");
  proto.set_resubmission_of("demo-0000000007");
  const Referral back = FromProto(proto);
  EXPECT_EQ(back.referral_id, "demo-0000000009");
  EXPECT_EQ(back.resubmission_of, "demo-0000000007");
  EXPECT_EQ(back.parent_referral_id, "") << "not a child of a 转办";
  EXPECT_EQ(FromProto(v1::Referral()).resubmission_of, "");
}

TEST(ProtoConvertTest, DistributionKeepsProgressAndMembersInOrder) {
  v1::Distribution proto;
  proto.set_distribution_id("demo-0000000040");
  proto.set_sender_agency_id("inspection-office");
  proto.set_kind(v1::REFERRAL_KIND_PROBLEM_LIST);
  proto.mutable_created_at()->set_seconds(1764115200);
  v1::DistributionProgress* progress = proto.mutable_progress();
  progress->set_recipients(19);
  progress->set_delivered(18);
  progress->set_accepted(12);
  progress->set_fed_back(7);
  progress->set_closed(1);
  progress->set_ended_otherwise(2);
  progress->set_overdue(3);
  for (const char* recipient :
       {"discipline-commission", "organization-department"}) {
    v1::DistributionMember* member = proto.add_members();
    member->set_recipient_agency_id(recipient);
    member->mutable_referral()->set_recipient_agency_id(recipient);
    member->mutable_referral()->set_distribution_id("demo-0000000040");
    member->mutable_referral()->set_accept_overdue(true);
  }
  proto.mutable_members(1)->mutable_referral()->set_referral_id(
      "demo-0000000042");

  const Distribution back = FromProto(proto);
  EXPECT_EQ(back.distribution_id, "demo-0000000040");
  EXPECT_EQ(back.sender_agency_id, "inspection-office");
  EXPECT_EQ(back.kind, ReferralKind::kProblemList);
  EXPECT_EQ(back.created_at, absl::FromUnixSeconds(1764115200));
  EXPECT_EQ(back.progress.recipients, 19u);
  EXPECT_EQ(back.progress.delivered, 18u);
  EXPECT_EQ(back.progress.accepted, 12u);
  EXPECT_EQ(back.progress.fed_back, 7u);
  EXPECT_EQ(back.progress.closed, 1u);
  EXPECT_EQ(back.progress.ended_otherwise, 2u);
  EXPECT_EQ(back.progress.overdue, 3u);
  ASSERT_EQ(back.members.size(), 2u);
  EXPECT_EQ(back.members[1].recipient_agency_id, "organization-department");
  EXPECT_EQ(back.members[1].referral.referral_id, "demo-0000000042");
  EXPECT_EQ(back.members[1].referral.distribution_id, "demo-0000000040");
  EXPECT_TRUE(back.members[1].referral.accept_overdue);
  EXPECT_FALSE(back.members[1].referral.has_lead);

  v1::ListDistributionsResponse page;
  *page.add_distributions() = proto;
  page.set_next_page_token("demo-0000000040");
  const DistributionPage listed = FromProto(page);
  ASSERT_EQ(listed.distributions.size(), 1u);
  EXPECT_EQ(listed.distributions[0].progress.accepted, 12u);
  EXPECT_EQ(listed.next_page_token, "demo-0000000040");

  DistributionQuery query;
  query.page_size = 100;
  query.page_token = "demo-0000000040";
  EXPECT_EQ(ToProto(query).page_size(), 100u);
  EXPECT_EQ(ToProto(query).page_token(), "demo-0000000040");
}

// FromProto and SideFigureFields() against the contract: every figure of
// the contract is named, and arrives in the SDK field of that name.
TEST(ProtoConvertTest, EveryFigureArrivesUnderItsOwnName) {
  const std::vector<SideFigureField>& fields = SideFigureFields();
  EXPECT_EQ(fields.size() * sizeof(uint64_t), sizeof(SideFigures))
      << "a field of SideFigures is missing from SideFigureFields()";
  const google::protobuf::Descriptor* descriptor =
      v1::SideFigures::descriptor();
  ASSERT_EQ(static_cast<size_t>(descriptor->field_count()), fields.size())
      << "the contract has a figure the SDK does not";
  // Each field a different value (its number, past 32 bits), so that two
  // figures swapped or read from the same field show.
  v1::SideFigures proto;
  const google::protobuf::Reflection* reflection = proto.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = descriptor->field(i);
    reflection->SetUInt64(&proto, field, (uint64_t{1} << 40) + field->number());
  }
  const SideFigures figures = FromProto(proto);
  for (size_t i = 0; i < fields.size(); ++i) {
    const google::protobuf::FieldDescriptor* field =
        descriptor->FindFieldByName(fields[i].name);
    ASSERT_NE(field, nullptr) << fields[i].name;
    EXPECT_EQ(field->index(), static_cast<int>(i))
        << fields[i].name << " out of the contract's order";
    EXPECT_EQ(figures.*fields[i].figure, (uint64_t{1} << 40) + field->number())
        << fields[i].name;
  }
}

TEST(ProtoConvertTest, StatisticsKeepUnitsInOrderAndTheTotals) {
  StatisticsQuery query;
  query.from_date = "2026-01-01";
  query.to_date = "2026-03-31";
  query.agency_id = "land-bureau-party-group";
  const v1::GetStatisticsRequest request = ToProto(query);
  EXPECT_EQ(request.from_date(), "2026-01-01");
  EXPECT_EQ(request.to_date(), "2026-03-31");
  EXPECT_EQ(request.agency_id(), "land-bureau-party-group");

  // Case 6 of docs/CASES.md: 104 leads, 36 cases filed, 37 disciplined.
  v1::GetStatisticsResponse proto;
  proto.set_from_date("2026-01-01");
  proto.set_to_date("2026-03-31");
  v1::UnitFigures* commission = proto.add_units();
  commission->set_agency_id("discipline-commission");
  commission->set_display_name("市纪委监委");
  commission->mutable_as_recipient()->set_referrals(104);
  commission->mutable_as_recipient()->set_persons_case_filed(36);
  commission->mutable_as_recipient()->set_persons_disciplined(37);
  commission->mutable_as_recipient()->set_feedback_rejected(4);
  v1::UnitFigures* removed = proto.add_units();
  removed->set_agency_id("old-audit-bureau");
  removed->mutable_as_sender()->set_referrals(2);
  proto.mutable_totals()->set_referrals(106);

  const Statistics back = FromProto(proto);
  EXPECT_EQ(back.from_date, "2026-01-01");
  EXPECT_EQ(back.to_date, "2026-03-31");
  ASSERT_EQ(back.units.size(), 2u);
  EXPECT_EQ(back.units[0].agency_id, "discipline-commission");
  EXPECT_EQ(back.units[0].display_name, "市纪委监委");
  EXPECT_EQ(back.units[0].as_recipient.referrals, 104u);
  EXPECT_EQ(back.units[0].as_recipient.persons_case_filed, 36u);
  EXPECT_EQ(back.units[0].as_recipient.persons_disciplined, 37u);
  EXPECT_EQ(back.units[0].as_recipient.feedback_rejected, 4u);
  EXPECT_EQ(back.units[0].as_sender.referrals, 0u) << "sides kept apart";
  EXPECT_EQ(back.units[1].agency_id, "old-audit-bureau");
  EXPECT_EQ(back.units[1].display_name, "") << "no longer configured";
  EXPECT_EQ(back.units[1].as_sender.referrals, 2u);
  EXPECT_EQ(back.totals.referrals, 106u);
}

TEST(ProtoConvertTest, QueryBoundsAreSetOnlyWhenFinite) {
  TransferQuery transfers;
  transfers.states = {ReferralState::kAccepted};
  transfers.overdue_only = true;
  v1::ListTransfersRequest request = ToProto(transfers);
  EXPECT_FALSE(request.has_created_after());
  EXPECT_FALSE(request.has_created_before());
  EXPECT_TRUE(request.overdue_only());
  transfers.created_after = absl::FromUnixMillis(1764115200250);
  request = ToProto(transfers);
  EXPECT_EQ(request.created_after().seconds(), 1764115200);
  EXPECT_EQ(request.created_after().nanos(), 250000000);

  EventQuery events;
  events.type = EventType::kOverdue;
  events.time_to = absl::FromUnixSeconds(5);
  v1::QueryEventsRequest query = ToProto(events);
  EXPECT_EQ(query.type(), v1::EVENT_TYPE_OVERDUE);
  EXPECT_FALSE(query.has_time_from());
  EXPECT_EQ(query.time_to().seconds(), 5);
}

TEST(ProtoConvertTest, CheckpointSignatureIsDecodedOrRefused) {
  v1::SignedCheckpoint proto;
  proto.set_text("sxhub-checkpoint/v1\n");
  proto.set_signature_base64("AAEC");
  proto.set_tree_size(3);
  absl::StatusOr<SignedCheckpoint> checkpoint = FromProto(proto);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->signature, std::string("\x00\x01\x02", 3));
  EXPECT_EQ(checkpoint->tree_size, 3u);
  proto.set_signature_base64("not base64!");
  EXPECT_EQ(FromProto(proto).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ProtoConvertTest, ExportKeepsItsSigningCertificates) {
  v1::EventExport proto;
  proto.mutable_checkpoint()->set_signature_base64("AAEC");
  proto.add_events()->set_event_bytes("event one");
  proto.add_signing_certificates(std::string("\x30\x82\x00", 3));
  proto.add_signing_certificates("second certificate");
  absl::StatusOr<EventExport> exported = FromProto(proto);
  ASSERT_TRUE(exported.ok()) << exported.status();
  ASSERT_EQ(exported->events.size(), 1u);
  EXPECT_EQ(exported->signing_certificates,
            (std::vector<std::string>{std::string("\x30\x82\x00", 3),
                                      "second certificate"}));

  proto.clear_signing_certificates();
  exported = FromProto(proto);
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_TRUE(exported->signing_certificates.empty());
}

// A page of a referral's steps as `sxctl show --verify-signatures` reads it:
// each event with its signature, if its agency signed, and the certificates
// the signatures name.
TEST(ProtoConvertTest, ReferralStepsKeepEventsSignaturesAndCertificates) {
  ASSERT_EQ(v1::ListReferralStepsRequest::descriptor()->field_count(), 3)
      << "the contract has a field ReferralStepsQuery does not";
  ReferralStepsQuery query;
  query.referral_id = "demo-0000000001";
  query.page_size = 200;
  query.page_token = "after-5";
  const v1::ListReferralStepsRequest request = ToProto(query);
  EXPECT_EQ(request.referral_id(), "demo-0000000001");
  EXPECT_EQ(request.page_size(), 200u);
  EXPECT_EQ(request.page_token(), "after-5");

  ASSERT_EQ(v1::ListReferralStepsResponse::descriptor()->field_count(), 3)
      << "the contract has a field ReferralSteps does not";
  v1::ListReferralStepsResponse proto;
  v1::Event* submitted = proto.add_events();
  submitted->set_sequence(3);
  submitted->set_type(v1::EVENT_TYPE_SUBMITTED);
  submitted->set_referral_id("demo-0000000001");
  submitted->set_actor("inspection-office");
  v1::StepSignature* signature = submitted->mutable_step_signature();
  signature->set_method("/supervision.v1.ExchangeService/SubmitReferral");
  signature->set_request_sha256(std::string(32, '\x01'));
  signature->set_signature(std::string("\x30\x45\x00", 3));
  signature->set_certificate_sha256(std::string(32, '\x02'));
  signature->set_tree_size(1);
  v1::Event* delivered = proto.add_events();
  delivered->set_sequence(5);
  delivered->set_type(v1::EVENT_TYPE_DELIVERED);
  delivered->set_referral_id("demo-0000000001");
  delivered->set_actor("hub");
  proto.add_signing_certificates(std::string("\x30\x82\x00", 3));
  proto.set_next_page_token("after-5");

  const ReferralSteps steps = FromProto(proto);
  ASSERT_EQ(steps.events.size(), 2u);
  EXPECT_EQ(steps.events[0].sequence, 3u) << "oldest first, as sent";
  EXPECT_EQ(steps.events[0].type, EventType::kSubmitted);
  EXPECT_EQ(steps.events[0].actor, "inspection-office");
  ASSERT_TRUE(steps.events[0].step_signature.has_value());
  EXPECT_EQ(steps.events[0].step_signature->method,
            "/supervision.v1.ExchangeService/SubmitReferral");
  EXPECT_EQ(steps.events[0].step_signature->signature,
            std::string("\x30\x45\x00", 3));
  EXPECT_EQ(steps.events[0].step_signature->certificate_sha256,
            std::string(32, '\x02'));
  EXPECT_EQ(steps.events[0].step_signature->tree_size, 1u);
  EXPECT_EQ(steps.events[1].sequence, 5u);
  EXPECT_EQ(steps.events[1].type, EventType::kDelivered);
  EXPECT_EQ(steps.events[1].actor, "hub");
  EXPECT_FALSE(steps.events[1].step_signature.has_value());
  EXPECT_EQ(steps.signing_certificates,
            (std::vector<std::string>{std::string("\x30\x82\x00", 3)}));
  EXPECT_EQ(steps.next_page_token, "after-5");

  // The last page, and a page of unsigned steps only.
  proto.clear_next_page_token();
  proto.clear_signing_certificates();
  const ReferralSteps last = FromProto(proto);
  EXPECT_EQ(last.next_page_token, "");
  EXPECT_TRUE(last.signing_certificates.empty());
  EXPECT_EQ(last.events.size(), 2u);
}

TEST(ProtoConvertTest, WhoAmIKeepsTheCallerAndTheHubClock) {
  v1::WhoAmIResponse proto;
  v1::CallerIdentity* caller = proto.mutable_caller();
  caller->set_kind(v1::IDENTITY_KIND_AGENCY);
  caller->set_name("discipline-commission");
  caller->set_certificate_uri(
      "spiffe://supervision.example/agency/discipline-commission");
  caller->set_agency_type("discipline_commission");
  caller->set_display_name("市纪委监委");
  caller->set_supervisor(true);
  proto.set_hub_id("demo");
  proto.set_hub_version("1.2.3");
  proto.mutable_hub_time()->set_seconds(1764115200);
  proto.mutable_hub_time()->set_nanos(500000000);

  const WhoAmIAnswer answer = FromProto(proto);
  EXPECT_EQ(answer.caller.kind, IdentityKind::kAgency);
  EXPECT_EQ(answer.caller.name, "discipline-commission");
  EXPECT_EQ(answer.caller.certificate_uri,
            "spiffe://supervision.example/agency/discipline-commission");
  EXPECT_EQ(answer.caller.agency_type, "discipline_commission");
  EXPECT_EQ(answer.caller.display_name, "市纪委监委");
  EXPECT_TRUE(answer.caller.supervisor);
  EXPECT_EQ(answer.hub_id, "demo");
  EXPECT_EQ(answer.hub_version, "1.2.3");
  EXPECT_EQ(answer.hub_time,
            absl::FromUnixSeconds(1764115200) + absl::Milliseconds(500));

  proto.mutable_caller()->set_kind(v1::IDENTITY_KIND_AUDITOR);
  EXPECT_EQ(FromProto(proto).caller.kind, IdentityKind::kAuditor);
}

}  // namespace
}  // namespace sx::client::internal
