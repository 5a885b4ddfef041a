// End-to-end tests of 交办 (DelegateReferral in exchange.proto): the
// recipient of a lead hands the work to another agency as a delegated child
// referral and stays answerable for the lead; whoever found the lead follows
// the child; the final feedback on the lead waits for the child's and may
// cite it. The real sxhub binary on loopback, real certificates from
// deploy/dev-pki.sh, plain generated stubs as clients (AgencyClient).
//
// The scenario is 室组联动 in 派驻监督: the inspection office finds a problem
// with school catering at the city education bureau and hands the lead to
// the commission; the commission decides on 初步核实 and has its group
// stationed at the education bureau (驻市教育局纪检监察组), which knows the
// unit, do the verification and report by an earlier date.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "supervision/v1/exchange.grpc.pb.h"
#include "tests/e2e/agency_client.h"
#include "tests/e2e/lead_exchange_suite.h"

namespace sx::testing {
namespace {

namespace v1 = ::supervision::v1;

constexpr char kInspection[] = "inspection-office";
constexpr char kCommission[] = "discipline-commission";
constexpr char kStationed[] = "stationed-education";
// Another stationed group: the commission may delegate to it too, and it is
// a stranger to the education bureau's lead.
constexpr char kHousing[] = "stationed-housing";
// No route runs from the commission's type to the audit bureau's.
constexpr char kAudit[] = "audit-bureau";

constexpr char kInstructions[] =
    "请对学生营养餐配送供应商遴选问题开展初步核实，并于20日内报告核实情况";
constexpr char kChildResult[] =
    "经初步核实，供应商遴选未经公开招标属实，市教育局后勤科科长收受供应商"
    "购物卡2万元";
constexpr char kParentResult[] =
    "根据驻市教育局纪检监察组初步核实情况，对市教育局后勤科科长立案审查调查";

constexpr absl::Duration kDay = absl::Hours(24);

// A lead found by the inspection office at the city education bureau.
v1::Lead SchoolCateringLead() {
  v1::Lead lead;
  lead.set_subject("市教育局学生营养餐配送项目");
  lead.set_subject_organization("市教育局");
  lead.set_category("进一步了解关注类");
  lead.set_summary(
      "学生营养餐配送供应商遴选未经公开招标，有关负责人涉嫌与供应商存在利益"
      "输送");
  lead.set_source("巡察个别谈话");
  lead.set_sensitivity(v1::SENSITIVITY_SENSITIVE);
  lead.set_urgency(v1::URGENCY_NORMAL);
  return lead;
}

// The commission's decision on the lead, with who answers for it.
v1::RecordDispositionRequest VerificationOf(const std::string& id) {
  v1::RecordDispositionRequest request =
      DispositionOf(id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION);
  request.set_handler("第三监督检查室 张某");
  request.set_approver("分管副书记 李某");
  request.set_approval_reference("市纪委监委线索处置审批〔2026〕17号");
  request.set_reason("反映问题具体，具备核查条件");
  return request;
}

v1::DelegateReferralRequest DelegationOf(const std::string& id,
                                         const std::string& target) {
  v1::DelegateReferralRequest request;
  request.set_referral_id(id);
  request.set_target_agency_id(target);
  request.set_instructions(kInstructions);
  return request;
}

std::vector<std::string> DelegatedIds(const v1::Referral& referral) {
  return {referral.delegated_referral_ids().begin(),
          referral.delegated_referral_ids().end()};
}

bool Observes(const v1::Referral& referral, const std::string& agency) {
  for (const std::string& observer : referral.observer_agency_ids()) {
    if (observer == agency) return true;
  }
  return false;
}

class DelegationE2eTest : public LeadExchangeSuite {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartHub()); }

  void Connect() override {
    LeadExchangeSuite::Connect();
    stationed_ = std::make_unique<AgencyClient>(*hub_, kStationed);
  }

  // The lead, accepted and under 初步核实 by the commission.
  std::string DisposingLead() {
    const std::string id = AcceptedLead(SchoolCateringLead());
    const grpc::Status status =
        commission_->RecordDisposition(VerificationOf(id));
    EXPECT_TRUE(status.ok()) << status.error_message();
    return id;
  }

  // A stationed group's work on a child it signed for: 初步核实, then the
  // final feedback.
  void CompleteChild(AgencyClient& group, const std::string& child_id) {
    grpc::Status status = group.RecordDisposition(DispositionOf(
        child_id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION));
    ASSERT_TRUE(status.ok()) << status.error_message();
    status = group.SendFeedback(
        FeedbackOf(child_id, v1::FEEDBACK_KIND_FINAL, kChildResult));
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::unique_ptr<AgencyClient> stationed_;
};

TEST_F(DelegationE2eTest, FinderFollowsTheDelegatedWorkAndTheLeadAnswersLast) {
  const std::string parent_id = DisposingLead();
  const v1::Referral before = commission_->Get(parent_id);
  ASSERT_EQ(before.state(), v1::REFERRAL_STATE_DISPOSING);

  // 交办, due ten days before the commission's own feedback deadline.
  v1::DelegateReferralRequest delegation = DelegationOf(parent_id, kStationed);
  delegation.set_request_id("commission-delegates-catering");
  const google::protobuf::Timestamp child_due =
      ToTimestamp(ToTime(before.feedback_due_at()) - 10 * kDay);
  *delegation.mutable_feedback_due_at() = child_due;
  v1::Referral parent;
  grpc::Status status = commission_->Delegate(delegation, &parent);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // The reply is the parent, still the commission's and still disposing.
  EXPECT_EQ(parent.referral_id(), parent_id);
  EXPECT_EQ(parent.state(), v1::REFERRAL_STATE_DISPOSING);
  EXPECT_EQ(parent.recipient_agency_id(), kCommission);
  EXPECT_EQ(parent.version(), before.version() + 1);
  ASSERT_EQ(parent.delegated_referral_ids_size(), 1);
  const std::string child_id = parent.delegated_referral_ids(0);
  ASSERT_FALSE(child_id.empty());
  EXPECT_NE(child_id, parent_id);

  // A retry has its effect once: the same parent, no second child.
  v1::Referral retried;
  status = commission_->Delegate(delegation, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.referral_id(), parent_id);
  EXPECT_EQ(retried.version(), parent.version());
  EXPECT_EQ(DelegatedIds(retried), std::vector<std::string>{child_id});
  EXPECT_EQ(commission_->Listed(v1::PARTY_ROLE_SENDER),
            std::vector<std::string>{child_id});
  EXPECT_EQ(stationed_->Listed(v1::PARTY_ROLE_RECIPIENT),
            std::vector<std::string>{child_id});

  // The child: from the commission to the stationed group, delegated from
  // the lead, followed by the inspection office, due when asked.
  const v1::Referral child = stationed_->Get(child_id);
  EXPECT_EQ(child.state(), v1::REFERRAL_STATE_SUBMITTED);
  EXPECT_EQ(child.sender_agency_id(), kCommission);
  EXPECT_EQ(child.recipient_agency_id(), kStationed);
  EXPECT_EQ(child.parent_referral_id(), parent_id);
  EXPECT_TRUE(child.delegated());
  EXPECT_TRUE(Observes(child, kInspection)) << child.ShortDebugString();
  EXPECT_EQ(ToTime(child.feedback_due_at()), ToTime(child_due));
  EXPECT_LE(ToTime(child.feedback_due_at()), ToTime(parent.feedback_due_at()));
  // The finder may read it.
  EXPECT_EQ(inspection_->Get(child_id).parent_referral_id(), parent_id);

  // The parent waits for the child's answer, and says which child it is.
  const v1::SendFeedbackRequest answer =
      FeedbackOf(parent_id, v1::FEEDBACK_KIND_FINAL, kParentResult);
  EXPECT_TRUE(IsRefused(commission_->SendFeedback(answer),
                        grpc::StatusCode::FAILED_PRECONDITION, child_id));

  // The stationed group works on the child.
  ASSERT_TRUE(stationed_->Accept(child_id).ok());
  ASSERT_TRUE(
      stationed_
          ->RecordDisposition(DispositionOf(
              child_id, v1::DISPOSITION_METHOD_PRELIMINARY_VERIFICATION))
          .ok());
  status = stationed_->SendFeedback(FeedbackOf(
      child_id, v1::FEEDBACK_KIND_INTERIM, "已调取供应商遴选会议记录及合同"));
  ASSERT_TRUE(status.ok()) << status.error_message();
  // Interim feedback is not the answer.
  EXPECT_TRUE(IsRefused(commission_->SendFeedback(answer),
                        grpc::StatusCode::FAILED_PRECONDITION, child_id));
  EXPECT_EQ(commission_->Get(parent_id).version(), parent.version());
  status = stationed_->SendFeedback(
      FeedbackOf(child_id, v1::FEEDBACK_KIND_FINAL, kChildResult));
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Citing a referral that is not a delegated child of the lead is refused,
  // although the commission received it too.
  const std::string other_id =
      inspection_->Submit(kCommission, SchoolCateringLead());
  ASSERT_FALSE(other_id.empty());
  v1::SendFeedbackRequest citing_other = answer;
  citing_other.mutable_feedback()->add_cites_referral_ids(other_id);
  EXPECT_TRUE(IsRefused(commission_->SendFeedback(citing_other),
                        grpc::StatusCode::INVALID_ARGUMENT,
                        "cites_referral_ids"));
  EXPECT_EQ(commission_->Get(parent_id).version(), parent.version());

  // Now the commission answers for the lead, citing the child.
  v1::SendFeedbackRequest citing_child = answer;
  citing_child.mutable_feedback()->add_cites_referral_ids(child_id);
  v1::Referral answered;
  status = commission_->SendFeedback(citing_child, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered.state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
  ASSERT_EQ(answered.feedback_size(), 1);
  EXPECT_EQ(std::vector<std::string>(
                answered.feedback(0).cites_referral_ids().begin(),
                answered.feedback(0).cites_referral_ids().end()),
            std::vector<std::string>{child_id});

  // Who heard what. The inspection office: its lead's steps, the
  // delegation, and every step of the child that reached the child's sender.
  const std::vector<v1::InboxEntry> finder = inspection_->Inbox();
  EXPECT_EQ(EventsOf(finder),
            (std::vector<InboxEvent>{
                {v1::EVENT_TYPE_ACCEPTED, parent_id},
                {v1::EVENT_TYPE_DISPOSITION_RECORDED, parent_id},
                {v1::EVENT_TYPE_DELEGATED, parent_id},
                {v1::EVENT_TYPE_ACCEPTED, child_id},
                {v1::EVENT_TYPE_DISPOSITION_RECORDED, child_id},
                {v1::EVENT_TYPE_INTERIM_FEEDBACK, child_id},
                {v1::EVENT_TYPE_FINAL_FEEDBACK, child_id},
                {v1::EVENT_TYPE_FINAL_FEEDBACK, parent_id},
            }));
  const std::vector<v1::InboxEntry> delegated =
      EntriesAbout(finder, v1::EVENT_TYPE_DELEGATED, parent_id);
  ASSERT_EQ(delegated.size(), 1u);
  EXPECT_EQ(delegated[0].event().related_referral_id(), child_id);
  EXPECT_EQ(delegated[0].event().actor(), kCommission);
  EXPECT_EQ(DelegatedIds(delegated[0].referral()),
            std::vector<std::string>{child_id});
  const std::vector<v1::InboxEntry> child_accepted =
      EntriesAbout(finder, v1::EVENT_TYPE_ACCEPTED, child_id);
  ASSERT_EQ(child_accepted.size(), 1u);
  EXPECT_EQ(child_accepted[0].event().actor(), kStationed);

  // The commission: the lead it received, the child's steps as its sender,
  // and the other lead.
  EXPECT_EQ(EventsOf(commission_->Inbox()),
            (std::vector<InboxEvent>{
                {v1::EVENT_TYPE_SUBMITTED, parent_id},
                {v1::EVENT_TYPE_ACCEPTED, child_id},
                {v1::EVENT_TYPE_DISPOSITION_RECORDED, child_id},
                {v1::EVENT_TYPE_INTERIM_FEEDBACK, child_id},
                {v1::EVENT_TYPE_FINAL_FEEDBACK, child_id},
                {v1::EVENT_TYPE_SUBMITTED, other_id},
            }));
  // The stationed group: the child it was given, with the lead.
  const std::vector<v1::InboxEntry> group = stationed_->Inbox();
  EXPECT_EQ(EventsOf(group), (std::vector<InboxEvent>{
                                 {v1::EVENT_TYPE_SUBMITTED, child_id},
                             }));
  ASSERT_EQ(group.size(), 1u);
  EXPECT_EQ(group[0].referral().lead().subject(),
            SchoolCateringLead().subject());
}

TEST_F(DelegationE2eTest, RefusedDelegationsCreateNothing) {
  const std::string parent_id = AcceptedLead(SchoolCateringLead());
  const v1::Referral before = commission_->Get(parent_id);
  ASSERT_EQ(before.state(), v1::REFERRAL_STATE_ACCEPTED);
  AgencyClient housing(*hub_, kHousing);
  AgencyClient audit(*hub_, kAudit);

  // Only the recipient may delegate: not the sender, not a stranger.
  EXPECT_TRUE(
      IsRefused(inspection_->Delegate(DelegationOf(parent_id, kStationed)),
                grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(IsRefused(housing.Delegate(DelegationOf(parent_id, kStationed)),
                        grpc::StatusCode::PERMISSION_DENIED));
  // Only along a route (CheckRoute: PERMISSION_DENIED, as for a submission).
  EXPECT_TRUE(IsRefused(commission_->Delegate(DelegationOf(parent_id, kAudit)),
                        grpc::StatusCode::PERMISSION_DENIED));
  // Never due after the lead itself.
  v1::DelegateReferralRequest late = DelegationOf(parent_id, kStationed);
  *late.mutable_feedback_due_at() =
      ToTimestamp(ToTime(before.feedback_due_at()) + kDay);
  EXPECT_TRUE(IsRefused(commission_->Delegate(late),
                        grpc::StatusCode::INVALID_ARGUMENT, "feedback_due_at"));
  // Saying what is asked of the child.
  v1::DelegateReferralRequest unexplained = DelegationOf(parent_id, kStationed);
  unexplained.clear_instructions();
  EXPECT_TRUE(IsRefused(commission_->Delegate(unexplained),
                        grpc::StatusCode::INVALID_ARGUMENT, "instructions"));

  // Nothing changed and nobody heard of it.
  const v1::Referral after = commission_->Get(parent_id);
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.state(), v1::REFERRAL_STATE_ACCEPTED);
  EXPECT_EQ(after.delegated_referral_ids_size(), 0);
  EXPECT_TRUE(commission_->Listed(v1::PARTY_ROLE_SENDER).empty());
  EXPECT_TRUE(stationed_->Listed(v1::PARTY_ROLE_RECIPIENT).empty());
  EXPECT_TRUE(audit.Listed(v1::PARTY_ROLE_RECIPIENT).empty());
  EXPECT_TRUE(stationed_->Inbox().empty());
  EXPECT_TRUE(audit.Inbox().empty());
  EXPECT_EQ(EventsOf(inspection_->Inbox()),
            (std::vector<InboxEvent>{{v1::EVENT_TYPE_ACCEPTED, parent_id}}));

  // Without a deadline of its own the child is due when the lead is; the
  // lead stays accepted.
  v1::Referral parent;
  const grpc::Status status =
      commission_->Delegate(DelegationOf(parent_id, kStationed), &parent);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(parent.state(), v1::REFERRAL_STATE_ACCEPTED);
  ASSERT_EQ(parent.delegated_referral_ids_size(), 1);
  const v1::Referral child = commission_->Get(parent.delegated_referral_ids(0));
  EXPECT_TRUE(child.delegated());
  EXPECT_EQ(ToTime(child.feedback_due_at()), ToTime(before.feedback_due_at()));
}

// Two groups share the work; the lead answers once each child has answered
// or ended: a child its group returned (退回) holds nothing up.
TEST_F(DelegationE2eTest, TheLeadWaitsForEveryChildStillOpen) {
  const std::string parent_id = DisposingLead();
  AgencyClient housing(*hub_, kHousing);
  v1::Referral parent;
  ASSERT_TRUE(
      commission_->Delegate(DelegationOf(parent_id, kStationed), &parent).ok());
  ASSERT_TRUE(
      commission_->Delegate(DelegationOf(parent_id, kHousing), &parent).ok());
  // Oldest first; the last names the newest child.
  ASSERT_EQ(parent.delegated_referral_ids_size(), 2);
  const std::string education_child = parent.delegated_referral_ids(0);
  const std::string housing_child = parent.delegated_referral_ids(1);
  EXPECT_EQ(stationed_->Get(education_child).recipient_agency_id(), kStationed);
  EXPECT_EQ(housing.Get(housing_child).recipient_agency_id(), kHousing);

  const v1::SendFeedbackRequest answer =
      FeedbackOf(parent_id, v1::FEEDBACK_KIND_FINAL, kParentResult);
  grpc::Status status = commission_->SendFeedback(answer);
  EXPECT_TRUE(IsRefused(status, grpc::StatusCode::FAILED_PRECONDITION,
                        education_child));
  EXPECT_TRUE(
      IsRefused(status, grpc::StatusCode::FAILED_PRECONDITION, housing_child));

  // The housing group returns its part: it has ended.
  status = housing.Return(housing_child, "不属于本组监督范围");
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = commission_->SendFeedback(answer);
  EXPECT_TRUE(IsRefused(status, grpc::StatusCode::FAILED_PRECONDITION,
                        education_child));
  EXPECT_EQ(status.error_message().find(housing_child), std::string::npos)
      << status.error_message();

  ASSERT_TRUE(stationed_->Accept(education_child).ok());
  ASSERT_NO_FATAL_FAILURE(CompleteChild(*stationed_, education_child));
  v1::Referral answered;
  status = commission_->SendFeedback(answer, &answered);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(answered.state(), v1::REFERRAL_STATE_FEEDBACK_SENT);
}

// kill -9 after the delegation: the link both ways, the entries, the request
// record and the rule that the lead waits for its child are all still there.
TEST_F(DelegationE2eTest, DelegationSurvivesAKill9) {
  const std::string parent_id = DisposingLead();
  v1::DelegateReferralRequest delegation = DelegationOf(parent_id, kStationed);
  delegation.set_request_id("commission-delegates-before-crash");
  v1::Referral parent;
  ASSERT_TRUE(commission_->Delegate(delegation, &parent).ok());
  ASSERT_EQ(parent.delegated_referral_ids_size(), 1);
  const std::string child_id = parent.delegated_referral_ids(0);
  ASSERT_TRUE(stationed_->Accept(child_id).ok());

  const v1::Referral child_before = stationed_->Get(child_id);
  const std::vector<InboxEvent> finder_before = EventsOf(inspection_->Inbox());
  const std::vector<InboxEvent> commission_before =
      EventsOf(commission_->Inbox());
  const std::vector<InboxEvent> group_before = EventsOf(stationed_->Inbox());
  ASSERT_EQ(finder_before.size(), 4u) << "accepted, disposition, delegated, "
                                         "the child accepted";

  hub_->Kill();
  absl::Status started = hub_->Start();
  ASSERT_TRUE(started.ok()) << started;
  Connect();

  const v1::Referral parent_after = commission_->Get(parent_id);
  EXPECT_EQ(parent_after.version(), parent.version());
  EXPECT_EQ(DelegatedIds(parent_after), std::vector<std::string>{child_id});
  const v1::Referral child_after = stationed_->Get(child_id);
  EXPECT_EQ(child_after.SerializeAsString(), child_before.SerializeAsString());
  EXPECT_TRUE(child_after.delegated());
  EXPECT_EQ(child_after.parent_referral_id(), parent_id);
  EXPECT_TRUE(Observes(child_after, kInspection));
  EXPECT_EQ(EventsOf(inspection_->Inbox()), finder_before);
  EXPECT_EQ(EventsOf(commission_->Inbox()), commission_before);
  EXPECT_EQ(EventsOf(stationed_->Inbox()), group_before);

  // The retry after the crash is still the same call.
  v1::Referral retried;
  ASSERT_TRUE(commission_->Delegate(delegation, &retried).ok());
  EXPECT_EQ(retried.version(), parent.version());
  EXPECT_EQ(commission_->Listed(v1::PARTY_ROLE_SENDER),
            std::vector<std::string>{child_id});

  // The lead still waits for the child; then answers.
  const v1::SendFeedbackRequest answer =
      FeedbackOf(parent_id, v1::FEEDBACK_KIND_FINAL, kParentResult);
  EXPECT_TRUE(IsRefused(commission_->SendFeedback(answer),
                        grpc::StatusCode::FAILED_PRECONDITION, child_id));
  ASSERT_NO_FATAL_FAILURE(CompleteChild(*stationed_, child_id));
  const grpc::Status status = commission_->SendFeedback(answer);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(EntriesAbout(inspection_->Inbox(), v1::EVENT_TYPE_FINAL_FEEDBACK,
                         child_id)
                .size(),
            1u);
}

}  // namespace
}  // namespace sx::testing
